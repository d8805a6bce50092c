package dev.paffmem.benchmarks;

import dev.paffmem.memory.AffectiveMemory;
import dev.paffmem.memory.AffectiveMemoryCodec;
import dev.paffmem.memory.MemoryConfig;
import dev.paffmem.memory.Prediction;
import dev.paffmem.memory.Sample;
import java.util.ArrayList;
import java.util.List;
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
 * Cost of the affective memory at 50 dimensions against its neuron count, measured on a memory
 * that is full (its cap equals the neuron count, so it does not grow during the run).
 *
 * <ol>
 *   <li>Build: {@code mvn -q -pl benchmarks -am package -DskipTests}</li>
 *   <li>Run (about 4 minutes): {@code java -jar benchmarks/target/benchmarks.jar Memory}; add
 *       {@code -prof dev.paffmem.benchmarks.CpuTimeProfiler} for CPU time per operation.</li>
 * </ol>
 *
 * <ul>
 *   <li>{@code trainingSample}: one training step (BMU search, update or insertion, edges).</li>
 *   <li>{@code onlineFrame}: what the job does per frame after the 25th: 1 real sample, 10 epochs.</li>
 *   <li>{@code generationFrame}: per frame of the first 25: 200 generated + 1 real sample, 10 epochs.</li>
 *   <li>{@code predict}: one BMU search.</li>
 *   <li>{@code serialize}: {@link AffectiveMemoryCodec#toBytes} (Avro binary, what a serializing state
 *       backend stores); the byte count is printed at setup.</li>
 *   <li>{@code stateRoundTrip}: {@code fromState(toState(memory))}, what the job pays per frame to keep
 *       the memory in keyed state.</li>
 * </ul>
 * Memories are filled with {@link SyntheticPerson} streams, so their edges and habituation are
 * those of a trained memory.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MemoryBenchmark {

  @Param({"100", "300", "500", "1000", "2000"})
  public int neurons;

  private AffectiveMemory memory;
  private AffectiveMemory oneEpoch;
  private List<List<Sample>> onlineFrames;
  private List<Sample> generationFrame;
  private int next;

  @Setup(Level.Trial)
  public void fill() {
    MemoryConfig config = MemoryConfig.builder().maxNeurons(neurons).build();
    SyntheticPerson face = new SyntheticPerson(42);
    memory = new AffectiveMemory(config);
    long frame = 0;
    for (; frame < 25; frame++) {
      face.advance();
      memory.train(face.generationFrame(), AffectiveMemory.seed("bench", frame));
    }
    while (memory.size() < neurons && frame < 200_000) {
      face.advance();
      memory.train(List.of(Sample.unlabelled(face.realZ())), AffectiveMemory.seed("bench", frame++));
    }
    byte[] state = AffectiveMemoryCodec.toBytes(memory);
    System.out.printf("%n[setup] %d neurons, %d edges, %d state bytes (%.1f per neuron), after %d frames%n",
        memory.size(), memory.edgeCount(), state.length, state.length / (double) memory.size(), frame);
    oneEpoch = AffectiveMemoryCodec.fromBytes(state, config.toBuilder().epochs(1).build());
    onlineFrames = new ArrayList<>();
    for (int i = 0; i < 4096; i++) {
      face.advance();
      onlineFrames.add(List.of(Sample.unlabelled(face.realZ())));
    }
    face.advance();
    generationFrame = face.generationFrame();
  }

  private List<Sample> nextFrame() {
    return onlineFrames.get(next++ & 4095);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int trainingSample() {
    oneEpoch.train(nextFrame(), next);
    return oneEpoch.size();
  }

  @Benchmark
  public int onlineFrame() {
    memory.train(nextFrame(), next);
    return memory.size();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int generationFrame() {
    memory.train(generationFrame, next++);
    return memory.size();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Prediction predict() {
    return memory.predict(nextFrame().get(0).z());
  }

  @Benchmark
  public byte[] serialize() {
    return AffectiveMemoryCodec.toBytes(memory);
  }

  @Benchmark
  public AffectiveMemory stateRoundTrip() {
    return AffectiveMemoryCodec.fromState(AffectiveMemoryCodec.toState(memory), memory.config());
  }
}
