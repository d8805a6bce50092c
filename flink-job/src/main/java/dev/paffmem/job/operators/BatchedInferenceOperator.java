package dev.paffmem.job.operators;

import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.inference.ImageTensors;
import dev.paffmem.job.inference.ModelManifest.Role;
import dev.paffmem.job.inference.PkModel;
import dev.paffmem.job.inference.SharedPkModel;
import dev.paffmem.job.model.EncodedFrame;
import dev.paffmem.job.model.Frame;
import dev.paffmem.schema.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.YieldingOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * Runs the PK model on micro-batches of frames from all persons of this subtask.
 *
 * <p>Every frame: encoder E on the real face, D_em on its z (the PK's own prediction). GENERATING
 * frames also: generator G edits the face to each {@link GenerationTargets} target, and E encodes
 * the edited faces ({@link PkModel#generateAndEncode}: G's output tensor is E's input, the images
 * never pass through Java). Model calls take at most {@code batchMaxSize} rows.
 *
 * <p><b>Pipelining.</b> With {@code asyncInference} (the job's default) a batch runs on this
 * subtask's own inference thread while the task thread goes on reading input into the next batch;
 * at most one batch is in flight, and its results are emitted on the task thread (through the
 * mailbox) in arrival order. Without it the model runs on the task thread, which then reads no
 * input meanwhile: upstream tasks block on this subtask's full input buffers, and with a keyBy in
 * between that also starves the other inference subtasks (measured in BENCHMARKS.md).
 *
 * <p><b>Guarantees.</b> A batch is submitted when it holds {@code batchMaxSize} rows or its oldest
 * frame has waited {@code batchMaxWait}; everything buffered or in flight is run and emitted before
 * a watermark is forwarded, at end of input, and in {@link #prepareSnapshotPreBarrier} (before the
 * checkpoint barrier is forwarded), so a checkpoint never contains buffered frames: after recovery
 * nothing is lost and nothing runs twice. Frames are emitted in arrival order, so each person's
 * order (set by the keyed sequencer upstream, connected by a forward edge) is preserved.
 *
 * <p>The model is shared by all slots of the TaskManager ({@link SharedPkModel}).
 *
 * <p>Metrics: {@code batchSize} (rows per encoder call), {@code inferenceLatencyMs} per
 * {@code model} (encoder, dem, generator), {@code framesEncoded}.
 */
public final class BatchedInferenceOperator extends AbstractStreamOperator<EncodedFrame>
    implements OneInputStreamOperator<Frame, EncodedFrame>, ProcessingTimeCallback, YieldingOperator<EncodedFrame> {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BatchedInferenceOperator.class);

  private final ModelManifest manifest;
  private final Device device;
  private final int intraOpThreads;
  private final int batchMaxSize;
  private final long batchMaxWaitMs;
  private final int generationTargets;
  private final boolean asyncInference;

  private transient MailboxExecutor mailbox;
  private transient ExecutorService inferenceThread;
  /** Batches submitted to the inference thread whose results are not emitted yet (task thread only). */
  private transient int inFlight;
  private transient SharedPkModel.Lease lease;
  private transient PkModel model;
  private transient float[] targets;
  private transient List<StreamRecord<Frame>> buffer;
  private transient int pendingRows;
  private transient long oldestArrival;
  private transient boolean timerPending;
  private transient Histogram batchSize;
  private transient Histogram encoderLatency;
  private transient Histogram demLatency;
  private transient Histogram generatorLatency;
  private transient org.apache.flink.metrics.Counter framesEncoded;

  public BatchedInferenceOperator(ModelManifest manifest, Device device, int intraOpThreads, int batchMaxSize,
      Duration batchMaxWait, int generationTargets, boolean asyncInference) {
    this.manifest = manifest;
    this.device = device;
    this.intraOpThreads = intraOpThreads;
    this.batchMaxSize = batchMaxSize;
    this.batchMaxWaitMs = batchMaxWait.toMillis();
    this.generationTargets = generationTargets;
    this.asyncInference = asyncInference;
  }

  @Override
  public void setMailboxExecutor(MailboxExecutor mailboxExecutor) {
    this.mailbox = mailboxExecutor;
  }

  @Override
  public void open() throws Exception {
    super.open();
    lease = SharedPkModel.acquire(manifest, device, intraOpThreads);
    model = lease.model();
    targets = GenerationTargets.halton(generationTargets);
    buffer = new ArrayList<>();
    if (asyncInference) {
      if (mailbox == null) {
        throw new IllegalStateException("asynchronous inference needs the task's mailbox executor (a YieldingOperator)");
      }
      String name = "PK inference " + getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks();
      inferenceThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
      });
    }
    MetricGroup g = getMetricGroup();
    batchSize = g.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
    encoderLatency = g.addGroup("model", "encoder").histogram("inferenceLatencyMs", new DescriptiveStatisticsHistogram(1000));
    demLatency = g.addGroup("model", "dem").histogram("inferenceLatencyMs", new DescriptiveStatisticsHistogram(1000));
    generatorLatency = g.addGroup("model", "generator").histogram("inferenceLatencyMs", new DescriptiveStatisticsHistogram(1000));
    framesEncoded = g.counter("framesEncoded");
  }

  @Override
  public void processElement(StreamRecord<Frame> element) throws Exception {
    if (buffer.isEmpty()) {
      oldestArrival = getProcessingTimeService().getCurrentProcessingTime();
      if (!timerPending) {
        timerPending = true;
        getProcessingTimeService().registerTimer(oldestArrival + batchMaxWaitMs, this);
      }
    }
    buffer.add(element.copy(element.getValue())); // the runtime may reuse its StreamRecord container
    pendingRows += 1 + (element.getValue().phase == Phase.GENERATING ? generationTargets : 0);
    if (pendingRows >= batchMaxSize) {
      submit();
    }
  }

  @Override
  public void onProcessingTime(long time) throws Exception {
    timerPending = false;
    if (buffer.isEmpty()) {
      return;
    }
    if (time >= oldestArrival + batchMaxWaitMs) {
      submit();
    } else {
      timerPending = true;
      getProcessingTimeService().registerTimer(oldestArrival + batchMaxWaitMs, this);
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    drain();
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    drain(); // the checkpoint must not contain buffered or in-flight frames
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    drain();
    super.finish();
  }

  @Override
  public void close() throws Exception {
    try {
      if (inferenceThread != null) {
        // a batch still running uses the shared sessions: let it end before the lease may close them
        inferenceThread.shutdownNow();
        if (!inferenceThread.awaitTermination(5, TimeUnit.MINUTES)) {
          LOG.warn("the PK inference thread did not stop within 5 minutes");
        }
        inferenceThread = null;
      }
      if (lease != null) {
        lease.close();
        lease = null;
      }
    } finally {
      super.close();
    }
  }

  /** Runs the buffered batch (waiting first for the one in flight) and emits its results in arrival order. */
  private void submit() throws Exception {
    if (asyncInference) {
      while (inFlight > 0) {
        mailbox.yield(); // runs the in-flight batch's emission (and timers) while input waits
      }
    }
    if (buffer == null || buffer.isEmpty()) {
      return;
    }
    List<StreamRecord<Frame>> batch = buffer;
    buffer = new ArrayList<>();
    pendingRows = 0;
    if (LOG.isTraceEnabled()) {
      LOG.trace("batch {}", batch.stream().map(r -> r.getValue().personId + "/" + r.getValue().frameIndex).toList());
    }
    if (!asyncInference) {
      emit(infer(batch));
      return;
    }
    inFlight++;
    inferenceThread.execute(() -> {
      ThrowingRunnable<Exception> mail;
      try {
        Inferred done = infer(batch);
        mail = () -> {
          inFlight--;
          emit(done);
        };
      } catch (Throwable t) {
        mail = () -> {
          inFlight--;
          throw new RuntimeException("PK inference of a batch of " + batch.size() + " frames failed", t);
        };
      }
      try {
        mailbox.execute(mail, "emit a PK inference batch");
      } catch (RuntimeException closed) {
        // the task is closing (cancelled or failed): nothing of this batch was emitted or checkpointed, so
        // its frames are read again from Kafka after recovery
        LOG.debug("task closing: results of a batch of {} frames dropped", batch.size(), closed);
      }
    });
  }

  /** Submits what is buffered and waits until every batch is emitted. */
  private void drain() throws Exception {
    submit();
    while (inFlight > 0) {
      mailbox.yield();
    }
  }

  /** A batch's results and the model timings to record on the task thread (metrics are updated there). */
  private record Inferred(List<StreamRecord<EncodedFrame>> records, List<long[]> timings) {}

  private static final int ENCODER = 0;
  private static final int DEM = 1;
  private static final int GENERATOR = 2;

  /** Runs the models on one batch; touches no operator state but the model (runs on the inference thread). */
  private Inferred infer(List<StreamRecord<Frame>> batch) throws Exception {
    List<long[]> timings = new ArrayList<>(); // {network, nanos, rows}
    int n = batch.size();
    int zDim = manifest.zDim();
    float[] z = encodeFrames(batch, timings);
    float[] pk = new float[2 * n];
    for (int start = 0; start < n; start += batchMaxSize) {
      int rows = Math.min(batchMaxSize, n - start);
      long t0 = System.nanoTime();
      float[] out = model.dem(slice(z, start * zDim, rows * zDim), rows);
      timings.add(new long[] {DEM, System.nanoTime() - t0, rows});
      System.arraycopy(out, 0, pk, 2 * start, 2 * rows);
    }

    // generation rows of all GENERATING frames of the batch, chunked together into full batches
    List<Integer> generating = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (batch.get(i).getValue().phase == Phase.GENERATING) {
        generating.add(i);
      }
    }
    int t = generationTargets;
    int genRows = generating.size() * t;
    float[] genZ = new float[genRows * zDim];
    float[] genPk = new float[2 * genRows];
    long[] genNanos = new long[n];
    // what G edits: each generating frame's z (the paper's G) or the frame itself (a frame editor)
    boolean onFrames = manifest.generatorConditioning() == ModelManifest.Conditioning.FRAME;
    int rowSize = onFrames ? manifest.imageSize() : zDim;
    float[][] frameTensors = new float[generating.size()][];
    for (int k = 0; onFrames && k < generating.size(); k++) {
      frameTensors[k] = new float[rowSize];
      ImageTensors.write(batch.get(generating.get(k)).getValue().rgb, manifest, frameTensors[k], 0);
    }
    for (int start = 0; start < genRows; start += batchMaxSize) {
      int rows = Math.min(batchMaxSize, genRows - start);
      float[] cond = new float[rows * rowSize];
      float[] tg = new float[2 * rows];
      for (int r = 0; r < rows; r++) {
        int row = start + r;
        if (onFrames) {
          System.arraycopy(frameTensors[row / t], 0, cond, r * rowSize, rowSize);
        } else {
          System.arraycopy(z, generating.get(row / t) * zDim, cond, r * zDim, zDim);
        }
        tg[2 * r] = targets[2 * (row % t)];
        tg[2 * r + 1] = targets[2 * (row % t) + 1];
      }
      long t0 = System.nanoTime();
      // G's output tensor goes straight into E (no copy of the images through Java); each run is timed
      float[] out = model.generateAndEncode(cond, tg, rows,
          (role, nanos) -> timings.add(new long[] {role == Role.GENERATOR ? GENERATOR : ENCODER, nanos, rows}));
      System.arraycopy(out, 0, genZ, start * zDim, rows * zDim);
      long tDem = System.nanoTime();
      // D_em's reading of each edit: what the PK would say of this person's face at the target (memory residuals)
      System.arraycopy(model.dem(out, rows), 0, genPk, 2 * start, 2 * rows);
      timings.add(new long[] {DEM, System.nanoTime() - tDem, rows});
      long perRow = (System.nanoTime() - t0) / rows;
      for (int r = 0; r < rows; r++) {
        genNanos[generating.get((start + r) / t)] += perRow;
      }
    }

    List<StreamRecord<EncodedFrame>> records = new ArrayList<>(n);
    int g = 0;
    for (int i = 0; i < n; i++) {
      StreamRecord<Frame> rec = batch.get(i);
      Frame frame = rec.getValue();
      EncodedFrame e = new EncodedFrame();
      e.z = slice(z, i * zDim, zDim);
      e.pkArousal = pk[2 * i];
      e.pkValence = pk[2 * i + 1];
      if (frame.phase == Phase.GENERATING) {
        e.generatedZ = slice(genZ, g * t * zDim, t * zDim);
        e.generatedTargets = targets.clone();
        e.generatedPk = slice(genPk, 2 * g * t, 2 * t);
        e.generationNanos = genNanos[i];
        g++;
      }
      frame.rgb = null; // pixels are not needed downstream
      e.frame = frame;
      records.add(rec.hasTimestamp() ? new StreamRecord<>(e, rec.getTimestamp()) : new StreamRecord<>(e));
    }
    return new Inferred(records, timings);
  }

  /** Emits a batch's results and records its timings (task thread). */
  private void emit(Inferred done) {
    for (long[] timing : done.timings()) {
      long ms = timing[1] / 1_000_000;
      switch ((int) timing[0]) {
        case ENCODER -> {
          encoderLatency.update(ms);
          batchSize.update(timing[2]);
        }
        case DEM -> demLatency.update(ms);
        default -> generatorLatency.update(ms);
      }
    }
    for (StreamRecord<EncodedFrame> r : done.records()) {
      framesEncoded.inc();
      output.collect(r);
    }
  }

  /** E on the batch's frames, in chunks of {@code batchMaxSize}: RGB bytes in, normalized inside ONNX (encoder_u8). */
  private float[] encodeFrames(List<StreamRecord<Frame>> batch, List<long[]> timings) throws Exception {
    int n = batch.size();
    float[] z = new float[n * manifest.zDim()];
    List<byte[]> rgb = new ArrayList<>(Math.min(n, batchMaxSize));
    for (int start = 0; start < n; start += batchMaxSize) {
      int rows = Math.min(batchMaxSize, n - start);
      rgb.clear();
      for (int r = 0; r < rows; r++) {
        rgb.add(batch.get(start + r).getValue().rgb);
      }
      long t0 = System.nanoTime();
      float[] out = model.encodeRgb(rgb);
      timings.add(new long[] {ENCODER, System.nanoTime() - t0, rows});
      System.arraycopy(out, 0, z, start * manifest.zDim(), out.length);
    }
    return z;
  }

  private static float[] slice(float[] a, int from, int length) {
    float[] out = new float[length];
    System.arraycopy(a, from, out, 0, length);
    return out;
  }
}
