package dev.paffmem.benchmarks.job;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.inference.ModelManifest.Role;
import dev.paffmem.job.inference.GenerationTargets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline: ONNX Runtime alone, the same networks and the same session options as the job's
 * {@code PkModel} (intra-op threads, one inter-op thread, sequential execution, all graph
 * optimizations), with input tensors made once in direct buffers and G's output fed to E
 * without a copy. Nothing else runs: no decoding, no Flink, no memory.
 */
public final class BareOrt implements AutoCloseable {

  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  private final ModelManifest manifest;
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession encoder;
  private final OrtSession dem;
  private final OrtSession generator;
  /** The regions' band readers, run on every {@link #regionsStride}-th online batch when the job runs them; or null. */
  private final OrtSession regions;
  private final int regionsStride;

  public BareOrt(ModelManifest manifest, int intraOpThreads) throws OrtException {
    this(manifest, intraOpThreads, 0);
  }

  /**
   * With {@code regionsStride} > 0 the online loop also runs the model's band readers ({@code models.regions}) on every
   * {@code regionsStride}-th batch: the share of frames the job reads of persons within their first
   * {@code --bias-correction-frames} ({@code --bias-correction-stride}); 0: never.
   */
  public BareOrt(ModelManifest manifest, int intraOpThreads, int regionsStride) throws OrtException {
    this.manifest = manifest;
    encoder = open(Role.ENCODER, intraOpThreads);
    dem = open(Role.DEM, intraOpThreads);
    generator = open(Role.GENERATOR, intraOpThreads);
    this.regions = regionsStride > 0 ? open(Role.REGIONS, intraOpThreads) : null;
    this.regionsStride = Math.max(1, regionsStride);
  }

  /** The options {@code PkModel.openSession} sets on CPU. */
  static OrtSession.SessionOptions sessionOptions(int intraOpThreads) throws OrtException {
    OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
    opts.setIntraOpNumThreads(intraOpThreads);
    opts.setInterOpNumThreads(1);
    opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    return opts;
  }

  private OrtSession open(Role role, int threads) throws OrtException {
    try (OrtSession.SessionOptions opts = sessionOptions(threads)) {
      return env.createSession(manifest.dir().resolve(manifest.network(role).file()).toString(), opts);
    }
  }

  private String in(Role r) {
    return manifest.network(r).inputs().get(0).name();
  }

  private String out(Role r) {
    return manifest.network(r).outputs().get(0).name();
  }

  private static FloatBuffer direct(float[] values) {
    FloatBuffer fb = ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    fb.put(values).rewind();
    return fb;
  }

  private long[] imageShape(int n) {
    return manifest.imageShape(n);
  }

  /**
   * Online phase: {@code threads} Java threads, each running E then D_em on batches of
   * {@code batch} images (cycled from {@code images}, model layout) for {@code seconds}.
   * Returns frames per second over all threads.
   */
  /** Frames per second (wall) and CPU seconds per frame (the loop threads' CPU time). */
  public record Rate(double framesPerSecond, double cpuSecondsPerFrame) {}

  public Rate onlineFramesPerSecond(float[] images, int batch, int threads, double seconds) throws Exception {
    int size = manifest.imageSize();
    float[] b = new float[batch * size];
    int available = images.length / size;
    for (int r = 0; r < batch; r++) {
      System.arraycopy(images, (r % available) * size, b, r * size, size);
    }
    OnnxTensor x = OnnxTensor.createTensor(env, direct(b), imageShape(batch));
    OnnxTensor u8 = regions == null ? null : rgbBytes(b, batch);
    AtomicLong frames = new AtomicLong();
    AtomicLong cpuNanos = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    CountDownLatch warm = new CountDownLatch(threads);
    List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    long[] window = new long[2];
    try {
      for (int t = 0; t < threads; t++) {
        Thread w = new Thread(() -> {
          try {
            onlineBatch(x, u8); // warm-up
            warm.countDown();
            warm.await();
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long end = System.nanoTime() + (long) (seconds * 1e9);
            for (long calls = 0; System.nanoTime() < end; calls++) {
              onlineBatch(x, calls % regionsStride == 0 ? u8 : null);
              frames.addAndGet(batch);
            }
            cpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu0);
          } catch (Exception e) {
            failures.add(e);
            warm.countDown();
          }
        }, "bare-ort-" + t);
        workers.add(w);
      }
      workers.forEach(Thread::start);
      warm.await();
      window[0] = System.nanoTime();
      for (Thread w : workers) {
        w.join();
      }
      window[1] = System.nanoTime();
    } finally {
      x.close();
      if (u8 != null) {
        u8.close();
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    return new Rate(frames.get() / ((window[1] - window[0]) / 1e9), cpuNanos.get() / 1e9 / frames.get());
  }

  private void onlineBatch(OnnxTensor x, OnnxTensor u8) throws OrtException {
    try (OrtSession.Result z = encoder.run(Map.of(in(Role.ENCODER), x))) {
      OnnxValue zv = z.get(out(Role.ENCODER)).orElseThrow();
      try (OrtSession.Result a = dem.run(Map.of(in(Role.DEM), (OnnxTensor) zv))) {
        a.get(0);
      }
    }
    if (regions != null && u8 != null) {
      try (OrtSession.Result r = regions.run(Map.of(in(Role.REGIONS), u8))) {
        r.get(0);
      }
    }
  }

  /** The batch's images (model layout and range) back as the frames' bytes: uint8 [n, height, width, 3]. */
  private OnnxTensor rgbBytes(float[] images, int n) throws OrtException {
    int h = manifest.imageHeight();
    int w = manifest.imageWidth();
    int plane = h * w;
    float scale = (manifest.valueMax() - manifest.valueMin()) / 255f;
    ByteBuffer buf = ByteBuffer.allocateDirect(n * plane * 3).order(ByteOrder.nativeOrder());
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < plane; p++) {
        for (int c = 0; c < 3; c++) {
          float v = images[i * 3 * plane + c * plane + p];
          buf.put((byte) Math.max(0, Math.min(255, Math.round((v - manifest.valueMin()) / scale))));
        }
      }
    }
    buf.flip();
    return OnnxTensor.createTensor(env, buf, new long[] {n, h, w, 3}, ai.onnxruntime.OnnxJavaType.UINT8);
  }

  /**
   * Generation phase, one frame as the job runs it: E and D_em on the frame (batch 1), then for
   * the {@code targets} targets in chunks of {@code batch} rows: G, and E on G's output.
   * Runs {@code frames} frames on the calling thread; returns seconds per frame.
   */
  /** Wall and CPU seconds per generation frame. */
  public record FrameTime(double wallSeconds, double cpuSeconds) {}

  public FrameTime generationSecondsPerFrame(float[] image, int targets, int batch, int frames) throws Exception {
    int zDim = manifest.zDim();
    float[] tg = GenerationTargets.halton(targets);
    boolean arousalFirst = manifest.arousalIndex() == 0;
    OnnxTensor x = OnnxTensor.createTensor(env, direct(java.util.Arrays.copyOf(image, manifest.imageSize())), imageShape(1));
    List<OnnxTensor[]> chunks = new ArrayList<>();
    try {
      for (int start = 0; start < targets; start += batch) {
        int rows = Math.min(batch, targets - start);
        float[] affect = new float[2 * rows];
        for (int r = 0; r < rows; r++) {
          float a = tg[2 * (start + r)];
          float v = tg[2 * (start + r) + 1];
          affect[2 * r] = arousalFirst ? a : v;
          affect[2 * r + 1] = arousalFirst ? v : a;
        }
        // the conditioning rows: the frame's z (its values do not change the cost) or the frame itself
        boolean onFrames = manifest.generatorConditioning() == ModelManifest.Conditioning.FRAME;
        float[] cond = new float[rows * (onFrames ? manifest.imageSize() : zDim)];
        for (int r = 0; onFrames && r < rows; r++) {
          System.arraycopy(image, 0, cond, r * manifest.imageSize(), manifest.imageSize());
        }
        chunks.add(new OnnxTensor[] {
            OnnxTensor.createTensor(env, direct(cond), onFrames ? imageShape(rows) : new long[] {rows, zDim}),
            OnnxTensor.createTensor(env, direct(affect), new long[] {rows, 2})});
      }
      generationFrame(x, chunks); // warm-up
      long t0 = System.nanoTime();
      long cpu0 = THREADS.getCurrentThreadCpuTime();
      for (int f = 0; f < frames; f++) {
        generationFrame(x, chunks);
      }
      return new FrameTime((System.nanoTime() - t0) / 1e9 / frames, (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9 / frames);
    } finally {
      x.close();
      for (OnnxTensor[] c : chunks) {
        c[0].close();
        c[1].close();
      }
    }
  }

  private void generationFrame(OnnxTensor x, List<OnnxTensor[]> chunks) throws OrtException {
    String zIn = manifest.generatorConditioningInput().name();
    String aIn = manifest.generatorAffectInput().name();
    try (OrtSession.Result z = encoder.run(Map.of(in(Role.ENCODER), x));
         OrtSession.Result a = dem.run(Map.of(in(Role.DEM), (OnnxTensor) z.get(out(Role.ENCODER)).orElseThrow()))) {
      a.get(0);
    }
    for (OnnxTensor[] c : chunks) {
      // the job's z rows are the frame's z repeated; their values do not change the cost
      try (OrtSession.Result img = generator.run(Map.of(zIn, c[0], aIn, c[1]));
           OrtSession.Result z = encoder.run(Map.of(in(Role.ENCODER),
               (OnnxTensor) img.get(out(Role.GENERATOR)).orElseThrow()))) {
        z.get(0);
      }
    }
  }

  @Override
  public void close() throws OrtException {
    encoder.close();
    dem.close();
    generator.close();
  }
}
