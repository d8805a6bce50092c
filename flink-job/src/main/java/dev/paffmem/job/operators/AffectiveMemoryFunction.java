package dev.paffmem.job.operators;

import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelIdentity;
import dev.paffmem.job.model.EncodedFrame;
import dev.paffmem.job.model.Frame;
import dev.paffmem.memory.AffectiveMemory;
import dev.paffmem.memory.MemoryConfig;
import dev.paffmem.memory.Prediction;
import dev.paffmem.memory.Sample;
import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.AffectiveMemoryState;
import dev.paffmem.schema.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The person's affective memory (paper 2.2), keyed by person id and kept in Flink state as its Avro
 * record {@link AffectiveMemoryState} (so the state evolves with the schema).
 *
 * <p>Per frame: train the memory with the generated faces (labelled with their targets) and the real
 * frame (unlabelled), seeded by (person, frameIndex) so a replay trains identically; then the BMU of
 * the real frame's z gives the prediction. One {@link AffectPrediction} per frame.
 *
 * <p>The state records the model that built the memory ({@link ModelIdentity}: id, version, encoder sha256); a
 * memory of another model, or of an unrecorded one, is dropped and the person onboarded again.
 *
 * <p>Idle persons expire after the TTL ({@link IdleTimers}). Metrics: {@code framesOut},
 * {@code memorySize}, {@code endToEndLatencyMs} (Kafka timestamp of the input to emission),
 * {@code generationTimePerPersonMs} (inference time of a person's whole generation phase).
 */
public final class AffectiveMemoryFunction extends KeyedProcessFunction<String, EncodedFrame, AffectPrediction> {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AffectiveMemoryFunction.class);

  private final JobConfig config;
  private final int zDim;
  private final ModelIdentity model;

  private transient MemoryConfig memoryConfig;
  private transient ValueState<AffectiveMemoryState> memory;
  private transient ValueState<Long> lastSeen;
  private transient ValueState<Long> generationNanos;
  private transient Counter framesOut;
  private transient Histogram memorySize;
  private transient Histogram endToEndLatency;
  private transient Histogram generationTime;
  private transient Counter memoriesDropped;

  /** {@code model}: the job's model; a memory built with another one is never used (flink-job/README.md, Model upgrades). */
  public AffectiveMemoryFunction(JobConfig config, int zDim, ModelIdentity model) {
    this.config = config;
    this.zDim = zDim;
    this.model = model;
  }

  /** The person's memory: its Avro record, so the state evolves with the schema. */
  static ValueStateDescriptor<AffectiveMemoryState> memoryDescriptor(Duration ttl) {
    ValueStateDescriptor<AffectiveMemoryState> d =
        new ValueStateDescriptor<>("affective-memory", new AvroTypeInfo<>(AffectiveMemoryState.class));
    d.enableTimeToLive(IdleTimers.ttlConfig(ttl));
    return d;
  }

  @Override
  public void open(OpenContext openContext) {
    memoryConfig = config.memoryConfig(zDim);
    Duration ttl = config.stateTtl();
    memory = getRuntimeContext().getState(memoryDescriptor(ttl));
    ValueStateDescriptor<Long> s = new ValueStateDescriptor<>("last-seen", Types.LONG);
    s.enableTimeToLive(IdleTimers.ttlConfig(ttl));
    lastSeen = getRuntimeContext().getState(s);
    ValueStateDescriptor<Long> g = new ValueStateDescriptor<>("generation-nanos", Types.LONG);
    g.enableTimeToLive(IdleTimers.ttlConfig(ttl));
    generationNanos = getRuntimeContext().getState(g);

    var group = getRuntimeContext().getMetricGroup();
    framesOut = group.counter("framesOut");
    memorySize = group.histogram("memorySize", new DescriptiveStatisticsHistogram(1000));
    endToEndLatency = group.histogram("endToEndLatencyMs", new DescriptiveStatisticsHistogram(1000));
    generationTime = group.histogram("generationTimePerPersonMs", new DescriptiveStatisticsHistogram(1000));
    memoriesDropped = group.counter("memoriesDroppedAfterModelChange");
  }

  @Override
  public void processElement(EncodedFrame e, Context ctx, Collector<AffectPrediction> out) throws Exception {
    Frame f = e.frame;
    AffectiveMemoryState state = memory.value();
    if (state != null && !model.built(state)) {
      // another model's z-space (or an unrecorded one): never match this model's z against it. The sequencer
      // has put the person back into GENERATING for the same reason, so the new memory is seeded from this frame.
      if (memoriesDropped.getCount() == 0) {
        LOG.warn("The memory of person {} was built with {}, this job runs {}: dropping it, the person is onboarded"
            + " again (so is every other such person; counted in memoriesDroppedAfterModelChange)", f.personId,
            ModelIdentity.describe(state), model);
      }
      memoriesDropped.inc();
      state = null;
    }
    AffectiveMemory gwr = state == null ? new AffectiveMemory(memoryConfig) : AffectiveMemory.fromState(state, memoryConfig);

    int generated = e.generatedCount();
    List<Sample> samples = new ArrayList<>(generated + 1);
    for (int i = 0; i < generated; i++) {
      float[] z = new float[zDim];
      System.arraycopy(e.generatedZ, i * zDim, z, 0, zDim);
      boolean read = e.generatedPk.length == e.generatedTargets.length;
      samples.add(Sample.labelled(z, e.generatedTargets[2 * i], e.generatedTargets[2 * i + 1],
          read ? e.generatedPk[2 * i] : Float.NaN, read ? e.generatedPk[2 * i + 1] : Float.NaN));
    }
    samples.add(Sample.unlabelled(e.z));
    gwr.train(samples, AffectiveMemory.seed(f.personId, f.frameIndex));
    Prediction p = gwr.predict(e.z, e.pkArousal, e.pkValence);
    memory.update(model.stamp(gwr.toState()));

    long now = ctx.timerService().currentProcessingTime();
    lastSeen.update(now);
    ctx.timerService().registerProcessingTimeTimer(IdleTimers.nextTimer(now, config.stateTtl()));
    if (f.phase == Phase.GENERATING) {
      Long sum = generationNanos.value();
      long total = (sum == null ? 0 : sum) + e.generationNanos;
      if (f.ordinal + 1 >= config.generationFrames()) {
        generationTime.update(total / 1_000_000);
        generationNanos.clear();
      } else {
        generationNanos.update(total);
      }
    }

    memorySize.update(p.memorySize());
    endToEndLatency.update(Math.max(0, now - f.kafkaTimestamp));
    framesOut.inc();
    if (LOG.isTraceEnabled()) {
      LOG.trace("prediction {} {} {} memory {}", f.personId, f.frameIndex, f.phase, p.memorySize());
    }
    out.collect(AffectPrediction.newBuilder()
        .setPersonId(f.personId)
        .setSourceId(f.sourceId)
        .setFrameIndex(f.frameIndex)
        .setEventTime(Instant.ofEpochMilli(f.eventTime))
        .setArousal(p.arousal())
        .setValence(p.valence())
        .setPkArousal(e.pkArousal)
        .setPkValence(e.pkValence)
        .setPhase(f.phase)
        .setMemorySize(p.memorySize())
        .setBmuActivation(p.activation())
        .setModelId(model.modelId())
        .setModelVersion(model.modelVersion())
        .setProcessingTime(Instant.ofEpochMilli(now))
        .setVideoId(f.videoId)
        .setUtteranceId(f.utteranceId)
        .setTrueArousal(f.trueArousal)
        .setTrueValence(f.trueValence)
        .build());
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<AffectPrediction> out) throws Exception {
    Long seen = lastSeen.value();
    if (seen == null || IdleTimers.expired(seen, timestamp, config.stateTtl())) {
      memory.clear();
      lastSeen.clear();
      generationNanos.clear();
    }
  }
}
