package dev.paffmem.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paffmem.job.TestFrames;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.config.JobConfig.ModelPrecision;
import dev.paffmem.job.inference.ModelManifest.Role;
import dev.paffmem.job.inference.GenerationTargets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 variants of generation's networks ({@code models.<network>.quantized}, model-export's
 * {@code paffmem_pk.quantize}): declared and checked by the manifest, run with {@link ModelPrecision#INT8},
 * close to FP32 on the shipped model, and absent variants fall back to FP32 (the tiny fixtures have none).
 */
class QuantizedModelTest {

  static final Path SHIPPED = Path.of("..", "models", "demo-pk");

  @Test
  void theShippedModelDeclaresInt8GeneratorAndEncoder() {
    ModelManifest m = ModelManifest.load(SHIPPED);
    assertEquals("int8", m.quantized(Role.GENERATOR).precision());
    assertEquals("int8", m.quantized(Role.ENCODER).precision());
    assertNull(m.quantized(Role.DEM));
    assertEquals(2, m.quantizedDigests().size());
  }

  @Test
  void int8GenerationStaysCloseToFp32OnTheShippedModel() throws Exception {
    try (PkModel fp32 = PkModel.open(SHIPPED, Device.CPU, ModelPrecision.FP32, 1);
        PkModel int8 = PkModel.open(SHIPPED, Device.CPU, ModelPrecision.INT8, 1)) {
      assertFalse(fp32.runsQuantized(Role.GENERATOR));
      assertTrue(int8.runsQuantized(Role.GENERATOR));
      assertTrue(int8.runsQuantized(Role.ENCODER));
      assertFalse(int8.runsQuantized(Role.ENCODER_U8), "online frames keep the FP32 encoder");
      int n = 40;
      int zDim = fp32.manifest().zDim();
      // z of real-looking faces: the test frames encoded (G is conditioned on z)
      java.util.List<byte[]> frames = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        frames.add(TestFrames.rgb("p" + (i % 7), i, 96, 96));
      }
      float[] z = fp32.encodeRgb(frames);
      float[] targets = GenerationTargets.halton(n);
      float[] a = fp32.dem(fp32.generateAndEncode(z, targets, n), n);
      float[] b = int8.dem(int8.generateAndEncode(z, targets, n), n);
      double sum = 0;
      double worst = 0;
      for (int i = 0; i < a.length; i++) {
        double d = Math.abs(a[i] - b[i]);
        sum += d;
        worst = Math.max(worst, d);
      }
      // measured about 0.01 mean, 0.05 max (model-export's quantize check); a wrong scale or axis gives ~0.3+
      assertTrue(sum / a.length < 0.04, "mean |D_em(E(G)) fp32 - int8| = " + sum / a.length);
      assertTrue(worst < 0.25, "max |D_em(E(G)) fp32 - int8| = " + worst);
      float[] zb = int8.generateAndEncode(z, targets, n);
      assertEquals(n * zDim, zb.length);
    }
  }

  @Test
  void withoutAQuantizedVariantInt8RunsFp32() throws Exception {
    try (PkModel m = PkModel.open(TestFrames.tinyModel(), Device.CPU, ModelPrecision.INT8, 1)) {
      assertFalse(m.runsQuantized(Role.GENERATOR));
      assertEquals("generator fp32, encoder fp32", m.generationPrecision());
    }
  }

  @Test
  void aDeclaredVariantMustExistMatchItsDigestAndItsFloatNetwork(@TempDir Path tmp) throws Exception {
    Path dir = copy(TestFrames.tinyModel(), tmp.resolve("m"));
    Files.copy(dir.resolve("generator.onnx"), dir.resolve("generator_int8.onnx"));
    String genSha = ModelManifest.sha256(dir.resolve("generator.onnx"));
    declare(dir, "generator_int8.onnx", genSha, genSha);
    ModelManifest ok = ModelManifest.load(dir);
    assertNotNull(ok.quantized(Role.GENERATOR));
    try (PkModel m = PkModel.open(ok, Device.CPU, ModelPrecision.INT8, 1)) {
      assertTrue(m.runsQuantized(Role.GENERATOR), "the declared file is opened");
    }

    declare(dir, "generator_int8.onnx", "00" + genSha.substring(2), genSha);
    assertTrue(assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir)).getMessage()
        .contains("paffmem_pk.quantize"));
    declare(dir, "missing_int8.onnx", genSha, genSha);
    assertTrue(assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir)).getMessage()
        .contains("missing"));
    declare(dir, "generator_int8.onnx", genSha, "00" + genSha.substring(2));
    assertTrue(assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir)).getMessage()
        .contains("built from another"));
  }

  private static void declare(Path dir, String file, String sha, String derivedFrom) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(dir.resolve("manifest.json").toFile());
    ObjectNode q = ((ObjectNode) root.get("models").get("generator")).putObject("quantized");
    q.put("file", file).put("sha256", sha).put("precision", "int8");
    q.putObject("derived_from").put("file", "generator.onnx").put("sha256", derivedFrom);
    json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("manifest.json").toFile(), root);
  }

  /** A copy of a model directory (tests edit their manifests). */
  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return to;
  }
}
