package dev.paffmem.job.operators;

import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.inference.ImageTensors;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.inference.ModelManifest.Role;
import dev.paffmem.job.inference.PkModel;
import dev.paffmem.job.inference.SharedPkModel;
import dev.paffmem.job.model.EncodedFrame;
import dev.paffmem.job.model.Frame;
import dev.paffmem.schema.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs the PK model on micro-batches of frames from all persons of this subtask.
 *
 * <p>Every frame: encoder E on the real face, D_em on its z (the PK's own prediction). GENERATING
 * frames also: generator G edits the face to each {@link GenerationTargets} target, and E encodes
 * the edited faces ({@link PkModel#generateAndEncode}: G's output tensor is E's input, the images
 * never pass through Java). Model calls take at most {@code batchMaxSize} rows.
 *
 * <p><b>Guarantees.</b> The buffer is flushed when it holds {@code batchMaxSize} rows, when its
 * oldest frame has waited {@code batchMaxWait}, before a watermark, at end of input, and in
 * {@link #prepareSnapshotPreBarrier} (before the checkpoint barrier is forwarded), so a checkpoint
 * never contains buffered frames: after recovery nothing is lost and nothing runs twice. Frames are
 * emitted in arrival order, so each person's order (set by the keyed sequencer upstream, connected
 * by a forward edge) is preserved.
 *
 * <p>The model is shared by all slots of the TaskManager ({@link SharedPkModel}).
 *
 * <p>Metrics: {@code batchSize} (rows per encoder call), {@code inferenceLatencyMs} per
 * {@code model} (encoder, dem, generator), {@code framesEncoded}.
 */
public final class BatchedInferenceOperator extends AbstractStreamOperator<EncodedFrame>
    implements OneInputStreamOperator<Frame, EncodedFrame>, ProcessingTimeCallback {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BatchedInferenceOperator.class);

  private final ModelManifest manifest;
  private final Device device;
  private final int intraOpThreads;
  private final int batchMaxSize;
  private final long batchMaxWaitMs;
  private final int generationTargets;

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
      Duration batchMaxWait, int generationTargets) {
    this.manifest = manifest;
    this.device = device;
    this.intraOpThreads = intraOpThreads;
    this.batchMaxSize = batchMaxSize;
    this.batchMaxWaitMs = batchMaxWait.toMillis();
    this.generationTargets = generationTargets;
  }

  @Override
  public void open() throws Exception {
    super.open();
    lease = SharedPkModel.acquire(manifest, device, intraOpThreads);
    model = lease.model();
    targets = GenerationTargets.halton(generationTargets);
    buffer = new ArrayList<>();
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
      flush();
    }
  }

  @Override
  public void onProcessingTime(long time) throws Exception {
    timerPending = false;
    if (buffer.isEmpty()) {
      return;
    }
    if (time >= oldestArrival + batchMaxWaitMs) {
      flush();
    } else {
      timerPending = true;
      getProcessingTimeService().registerTimer(oldestArrival + batchMaxWaitMs, this);
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    flush();
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush(); // the checkpoint must not contain buffered frames
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }

  @Override
  public void close() throws Exception {
    try {
      if (lease != null) {
        lease.close();
        lease = null;
      }
    } finally {
      super.close();
    }
  }

  /** Runs the models on everything buffered and emits the results in arrival order. */
  private void flush() throws Exception {
    if (buffer == null || buffer.isEmpty()) {
      return;
    }
    List<StreamRecord<Frame>> batch = buffer;
    buffer = new ArrayList<>();
    pendingRows = 0;
    if (LOG.isTraceEnabled()) {
      LOG.trace("flush {}", batch.stream().map(r -> r.getValue().personId + "/" + r.getValue().frameIndex).toList());
    }

    int n = batch.size();
    int zDim = manifest.zDim();
    float[] z = encodeFrames(batch);
    float[] pk = new float[2 * n];
    for (int start = 0; start < n; start += batchMaxSize) {
      int rows = Math.min(batchMaxSize, n - start);
      long t0 = System.nanoTime();
      float[] out = model.dem(slice(z, start * zDim, rows * zDim), rows);
      demLatency.update((System.nanoTime() - t0) / 1_000_000);
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
    long[] genNanos = new long[n];
    for (int start = 0; start < genRows; start += batchMaxSize) {
      int rows = Math.min(batchMaxSize, genRows - start);
      float[] zs = new float[rows * zDim];
      float[] tg = new float[2 * rows];
      for (int r = 0; r < rows; r++) {
        int row = start + r;
        System.arraycopy(z, generating.get(row / t) * zDim, zs, r * zDim, zDim);
        tg[2 * r] = targets[2 * (row % t)];
        tg[2 * r + 1] = targets[2 * (row % t) + 1];
      }
      long t0 = System.nanoTime();
      // G's output tensor goes straight into E (no copy of the images through Java); each run is timed
      float[] out = model.generateAndEncode(zs, tg, rows, (role, nanos) -> {
        if (role == Role.GENERATOR) {
          generatorLatency.update(nanos / 1_000_000);
        } else {
          encoderLatency.update(nanos / 1_000_000);
          batchSize.update(rows);
        }
      });
      System.arraycopy(out, 0, genZ, start * zDim, rows * zDim);
      long perRow = (System.nanoTime() - t0) / rows;
      for (int r = 0; r < rows; r++) {
        genNanos[generating.get((start + r) / t)] += perRow;
      }
    }

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
        e.generationNanos = genNanos[i];
        g++;
      }
      frame.rgb = null; // pixels are not needed downstream
      e.frame = frame;
      framesEncoded.inc();
      output.collect(rec.hasTimestamp() ? new StreamRecord<>(e, rec.getTimestamp()) : new StreamRecord<>(e));
    }
  }

  private float[] encodeFrames(List<StreamRecord<Frame>> batch) throws Exception {
    int n = batch.size();
    int size = manifest.imageSize();
    float[] z = new float[n * manifest.zDim()];
    for (int start = 0; start < n; start += batchMaxSize) {
      int rows = Math.min(batchMaxSize, n - start);
      float[] images = new float[rows * size];
      for (int r = 0; r < rows; r++) {
        ImageTensors.write(batch.get(start + r).getValue().rgb, manifest, images, r * size);
      }
      float[] out = timedEncode(images, rows);
      System.arraycopy(out, 0, z, start * manifest.zDim(), out.length);
    }
    return z;
  }

  private float[] timedEncode(float[] images, int rows) throws Exception {
    long t0 = System.nanoTime();
    float[] out = model.encode(images, rows);
    encoderLatency.update((System.nanoTime() - t0) / 1_000_000);
    batchSize.update(rows);
    return out;
  }

  private static float[] slice(float[] a, int from, int length) {
    float[] out = new float[length];
    System.arraycopy(a, from, out, 0, length);
    return out;
  }
}
