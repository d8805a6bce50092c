package dev.paffmem.benchmarks;

import dev.paffmem.memory.AffectiveMemory;
import dev.paffmem.memory.MemoryConfig;
import dev.paffmem.memory.Prediction;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the enrolled faces' kernel read-out (the job's {@code RESIDUAL} once a person has enrolled faces) against
 * how many faces a memory holds, at 50 dimensions; the reason for {@link MemoryConfig#MAX_KERNEL_ENROLLED}.
 *
 * <ol>
 *   <li>Build: {@code mvn -q -pl benchmarks -am package -DskipTests}</li>
 *   <li>Run (about a minute): {@code java -jar benchmarks/target/benchmarks.jar EnrolmentBenchmark}</li>
 * </ol>
 *
 * <ul>
 *   <li>{@code enrolAndPredict}: a new enrolled face replaces the oldest (the memory is full), then one frame is
 *       predicted: the refit (about faces^3 / 3 multiply-adds) plus one read, what the first frame after a new
 *       enrolled face costs.</li>
 *   <li>{@code predict}: one frame's read-out with the fit in place (every other frame).</li>
 *   <li>{@code predictNearest}: the same with {@code enrolledLengthScale} 0 (the 3 nearest), for comparison.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EnrolmentBenchmark {

  @Param({"9", "64", "256"})
  public int faces;

  private AffectiveMemory kernel;
  private AffectiveMemory nearest;
  private float[][] zs;
  private int next;

  @Setup(Level.Trial)
  public void fill() {
    MemoryConfig config = MemoryConfig.defaults().toBuilder().readout(MemoryConfig.Readout.RESIDUAL)
        .maxEnrolled(faces).build();
    kernel = new AffectiveMemory(config);
    nearest = new AffectiveMemory(config.toBuilder().enrolledLengthScale(0f).build());
    Random random = new Random(42);
    zs = new float[4096][config.dimension()];
    for (float[] z : zs) {
      for (int i = 0; i < z.length; i++) {
        z[i] = (float) random.nextGaussian();
      }
    }
    for (int i = 0; i < faces; i++) {
      float label = (float) (random.nextDouble() * 2 - 1);
      kernel.enrol(zs[i], label, -label, 0.1f, 0.1f);
      nearest.enrol(zs[i], label, -label, 0.1f, 0.1f);
    }
  }

  private float[] nextZ() {
    return zs[next++ & 4095];
  }

  @Benchmark
  public Prediction enrolAndPredict() {
    float[] z = nextZ();
    kernel.enrol(z, 0.5f, -0.5f, 0.1f, 0.1f);
    return kernel.predict(z, 0.1f, 0.1f);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Prediction predict() {
    return kernel.predict(nextZ(), 0.1f, 0.1f);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Prediction predictNearest() {
    return nearest.predict(nextZ(), 0.1f, 0.1f);
  }
}
