package dev.paffmem.benchmarks.job;

import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelIdentity;
import dev.paffmem.job.operators.PersonProgress;
import dev.paffmem.job.state.JobState;
import dev.paffmem.memory.AffectiveMemory;
import dev.paffmem.memory.AffectiveMemoryCodec;
import dev.paffmem.schema.AffectiveMemoryState;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * Benchmark support, not part of the job: writes the job's keyed state for persons who have
 * already passed onboarding, so steady-state and scale benchmarks need not run 25 generation
 * frames (5,000 generator rows) per person first.
 *
 * <p>A seeding job keyed by person id, with the job's operator uids ({@code sequence},
 * {@code affective-memory}) and the job's own state descriptors ({@link JobState}), puts in
 * each person's state what the job would hold after
 * onboarding: the sequencer's progress (25 accepted frames) and the memory given as Avro bytes
 * (a memory the benchmark built exactly as the job builds it). A savepoint of it starts the job.
 */
public final class StateSeeding {

  /** Persons seeded so far in this JVM (the MiniCluster runs in-process). */
  public static final AtomicLong SEEDED = new AtomicLong();

  private StateSeeding() {}

  /** The seeding job: person ids from {@code ids} -> the sequencer's and the memory's keyed state. */
  public static void build(StreamExecutionEnvironment env, Source<String, ?, ?> ids, JobConfig cfg, byte[] memoryBytes,
      int zDim, ModelIdentity model) {
    env.setMaxParallelism(cfg.maxParallelism());
    DataStream<String> persons = env.fromSource(ids, WatermarkStrategy.noWatermarks(), "seed ids").uid("seed-ids");
    persons.keyBy(p -> p, Types.STRING)
        .process(new SeedProgress(cfg.generationFrames(), cfg.stateTtl(), model.key()), Types.STRING).uid(PAffMemJob.UID_SEQUENCE)
        .sinkTo(new DiscardingSink<>());
    persons.keyBy(p -> p, Types.STRING)
        .process(new SeedMemory(cfg, memoryBytes, zDim, model), Types.STRING).uid(PAffMemJob.UID_MEMORY)
        .sinkTo(new DiscardingSink<>());
  }

  /** The sequencer's state: the person's first {@code generationFrames} frames were accepted. */
  static final class SeedProgress extends KeyedProcessFunction<String, String, String> {
    private static final long serialVersionUID = 1L;
    private final int generationFrames;
    private final Duration ttl;
    private final String model;
    private transient ValueState<PersonProgress> progress;

    SeedProgress(int generationFrames, Duration ttl, String model) {
      this.generationFrames = generationFrames;
      this.ttl = ttl;
      this.model = model;
    }

    @Override
    public void open(OpenContext ctx) {
      progress = getRuntimeContext().getState(JobState.progress(ttl));
    }

    @Override
    public void processElement(String person, Context ctx, Collector<String> out) throws Exception {
      PersonProgress p = new PersonProgress();
      p.acceptedFrames = generationFrames;
      p.lastFrameIndex = generationFrames - 1;
      p.lastSeen = ctx.timerService().currentProcessingTime();
      p.model = model; // onboarded with the job's model (another one would onboard the person again)
      progress.update(p);
    }
  }

  /** The memory's state: the given memory (one decoded copy per person, as after a restore). */
  static final class SeedMemory extends KeyedProcessFunction<String, String, String> {
    private static final long serialVersionUID = 1L;
    private final JobConfig cfg;
    private final byte[] memoryBytes;
    private final int zDim;
    private final ModelIdentity model;
    private transient ValueState<AffectiveMemoryState> memory;
    private transient ValueState<Long> lastSeen;

    SeedMemory(JobConfig cfg, byte[] memoryBytes, int zDim, ModelIdentity model) {
      this.cfg = cfg;
      this.memoryBytes = memoryBytes;
      this.zDim = zDim;
      this.model = model;
    }

    @Override
    public void open(OpenContext ctx) {
      memory = getRuntimeContext().getState(JobState.memory(cfg.stateTtl()));
      lastSeen = getRuntimeContext().getState(JobState.lastSeen(cfg.stateTtl()));
    }

    @Override
    public void processElement(String person, Context ctx, Collector<String> out) throws Exception {
      memory.update(model.stamp(AffectiveMemoryCodec.toState(AffectiveMemoryCodec.fromBytes(memoryBytes, cfg.memoryConfig(zDim)))));
      lastSeen.update(ctx.timerService().currentProcessingTime());
      SEEDED.incrementAndGet();
    }
  }
}
