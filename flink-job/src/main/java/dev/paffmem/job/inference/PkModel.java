// Over 400 lines: the ONNX Runtime sessions of the three networks, device and precision choice, and the one entry
// point of each inference step, kept with the session options they depend on.
package dev.paffmem.job.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.config.JobConfig.ModelPrecision;
import dev.paffmem.job.inference.ModelManifest.Network;
import dev.paffmem.job.inference.ModelManifest.Role;
import dev.paffmem.job.inference.ModelManifest.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PK model in ONNX Runtime: encoder E (image -> z), D_em (z -> arousal, valence) and generator
 * G (z, arousal, valence -> edited image). Tensor names, shapes, image geometry and label order
 * come from the {@link ModelManifest}; opening checks the sessions' inputs and outputs against it.
 *
 * <p>Frames go in as RGB8 bytes through {@link #encodeRgb(List)}: with the model directory's optional
 * {@code encoder_u8.onnx} the bytes are handed to ONNX Runtime as they are and the conversion to the
 * encoder's float input runs inside the graph; without it (older model directories) {@link ImageTensors}
 * converts them in Java.
 *
 * <p>Affect arrays in this API are always (arousal, valence) pairs; the manifest's label order is
 * applied at the tensor boundary. Thread-safe: ONNX Runtime sessions accept concurrent {@code run}
 * calls, so one instance serves every slot of a TaskManager (see {@link SharedPkModel}).
 */
public final class PkModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PkModel.class);
  private static final AtomicBoolean CUDA_FALLBACK_WARNED = new AtomicBoolean();

  private final ModelManifest manifest;
  private final OrtEnvironment env;
  private final Map<Role, OrtSession> sessions = new EnumMap<>(Role.class);
  private final String deviceUsed;
  /** The roles whose session runs the manifest's quantized file. */
  private final java.util.Set<Role> quantizedRoles = java.util.EnumSet.noneOf(Role.class);

  private PkModel(ModelManifest manifest, Device device, ModelPrecision precision, int intraOpThreads,
      boolean regions) {
    this.manifest = manifest;
    this.env = OrtEnvironment.getEnvironment();
    String used = "CPU";
    try {
      boolean cuda = false;
      if (device != Device.CPU) {
        String unavailable = cudaUnavailableReason(intraOpThreads);
        if (unavailable == null) {
          cuda = true;
        } else if (device == Device.CUDA) {
          throw new IllegalStateException("--device cuda: the CUDA execution provider is not usable: " + unavailable
              + ". Build the job with -Pcuda (onnxruntime_gpu) and install the CUDA 12 / cuDNN 9 libraries on the"
              + " TaskManagers, or run with --device auto or --device cpu.");
        } else if (CUDA_FALLBACK_WARNED.compareAndSet(false, true)) {
          LOG.warn("--device auto: running the PK model on CPU because CUDA is not usable: {}", unavailable);
        }
      }
      for (Role role : Role.values()) {
        if (manifest.has(role) && (regions || role != Role.REGIONS)) {
          boolean quantized = precision == ModelPrecision.INT8 && GENERATION_ROLES.contains(role)
              && manifest.quantized(role) != null;
          sessions.put(role, openSession(role, quantized, cuda, intraOpThreads));
          if (quantized) {
            quantizedRoles.add(role);
          }
        }
      }
      used = cuda ? "CUDA" : "CPU";
      checkSessions();
    } catch (OrtException e) {
      close();
      throw new ModelDirectoryException("model directory " + manifest.dir() + ": ONNX Runtime cannot load the model: "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    this.deviceUsed = used;
  }

  /**
   * The networks {@link ModelPrecision#INT8} runs quantized when the manifest has their variant: generation's
   * (G, and E, which encodes G's edits and, without encoder_u8, the frames). D_em and encoder_u8 stay FP32.
   */
  private static final java.util.Set<Role> GENERATION_ROLES = java.util.EnumSet.of(Role.GENERATOR, Role.ENCODER);

  /** Opens (and validates) the model of a directory; the manifest is read from it. All networks FP32. */
  public static PkModel open(java.nio.file.Path dir, Device device, int intraOpThreads) {
    return open(ModelManifest.load(dir), device, ModelPrecision.FP32, intraOpThreads);
  }

  /** Opens (and validates) the model of a directory at a precision (see {@link ModelPrecision}). */
  public static PkModel open(java.nio.file.Path dir, Device device, ModelPrecision precision, int intraOpThreads) {
    return open(ModelManifest.load(dir), device, precision, intraOpThreads);
  }

  /** Opens (and validates) the model a loaded manifest describes. All networks FP32. */
  public static PkModel open(ModelManifest manifest, Device device, int intraOpThreads) {
    return new PkModel(manifest, device, ModelPrecision.FP32, intraOpThreads, true);
  }

  /**
   * Opens (and validates) the model a loaded manifest describes; with {@link ModelPrecision#INT8} the generator
   * and the encoder run the manifest's quantized files where it declares them (FP32 otherwise: a model
   * directory without them works unchanged).
   */
  public static PkModel open(ModelManifest manifest, Device device, ModelPrecision precision, int intraOpThreads) {
    return new PkModel(manifest, device, precision, intraOpThreads, true);
  }

  /**
   * As {@link #open(ModelManifest, Device, ModelPrecision, int)}; with {@code regions} false the regions' band
   * readers are not opened even where the manifest has them ({@link #hasRegions()} is then false): a job with
   * {@code --bias-correction NONE} never runs them.
   */
  public static PkModel open(ModelManifest manifest, Device device, ModelPrecision precision, int intraOpThreads,
      boolean regions) {
    return new PkModel(manifest, device, precision, intraOpThreads, regions);
  }

  /** Whether a network runs its quantized file. */
  public boolean runsQuantized(Role role) {
    return quantizedRoles.contains(role);
  }

  /** "generator int8, encoder fp32"-like: what generation runs. */
  public String generationPrecision() {
    return "generator " + (runsQuantized(Role.GENERATOR) ? manifest.quantized(Role.GENERATOR).precision() : "fp32")
        + ", encoder " + (runsQuantized(Role.ENCODER) ? manifest.quantized(Role.ENCODER).precision() : "fp32");
  }

  /** Null when CUDA can be used, otherwise why not. */
  private static String cudaUnavailableReason(int intraOpThreads) {
    if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
      return "this ONNX Runtime build has no CUDA execution provider (the CPU artifact 'onnxruntime' is on the"
          + " classpath; the -Pcuda build ships 'onnxruntime_gpu')";
    }
    try (OrtSession.SessionOptions probe = new OrtSession.SessionOptions()) {
      probe.setIntraOpNumThreads(intraOpThreads);
      probe.addCUDA(0);
      return null;
    } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private OrtSession openSession(Role role, boolean quantized, boolean cuda, int intraOpThreads) throws OrtException {
    OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
    opts.setIntraOpNumThreads(intraOpThreads);
    opts.setInterOpNumThreads(1);
    opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    if (cuda) {
      opts.addCUDA(0);
    }
    String file = quantized ? manifest.quantized(role).file() : manifest.network(role).file();
    String path = manifest.dir().resolve(file).toString();
    return env.createSession(path, opts);
  }

  /** The sessions' actual inputs and outputs must be the manifest's (names, ranks, fixed dims). */
  private void checkSessions() throws OrtException {
    for (Role role : sessions.keySet()) {
      Network net = manifest.network(role);
      OrtSession s = sessions.get(role);
      check(role, "input", net.inputs(), s.getInputInfo());
      check(role, "output", net.outputs(), s.getOutputInfo());
    }
    Tensor image = manifest.network(Role.ENCODER).inputs().get(0);
    long[] expected = manifest.imageShape(-1);
    if (!compatible(expected, image.shape())) {
      throw new ModelDirectoryException("model directory " + manifest.dir() + ": encoder input " + image
          + " does not match manifest image geometry " + Arrays.toString(expected));
    }
  }

  private void check(Role role, String kind, List<Tensor> declared, Map<String, NodeInfo> actual) {
    for (Tensor t : declared) {
      NodeInfo info = actual.get(t.name());
      if (info == null) {
        throw new ModelDirectoryException("model directory " + manifest.dir() + ": " + manifest.network(role).file()
            + " has no " + kind + " named '" + t.name() + "' (manifest.json says so; the file has " + actual.keySet() + ")");
      }
      long[] shape = ((TensorInfo) info.getInfo()).getShape();
      if (!compatible(t.shape(), shape)) {
        throw new ModelDirectoryException("model directory " + manifest.dir() + ": " + manifest.network(role).file()
            + " " + kind + " '" + t.name() + "' has shape " + Arrays.toString(shape) + " but manifest.json declares "
            + Arrays.toString(t.shape()));
      }
      OnnxJavaType type = ((TensorInfo) info.getInfo()).type;
      OnnxJavaType wanted = switch (t.dtype().toLowerCase(java.util.Locale.ROOT)) {
        case "float32", "float" -> OnnxJavaType.FLOAT;
        case "uint8" -> OnnxJavaType.UINT8;
        default -> null; // not checked
      };
      if (wanted != null && wanted != type) {
        throw new ModelDirectoryException("model directory " + manifest.dir() + ": " + manifest.network(role).file()
            + " " + kind + " '" + t.name() + "' has element type " + type + " but manifest.json declares " + t.dtype());
      }
    }
    if (actual.size() != declared.size()) {
      throw new ModelDirectoryException("model directory " + manifest.dir() + ": " + manifest.network(role).file()
          + " has " + kind + "s " + actual.keySet() + ", manifest.json declares " + declared);
    }
  }

  private static boolean compatible(long[] a, long[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] >= 0 && b[i] >= 0 && a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  /** Encoder: {@code n} images (manifest layout, values in the manifest range) to {@code n * zDim} values. */
  public float[] encode(float[] images, int n) throws OrtException {
    Tensor in = manifest.network(Role.ENCODER).inputs().get(0);
    return run(Role.ENCODER, Map.of(in.name(), imageTensor(images, n * imageSize(), imageShape(n))));
  }

  /**
   * Encoder on frames as they arrive: each frame RGB8 pixels, row-major HWC, {@code imageHeight *
   * imageWidth * 3} bytes (what {@link ImageTensors#write} takes); returns {@code rgbFrames.size() * zDim}
   * values, frame by frame, equal to {@link #encode(float[], int)} of the frames converted by
   * {@link ImageTensors} (up to float rounding inside ONNX Runtime, well below 1e-5).
   *
   * <p>With the model directory's {@code encoder_u8.onnx} ({@link #hasU8Encoder()}) the bytes are copied
   * as they are into a per-thread direct buffer and run through it: the layout, channel order and value
   * range conversion happens inside the graph. Without it (model directories exported before it) the
   * frames are converted by {@link ImageTensors} into the per-thread float buffer (no float[] per batch)
   * and run through {@code encoder.onnx}. The caller chunks to its batch size: one call is one ONNX Runtime run.
   * The frames are only read; thread-safe like the rest of this class.
   *
   * @throws IllegalArgumentException if a frame does not have {@code imageHeight * imageWidth * 3} bytes
   */
  public float[] encodeRgb(List<byte[]> rgbFrames) throws OrtException {
    int n = rgbFrames.size();
    if (n == 0) {
      return new float[0];
    }
    OrtSession u8 = sessions.get(Role.ENCODER_U8);
    if (u8 != null) {
      Tensor in = manifest.network(Role.ENCODER_U8).inputs().get(0);
      return run(Role.ENCODER_U8, Map.of(in.name(), rgbTensor(rgbFrames)));
    }
    // frame by frame through a per-thread one-frame scratch (stays in cache) with a bulk put into the
    // direct buffer: the fastest of the three ways measured (BENCHMARKS.md, "Fixes made from these measurements")
    int size = imageSize();
    float[] frame = frameScratch.get();
    if (frame == null || frame.length != size) {
      frame = new float[size];
      frameScratch.set(frame);
    }
    FloatBuffer buf = floatImageBuffer(n * size);
    for (byte[] rgb : rgbFrames) {
      ImageTensors.write(rgb, manifest, frame, 0);
      buf.put(frame);
    }
    buf.flip();
    Tensor in = manifest.network(Role.ENCODER).inputs().get(0);
    return run(Role.ENCODER, Map.of(in.name(), OnnxTensor.createTensor(env, buf, imageShape(n))));
  }

  /** The frames' bytes as they are in this thread's direct buffer, as a uint8 [n, height, width, 3] tensor. */
  private OnnxTensor rgbTensor(List<byte[]> rgbFrames) throws OrtException {
    int n = rgbFrames.size();
    int h = manifest.imageHeight();
    int w = manifest.imageWidth();
    int frameBytes = h * w * 3;
    ByteBuffer buf = rgbBuffer.get();
    if (buf == null || buf.capacity() < n * frameBytes) {
      buf = ByteBuffer.allocateDirect(Math.max(n, 64) * frameBytes).order(ByteOrder.nativeOrder());
      rgbBuffer.set(buf);
    }
    buf.clear();
    for (byte[] rgb : rgbFrames) {
      if (rgb.length != frameBytes) {
        throw new IllegalArgumentException("image has " + rgb.length + " bytes, the model needs " + h + "x" + w + "x3");
      }
      buf.put(rgb);
    }
    buf.flip();
    return OnnxTensor.createTensor(env, buf, new long[] {n, h, w, 3}, OnnxJavaType.UINT8);
  }

  /**
   * The regions' band readers ({@code models.regions}) on frames as {@link #encodeRgb(List)} takes them: {@code
   * rgbFrames.size() * k} values, frame by frame, each band's (arousal, valence), band-major (k = 2 x bands).
   *
   * @throws IllegalStateException when the model directory has no regions ({@link #hasRegions()})
   */
  public float[] regions(List<byte[]> rgbFrames) throws OrtException {
    if (!hasRegions()) {
      throw new IllegalStateException("model directory " + manifest.dir() + " has no models.regions");
    }
    if (rgbFrames.isEmpty()) {
      return new float[0];
    }
    Tensor in = manifest.network(Role.REGIONS).inputs().get(0);
    return run(Role.REGIONS, Map.of(in.name(), rgbTensor(rgbFrames)));
  }

  /**
   * Whether the regions' band readers are open: the model directory has them ({@code models.regions}) and they were
   * asked for.
   */
  public boolean hasRegions() {
    return sessions.containsKey(Role.REGIONS);
  }

  /** Whether the model directory has {@code encoder_u8.onnx}, which {@link #encodeRgb(List)} then runs. */
  public boolean hasU8Encoder() {
    return sessions.containsKey(Role.ENCODER_U8);
  }

  /** Shape of {@code n} images: the encoder's input. */
  private long[] imageShape(int n) {
    return manifest.imageShape(n);
  }

  // Direct, native-order buffer reused per thread: ONNX Runtime reads it in place, where a heap array
  // costs a fresh multi-MB direct copy per batch. One image tensor per thread is alive at a time (run()
  // closes its inputs before returning), so reuse is safe; the model is shared by the TaskManager's slots.
  private final ThreadLocal<FloatBuffer> imageBuffer = new ThreadLocal<>();
  // The same for encodeRgb's frame bytes (encoder_u8's uint8 input).
  private final ThreadLocal<ByteBuffer> rgbBuffer = new ThreadLocal<>();
  private final ThreadLocal<float[]> frameScratch = new ThreadLocal<>();

  private int imageSize() {
    return manifest.imageChannels() * manifest.imageHeight() * manifest.imageWidth();
  }

  /** This thread's image buffer with room for {@code length} floats, cleared. */
  private FloatBuffer floatImageBuffer(int length) {
    FloatBuffer buf = imageBuffer.get();
    if (buf == null || buf.capacity() < length) {
      buf = ByteBuffer.allocateDirect(Math.max(length, 64 * imageSize()) * Float.BYTES)
          .order(ByteOrder.nativeOrder()).asFloatBuffer();
      imageBuffer.set(buf);
    }
    buf.clear();
    return buf;
  }

  private OnnxTensor imageTensor(float[] images, int length, long[] shape) throws OrtException {
    FloatBuffer buf = floatImageBuffer(length);
    buf.put(images, 0, length);
    buf.flip();
    return OnnxTensor.createTensor(env, buf, shape);
  }

  /** D_em: {@code n} z vectors to {@code n} (arousal, valence) pairs. */
  public float[] dem(float[] z, int n) throws OrtException {
    Tensor in = manifest.network(Role.DEM).inputs().get(0);
    float[] out = run(Role.DEM, Map.of(in.name(), tensor(z, new long[] {n, manifest.zDim()})));
    return fromLabelOrder(out, n);
  }

  /**
   * Generator: {@code n} conditioning rows and {@code n} (arousal, valence) targets to {@code n} edited images.
   * A row is what the manifest's generator is conditioned on ({@link ModelManifest#generatorConditioning()}):
   * the frame's z ({@code zDim} values, the paper's G) or the frame itself (the manifest's image size in the
   * model's input layout, as {@link ImageTensors#write} makes them; a frame editor).
   */
  public float[] generate(float[] conditioning, float[] arousalValence, int n) throws OrtException {
    return run(Role.GENERATOR, generatorInputs(conditioning, arousalValence, n));
  }

  /** Values per conditioning row of the generator: z_dim or the image size. */
  public int generatorRowSize() {
    return manifest.generatorConditioning() == ModelManifest.Conditioning.LATENT ? manifest.zDim() : imageSize();
  }

  private Map<String, OnnxTensor> generatorInputs(float[] conditioning, float[] arousalValence, int n)
      throws OrtException {
    float[] affect = toLabelOrder(arousalValence, n);
    long[] shape = manifest.generatorConditioning() == ModelManifest.Conditioning.LATENT
        ? new long[] {n, manifest.zDim()} : imageShape(n);
    if (conditioning.length < n * generatorRowSize()) {
      throw new IllegalArgumentException("generator needs " + n + " rows of " + generatorRowSize() + " values, got "
          + conditioning.length + " values");
    }
    OnnxTensor cond = OnnxTensor.createTensor(env, FloatBuffer.wrap(conditioning, 0, n * generatorRowSize()), shape);
    return Map.of(manifest.generatorConditioningInput().name(), cond,
        manifest.generatorAffectInput().name(), tensor(affect, new long[] {n, 2}));
  }

  /**
   * Generator then encoder: {@code n} conditioning rows (see {@link #generate}) and {@code n} (arousal, valence)
   * targets to the {@code n * zDim} z values of the edited images, as {@code encode(generate(c, av, n), n)} but
   * without copying the images through Java: G's output tensor, still owned by its open
   * {@code OrtSession.Result}, is the encoder's input.
   */
  public float[] generateAndEncode(float[] conditioning, float[] arousalValence, int n) throws OrtException {
    return generateAndEncode(conditioning, arousalValence, n, (role, nanos) -> { });
  }

  /**
   * The generation step of one frame, the one entry point of generation: the frame's face edited by G to
   * each of {@code arousalValence.length / 2} (arousal, valence) targets and the edited faces encoded by E,
   * returned as their {@code targets * zDim} z values. The frame comes as both its RGB8 pixels
   * ({@code rgb}, manifest geometry, as {@link #encodeRgb} takes them) and its encoding {@code z}: the paper's
   * generator is conditioned on z (the pixels are unused); a frame editor ({@link ModelManifest#generatorConditioning()}
   * FRAME) is fed the frame itself, converted by {@link ImageTensors#write}. A latent generator
   * ({@link ModelManifest#generatorEdits()} LATENT) returns the edits' z values itself; E is not run.
   */
  public float[] generateAndEncode(byte[] rgb, float[] z, float[] arousalValence, RunTimer timer) throws OrtException {
    int n = arousalValence.length / 2;
    int zDim = manifest.zDim();
    if (z.length != zDim) {
      throw new IllegalArgumentException("z has " + z.length + " values, the model's zDim is " + zDim);
    }
    float[] row = z;
    if (manifest.generatorConditioning() == ModelManifest.Conditioning.FRAME) {
      row = new float[imageSize()];
      ImageTensors.write(rgb, manifest, row, 0);
    }
    float[] rows = new float[n * row.length];
    for (int r = 0; r < n; r++) {
      System.arraycopy(row, 0, rows, r * row.length, row.length);
    }
    return generateAndEncode(rows, arousalValence, n, timer);
  }

  /** Receives how long each network of {@link #generateAndEncode(float[], float[], int, RunTimer)} ran. */
  @FunctionalInterface
  public interface RunTimer {
    void ran(Role role, long nanos);
  }

  /**
   * As {@link #generateAndEncode(float[], float[], int)}, reporting the generator's and the encoder's
   * run times (wall clock, nanoseconds) to {@code timer}.
   */
  public float[] generateAndEncode(float[] conditioning, float[] arousalValence, int n, RunTimer timer)
      throws OrtException {
    Map<String, OnnxTensor> genInputs = generatorInputs(conditioning, arousalValence, n);
    long t0 = System.nanoTime();
    try (OrtSession.Result generated = sessions.get(Role.GENERATOR).run(genInputs)) {
      timer.ran(Role.GENERATOR, System.nanoTime() - t0);
      long t1 = System.nanoTime();
      OnnxTensor images = output(Role.GENERATOR, generated);
      long[] shape = images.getInfo().getShape();
      if (manifest.generatorEdits() == ModelManifest.EditSpace.LATENT) { // edits drawn in z: nothing to encode
        if (!Arrays.equals(shape, new long[] {n, manifest.zDim()})) {
          throw new IllegalStateException("generator returned " + Arrays.toString(shape) + ", not [" + n + ", "
              + manifest.zDim() + "]");
        }
        return floats(images);
      }
      float[] out;
      // the sessions were checked against the manifest at start: G's output is E's input, handed over as it is
      if (!Arrays.equals(shape, imageShape(n))) {
        throw new IllegalStateException("generator returned " + Arrays.toString(shape) + ", not the manifest's "
            + Arrays.toString(imageShape(n)));
      }
      Tensor in = manifest.network(Role.ENCODER).inputs().get(0);
      try (OrtSession.Result encoded = sessions.get(Role.ENCODER).run(Map.of(in.name(), images))) {
        out = floats(output(Role.ENCODER, encoded));
      }
      timer.ran(Role.ENCODER, System.nanoTime() - t1);
      return out;
    } finally {
      genInputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Runs one network on named inputs and returns its (single) output; closes the input tensors. */
  public float[] run(Role role, Map<String, OnnxTensor> inputs) throws OrtException {
    try (OrtSession.Result result = sessions.get(role).run(inputs)) {
      return floats(output(role, result));
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** The network's (single, manifest-named) output of a result; owned by the result. */
  private OnnxTensor output(Role role, OrtSession.Result result) {
    String outName = manifest.network(role).outputs().get(0).name();
    OnnxValue v = result.get(outName).orElseThrow(() -> new IllegalStateException(role.key + " produced no " + outName));
    return (OnnxTensor) v;
  }

  private static float[] floats(OnnxTensor t) {
    FloatBuffer fb = t.getFloatBuffer();
    float[] out = new float[fb.remaining()];
    fb.get(out);
    return out;
  }

  /** A float tensor for this model's environment. */
  public OnnxTensor tensor(float[] data, long[] shape) throws OrtException {
    return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
  }

  private float[] toLabelOrder(float[] av, int n) {
    if (manifest.arousalIndex() == 0) {
      return av;
    }
    float[] out = new float[2 * n];
    for (int i = 0; i < n; i++) {
      out[2 * i + manifest.arousalIndex()] = av[2 * i];
      out[2 * i + manifest.valenceIndex()] = av[2 * i + 1];
    }
    return out;
  }

  private float[] fromLabelOrder(float[] out, int n) {
    if (manifest.arousalIndex() == 0) {
      return out;
    }
    float[] av = new float[2 * n];
    for (int i = 0; i < n; i++) {
      av[2 * i] = out[2 * i + manifest.arousalIndex()];
      av[2 * i + 1] = out[2 * i + manifest.valenceIndex()];
    }
    return av;
  }

  public ModelManifest manifest() {
    return manifest;
  }

  /** "CPU" or "CUDA". */
  public String deviceUsed() {
    return deviceUsed;
  }

  @Override
  public void close() {
    for (OrtSession s : sessions.values()) {
      try {
        s.close();
      } catch (OrtException e) {
        LOG.warn("closing an ONNX Runtime session failed", e);
      }
    }
    sessions.clear();
  }
}
