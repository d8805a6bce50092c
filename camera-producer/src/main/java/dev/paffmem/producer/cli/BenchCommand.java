package dev.paffmem.producer.cli;

import dev.paffmem.producer.pipeline.CameraConfig;
import dev.paffmem.producer.pipeline.CameraPipeline;
import dev.paffmem.producer.pipeline.ProducerRun;
import dev.paffmem.producer.synthetic.SyntheticVideo;
import dev.paffmem.schema.WireFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code produce bench}: frames per second of decode + detect + track + crop + Avro encoding (no Kafka), at 640x480
 * and 360x288, with one stream and with four, on rendered videos of three persons (10 s each, looped by repeating the
 * file). Besides wall-clock rates it reports the process's CPU time per frame: on a shared machine the wall-clock rates
 * are lower bounds, and the CPU time tells what the producer itself costs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Producer throughput without Kafka: decode + detect + track + crop + encode, frames/s at 640x480 and"
        + " 360x288, one stream and four (as fast as possible), then four 25 fps streams in real time (drops).")
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--work-dir", defaultValue = "data/producer-bench", description = "default: ${DEFAULT-VALUE}")
  Path workDir;

  @Option(names = "--streams", split = ",", defaultValue = "1,4", description = "default: ${DEFAULT-VALUE}")
  List<Integer> streams;

  @Option(names = "--sizes", split = ",", defaultValue = "640x480,360x288", description = "default: ${DEFAULT-VALUE}")
  List<String> sizes;

  @Option(names = "--no-realtime-check",
      description = "skip the last run (four 640x480 streams paced at 25 fps, dropped frames counted)")
  boolean noRealtimeCheck;

  @Mixin
  ProduceCommand.CameraOptions camera = new ProduceCommand.CameraOptions();

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(workDir);
    System.out.printf(Locale.ROOT, "cores %d, detector %s every %d frames%n",
        Runtime.getRuntime().availableProcessors(), camera.detector().label(), camera.detectEvery);
    System.out.println("| frame size | streams | frames | wall s | frames/s (all streams) | frames/s per stream | faces/s"
        + " | CPU ms a frame (process) | frames/s the CPU time allows on all cores |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (String size : sizes) {
      int w = Integer.parseInt(size.split("x")[0]);
      int h = Integer.parseInt(size.split("x")[1]);
      Path video = workDir.resolve("three-persons-" + size + ".mp4");
      if (!Files.exists(video)) {
        SyntheticVideo.threePersons(w, h, 0, 8, 5).write(video);
      }
      // warm-up: class loading, native libraries, cascade loading
      run(video, 1, false);
      for (int n : streams) {
        Result r = run(video, n, false);
        double cpuMs = r.cpuSeconds * 1000 / r.frames;
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %.1f | %.0f | %.0f | %.0f | %.1f | %.0f |%n", size, n, r.frames,
            r.seconds, r.frames / r.seconds, r.frames / r.seconds / n, r.faces / r.seconds, cpuMs,
            Runtime.getRuntime().availableProcessors() * 1000 / cpuMs);
      }
    }
    if (!noRealtimeCheck) {
      Path video = workDir.resolve("three-persons-640x480.mp4");
      if (!Files.exists(video)) {
        SyntheticVideo.threePersons(640, 480, 0, 8, 5).write(video);
      }
      Result r = run(video, 4, true);
      System.out.printf(Locale.ROOT, "real time, 4 streams x 25 fps at 640x480: %d frames decoded, %d dropped (%.2f %%),"
          + " %d faces in %.1f s, %.2f cores busy (process CPU time / wall time)%n", r.decoded, r.dropped,
          100.0 * r.dropped / Math.max(1, r.decoded), r.faces, r.seconds, r.cpuSeconds / r.seconds);
    }
    return 0;
  }

  private record Result(long frames, long decoded, long dropped, long faces, double seconds, double cpuSeconds) {}

  private Result run(Path video, int n, boolean realtime) throws Exception {
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      inputs.add(video.toString());
    }
    camera.realtime = realtime;
    List<CameraConfig> configs = camera.configs(inputs);
    AtomicLong bytes = new AtomicLong();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    ProducerRun run = new ProducerRun(configs, f -> bytes.addAndGet(WireFormat.encode(f::toByteBuffer).length), null,
        1000, null);
    double seconds = run.run();
    if (run.error() != null) {
      throw run.error();
    }
    long frames = 0;
    long decoded = 0;
    long dropped = 0;
    long faces = 0;
    for (CameraPipeline c : run.cameras()) {
      frames += c.stats().processed.get();
      decoded += c.stats().decoded.get();
      dropped += c.stats().dropped.get();
      faces += c.stats().faces.get();
    }
    return new Result(frames, decoded, dropped, faces, seconds, (os.getProcessCpuTime() - cpu0) / 1e9);
  }
}
