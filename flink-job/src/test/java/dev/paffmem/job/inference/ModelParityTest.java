package dev.paffmem.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paffmem.job.TestFrames;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.inference.ModelManifest.Role;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX Runtime (Java) against the PyTorch outputs the exporter saved in {@code parity/}: every
 * network, every output value within the fixture's tolerance (1e-4). Runs on the tests' tiny model
 * and on each exported model under {@code models/} that exists. Also {@link PkModel#encodeRgb}: through
 * encoder_u8.onnx (the shipped models) and through the ImageTensors fallback (the tiny model, and the
 * shipped models with the entry removed) it equals {@code encode} of the ImageTensors-converted frames.
 */
class ModelParityTest {

  static Stream<Path> modelDirs() {
    Path models = Path.of("..", "models");
    return Stream.of(TestFrames.tinyModel(), TestFrames.tinyEditorModel(), TestFrames.tinyLatentModel(),
        models.resolve("random-w025"),
        models.resolve("demo-pk"));
  }

  @ParameterizedTest
  @MethodSource("modelDirs")
  void onnxRuntimeMatchesPyTorch(Path dir) throws Exception {
    // every model here is committed: a missing file is a broken checkout, not a reason to skip
    assertTrue(Files.isRegularFile(dir.resolve("parity/parity.json")), dir + " has no parity/parity.json");
    JsonNode parity = new ObjectMapper().readTree(dir.resolve("parity/parity.json").toFile());
    double tolerance = parity.path("tolerance").asDouble(1e-4);
    try (PkModel model = PkModel.open(dir, Device.CPU, 1)) {
      int checked = 0;
      for (Role role : List.of(Role.ENCODER, Role.GENERATOR, Role.DEM)) { // encoder_u8: encodeRgb tests below
        JsonNode net = parity.path("models").get(role.key);
        assertTrue(net != null, "parity.json has no " + role.key);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        for (JsonNode in : net.get("inputs")) {
          inputs.put(in.get("name").asText(), model.tensor(read(dir, in), shape(in)));
        }
        float[] actual = model.run(role, inputs);
        JsonNode out = net.get("outputs").get(0);
        float[] expected = read(dir, out);
        assertEquals(expected.length, actual.length, role.key + " output length");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
          worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tolerance, role.key + " of " + dir + ": max |ORT - PyTorch| = " + worst + " > " + tolerance);
        checked++;
      }
      assertEquals(3, checked);
    }
  }

  static Stream<Path> shippedModelDirs() {
    Path models = Path.of("..", "models");
    return Stream.of(models.resolve("random-w025"), models.resolve("demo-pk"));
  }

  /** Frames with every byte value: the persons' test faces, noise, all-0 and all-255. */
  static List<byte[]> frames(int n, int h, int w) {
    Random r = new Random(42);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] f;
      if (i % 4 == 0) {
        f = TestFrames.rgb("p" + i, i, w, h);
      } else {
        f = new byte[h * w * 3];
        if (i % 4 == 1) {
          r.nextBytes(f);
        } else {
          Arrays.fill(f, (byte) (i % 4 == 2 ? 0 : 255));
        }
      }
      out.add(f);
    }
    return out;
  }

  /** {@code encode} of the frames converted by ImageTensors: the reference for encodeRgb. */
  static float[] encodeConverted(PkModel model, List<byte[]> frames) throws Exception {
    ModelManifest m = model.manifest();
    float[] images = new float[frames.size() * m.imageSize()];
    for (int i = 0; i < frames.size(); i++) {
      ImageTensors.write(frames.get(i), m, images, i * m.imageSize());
    }
    return model.encode(images, frames.size());
  }

  static double maxAbsDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }

  @ParameterizedTest
  @MethodSource("modelDirs")
  void encodeRgbEqualsEncodeOfTheConvertedFrames(Path dir) throws Exception {
    assertTrue(Files.isRegularFile(dir.resolve("manifest.json")), dir + " has no manifest.json");
    try (PkModel model = PkModel.open(dir, Device.CPU, 1)) {
      ModelManifest m = model.manifest();
      boolean shipped = !dir.equals(TestFrames.tinyModel());
      assertEquals(shipped, model.hasU8Encoder(), dir + ": the shipped models carry encoder_u8, the tiny one not");
      assertEquals(shipped, m.has(Role.ENCODER_U8));
      // 70 > the buffers' initial 64 frames: they grow; then a smaller batch reuses them
      for (int n : new int[] {1, 70, 5}) {
        List<byte[]> frames = frames(n, m.imageHeight(), m.imageWidth());
        float[] got = model.encodeRgb(frames);
        assertEquals(n * m.zDim(), got.length);
        double diff = maxAbsDiff(encodeConverted(model, frames), got);
        assertTrue(diff <= 1e-5, dir + " batch " + n + ": max |encodeRgb - encode| = " + diff);
      }
      assertEquals(0, model.encodeRgb(List.of()).length);
      List<byte[]> bad = new ArrayList<>(frames(2, m.imageHeight(), m.imageWidth()));
      bad.add(new byte[100]);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.encodeRgb(bad));
      assertEquals("image has 100 bytes, the model needs " + m.imageHeight() + "x" + m.imageWidth() + "x3",
          e.getMessage());
      // a failed call leaves the per-thread buffer usable
      List<byte[]> ok = frames(3, m.imageHeight(), m.imageWidth());
      assertTrue(maxAbsDiff(encodeConverted(model, ok), model.encodeRgb(ok)) <= 1e-5);
    }
  }

  /** A model directory exported before encoder_u8 (entry and file removed) runs encodeRgb through ImageTensors. */
  @ParameterizedTest
  @MethodSource("shippedModelDirs")
  void withoutEncoderU8EncodeRgbFallsBackToImageTensors(Path dir, @TempDir Path tmp) throws Exception {
    assertTrue(Files.isRegularFile(dir.resolve("manifest.json")), dir + " has no manifest.json");
    Path old = withoutEncoderU8(dir, tmp.resolve("old"));
    try (PkModel u8 = PkModel.open(dir, Device.CPU, 1); PkModel fallback = PkModel.open(old, Device.CPU, 1)) {
      assertTrue(u8.hasU8Encoder());
      assertFalse(fallback.hasU8Encoder());
      assertFalse(fallback.manifest().has(Role.ENCODER_U8));
      assertEquals(null, fallback.manifest().network(Role.ENCODER_U8));
      int optional = u8.manifest().has(Role.REGIONS) ? 1 : 0; // the regions' band readers, when the directory has them
      assertEquals(3 + optional, fallback.manifest().digests().size());
      assertEquals(4 + optional, u8.manifest().digests().size());
      ModelManifest m = u8.manifest();
      List<byte[]> frames = frames(9, m.imageHeight(), m.imageWidth());
      float[] viaU8 = u8.encodeRgb(frames);
      float[] viaFallback = fallback.encodeRgb(frames);
      double diff = maxAbsDiff(viaU8, viaFallback);
      assertTrue(diff <= 1e-5, dir + ": max |encoder_u8 - fallback| = " + diff);
      assertTrue(maxAbsDiff(encodeConverted(fallback, frames), viaFallback) == 0, "fallback = encode(ImageTensors)");
      assertThrows(IllegalArgumentException.class, () -> fallback.encodeRgb(List.of(new byte[7])));
    }
  }

  /** A copy of a model directory as exported before encoder_u8: no manifest entry, no file. */
  static Path withoutEncoderU8(Path dir, Path target) throws Exception {
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (Files.isRegularFile(f) && name.endsWith(".onnx") && !name.equals("encoder_u8.onnx")) {
          Files.copy(f, target.resolve(name));
        }
      }
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(dir.resolve("manifest.json").toFile());
    ((ObjectNode) manifest.get("models")).remove("encoder_u8");
    json.writerWithDefaultPrettyPrinter().writeValue(target.resolve("manifest.json").toFile(), manifest);
    return target;
  }

  private static long[] shape(JsonNode t) {
    JsonNode s = t.get("shape");
    long[] out = new long[s.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = s.get(i).asLong();
    }
    return out;
  }

  private static float[] read(Path dir, JsonNode t) throws Exception {
    byte[] bytes = Files.readAllBytes(dir.resolve("parity").resolve(t.get("file").asText()));
    float[] out = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }
}
