package dev.paffmem.job.memory;

import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelIdentity;
import dev.paffmem.job.records.EncodedFrame;
import dev.paffmem.job.records.Frame;
import dev.paffmem.job.state.IdleTimers;
import dev.paffmem.job.state.JobState;
import dev.paffmem.job.state.WriteBackCache;
import dev.paffmem.job.state.WritesBack;
import dev.paffmem.memory.AffectiveMemory;
import dev.paffmem.memory.AffectiveMemoryCodec;
import dev.paffmem.memory.BiasCorrection;
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
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The person's affective memory (paper 2.2), keyed by person id and kept in Flink state as its Avro
 * record {@link AffectiveMemoryState} (so the state evolves with the schema).
 *
 * <p>Per frame: train the memory with the frame's generated faces (labelled with their targets; frames of
 * the generation phase) and the real frame (unlabelled), seeded by (person, frameIndex) so a replay
 * trains identically; then the memory predicts the frame. One {@link AffectPrediction} per frame, emitted
 * when the frame arrives.
 *
 * <p>Generation runs off the online path: a generation frame's edits arrive as a separate record after
 * the frame. Frames are trained strictly in the person's order, each once its edits are here, so the
 * memory is the same whatever the timing; frames that arrive while an earlier generation frame still
 * waits for its edits are kept in state ({@code pending-frames}, {@code pending-edits}) and get the PK's
 * own prediction at once, with phase GENERATING. From the first frame after the whole generation phase
 * is trained, the memory predicts (phase ONLINE). With {@code --predictions-while-seeding WAIT} (offline
 * evaluation) a frame's prediction waits instead until the memory has trained on it, and is the memory's,
 * as in the paper's schedule.
 *
 * <p>A frame with an enrolment label (FaceFrame's {@code enrolment}: a face at a known emotion) trains like any other and
 * is then kept by the memory as an enrolled face ({@link AffectiveMemory#enrol}); once a person has one, the memory
 * predicts from the enrolled faces, and its GWR, never read again, is no longer trained (flink-job/README.md,
 * Enrolment).
 *
 * <p>With {@code --bias-correction regions} ({@link BiasCorrection}) every prediction, the memory's and the PK's while
 * the memory is seeded, has the person's bias estimate subtracted: the estimate as of that frame (kept with a frame
 * that waits), from the running sums of the person's band - PK disagreements, kept in keyed state ({@code
 * regions-sums}) and started over with the person. The reported PK reading stays the PK's. A person with enrolled
 * faces is corrected by those (labels) instead: the memory's predictions of them carry no regions' correction.
 *
 * <p>The state records the model that built the memory ({@link ModelIdentity}: id, version, encoder sha256); a
 * memory of another model, or of an unrecorded one, is dropped and the person onboarded again.
 *
 * <p>Idle persons expire after the TTL ({@link IdleTimers}). Metrics: {@code framesOut},
 * {@code memorySize}, {@code endToEndLatencyMs} (Kafka timestamp of the input to emission),
 * {@code generationTimePerPersonMs} (inference time of a person's whole generation phase), {@code facesEnrolled},
 * {@code framesNotTrainedEnrolled} (frames of enrolled persons: their GWR is not trained, as it is never read).
 */
public final class AffectiveMemoryFunction extends KeyedProcessFunction<String, EncodedFrame, AffectPrediction>
    implements WritesBack {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AffectiveMemoryFunction.class);

  private final JobConfig config;
  private final int zDim;
  private final ModelIdentity model;
  /** The regions' bias correction ({@code --bias-correction regions}), or null: predictions are not corrected. */
  private final BiasCorrection biasCorrection;

  private transient MemoryConfig memoryConfig;
  private transient boolean waitForMemory;
  private transient ValueState<AffectiveMemoryState> memory;
  private transient ValueState<Long> lastSeen;
  private transient ValueState<Long> generationNanos;
  /** The ordinal of the person's next frame to train on; frames and edits that arrived ahead of it wait below. */
  private transient ValueState<Long> nextOrdinal;
  private transient MapState<Long, EncodedFrame> pendingFrames;
  private transient MapState<Long, EncodedFrame> pendingEdits;
  private transient ValueState<double[]> regionsSums;
  private transient Counter framesOut;
  private transient Histogram memorySize;
  private transient Histogram endToEndLatency;
  private transient Histogram generationTime;
  private transient Counter memoriesDropped;
  private transient Counter facesEnrolled;
  private transient Counter framesNotTrainedEnrolled;
  /** The persons' memories, next ordinals and last-seen times between checkpoints. */
  private transient WriteBackCache<Person> persons;

  /**
   * One person's values on the heap: the trained memory as the object, not its Avro record (training the object gives
   * the memory that training it restored from its record each frame gave: the record holds it bit for bit and the
   * graph depends only on its neurons and edge set); null fields: none yet.
   */
  static final class Person {
    AffectiveMemory memory;
    Long nextOrdinal;
    Long lastSeen;
    /** The regions' running sums ({@link BiasCorrection}); null without the correction or before the first frame. */
    double[] regionsSums;
  }

  /** {@code model}: the job's model; a memory built with another one is never used (flink-job/README.md, Model upgrades). */
  public AffectiveMemoryFunction(JobConfig config, int zDim, ModelIdentity model) {
    this(config, zDim, model, null);
  }

  /**
   * As {@link #AffectiveMemoryFunction(JobConfig, int, ModelIdentity)}; with a {@code biasCorrection} every prediction
   * (the memory's, and the PK's while the memory is seeded) has the person's regions' bias estimate as of that frame
   * subtracted (frames must then carry their band readings, {@link EncodedFrame#bands}).
   */
  public AffectiveMemoryFunction(JobConfig config, int zDim, ModelIdentity model, BiasCorrection biasCorrection) {
    this.config = config;
    this.zDim = zDim;
    this.model = model;
    this.biasCorrection = biasCorrection;
  }

  @Override
  public void open(OpenContext openContext) {
    memoryConfig = config.memoryConfig(zDim);
    waitForMemory = config.predictionsWhileSeeding() == JobConfig.SeedingPredictions.WAIT;
    Duration ttl = config.stateTtl();
    memory = getRuntimeContext().getState(JobState.memory(ttl));
    lastSeen = getRuntimeContext().getState(JobState.lastSeen(ttl));
    generationNanos = getRuntimeContext().getState(JobState.generationNanos(ttl));
    nextOrdinal = getRuntimeContext().getState(JobState.nextOrdinal(ttl));
    pendingFrames = getRuntimeContext().getMapState(JobState.pendingFrames(ttl));
    pendingEdits = getRuntimeContext().getMapState(JobState.pendingEdits(ttl));
    regionsSums = biasCorrection == null ? null : getRuntimeContext().getState(JobState.regionsSums(ttl));

    var group = getRuntimeContext().getMetricGroup();
    framesOut = group.counter("framesOut");
    memorySize = group.histogram("memorySize", new DescriptiveStatisticsHistogram(1000));
    endToEndLatency = group.histogram("endToEndLatencyMs", new DescriptiveStatisticsHistogram(1000));
    generationTime = group.histogram("generationTimePerPersonMs", new DescriptiveStatisticsHistogram(1000));
    memoriesDropped = group.counter("memoriesDroppedAfterModelChange");
    facesEnrolled = group.counter("facesEnrolled");
    framesNotTrainedEnrolled = group.counter("framesNotTrainedEnrolled");
    persons = new WriteBackCache<>(config.stateCachePersons(), new WriteBackCache.Store<>() {
      @Override
      public Person load(String person) throws Exception {
        return AffectiveMemoryFunction.this.load(person);
      }

      @Override
      public void write(Person p) throws Exception {
        AffectiveMemoryFunction.this.write(p);
      }
    });
  }

  @Override
  public void processElement(EncodedFrame e, Context ctx, Collector<AffectPrediction> out) throws Exception {
    Frame f = e.frame;
    String person = ctx.getCurrentKey();
    long now = ctx.timerService().currentProcessingTime();
    Person p = persons.get(person);
    Long next = p.nextOrdinal;
    if (e.edits) {
      if (next == null || f.ordinal >= next) {
        pendingEdits.put(f.ordinal, e);
      }
      if (next != null) {
        trainInOrder(person, next, null, p, now, out);
      }
      persons.settle(person);
      return;
    }

    if (next != null && f.ordinal < next) {
      // the sequencer started the person over (its idle timer fired just before this one's): so does the memory
      p.memory = null;
      p.regionsSums = null;
      pendingFrames.clear();
      pendingEdits.clear();
      generationNanos.clear();
      next = null;
    }
    if (biasCorrection != null) { // the frame's estimate counts the person's frames up to and including it
      if (p.regionsSums == null) {
        p.regionsSums = biasCorrection.newState();
      }
      if (e.bands.length == biasCorrection.readings()) {
        biasCorrection.add(p.regionsSums, e.bands, e.pkArousal, e.pkValence);
      }
      float[] c = biasCorrection.correction(p.regionsSums, f.ordinal + 1); // ordinal: the person's frames before
      e.biasArousal = c[0];
      e.biasValence = c[1];
    }
    if (next == null) {
      next = f.ordinal; // a new person (0), or one restored from a state without this (it trains from here)
      p.nextOrdinal = next;
    }
    // the person's idle timer: registered again only when it moves (it is rounded to a tenth of the TTL)
    long timer = IdleTimers.nextTimer(now, config.stateTtl());
    if (p.lastSeen == null || IdleTimers.nextTimer(p.lastSeen, config.stateTtl()) != timer) {
      ctx.timerService().registerProcessingTimeTimer(timer);
    }
    p.lastSeen = now;
    persons.put(person, p);
    trainInOrder(person, next, e, p, now, out);
    AffectiveMemory gwr = p.memory;
    boolean trained = p.nextOrdinal > f.ordinal;
    if (!trained) { // trained once the edits of every earlier generation frame are in
      pendingFrames.put(f.ordinal, waitForMemory ? e : slim(e));
      if (!waitForMemory) { // the memory is still being seeded: the PK's own prediction, at once
        emit(e, Phase.GENERATING, e.pkArousal, e.pkValence, gwr == null ? 0 : gwr.size(), 0f, now, out);
      }
    } else if (!waitForMemory) { // the memory has learned every frame up to this one: it predicts
      Prediction pr = gwr.predict(e.z, e.pkArousal, e.pkValence);
      labelledBiasOnly(e, gwr);
      emit(e, f.phase, pr.arousal(), pr.valence(), pr.memorySize(), pr.activation(), now, out);
    }
    persons.settle(person);
  }

  /**
   * The current key's values from keyed state (a cache miss). A memory of another model's z-space (or an unrecorded
   * one) is never matched against this model's z: it is dropped, and the sequencer has put the person back into
   * GENERATING for the same reason, so the new memory is seeded from the person's next frames.
   */
  private Person load(String person) throws Exception {
    Person p = new Person();
    AffectiveMemoryState state = memory.value();
    if (state != null && !model.built(state)) {
      if (memoriesDropped.getCount() == 0) {
        LOG.warn("The memory of person {} was built with {}, this job runs {}: dropping it, the person is onboarded"
            + " again (so is every other such person; counted in memoriesDroppedAfterModelChange)", person,
            ModelIdentity.describe(state), model);
      }
      memoriesDropped.inc();
      memory.clear();
      state = null;
    }
    p.memory = state == null ? null : AffectiveMemoryCodec.fromState(state, memoryConfig);
    p.nextOrdinal = nextOrdinal.value();
    p.lastSeen = lastSeen.value();
    p.regionsSums = regionsSums == null ? null : regionsSums.value();
    if (p.regionsSums != null && p.regionsSums.length != biasCorrection.stateSize()) {
      p.regionsSums = null; // a model with other bands: the estimate starts over
    }
    return p;
  }

  /** Writes the current key's values to keyed state (at checkpoints, and for persons the cache drops). */
  private void write(Person p) throws Exception {
    if (p.memory == null) {
      memory.clear();
    } else {
      memory.update(model.stamp(AffectiveMemoryCodec.toState(p.memory)));
    }
    if (p.nextOrdinal == null) {
      nextOrdinal.clear();
    } else {
      nextOrdinal.update(p.nextOrdinal);
    }
    if (p.lastSeen == null) {
      lastSeen.clear();
    } else {
      lastSeen.update(p.lastSeen);
    }
    if (regionsSums != null) {
      if (p.regionsSums == null) {
        regionsSums.clear();
      } else {
        regionsSums.update(p.regionsSums.clone());
      }
    }
  }

  @Override
  public WriteBackCache<?> writeBackCache() {
    return persons;
  }

  private void emit(EncodedFrame e, Phase phase, float arousal, float valence, int size, float activation, long now,
      Collector<AffectPrediction> out) {
    Frame f = e.frame;
    memorySize.update(size);
    endToEndLatency.update(Math.max(0, now - f.kafkaTimestamp));
    framesOut.inc();
    if (LOG.isTraceEnabled()) {
      LOG.trace("prediction {} {} {} memory {}", f.personId, f.frameIndex, phase, size);
    }
    out.collect(AffectPrediction.newBuilder()
        .setPersonId(f.personId)
        .setSourceId(f.sourceId)
        .setFrameIndex(f.frameIndex)
        .setEventTime(Instant.ofEpochMilli(f.eventTime))
        .setArousal(biasCorrection == null ? arousal : clamp(arousal - e.biasArousal))
        .setValence(biasCorrection == null ? valence : clamp(valence - e.biasValence))
        .setPkArousal(e.pkArousal)
        .setPkValence(e.pkValence)
        .setPhase(phase)
        .setMemorySize(size)
        .setBmuActivation(activation)
        .setModelId(model.modelId())
        .setModelVersion(model.modelVersion())
        .setProcessingTime(Instant.ofEpochMilli(now))
        .setVideoId(f.videoId)
        .setUtteranceId(f.utteranceId)
        .setTrueArousal(f.trueArousal)
        .setTrueValence(f.trueValence)
        .build());
  }

  /**
   * A person with enrolled faces is corrected by what the PK got wrong on them (labels), not by the regions' estimate
   * (which would count the same bias twice): their frames predicted from the memory carry no regions' correction.
   */
  private static void labelledBiasOnly(EncodedFrame e, AffectiveMemory gwr) {
    if (gwr.enrolledCount() > 0) {
      e.biasArousal = 0f;
      e.biasValence = 0f;
    }
  }

  /** A corrected prediction back into [-1, 1], the range of every prediction. */
  private static float clamp(float v) {
    return Math.max(-1f, Math.min(1f, v));
  }

  /**
   * Trains the memory on the person's frames in ordinal order from {@code next}, as far as they are here:
   * a frame of the generation phase needs its edits too. {@code inHand} is the frame being processed
   * (not in the pending state). Each frame trains exactly as the paper's schedule does, whenever its edits
   * arrive: its edited faces (labelled with their targets) and the frame (unlabelled), seeded by (person,
   * frame index); so the memory is the same whatever the timing of generation. With
   * {@code --predictions-while-seeding WAIT} each frame is predicted right after it is trained. Trains {@code
   * p.memory} (made when the first frame trains) and advances {@code p.nextOrdinal}.
   */
  private void trainInOrder(String person, long next, EncodedFrame inHand, Person p,
      long now, Collector<AffectPrediction> out) throws Exception {
    long n = next;
    while (true) {
      EncodedFrame frame = inHand != null && inHand.frame.ordinal == n ? inHand : pendingFrames.get(n);
      if (frame == null) {
        break;
      }
      EncodedFrame edits = null;
      if (n < config.generationFrames() && frame.frame.phase == Phase.GENERATING) {
        edits = pendingEdits.get(n);
        if (edits == null) {
          break;
        }
      }
      if (p.memory == null) {
        p.memory = new AffectiveMemory(memoryConfig);
      }
      AffectiveMemory gwr = p.memory;
      List<Sample> samples = new ArrayList<>((edits == null ? 0 : edits.generatedCount()) + 1);
      if (edits != null) {
        for (int i = 0; i < edits.generatedCount(); i++) {
          float[] z = new float[zDim];
          System.arraycopy(edits.generatedZ, i * zDim, z, 0, zDim);
          boolean read = edits.generatedPk.length == edits.generatedTargets.length;
          samples.add(Sample.labelled(z, edits.generatedTargets[2 * i], edits.generatedTargets[2 * i + 1],
              read ? edits.generatedPk[2 * i] : Float.NaN, read ? edits.generatedPk[2 * i + 1] : Float.NaN));
        }
        pendingEdits.remove(n);
        recordGenerationTime(n, edits.generationNanos);
      }
      samples.add(Sample.unlabelled(frame.z));
      if (gwr.enrolledCount() == 0) {
        gwr.train(samples, AffectiveMemory.seed(person, frame.frame.frameIndex));
      } else {
        // once a person has enrolled faces every read-out answers from them alone and the GWR is never read
        // again (enrolled faces are replaced, never dropped): training it would be work nobody sees
        framesNotTrainedEnrolled.inc();
      }
      if (frame.frame.enrolled()) { // a face at a known emotion: kept as it is, and read from then on
        gwr.enrol(frame.z, frame.frame.enrolmentArousal, frame.frame.enrolmentValence, frame.pkArousal,
            frame.pkValence);
        if (memoryConfig.maxEnrolled() > 0) { // 0: enrolment off, the label is ignored
          facesEnrolled.inc();
        }
      }
      if (waitForMemory) {
        Prediction pr = gwr.predict(frame.z, frame.pkArousal, frame.pkValence);
        labelledBiasOnly(frame, gwr);
        emit(frame, frame.frame.phase, pr.arousal(), pr.valence(), pr.memorySize(), pr.activation(), now, out);
      }
      if (frame != inHand) {
        pendingFrames.remove(n);
      }
      n++;
    }
    if (n != next) {
      p.nextOrdinal = n;
      persons.put(person, p);
    }
  }

  private void recordGenerationTime(long ordinal, long nanos) throws Exception {
    Long sum = generationNanos.value();
    long total = (sum == null ? 0 : sum) + nanos;
    if (ordinal + 1 >= config.generationFrames()) {
      generationTime.update(total / 1_000_000);
      generationNanos.clear();
    } else {
      generationNanos.update(total);
    }
  }

  /**
   * What the memory needs of a frame it cannot train yet (and has predicted): its z, frame index, ordinal, phase, and for
   * an enrolled face its label and the PK's reading.
   */
  private static EncodedFrame slim(EncodedFrame e) {
    EncodedFrame s = new EncodedFrame();
    Frame f = new Frame();
    f.personId = e.frame.personId;
    f.frameIndex = e.frame.frameIndex;
    f.ordinal = e.frame.ordinal;
    f.phase = e.frame.phase;
    f.enrolmentArousal = e.frame.enrolmentArousal;
    f.enrolmentValence = e.frame.enrolmentValence;
    s.frame = f;
    s.z = e.z;
    s.pkArousal = e.pkArousal;
    s.pkValence = e.pkValence;
    return s;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<AffectPrediction> out) throws Exception {
    String person = ctx.getCurrentKey();
    Long seen = persons.contains(person) ? persons.peek(person).lastSeen : lastSeen.value();
    if (seen == null || IdleTimers.expired(seen, timestamp, config.stateTtl())) {
      persons.remove(person);
      memory.clear();
      lastSeen.clear();
      generationNanos.clear();
      nextOrdinal.clear();
      pendingFrames.clear();
      pendingEdits.clear();
      if (regionsSums != null) {
        regionsSums.clear();
      }
    }
  }
}
