// Over 400 lines: the inference stage's Flink adapter (mailbox, timers, keyed state, checkpoint hooks), which only a
// Flink harness can test; its policies are plain classes in .scheduling.
package dev.paffmem.job.inference;

import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.config.JobConfig.ModelPrecision;
import dev.paffmem.job.inference.InferenceSteps;
import dev.paffmem.job.inference.InferenceSteps.Timing;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.inference.ModelManifest.Role;
import dev.paffmem.job.inference.PkModel;
import dev.paffmem.job.inference.SharedPkModel;
import dev.paffmem.job.records.EncodedFrame;
import dev.paffmem.job.records.Frame;
import dev.paffmem.job.records.GenerationWork;
import dev.paffmem.job.records.PixelArrays;
import dev.paffmem.job.inference.scheduling.GenerationQueue;
import dev.paffmem.job.inference.scheduling.GenerationQueue.Chunk;
import dev.paffmem.job.inference.scheduling.GenerationQueue.Pending;
import dev.paffmem.job.inference.scheduling.MicroBatcher;
import dev.paffmem.job.inference.scheduling.ModelHandOver;
import dev.paffmem.job.inference.scheduling.NearDuplicateEdits;
import dev.paffmem.job.state.JobState;
import dev.paffmem.schema.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.YieldingOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs the PK model for the persons of this subtask (keyed by person id): online frames in
 * micro-batches, generation as separate, preemptible work.
 *
 * <p><b>Online.</b> Every frame, GENERATING ones included, goes through E and D_em in a micro-batch
 * ({@link MicroBatcher}: at most {@code batchMaxSize} frames, at most {@code batchMaxWait} of waiting) and
 * is emitted at once with its z and the PK's prediction.
 *
 * <p><b>Generation.</b> A GENERATING frame, once encoded, becomes a {@link GenerationWork} (its pixels and
 * z) in this operator's keyed state and in the {@link GenerationQueue}. The queue is worked off in chunks
 * of {@code generationChunk} targets of one frame (G + E, then D_em; {@link InferenceSteps#edits}) between
 * online batches, for at most {@code generationCpuShare} of the time, less while online batches fill up (the
 * online path is behind: {@link GenerationQueue#onlineBehind}); an online batch that becomes due
 * waits at most for the chunk running. When a frame's last chunk is done its edits are emitted (an
 * {@link EncodedFrame} with {@code edits} set) and its work leaves the state.
 *
 * <p><b>Threads.</b> With {@code asyncInference} (the job's default) model calls run on this subtask's
 * own model thread and results come back through the task's mailbox ({@link ModelHandOver}); at most one
 * call (a batch or a chunk) is in flight. Without it they run on the task thread, a chunk at a time from
 * a processing-time timer, so input is read between chunks.
 *
 * <p><b>Checkpoints.</b> Buffered and in-flight online frames are run and emitted before a watermark, at
 * end of input, and in {@link #prepareSnapshotPreBarrier} (which also waits for a chunk in flight, never
 * for a whole frame's generation): a checkpoint holds no online frame, and holds the generation work
 * not yet emitted in keyed state. After a restore that work is queued again from the state and redone
 * from its first target (the same chunks, so the same edits); it moves with its person on rescaling.
 * At end of input all generation work is finished before the operator finishes.
 *
 * <p>The model is shared by all slots of the TaskManager ({@link SharedPkModel}). Metrics:
 * {@code batchSize} (rows per encoder call), {@code inferenceLatencyMs} per {@code model} (encoder, dem,
 * generator), {@code framesEncoded}, {@code generationQueue} (frames waiting for their edits),
 * {@code generationSharePermille} (the share in use at each online batch).
 */
public final class BatchedInferenceOperator extends AbstractStreamOperator<EncodedFrame>
    implements OneInputStreamOperator<Frame, EncodedFrame>, YieldingOperator<EncodedFrame> {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BatchedInferenceOperator.class);

  /** A person's frames waiting for their edits, by ordinal. */
  static final MapStateDescriptor<Long, GenerationWork> PENDING_GENERATION = JobState.pendingGeneration();
  static final ListStateDescriptor<float[]> EDITED_Z = JobState.editedZ();
  static final ValueStateDescriptor<Boolean> ENROLLED_IN_GENERATION = JobState.enrolledInGeneration();

  private final ModelManifest manifest;
  private final Device device;
  private final ModelPrecision precision;
  private final int generationFrames;
  private final double skipNearZ;
  private boolean skipEnrolled;
  private final int intraOpThreads;
  private final int batchMaxSize;
  private int onlineCallRows;
  /** Rows per online E / D_em call, resolved in {@link #open} from {@link #onlineCallRows} and the device used. */
  private transient int callRows;
  private final long batchMaxWaitMs;
  private final int generationTargets;
  private final int generationChunk;
  private final double generationCpuShare;
  /** What the memory learns from a generation frame: G's edits, or the frame's z moved by G's change. */
  private GenerationEdits generationEdits = GenerationEdits.G;
  /** Whether the regions' band readers read frames too ({@code --bias-correction regions}). */
  private boolean regions;
  private int regionsStride = 1;
  private long regionsFrames;
  private final boolean asyncInference;

  private transient MailboxExecutor mailbox;
  private transient ModelHandOver handOver;
  private transient SharedPkModel.Lease lease;
  private transient PkModel model;
  private transient float[] targets;
  private transient MicroBatcher<StreamRecord<Frame>> batcher;
  private transient GenerationQueue generation;
  private transient MapState<Long, GenerationWork> pendingGeneration;
  private transient boolean batchTimerPending;
  private transient boolean generationTimerPending;
  /** Online batches waiting for the model thread to become free (no chunk may start meanwhile). */
  private transient int onlineWaiting;
  private transient Histogram batchSize;
  private transient Histogram encoderLatency;
  private transient Histogram demLatency;
  private transient Histogram regionsLatency;
  private transient Histogram generatorLatency;
  /** How long a due online batch waited for the model call in flight (a chunk or the previous batch), ms. */
  private transient Histogram onlineWait;
  /** The same, only the waits behind a generation chunk. */
  private transient Histogram onlineWaitForChunk;
  /** Wall time of each generation chunk on the model thread, ms. */
  private transient Histogram chunkWall;
  /** The generation share in use (thousandths) at each online batch ({@link GenerationQueue#onlineBehind}). */
  private transient Histogram generationShare;
  /** Whether the call in flight is a generation chunk (task thread). */
  private transient boolean chunkInFlight;
  private transient Counter framesEncoded;
  private transient Counter framesSkipped;
  /** The z of each frame edited for the person so far (only with the near-duplicate option; cleared after generation). */
  private transient ListState<float[]> editedZ;
  private transient ValueState<Boolean> enrolledInGeneration;
  private transient Counter framesNotEditedEnrolled;

  public BatchedInferenceOperator(ModelManifest manifest, Device device, ModelPrecision precision, int intraOpThreads,
      int batchMaxSize,
      Duration batchMaxWait, int generationTargets, int generationChunk, double generationCpuShare,
      boolean asyncInference) {
    this(manifest, device, precision, intraOpThreads, batchMaxSize, batchMaxWait, generationTargets, generationChunk,
        generationCpuShare, asyncInference, 0, 0.0);
  }

  /**
   * As above, with the option to skip near-duplicate generation: a generating frame (of the person's first
   * {@code generationFrames}) whose z is within {@code skipNearZ} of a frame already edited for that person is not
   * edited ({@link NearDuplicateEdits}; 0 = off).
   */
  public BatchedInferenceOperator(ModelManifest manifest, Device device, ModelPrecision precision, int intraOpThreads,
      int batchMaxSize, Duration batchMaxWait, int generationTargets, int generationChunk, double generationCpuShare,
      boolean asyncInference, int generationFrames, double skipNearZ) {
    this.generationFrames = generationFrames;
    this.skipNearZ = skipNearZ;
    this.manifest = manifest;
    this.device = device;
    this.precision = precision;
    this.intraOpThreads = intraOpThreads;
    this.batchMaxSize = batchMaxSize;
    this.onlineCallRows = batchMaxSize;
    this.batchMaxWaitMs = batchMaxWait.toMillis();
    this.generationTargets = generationTargets;
    this.generationChunk = generationChunk;
    this.generationCpuShare = generationCpuShare;
    this.asyncInference = asyncInference;
  }

  /** Edits made as {@code mode} says ({@link GenerationEdits}; default {@link GenerationEdits#G}). */
  public BatchedInferenceOperator generationEdits(GenerationEdits mode) {
    this.generationEdits = Objects.requireNonNull(mode, "generation edits");
    return this;
  }

  /**
   * Whether the model directory's regions' band readers ({@code models.regions}, which the manifest must have) also
   * read a person's frames of ordinal 0, stride, 2 x stride, ... below {@code frames} (0: all) ({@code
   * --bias-correction-stride}, {@code --bias-correction-frames}), their readings carried on the frame ({@link
   * EncodedFrame#bands}) for the memory's bias correction (default: off).
   */
  public BatchedInferenceOperator regions(boolean on, int stride, long frames) {
    if (on && manifest.regionsCorrection() == null) {
      throw new ModelDirectoryException("model directory " + manifest.dir() + " has no models.regions, which"
          + " --bias-correction regions needs (python3 -m paffmem_pk.regions export adds it)");
    }
    if (stride < 1 || frames < 0) {
      throw new IllegalArgumentException("stride must be >= 1 and frames >= 0, were " + stride + ", " + frames);
    }
    this.regions = on;
    this.regionsStride = stride;
    this.regionsFrames = frames;
    return this;
  }

  /**
   * The smallest {@code batchMaxSize} whose full batches say the online path is behind ({@link GenerationQueue#onlineBehind}):
   * smaller batches fill at ordinary input rates, so with them generation keeps its configured share.
   */
  static final int BACKLOG_SIGNAL_MIN_ROWS = 8;

  /** The rows of an online call on the CPU when {@code --online-call-rows} is 0 (BENCHMARKS.md, section 10). */
  public static final int CPU_CALL_ROWS = 16;

  /**
   * The most rows of one E or D_em call within an online batch ({@code --online-call-rows}; without this call the
   * batch's size, i.e. one call per batch). 0: {@link #CPU_CALL_ROWS} when the model runs on the CPU, the batch's
   * size on CUDA. The batch is still handed to the model thread, and emitted, as one. Call before the job starts.
   */
  public BatchedInferenceOperator onlineCallRows(int rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("online call rows must be at least 0, was " + rows);
    }
    this.onlineCallRows = rows;
    return this;
  }

  /** Rows per online call on the CPU for {@code --online-call-rows} {@code rows} and batches of {@code batchMaxSize}. */
  public static int callRowsOnCpu(int rows, int batchMaxSize) {
    return Math.min(rows > 0 ? rows : CPU_CALL_ROWS, batchMaxSize);
  }

  /** Rows per online call as resolved when the operator opened (tests). */
  int callRows() {
    return callRows;
  }

  /**
   * Whether a person's generation frames from their first enrolled face on (FaceFrame's {@code enrolment}) go unedited:
   * once a person has enrolled faces the memory answers from them alone and never reads the edits
   * (flink-job/README.md, Enrolment), so generating them would be onboarding work for nothing. On when enrolment is
   * (the job's {@code --memory-max-enrolled} above 0). Call before the job starts.
   */
  public BatchedInferenceOperator skipGenerationOnceEnrolled(boolean on) {
    this.skipEnrolled = on;
    return this;
  }

  @Override
  public void setMailboxExecutor(MailboxExecutor mailboxExecutor) {
    this.mailbox = mailboxExecutor;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    generation = new GenerationQueue(generationTargets, manifest.zDim(), generationChunk, generationCpuShare);
    pendingGeneration = getPartitionedState(PENDING_GENERATION);
    editedZ = getPartitionedState(EDITED_Z);
    enrolledInGeneration = getPartitionedState(ENROLLED_IN_GENERATION);
    if (context.isRestored()) {
      List<GenerationWork> restored = new ArrayList<>();
      getKeyedStateBackend().applyToAllKeys(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
          PENDING_GENERATION, (person, state) -> state.values().forEach(restored::add));
      restored.sort(Comparator.<GenerationWork>comparingLong(w -> w.ordinal).thenComparing(w -> w.personId));
      restored.forEach(generation::add);
      if (!restored.isEmpty()) {
        LOG.info("{} frames' generation restored from the checkpoint, to be redone", restored.size());
      }
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    lease = SharedPkModel.acquire(manifest, device, precision, intraOpThreads, regions);
    model = lease.model();
    callRows = "CUDA".equals(model.deviceUsed()) && onlineCallRows == 0 ? batchMaxSize
        : callRowsOnCpu(onlineCallRows, batchMaxSize);
    targets = GenerationTargets.halton(generationTargets);
    long warm = System.nanoTime();
    InferenceSteps.warmUp(model, targets, generationChunk); // the first run of each session before any frame waits for it
    LOG.debug("model warmed up in {} ms", (System.nanoTime() - warm) / 1_000_000);
    batcher = new MicroBatcher<>(batchMaxSize, batchMaxWaitMs);
    handOver = asyncInference
        ? ModelHandOver.onThread(mailbox, "PK inference " + getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks())
        : ModelHandOver.direct();
    MetricGroup g = getMetricGroup();
    batchSize = g.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
    encoderLatency = g.addGroup("model", "encoder").histogram("inferenceLatencyMs", new DescriptiveStatisticsHistogram(1000));
    demLatency = g.addGroup("model", "dem").histogram("inferenceLatencyMs", new DescriptiveStatisticsHistogram(1000));
    regionsLatency = g.addGroup("model", "regions").histogram("inferenceLatencyMs", new DescriptiveStatisticsHistogram(1000));
    generatorLatency = g.addGroup("model", "generator").histogram("inferenceLatencyMs", new DescriptiveStatisticsHistogram(1000));
    onlineWait = g.histogram("onlineWaitMs", new DescriptiveStatisticsHistogram(1000));
    onlineWaitForChunk = g.histogram("onlineWaitForChunkMs", new DescriptiveStatisticsHistogram(1000));
    chunkWall = g.histogram("generationChunkMs", new DescriptiveStatisticsHistogram(1000));
    generationShare = g.histogram("generationSharePermille", new DescriptiveStatisticsHistogram(1000));
    framesEncoded = g.counter("framesEncoded");
    framesSkipped = g.counter("generationFramesSkipped");
    framesNotEditedEnrolled = g.counter("generationFramesSkippedEnrolled");
    g.gauge("generationQueue", () -> generation.size());
    scheduleGeneration(); // work restored from a checkpoint
  }

  @Override
  public void processElement(StreamRecord<Frame> element) throws Exception {
    long now = now();
    if (batcher.add(element.copy(element.getValue()), 1, now)) { // the runtime may reuse its StreamRecord container
      submitOnline();
    } else if (!batchTimerPending) {
      batchTimerPending = true;
      getProcessingTimeService().registerTimer(batcher.dueAt(), this::onBatchTimer);
    }
  }

  private void onBatchTimer(long time) throws Exception {
    batchTimerPending = false;
    if (batcher.isEmpty()) {
      return;
    }
    if (batcher.due(time)) {
      submitOnline();
    } else {
      batchTimerPending = true;
      getProcessingTimeService().registerTimer(batcher.dueAt(), this::onBatchTimer);
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    drainOnline();
    super.processWatermark(mark);
    scheduleGeneration();
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    drainOnline(); // no online frame in the checkpoint; generation work not emitted yet is in keyed state
    super.prepareSnapshotPreBarrier(checkpointId);
    scheduleGeneration();
  }

  @Override
  public void finish() throws Exception {
    drainOnline();
    while (!generation.isEmpty()) { // end of input: every frame's edits go out before the operator finishes
      if (!handOver.busy()) {
        startChunk();
      }
      handOver.awaitIdle();
    }
    super.finish();
  }

  @Override
  public void close() throws Exception {
    try {
      if (handOver != null) {
        handOver.close(); // a call still running uses the shared sessions: let it end before the lease may close them
        handOver = null;
      }
      if (lease != null) {
        lease.close();
        lease = null;
      }
    } finally {
      super.close();
    }
  }

  private long now() {
    return getProcessingTimeService().getCurrentProcessingTime();
  }

  /** Runs what is buffered and waits until it (and a chunk in flight) is emitted; starts no chunk meanwhile. */
  private void drainOnline() throws Exception {
    onlineWaiting++;
    try {
      submitOnline();
      handOver.awaitIdle();
    } finally {
      onlineWaiting--;
    }
  }

  /** Hands the buffered batch to the model (waiting first for the call in flight); results emitted in arrival order. */
  private void submitOnline() throws Exception {
    onlineWaiting++;
    boolean behindChunk = chunkInFlight;
    boolean waited = handOver.busy();
    long asked = System.nanoTime();
    try {
      handOver.awaitIdle(); // runs the in-flight call's emission (and timers) while input waits
    } finally {
      onlineWaiting--;
    }
    if (waited && !batcher.isEmpty()) {
      long ms = (System.nanoTime() - asked) / 1_000_000;
      onlineWait.update(ms);
      if (behindChunk) {
        onlineWaitForChunk.update(ms);
      }
    }
    if (batcher.isEmpty()) {
      scheduleGeneration(); // a generation timer may have stood back while this waited
      return;
    }
    if (batchMaxSize >= BACKLOG_SIGNAL_MIN_ROWS) {
      long now = now();
      if (batcher.full()) {
        generation.onlineBehind(now); // a batch that filled up: frames are queued behind the model
      }
      generationShare.update(Math.round(generation.share(now) * 1000));
    }
    List<StreamRecord<Frame>> batch = batcher.take();
    List<byte[]> rgb = new ArrayList<>(batch.size());
    boolean[] readBands = regions ? new boolean[batch.size()] : null;
    for (int i = 0; i < batch.size(); i++) {
      Frame f = batch.get(i).getValue();
      rgb.add(f.rgb);
      if (regions) {
        readBands[i] = f.ordinal % regionsStride == 0 && (regionsFrames == 0 || f.ordinal < regionsFrames);
      }
    }
    handOver.submit("PK inference of a batch of " + batch.size() + " frames",
        () -> InferenceSteps.online(model, rgb, callRows, readBands), result -> emitOnline(batch, result));
  }

  /** Emits a batch's frames (task thread) and queues the generation of its GENERATING frames. */
  private void emitOnline(List<StreamRecord<Frame>> batch, InferenceSteps.Online result) throws Exception {
    record(result.timings());
    int zDim = manifest.zDim();
    for (int i = 0; i < batch.size(); i++) {
      StreamRecord<Frame> rec = batch.get(i);
      Frame frame = rec.getValue();
      EncodedFrame e = new EncodedFrame();
      e.z = new float[zDim];
      System.arraycopy(result.z(), i * zDim, e.z, 0, zDim);
      e.pkArousal = result.pk()[2 * i];
      e.pkValence = result.pk()[2 * i + 1];
      if (result.bands().length > 0) {
        int k = result.bands().length / batch.size();
        if (!Float.isNaN(result.bands()[i * k])) { // read (stride and cap)
          e.bands = java.util.Arrays.copyOfRange(result.bands(), i * k, (i + 1) * k);
        }
      }
      EncodedFrame skipped = null;
      if (frame.phase == Phase.GENERATING) {
        setCurrentKey(frame.personId);
        if (frame.ordinal == 0 && skipNearZ > 0) {
          editedZ.clear(); // the person starts (over): nothing of an earlier, cut-short onboarding counts
        }
        boolean enrolledPerson = false;
        if (skipEnrolled) {
          boolean earlier = frame.ordinal > 0 && enrolledInGeneration.value() != null;
          enrolledPerson = earlier || frame.enrolled();
          if (enrolledPerson && !earlier) {
            enrolledInGeneration.update(true);
          } else if (!enrolledPerson && frame.ordinal == 0) {
            enrolledInGeneration.clear();
          }
        }
        if (enrolledPerson) { // the memory will read enrolled faces only
          skipped = noEdits(frame.personId, frame.frameIndex, frame.ordinal, 0L);
          framesNotEditedEnrolled.inc();
        } else if (skipNearZ > 0 && NearDuplicateEdits.nearAnEdited(editedZ.get(), e.z, skipNearZ)) {
          skipped = noEdits(frame.personId, frame.frameIndex, frame.ordinal, 0L);
          framesSkipped.inc();
        } else {
          GenerationWork work = new GenerationWork(frame.personId, frame.frameIndex, frame.ordinal, frame.rgb, e.z.clone());
          frame.rgb = null; // the generation work owns the pixels now
          pendingGeneration.put(frame.ordinal, work);
          generation.add(work);
          if (skipNearZ > 0) {
            editedZ.add(e.z.clone());
          }
        }
        if (frame.ordinal + 1 >= generationFrames) { // the person's generation phase is over
          if (skipNearZ > 0) {
            editedZ.clear();
          }
          if (skipEnrolled) {
            enrolledInGeneration.clear();
          }
        }
      }
      PixelArrays.giveBack(frame.rgb); // the model has read them and nothing keeps them: the decoder's next frame
      frame.rgb = null; // pixels are not needed downstream
      e.frame = frame;
      framesEncoded.inc();
      output.collect(rec.hasTimestamp() ? new StreamRecord<>(e, rec.getTimestamp()) : new StreamRecord<>(e));
      if (skipped != null) {
        output.collect(new StreamRecord<>(skipped));
      }
    }
    scheduleGeneration();
  }

  /** A generation frame's edits record (the memory trains each generation frame once its edits are here). */
  private EncodedFrame noEdits(String personId, long frameIndex, long ordinal, long nanos) {
    Frame f = new Frame();
    f.personId = personId;
    f.frameIndex = frameIndex;
    f.ordinal = ordinal;
    f.phase = Phase.GENERATING;
    EncodedFrame e = new EncodedFrame();
    e.edits = true;
    e.frame = f;
    e.z = new float[0];
    e.generatedZ = new float[0];
    e.generatedTargets = new float[0];
    e.generatedPk = new float[0];
    e.generationNanos = nanos;
    return e;
  }

  /**
   * Starts the next chunk when the model is free, no online batch waits or is due, and the share gate is
   * open; otherwise a timer (or the completion of the call in flight) brings it back. Without a model
   * thread a chunk always starts from a timer, so the task reads input between chunks.
   */
  private void scheduleGeneration() throws Exception {
    if (generation.isEmpty() || handOver.busy() || onlineWaiting > 0) {
      return;
    }
    long now = now();
    if (batcher.due(now)) {
      return; // the batch timer runs the batch; its completion comes back here
    }
    if (handOver.isAsync() && generation.open(now)) {
      startChunk();
    } else if (!generationTimerPending) {
      generationTimerPending = true;
      getProcessingTimeService().registerTimer(Math.max(now, generation.opensAt(now)), this::onGenerationTimer);
    }
  }

  private void onGenerationTimer(long time) throws Exception {
    generationTimerPending = false;
    if (generation.isEmpty() || handOver.busy() || onlineWaiting > 0 || batcher.due(time)) {
      return; // whatever runs or is due now calls scheduleGeneration when it is done
    }
    if (generation.open(time)) {
      startChunk();
    } else {
      scheduleGeneration();
    }
  }

  private void startChunk() throws Exception {
    Chunk chunk = generation.next();
    GenerationWork w = chunk.work();
    chunkInFlight = true;
    long started = System.nanoTime();
    handOver.submit("generation of " + chunk.rows() + " edits of frame " + w.frameIndex + " of person " + w.personId,
        () -> InferenceSteps.edits(model, w.rgb, w.z, targets, chunk.from(), chunk.rows(), generationEdits),
        edits -> {
          chunkInFlight = false;
          chunkWall.update((System.nanoTime() - started) / 1_000_000);
          chunkDone(chunk, edits);
        });
  }

  private void chunkDone(Chunk chunk, InferenceSteps.Edits edits) throws Exception {
    record(edits.timings());
    Pending done = generation.complete(chunk, edits.z(), edits.pk(), edits.nanos(), now());
    if (done != null) {
      GenerationWork w = done.work;
      setCurrentKey(w.personId);
      pendingGeneration.remove(w.ordinal);
      EncodedFrame e = noEdits(w.personId, w.frameIndex, w.ordinal, done.nanos());
      e.generatedZ = done.editedZ();
      e.generatedTargets = targets.clone();
      e.generatedPk = done.editedPk();
      output.collect(new StreamRecord<>(e));
    }
    scheduleGeneration();
  }

  /** Model timings into the metrics (task thread). */
  private void record(List<Timing> timings) {
    for (Timing t : timings) {
      long ms = t.nanos() / 1_000_000;
      if (t.role() == Role.ENCODER || t.role() == Role.ENCODER_U8) {
        encoderLatency.update(ms);
        batchSize.update(t.rows());
      } else if (t.role() == Role.DEM) {
        demLatency.update(ms);
      } else if (t.role() == Role.REGIONS) {
        regionsLatency.update(ms);
      } else {
        generatorLatency.update(ms);
      }
    }
  }

  /** The share of the time generation may take now (tests). */
  double generationShare() {
    return generation.share(now());
  }

  /** Frames waiting for their edits on this subtask (tests). */
  int generationQueueSize() {
    return generation.size();
  }
}
