package dev.paffmem.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.config.JobConfig.ModelPrecision;
import dev.paffmem.job.inference.ModelManifest.Role;
import dev.paffmem.memory.BiasCorrection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped model's regions' band readers ({@code models.regions}) in ONNX Runtime against PyTorch's readings the
 * exporter recorded, the regression read from the manifest, and a manifest that gets them wrong refused by name.
 */
class RegionsModelTest {

  static final Path DEMO = Path.of("..", "models", "demo-pk");

  @Test
  void onnxRuntimeReadsTheBandsAsPyTorchDidAndInTheOnlineStepsCalls() throws Exception {
    JsonNode entry = new ObjectMapper().readTree(DEMO.resolve("manifest.json").toFile()).path("models").path("regions");
    assertTrue(entry.isObject(), "the shipped model has models.regions");
    JsonNode parity = entry.get("parity");
    byte[] all = Files.readAllBytes(DEMO.resolve(parity.get("rgb").asText()));
    int frameBytes = 96 * 96 * 3;
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < all.length / frameBytes; i++) {
      frames.add(java.util.Arrays.copyOfRange(all, i * frameBytes, (i + 1) * frameBytes));
    }
    try (PkModel model = PkModel.open(DEMO, Device.CPU, 1)) {
      assertTrue(model.hasRegions());
      float[] got = model.regions(frames);
      assertEquals(frames.size() * 6, got.length);
      double worst = 0;
      for (int i = 0; i < frames.size(); i++) {
        for (int j = 0; j < 6; j++) {
          worst = Math.max(worst, Math.abs(got[6 * i + j] - parity.get("bands").get(i).get(j).asDouble()));
        }
      }
      assertTrue(worst <= parity.get("tolerance").asDouble(), "max |ORT - PyTorch| = " + worst);
      // the online step reads the same bands, chunked like E and D_em, and nothing without regions
      List<byte[]> five = Stream.of(frames.get(0), frames.get(1), frames.get(0), frames.get(1), frames.get(1)).toList();
      boolean[] read = {true, true, false, true, true}; // frame 2 not read (the stride)
      InferenceSteps.Online online = InferenceSteps.online(model, five, 2, read);
      assertEquals(30, online.bands().length);
      for (int i = 0; i < 5; i++) {
        int src = i == 0 || i == 2 ? 0 : 1;
        for (int j = 0; j < 6; j++) {
          if (read[i]) {
            assertEquals(got[6 * src + j], online.bands()[6 * i + j], 1e-5);
          } else {
            assertTrue(Float.isNaN(online.bands()[6 * i + j]));
          }
        }
      }
      assertEquals(2, online.timings().stream().filter(t -> t.role() == Role.REGIONS).count(), "4 frames, calls of 2");
      assertEquals(0, InferenceSteps.online(model, five, 2).bands().length);
      assertEquals(0, InferenceSteps.online(model, five, 2, new boolean[5]).bands().length);
    }
  }

  @Test
  void theManifestCarriesTheRegression() {
    ModelManifest m = ModelManifest.load(DEMO);
    BiasCorrection c = m.regionsCorrection();
    assertNotNull(c);
    assertEquals(6, c.readings());
    assertTrue(m.toString().contains("regions"));
  }

  @Test
  void theReadersAreNotOpenedWhenNotAskedFor() throws Exception {
    ModelManifest m = ModelManifest.load(DEMO);
    try (PkModel model = PkModel.open(m, Device.CPU, ModelPrecision.FP32, 1, false)) {
      assertFalse(model.hasRegions());
      assertThrows(IllegalStateException.class, () -> model.regions(List.of(new byte[27648])));
      assertFalse(InferenceSteps.warmUp(model, GenerationTargets.halton(2), 2).stream()
          .anyMatch(t -> t.role() == Role.REGIONS));
    }
    try (PkModel model = PkModel.open(m, Device.CPU, ModelPrecision.FP32, 1, true)) {
      assertTrue(model.hasRegions());
    }
  }

  @Test
  void aModelWithoutRegionsSaysSoWhenAskedToReadThem(@TempDir Path tmp) throws Exception {
    Path dir = copy(DEMO, tmp.resolve("old"));
    edit(dir, models -> models.remove("regions"));
    ModelManifest m = ModelManifest.load(dir);
    assertFalse(m.has(Role.REGIONS));
    assertEquals(null, m.regionsCorrection());
    try (PkModel model = PkModel.open(m, Device.CPU, 1)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.regions(List.of(new byte[27648])));
      assertTrue(e.getMessage().contains("has no models.regions"), e.getMessage());
    }
  }

  @Test
  void aRegressionOfTheWrongShapeIsRefusedByName(@TempDir Path tmp) throws Exception {
    Path dir = copy(DEMO, tmp.resolve("bad"));
    edit(dir, models -> ((ArrayNode) models.with("regions").with("correction").get("w")).remove(0));
    ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir));
    assertTrue(e.getMessage().contains("models.regions.correction.w must have one row per reading (6)"), e.getMessage());
    Path other = copy(DEMO, tmp.resolve("bad-b"));
    edit(other, models -> ((ObjectNode) models.with("regions").with("correction")).remove("b"));
    e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(other));
    assertTrue(e.getMessage().contains("missing field 'b'"), e.getMessage());
  }

  @Test
  void aChangedReaderFileIsRefused(@TempDir Path tmp) throws Exception {
    Path dir = copy(DEMO, tmp.resolve("changed"));
    byte[] onnx = Files.readAllBytes(dir.resolve("regions_u8.onnx"));
    onnx[onnx.length - 1] ^= 1;
    Files.write(dir.resolve("regions_u8.onnx"), onnx);
    ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> ModelManifest.load(dir));
    assertTrue(e.getMessage().contains("regions_u8.onnx has sha256") && e.getMessage().contains("paffmem_pk.regions export"),
        e.getMessage());
  }

  private interface Edit {
    void apply(ObjectNode models);
  }

  private static void edit(Path dir, Edit edit) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(dir.resolve("manifest.json").toFile());
    edit.apply((ObjectNode) root.get("models"));
    json.writeValue(dir.resolve("manifest.json").toFile(), root);
  }

  private static Path copy(Path from, Path to) throws Exception {
    return QuantizedModelTest.copy(from, to);
  }
}
