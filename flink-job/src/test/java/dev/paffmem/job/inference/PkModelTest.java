package dev.paffmem.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.TestFrames;
import dev.paffmem.job.config.JobConfig.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up validation of the model directory, device selection and the shared session. */
class PkModelTest {

  @Test
  void opensTheModelAndRunsEveryNetwork() throws Exception {
    try (PkModel m = PkModel.open(TestFrames.tinyModel(), Device.CPU, 1)) {
      ModelManifest man = m.manifest();
      assertEquals(50, man.zDim());
      float[] z = m.encode(new float[2 * man.imageSize()], 2);
      assertEquals(100, z.length);
      assertEquals(4, m.dem(z, 2).length);
      assertEquals(2 * man.imageSize(), m.generate(z, new float[] {0.5f, -0.5f, 1f, 1f}, 2).length);
      assertEquals("CPU", m.deviceUsed());
    }
  }

  @Test
  void autoUsesCudaExactlyWhenCudaWorksAndCudaFailsWithAClearMessageOtherwise() {
    // depends on the machine: a CUDA machine with the -Pcuda build, or (the build machines) neither
    boolean cuda;
    try (PkModel m = PkModel.open(TestFrames.tinyModel(), Device.CUDA, 1)) {
      assertEquals("CUDA", m.deviceUsed());
      cuda = true;
    } catch (IllegalStateException e) {
      assertTrue(e.getMessage().contains("--device cuda"), e.getMessage());
      assertTrue(e.getMessage().contains("-Pcuda"), e.getMessage());
      cuda = false;
    }
    try (PkModel m = PkModel.open(TestFrames.tinyModel(), Device.AUTO, 1)) {
      assertEquals(cuda ? "CUDA" : "CPU", m.deviceUsed());
    }
  }

  @Test
  void aMissingDirectoryOrFileIsNamed(@TempDir Path tmp) throws Exception {
    ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(tmp.resolve("nope")));
    assertTrue(e.getMessage().contains("--model-dir"), e.getMessage());
    Path dir = copy(tmp);
    Files.delete(dir.resolve("dem.onnx"));
    e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir));
    assertTrue(e.getMessage().contains("dem.onnx") && e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void onlyTheExportersImageLayoutIsAccepted(@TempDir Path tmp) throws Exception {
    // model-export writes RGB, NCHW; a manifest that says otherwise is named, not converted
    Path dir = copy(tmp);
    Path manifest = dir.resolve("manifest.json");
    String original = Files.readString(manifest);
    Files.writeString(manifest, original.replaceFirst("\"channel_order\":\\s*\"RGB\"", "\"channel_order\": \"BGR\""));
    ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir));
    assertTrue(e.getMessage().contains("RGB order, was 3 BGR"), e.getMessage());
    Files.writeString(manifest, original.replaceFirst("\"layout\":\\s*\"NCHW\"", "\"layout\": \"NHWC\""));
    e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir));
    assertTrue(e.getMessage().contains("image.layout must be NCHW, was NHWC"), e.getMessage());
  }

  @Test
  void aCorruptFileFailsItsDigest(@TempDir Path tmp) throws Exception {
    Path dir = copy(tmp);
    Files.write(dir.resolve("encoder.onnx"), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir));
    assertTrue(e.getMessage().contains("encoder.onnx has sha256"), e.getMessage());
  }

  @Test
  void aTensorNameOrShapeThatDiffersFromTheManifestIsNamed(@TempDir Path tmp) throws Exception {
    Path dir = copy(tmp);
    Path manifest = dir.resolve("manifest.json");
    Files.writeString(manifest, Files.readString(manifest).replace("\"name\": \"image\"", "\"name\": \"pixels\""));
    ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> PkModel.open(dir, Device.CPU, 1));
    assertTrue(e.getMessage().contains("'pixels'"), e.getMessage());

    Path dir2 = copy(tmp.resolve("b"));
    Path manifest2 = dir2.resolve("manifest.json");
    Files.writeString(manifest2, Files.readString(manifest2).replace("\"z_dim\": 50", "\"z_dim\": 64"));
    e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir2));
    assertTrue(e.getMessage().contains("z_dim"), e.getMessage());
  }

  @Test
  void theGeneratorIsConditionedOnZOrOnTheFrameAndAnythingElseIsNamed(@TempDir Path tmp) throws Exception {
    try (PkModel tiny = PkModel.open(TestFrames.tinyModel(), Device.CPU, 1)) { // the paper's G: z in
      assertEquals(ModelManifest.Conditioning.LATENT, tiny.manifest().generatorConditioning());
      assertEquals(50, tiny.generatorRowSize());
    }
    try (PkModel shipped = PkModel.open(TestFrames.tinyEditorModel(), Device.CPU, 1)) { // a frame editor
      ModelManifest m = shipped.manifest();
      assertEquals(ModelManifest.Conditioning.FRAME, m.generatorConditioning());
      assertEquals(m.imageSize(), shipped.generatorRowSize());
      assertEquals("frame", m.generatorConditioningInput().name());
      float[] frames = new float[2 * m.imageSize()];
      assertEquals(2 * m.imageSize(), shipped.generate(frames, new float[] {0.5f, -0.5f, 1f, 1f}, 2).length);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> shipped.generate(new float[2 * m.zDim()], new float[] {0.5f, -0.5f, 1f, 1f}, 2));
      assertTrue(e.getMessage().contains("rows of " + m.imageSize()), e.getMessage());
    }
    Path dir = copy(tmp);
    Path manifest = dir.resolve("manifest.json");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode root =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(manifest.toFile());
    com.fasterxml.jackson.databind.node.ArrayNode shape =
        (com.fasterxml.jackson.databind.node.ArrayNode) root.path("models").path("generator").path("inputs").get(0).get("shape");
    shape.set(1, 7);
    json.writeValue(manifest.toFile(), root);
    ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir));
    assertTrue(e.getMessage().contains("neither z"), e.getMessage());
  }

  @Test
  void anOlderManifestWithoutEncoderU8Loads() {
    ModelManifest m = ModelManifest.load(TestFrames.tinyModel());
    assertFalse(m.has(ModelManifest.Role.ENCODER_U8));
    assertTrue(m.has(ModelManifest.Role.ENCODER));
  }

  /** encoder_u8.onnx, when the manifest names it, is checked like the other networks. */
  @Test
  void aMissingCorruptOrStaleEncoderU8IsNamed(@TempDir Path tmp) throws Exception {
    Path shipped = Path.of("..", "models", "random-w025");
    Assumptions.assumeTrue(Files.isRegularFile(shipped.resolve("encoder_u8.onnx")), "no shipped encoder_u8");
    Path dir = copyOf(shipped, tmp.resolve("a"));
    assertTrue(ModelManifest.load(dir).has(ModelManifest.Role.ENCODER_U8));

    Files.delete(dir.resolve("encoder_u8.onnx"));
    ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir));
    assertTrue(e.getMessage().contains("encoder_u8.onnx") && e.getMessage().contains("missing")
        && e.getMessage().contains("paffmem_pk.preprocess"), e.getMessage());

    Files.copy(shipped.resolve("encoder_u8.onnx"), dir.resolve("encoder_u8.onnx"));
    Files.write(dir.resolve("encoder_u8.onnx"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
    e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir));
    assertTrue(e.getMessage().contains("encoder_u8.onnx has sha256"), e.getMessage());

    Path stale = copyOf(shipped, tmp.resolve("b")); // built from another encoder.onnx
    Path manifest = stale.resolve("manifest.json");
    String sha = ModelManifest.load(shipped).network(ModelManifest.Role.ENCODER).sha256();
    String text = Files.readString(manifest);
    int u8 = text.indexOf("\"encoder_u8\"");
    Files.writeString(manifest, text.substring(0, u8) + text.substring(u8).replace(sha, "0".repeat(64)));
    e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(stale));
    assertTrue(e.getMessage().contains("another encoder.onnx"), e.getMessage());

    Path wrongType = copyOf(shipped, tmp.resolve("c")); // the manifest says float32, the file takes uint8
    Path m3 = wrongType.resolve("manifest.json");
    Files.writeString(m3, Files.readString(m3).replace("\"dtype\": \"uint8\"", "\"dtype\": \"float32\""));
    e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(wrongType));
    assertTrue(e.getMessage().contains("encoder_u8") && e.getMessage().contains("uint8"), e.getMessage());
  }

  private static Path copyOf(Path src, Path target) throws Exception {
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }

  @Test
  void theSharedModelIsOpenedOnceAndClosedWithItsLastLease() {
    ModelManifest m = ModelManifest.load(TestFrames.tinyModel());
    int before = SharedPkModel.openCount();
    SharedPkModel.Lease a = SharedPkModel.acquire(m, Device.CPU, 1);
    SharedPkModel.Lease b = SharedPkModel.acquire(m, Device.CPU, 1);
    assertTrue(a.model() == b.model());
    assertEquals(2, SharedPkModel.references(m, Device.CPU, 1));
    a.close();
    a.close(); // idempotent
    assertEquals(1, SharedPkModel.references(m, Device.CPU, 1));
    b.close();
    assertEquals(before, SharedPkModel.openCount());
  }

  static Path copy(Path target) throws Exception {
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(TestFrames.tinyModel())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return target;
  }
}
