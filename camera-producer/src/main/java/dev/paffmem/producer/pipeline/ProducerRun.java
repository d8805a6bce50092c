package dev.paffmem.producer.pipeline;

import dev.paffmem.schema.FaceFrame;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs several cameras into one sink and prints a progress line per camera every {@code progressMillis} (frames
 * decoded, processed and dropped per second, faces per second, persons), then a summary per person.
 */
public final class ProducerRun {

  private final List<CameraPipeline> cameras = new ArrayList<>();
  private final PrintStream out;
  private final long progressMillis;
  private final Supplier<String> sinkStatus;

  /**
   * @param sinkStatus one line about the sink (e.g. Kafka sends and acknowledgements), or null
   */
  public ProducerRun(List<CameraConfig> configs, Consumer<FaceFrame> sink, PrintStream out, long progressMillis,
      Supplier<String> sinkStatus) {
    for (CameraConfig c : configs) {
      cameras.add(new CameraPipeline(c, sink));
    }
    this.out = out;
    this.progressMillis = progressMillis;
    this.sinkStatus = sinkStatus;
  }

  public List<CameraPipeline> cameras() {
    return cameras;
  }

  /** Starts every camera and waits until all ended; returns the wall time in seconds. */
  public double run() throws Exception {
    long t0 = System.nanoTime();
    for (CameraPipeline c : cameras) {
      c.start();
    }
    long[][] last = new long[cameras.size()][3];
    long lastT = t0;
    while (!cameras.stream().allMatch(c -> c.stats().done)) {
      Thread.sleep(Math.min(200, progressMillis));
      long now = System.nanoTime();
      if (out != null && now - lastT >= progressMillis * 1_000_000L) {
        double dt = (now - lastT) / 1e9;
        for (int i = 0; i < cameras.size(); i++) {
          CameraStats s = cameras.get(i).stats();
          long[] l = last[i];
          long d = s.decoded.get();
          long p = s.processed.get();
          long f = s.faces.get();
          out.printf(Locale.ROOT, "[%s] stream %.1f s | decoded %d (%.1f/s) | processed %d (%.1f/s) | dropped %d |"
                  + " faces %d (%.1f/s) | persons: %d active, %d ended%n",
              cameras.get(i).config().cameraId(), s.streamMillis.get() / 1000.0, d, (d - l[0]) / dt, p,
              (p - l[1]) / dt, s.dropped.get(), f, (f - l[2]) / dt, s.activeTracks.get(), s.persons.size());
          l[0] = d;
          l[1] = p;
          l[2] = f;
        }
        if (sinkStatus != null) {
          out.println("  " + sinkStatus.get());
        }
        lastT = now;
      }
    }
    for (CameraPipeline c : cameras) {
      c.join();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** The first error of any camera, or null. */
  public Exception error() {
    for (CameraPipeline c : cameras) {
      if (c.stats().error != null) {
        return c.stats().error;
      }
    }
    return null;
  }

  /** A table: per camera its totals, per person its faces and frames. */
  public void printSummary(double seconds) {
    if (out == null) {
      return;
    }
    for (CameraPipeline c : cameras) {
      CameraStats s = c.stats();
      out.printf(Locale.ROOT, "[%s] %s: %d frames decoded, %d processed (%.1f/s), %d dropped, %d detector runs,"
              + " %d faces, %d persons%s%n",
          c.config().cameraId(), c.config().input(), s.decoded.get(), s.processed.get(),
          s.processed.get() / seconds, s.dropped.get(), s.detections.get(), s.faces.get(), s.persons.size(),
          s.error == null ? "" : "; FAILED: " + s.error.getMessage());
      for (CameraStats.Person p : s.persons) {
        out.printf(Locale.ROOT, "    %-32s %6d faces, frames %d-%d, ended: %s%n", p.personId(), p.faces(),
            p.firstFrame(), p.lastFrame(), p.endReason());
      }
    }
  }
}
