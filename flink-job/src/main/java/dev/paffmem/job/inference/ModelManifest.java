// Over 400 lines: the manifest's parsing and every validation message in one place (the manifest owns the tensor
// names, shapes and image geometry).
package dev.paffmem.job.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paffmem.memory.BiasCorrection;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model directory's {@code manifest.json}: the one place that owns the tensor names, shapes,
 * image geometry, z size and label order. Nothing else in the job hard-codes them.
 *
 * <p>{@link #load(Path)} parses it and checks that every model file it names is present with the
 * sha256 it records; a problem fails with a {@link ModelDirectoryException} that names the file
 * and field.
 *
 * <p>{@code models.encoder_u8} ({@link Role#ENCODER_U8}: the encoder behind a uint8 front end that
 * takes RGB8 frames as they are) is optional: model directories exported before it load without it,
 * and {@link #network(Role)} is then null for it. When the manifest names it, it is checked like the
 * other networks.
 */
public final class ModelManifest implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The networks of a model directory; the first three are required. */
  public enum Role {
    ENCODER("encoder", false), GENERATOR("generator", false), DEM("dem", false),
    /**
     * Optional: the encoder with the image preprocessing inside the graph. Its input is uint8
     * [N, height, width, 3], RGB, NHWC (the frames' bytes as they are); its output is the encoder's z.
     * Built by {@code python3 -m paffmem_pk.preprocess <model-dir>}.
     */
    ENCODER_U8("encoder_u8", true),
    /**
     * Optional: the band readers of the regions' bias correction ({@code --bias-correction regions}). Input uint8
     * [N, height, width, 3] like encoder_u8's; output [N, 2 x bands], each band's (arousal, valence), band-major;
     * {@code models.regions.correction} holds the regression ({@link #regionsCorrection()}). Built by
     * {@code python3 -m paffmem_pk.regions export}.
     */
    REGIONS("regions", true);

    public final String key;
    /** Whether a manifest may leave the network out. */
    public final boolean optional;

    Role(String key, boolean optional) {
      this.key = key;
      this.optional = optional;
    }
  }

  /** One input or output tensor: name, shape (-1 for a dynamic axis) and dtype. */
  public record Tensor(String name, long[] shape, String dtype) implements Serializable {
    /** Last dimension (the feature size), or -1 when dynamic. */
    public long lastDim() {
      return shape.length == 0 ? -1 : shape[shape.length - 1];
    }

    @Override
    public String toString() {
      return name + java.util.Arrays.toString(shape) + ":" + dtype;
    }
  }

  /** One ONNX file of the model with its declared inputs and outputs. */
  public record Network(String file, String sha256, List<Tensor> inputs, List<Tensor> outputs) implements Serializable {}

  /**
   * An optional lower-precision file of a network ({@code models.<network>.quantized}, written by
   * {@code python3 -m paffmem_pk.quantize <model-dir>}): same inputs and outputs as the network, run instead of it
   * with {@code --model-precision int8}.
   */
  public record Quantized(String file, String sha256, String precision) implements Serializable {}

  private final String dir; // Path is not Serializable
  private final int formatVersion;
  private final String modelId;
  private final String modelVersion;
  private final int imageHeight;
  private final int imageWidth;
  private final int imageChannels;
  private final String channelOrder;
  private final String layout;
  private final float valueMin;
  private final float valueMax;
  private final int zDim;
  private final List<String> labelOrder;
  private final Map<Role, Network> networks;
  private final Map<Role, Quantized> quantized;
  private final BiasCorrection regionsCorrection;

  private ModelManifest(Path dir, JsonNode root) {
    this.dir = dir.toString();
    this.formatVersion = requireInt(root, "format_version");
    this.modelId = requireText(root, "model_id");
    this.modelVersion = root.hasNonNull("model_version") ? root.get("model_version").asText() : "unknown";
    JsonNode image = require(root, "image");
    this.imageHeight = requireInt(image, "height");
    this.imageWidth = requireInt(image, "width");
    this.imageChannels = requireInt(image, "channels");
    this.channelOrder = requireText(image, "channel_order");
    this.layout = requireText(image, "layout");
    JsonNode range = require(image, "value_range");
    if (!range.isArray() || range.size() != 2) {
      throw bad("image.value_range must be [min, max], was " + range);
    }
    this.valueMin = (float) range.get(0).asDouble();
    this.valueMax = (float) range.get(1).asDouble();
    this.zDim = requireInt(root, "z_dim");
    JsonNode labels = require(root, "label_order");
    List<String> order = new ArrayList<>();
    labels.forEach(n -> order.add(n.asText()));
    this.labelOrder = List.copyOf(order);
    if (labelOrder.size() != 2 || !labelOrder.contains("arousal") || !labelOrder.contains("valence")) {
      throw bad("label_order must name arousal and valence once each, was " + labelOrder);
    }
    // the exporter's contract (model-export/paffmem_pk/manifest.py): every model takes RGB, channels first
    if (imageChannels != 3 || !channelOrder.equalsIgnoreCase("RGB")) {
      throw bad("image must have 3 channels in RGB order, was " + imageChannels + " " + channelOrder);
    }
    if (!layout.equalsIgnoreCase("NCHW")) {
      throw bad("image.layout must be NCHW, was " + layout);
    }
    if (!(valueMax > valueMin)) {
      throw bad("image.value_range must have max > min, was " + range);
    }
    JsonNode models = require(root, "models");
    Map<Role, Network> nets = new LinkedHashMap<>();
    for (Role role : Role.values()) {
      if (role.optional && !models.hasNonNull(role.key)) {
        continue;
      }
      JsonNode m = require(models, role.key);
      nets.put(role, new Network(requireText(m, "file"), requireText(m, "sha256"),
          tensors(m, "inputs", role), tensors(m, "outputs", role)));
    }
    this.networks = nets;
    Map<Role, Quantized> q = new LinkedHashMap<>();
    for (Role role : nets.keySet()) {
      JsonNode v = models.get(role.key).get("quantized");
      if (v == null || v.isNull()) {
        continue;
      }
      JsonNode from = v.path("derived_from").path("sha256");
      if (from.isTextual() && !from.asText().equalsIgnoreCase(nets.get(role).sha256())) {
        throw bad("models." + role.key + ".quantized was built from another " + nets.get(role).file()
            + " (derived_from.sha256 " + from.asText() + ")" + QUANTIZE_FIX);
      }
      q.put(role, new Quantized(requireText(v, "file"), requireText(v, "sha256"), requireText(v, "precision")));
    }
    this.quantized = q;
    checkRoles();
    if (nets.containsKey(Role.ENCODER_U8)) {
      checkEncoderU8(models.get(Role.ENCODER_U8.key));
    }
    this.regionsCorrection = nets.containsKey(Role.REGIONS) ? regions(models.get(Role.REGIONS.key)) : null;
  }

  private static final String REGIONS_FIX = "; rebuild it with 'python3 -m paffmem_pk.regions export' (in model-export/)"
      + " or remove models.regions from manifest.json";

  /** models.regions: uint8 frames in, 2 x bands readings out, and its regression's parameters. */
  private BiasCorrection regions(JsonNode entry) {
    Network net = networks.get(Role.REGIONS);
    if (net.inputs().size() != 1 || net.outputs().size() != 1) {
      throw bad("models.regions must have one input (RGB8 frames) and one output (the bands' readings)");
    }
    Tensor in = net.inputs().get(0);
    long[] got = in.shape();
    if (got.length != 4 || got[1] != imageHeight || got[2] != imageWidth || got[3] != 3
        || !"uint8".equalsIgnoreCase(in.dtype())) {
      throw bad("models.regions input " + in + " must be uint8 [N, " + imageHeight + ", " + imageWidth + ", 3]");
    }
    JsonNode c = require(entry, "correction");
    double[] mu = doubles(require(c, "mu"), "models.regions.correction.mu");
    JsonNode rows = require(c, "w");
    if (!rows.isArray() || rows.size() != mu.length) {
      throw bad("models.regions.correction.w must have one row per reading (" + mu.length + "), was " + rows);
    }
    double[] w = new double[2 * mu.length];
    for (int j = 0; j < mu.length; j++) {
      double[] row = doubles(rows.get(j), "models.regions.correction.w[" + j + "]");
      if (row.length != 2) {
        throw bad("models.regions.correction.w rows must be (arousal, valence), row " + j + " was " + rows.get(j));
      }
      w[2 * j] = row[0];
      w[2 * j + 1] = row[1];
    }
    double[] b = doubles(require(c, "b"), "models.regions.correction.b");
    JsonNode n0 = require(c, "n0");
    if (!n0.isNumber()) {
      throw bad("models.regions.correction.n0 must be a number, was " + n0);
    }
    BiasCorrection correction;
    try {
      correction = new BiasCorrection(mu, w, b, n0.asDouble());
    } catch (IllegalArgumentException e) {
      throw bad("models.regions.correction: " + e.getMessage() + REGIONS_FIX);
    }
    if (net.outputs().get(0).lastDim() != mu.length) {
      throw bad("models.regions output " + net.outputs().get(0) + " must end in " + mu.length
          + " (the correction's readings)" + REGIONS_FIX);
    }
    return correction;
  }

  private static double[] doubles(JsonNode arr, String what) {
    if (!arr.isArray()) {
      throw bad(what + " must be an array of numbers, was " + arr);
    }
    double[] out = new double[arr.size()];
    for (int i = 0; i < out.length; i++) {
      if (!arr.get(i).isNumber()) {
        throw bad(what + " must be an array of numbers, was " + arr);
      }
      out[i] = arr.get(i).asDouble();
    }
    return out;
  }

  /** Reads and checks {@code dir/manifest.json} and the files and digests it names. */
  public static ModelManifest load(Path dir) {
    Path file = dir.resolve("manifest.json");
    if (!Files.isDirectory(dir)) {
      throw new ModelDirectoryException("model directory " + dir.toAbsolutePath() + " does not exist (set --model-dir)");
    }
    if (!Files.isRegularFile(file)) {
      throw new ModelDirectoryException("model directory " + dir.toAbsolutePath() + " has no manifest.json");
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelDirectoryException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    ModelManifest manifest;
    try {
      manifest = new ModelManifest(dir, root);
    } catch (ModelDirectoryException e) {
      throw new ModelDirectoryException(file + ": " + e.getMessage(), e);
    }
    manifest.checkFiles();
    return manifest;
  }

  private void checkFiles() {
    for (Map.Entry<Role, Network> e : networks.entrySet()) {
      Path f = dir().resolve(e.getValue().file());
      String fix = e.getKey() == Role.ENCODER_U8 ? U8_FIX : e.getKey() == Role.REGIONS ? REGIONS_FIX : "";
      if (!Files.isRegularFile(f)) {
        throw new ModelDirectoryException("model directory " + dir + ": " + e.getKey().key + " file " + f.getFileName()
            + " named in manifest.json is missing" + fix);
      }
      String actual = sha256(f);
      if (!actual.equalsIgnoreCase(e.getValue().sha256())) {
        throw new ModelDirectoryException("model directory " + dir + ": " + f.getFileName() + " has sha256 " + actual
            + " but manifest.json records " + e.getValue().sha256() + " (file corrupt or from another export)" + fix);
      }
    }
    for (Map.Entry<Role, Quantized> e : quantized.entrySet()) {
      Path f = dir().resolve(e.getValue().file());
      if (!Files.isRegularFile(f)) {
        throw new ModelDirectoryException("model directory " + dir + ": " + e.getKey().key + " quantized file "
            + f.getFileName() + " named in manifest.json is missing" + QUANTIZE_FIX);
      }
      String actual = sha256(f);
      if (!actual.equalsIgnoreCase(e.getValue().sha256())) {
        throw new ModelDirectoryException("model directory " + dir + ": " + f.getFileName() + " has sha256 " + actual
            + " but manifest.json records " + e.getValue().sha256() + QUANTIZE_FIX);
      }
    }
  }

  private static final String QUANTIZE_FIX = "; rebuild it with 'python3 -m paffmem_pk.quantize <model-dir> --data"
      + " <training set>' (in model-export/) or remove the quantized entry from manifest.json";

  private static final String U8_FIX = "; rebuild it with 'python3 -m paffmem_pk.preprocess <model-dir>' (in"
      + " model-export/) or remove models.encoder_u8 from manifest.json";

  /**
   * encoder_u8: one uint8 input [N, height, width, 3] (NHWC, RGB: the frames' bytes), one output
   * like the encoder's; when the manifest records which encoder.onnx it was built from, that must be
   * this directory's.
   */
  private void checkEncoderU8(JsonNode entry) {
    Network u8 = networks.get(Role.ENCODER_U8);
    if (u8.inputs().size() != 1 || u8.outputs().size() != 1) {
      throw bad("models.encoder_u8 must have one input (RGB8 frames) and one output (z)");
    }
    Tensor in = u8.inputs().get(0);
    long[] want = {-1, imageHeight, imageWidth, 3};
    long[] got = in.shape();
    boolean shapeOk = got.length == 4;
    for (int i = 1; shapeOk && i < 4; i++) {
      shapeOk = got[i] == want[i];
    }
    if (!shapeOk || !"uint8".equalsIgnoreCase(in.dtype())) {
      throw bad("models.encoder_u8 input " + in + " must be uint8 " + java.util.Arrays.toString(want)
          + " (N, height, width, RGB)");
    }
    for (String field : new String[] {"layout", "channel_order"}) {
      JsonNode v = entry.get("inputs").get(0).get(field);
      String expected = field.equals("layout") ? "NHWC" : "RGB";
      if (v != null && !v.isNull() && !v.asText().equalsIgnoreCase(expected)) {
        throw bad("models.encoder_u8 input " + field + " must be " + expected + ", was " + v.asText());
      }
    }
    if (u8.outputs().get(0).lastDim() != zDim) {
      throw bad("models.encoder_u8 output " + u8.outputs().get(0) + " must end in z_dim " + zDim);
    }
    JsonNode from = entry.path("derived_from").path("sha256");
    String encoderSha = networks.get(Role.ENCODER).sha256();
    if (from.isTextual() && !from.asText().equalsIgnoreCase(encoderSha)) {
      throw bad("models.encoder_u8 was built from another encoder.onnx (derived_from.sha256 " + from.asText()
          + ", models.encoder.sha256 " + encoderSha + ")" + U8_FIX);
    }
  }

  /** The generator must take a z input and an affect input; the encoder must output z; D_em must output 2 values. */
  private void checkRoles() {
    Network enc = networks.get(Role.ENCODER);
    Network gen = networks.get(Role.GENERATOR);
    Network dem = networks.get(Role.DEM);
    if (enc.inputs().size() != 1 || enc.outputs().size() != 1) {
      throw bad("models.encoder must have one input (image) and one output (z)");
    }
    if (enc.outputs().get(0).lastDim() != zDim) {
      throw bad("models.encoder output " + enc.outputs().get(0) + " must end in z_dim " + zDim);
    }
    if (gen.inputs().size() != 2 || gen.outputs().size() != 1) {
      throw bad("models.generator must have two inputs (z or frame, affect) and one output (image or z)");
    }
    generatorAffectInput();
    generatorConditioningInput();
    generatorEdits();
    if (dem.inputs().size() != 1 || dem.outputs().size() != 1 || dem.outputs().get(0).lastDim() != 2) {
      throw bad("models.dem must have one input (z) and one output with 2 values (affect)");
    }
  }

  /**
   * What the generator edits besides the target affect: the encoder's z (the paper's G, which re-synthesizes the
   * face from z) or the frame itself (a frame editor, which changes the person's own frame and so keeps their
   * appearance; {@code "conditioning": "frame"} in the manifest, model-export's editor.py).
   */
  public enum Conditioning { LATENT, FRAME }

  /** The generator's conditioning, from the shape of its non-affect input: [N, z_dim] or an image. */
  public Conditioning generatorConditioning() {
    Tensor t = generatorConditioningInput();
    return t.shape().length == 2 ? Conditioning.LATENT : Conditioning.FRAME;
  }

  /** The generator input that is not the affect: [N, z_dim] (z) or the image shape of the encoder's input (frame). */
  public Tensor generatorConditioningInput() {
    Tensor affect = generatorAffectInput();
    Tensor other = networks.get(Role.GENERATOR).inputs().stream().filter(t -> t != affect).findFirst()
        .orElseThrow(() -> bad("models.generator needs a z or frame input besides the affect"));
    long[] s = other.shape();
    if (s.length == 2 && s[1] == zDim) {
      return other;
    }
    long[] image = networks.get(Role.ENCODER).inputs().get(0).shape();
    if (s.length == 4 && java.util.Arrays.equals(java.util.Arrays.copyOfRange(s, 1, 4),
        java.util.Arrays.copyOfRange(image, 1, 4))) {
      return other;
    }
    throw bad("models.generator input " + other + " is neither z [N, " + zDim + "] nor a frame shaped as the "
        + "encoder's input " + java.util.Arrays.toString(image));
  }

  /**
   * What the generator's edits are: images, which the encoder then encodes (the paper's G, the frame editor), or
   * z's drawn directly in the encoder's latent space (model-export's latent.py: no image, no encoder pass).
   */
  public enum EditSpace { IMAGE, LATENT }

  /** The generator's edit space, from the shape of its output: [N, z_dim] or the encoder's input image. */
  public EditSpace generatorEdits() {
    long[] s = networks.get(Role.GENERATOR).outputs().get(0).shape();
    if (s.length == 2 && s[1] == zDim) {
      return EditSpace.LATENT;
    }
    long[] image = networks.get(Role.ENCODER).inputs().get(0).shape();
    if (s.length == 4 && java.util.Arrays.equals(java.util.Arrays.copyOfRange(s, 1, 4),
        java.util.Arrays.copyOfRange(image, 1, 4))) {
      return EditSpace.IMAGE;
    }
    throw bad("models.generator output " + networks.get(Role.GENERATOR).outputs().get(0) + " is neither z [N, "
        + zDim + "] nor an image shaped as the encoder's input " + java.util.Arrays.toString(image));
  }

  /** The generator input whose last dimension is z_dim (only for {@link Conditioning#LATENT}). */
  public Tensor generatorLatentInput() {
    Tensor t = generatorConditioningInput();
    if (t.shape().length != 2) {
      throw bad("models.generator is conditioned on the frame, not on z");
    }
    return t;
  }

  /** The generator input of shape [N, 2] (affect, in {@link #labelOrder()}). */
  public Tensor generatorAffectInput() {
    return networks.get(Role.GENERATOR).inputs().stream().filter(t -> t.shape().length == 2 && t.lastDim() == 2)
        .findFirst()
        .orElseThrow(() -> bad("models.generator has no input of shape [N, 2] (affect)"));
  }

  private static List<Tensor> tensors(JsonNode model, String field, Role role) {
    JsonNode arr = require(model, field);
    if (!arr.isArray() || arr.isEmpty()) {
      throw bad("models." + role.key + "." + field + " must be a non-empty array");
    }
    List<Tensor> out = new ArrayList<>();
    for (JsonNode t : arr) {
      JsonNode shape = require(t, "shape");
      long[] dims = new long[shape.size()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = shape.get(i).isIntegralNumber() ? shape.get(i).asLong() : -1; // "N", "batch", null: dynamic
      }
      out.add(new Tensor(requireText(t, "name"), dims, t.hasNonNull("dtype") ? t.get("dtype").asText() : "float32"));
    }
    return List.copyOf(out);
  }

  private static JsonNode require(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw bad("missing field '" + field + "'");
    }
    return v;
  }

  private static int requireInt(JsonNode node, String field) {
    JsonNode v = require(node, field);
    if (!v.canConvertToInt()) {
      throw bad("field '" + field + "' must be an integer, was " + v);
    }
    return v.asInt();
  }

  private static String requireText(JsonNode node, String field) {
    String v = require(node, field).asText();
    if (v.isBlank()) {
      throw bad("field '" + field + "' must not be empty");
    }
    return v;
  }

  private static ModelDirectoryException bad(String message) {
    return new ModelDirectoryException(message);
  }

  static String sha256(Path f) {
    try (InputStream in = Files.newInputStream(f)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new ModelDirectoryException("cannot read " + f + ": " + e, e);
    }
  }

  public Path dir() { return Path.of(dir); }
  public int formatVersion() { return formatVersion; }
  public String modelId() { return modelId; }
  public String modelVersion() { return modelVersion; }
  public int imageHeight() { return imageHeight; }
  public int imageWidth() { return imageWidth; }
  public int imageChannels() { return imageChannels; }
  /** Shape of {@code n} images as the encoder takes them: [n, 3, height, width] (RGB, NCHW). */
  public long[] imageShape(int n) {
    return new long[] {n, imageChannels, imageHeight, imageWidth};
  }
  public float valueMin() { return valueMin; }
  public float valueMax() { return valueMax; }
  public int zDim() { return zDim; }
  public List<String> labelOrder() { return labelOrder; }
  /** Index of arousal in every affect tensor. */
  public int arousalIndex() { return labelOrder.indexOf("arousal"); }
  /** Index of valence in every affect tensor. */
  public int valenceIndex() { return labelOrder.indexOf("valence"); }
  /** The network of a role; null for an optional one (encoder_u8) the manifest does not name. */
  public Network network(Role role) { return networks.get(role); }
  /** The network's lower-precision variant ({@code models.<network>.quantized}), or null. */
  public Quantized quantized(Role role) { return quantized.get(role); }
  /** Whether the manifest names the network (always true for the required roles). */
  public boolean has(Role role) { return networks.containsKey(role); }
  /** The regions' bias correction ({@code models.regions}), or null when the model directory has none. */
  public BiasCorrection regionsCorrection() { return regionsCorrection; }
  /** Values per image tensor row: channels * height * width. */
  public int imageSize() { return imageChannels * imageHeight * imageWidth; }

  /** The digests of the network files (encoder_u8 when present), to check that every TaskManager runs the model the client validated. */
  public Map<Role, String> digests() {
    Map<Role, String> d = new LinkedHashMap<>();
    networks.forEach((r, n) -> d.put(r, n.sha256().toLowerCase()));
    return d;
  }

  /** The digests of the quantized variants, to check them like {@link #digests()} (not part of the model identity). */
  public Map<Role, String> quantizedDigests() {
    Map<Role, String> d = new LinkedHashMap<>();
    quantized.forEach((r, q) -> d.put(r, q.sha256().toLowerCase()));
    return d;
  }

  @Override
  public String toString() {
    return modelId + " " + modelVersion + " (" + dir + ", z_dim " + zDim + ", image " + imageChannels + "x"
        + imageHeight + "x" + imageWidth + " " + channelOrder + " " + layout
        + (networks.containsKey(Role.ENCODER_U8) ? ", uint8 encoder" : "")
        + (networks.containsKey(Role.REGIONS) ? ", regions" : "")
        + (quantized.isEmpty() ? "" : ", quantized " + quantized.keySet()) + ")";
  }
}
