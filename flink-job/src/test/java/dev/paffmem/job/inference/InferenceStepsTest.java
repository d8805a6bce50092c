package dev.paffmem.job.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.TestFrames;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.inference.InferenceSteps.Timing;
import dev.paffmem.job.inference.ModelManifest.Role;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link InferenceSteps#warmUp}: the operator's first run of every session, before any frame waits for it; the online
 * step's calls of at most {@code --online-call-rows} rows.
 */
class InferenceStepsTest {

  @Test
  void theWarmUpRunsTheOnlineStepAndOneGenerationChunk() throws Exception {
    try (PkModel model = PkModel.open(TestFrames.tinyModel(), Device.CPU, 1)) {
      List<Timing> timings = InferenceSteps.warmUp(model, GenerationTargets.halton(10), 4);
      List<Role> roles = timings.stream().map(Timing::role).toList();
      // online: E (from bytes when the model has encoder_u8) and D_em on one frame; then G + E and D_em on 4 targets
      assertEquals(Role.DEM, roles.get(1), roles.toString());
      assertEquals(List.of(Role.GENERATOR, Role.ENCODER, Role.DEM), roles.subList(2, 5), roles.toString());
      assertEquals(1, timings.get(0).rows());
      assertEquals(4, timings.get(2).rows());
    }
  }

  @Test
  void anOnlineBatchRunsInCallsOfAtMostTheGivenRowsWithTheSameResults() throws Exception {
    try (PkModel model = PkModel.open(TestFrames.tinyModel(), Device.CPU, 1)) {
      SplittableRandom random = new SplittableRandom(7);
      List<byte[]> rgb = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        byte[] face = new byte[model.manifest().imageHeight() * model.manifest().imageWidth() * 3];
        for (int k = 0; k < face.length; k++) {
          face[k] = (byte) random.nextInt(256);
        }
        rgb.add(face);
      }
      InferenceSteps.Online whole = InferenceSteps.online(model, rgb, 6);
      InferenceSteps.Online calls = InferenceSteps.online(model, rgb, 4);
      assertEquals(List.of(6, 6), whole.timings().stream().map(Timing::rows).toList());
      assertEquals(List.of(4, 4, 2, 2), calls.timings().stream().map(Timing::rows).toList(), "E and D_em on 4, then on 2");
      for (int i = 0; i < whole.z().length; i++) {
        assertEquals(whole.z()[i], calls.z()[i], 1e-5, "z value " + i);
      }
      for (int i = 0; i < whole.pk().length; i++) {
        assertEquals(whole.pk()[i], calls.pk()[i], 1e-5, "D_em value " + i);
      }
    }
  }

  @Test
  void theWarmUpRunsTheRegionsBandReadersWhereTheModelHasThem() throws Exception {
    try (PkModel model = PkModel.open(RegionsModelTest.DEMO, Device.CPU, 1)) {
      List<Role> roles = InferenceSteps.warmUp(model, GenerationTargets.halton(4), 4).stream().map(Timing::role).toList();
      assertEquals(List.of(Role.DEM, Role.REGIONS, Role.GENERATOR), roles.subList(1, 4), roles.toString());
    }
  }

  @Test
  void theWarmUpChunkIsNeverLongerThanTheTargets() throws Exception {
    try (PkModel model = PkModel.open(TestFrames.tinyModel(), Device.CPU, 1)) {
      List<Timing> timings = InferenceSteps.warmUp(model, GenerationTargets.halton(2), 4);
      assertTrue(timings.stream().filter(t -> t.role() == Role.GENERATOR).allMatch(t -> t.rows() == 2), timings.toString());
    }
  }

  @Test
  void deltaZEditsAreTheFramesZMovedByGsChangeAndTheFramesOwnReadingLeavesItWhereItIs() throws Exception {
    try (PkModel model = PkModel.open(TestFrames.tinyModel(), Device.CPU, 1)) {
      SplittableRandom random = new SplittableRandom(11);
      byte[] face = new byte[model.manifest().imageHeight() * model.manifest().imageWidth() * 3];
      for (int k = 0; k < face.length; k++) {
        face[k] = (byte) random.nextInt(256);
      }
      float[] z = InferenceSteps.online(model, List.of(face), 1).z();
      float[] own = model.dem(z, 1);
      float[] targets = {0.5f, -0.5f, own[0], own[1], -0.8f, 0.3f};
      InferenceSteps.Edits g = InferenceSteps.edits(model, face, z, targets, 0, 3, GenerationEdits.G);
      InferenceSteps.Edits dz = InferenceSteps.edits(model, face, z, targets, 0, 3, GenerationEdits.DELTA_Z);
      int d = z.length;
      assertEquals(3 * d, dz.z().length);
      assertEquals(6, dz.pk().length);
      boolean moved = false;
      for (int k = 0; k < d; k++) {
        // the same offset z - E(G(z, own reading)) on every edit, so the edits differ from G's by one vector ...
        float offset = dz.z()[k] - g.z()[k];
        assertEquals(offset, dz.z()[2 * d + k] - g.z()[2 * d + k], 1e-5, "offset of z value " + k);
        // ... and the edit at the frame's own reading is the frame's z
        assertEquals(z[k], dz.z()[d + k], 1e-5, "z value " + k + " at the frame's own reading");
        moved |= Math.abs(offset) > 1e-3;
      }
      assertTrue(moved, "G's edits should not already be the frame's z plus nothing");
      float[] read = model.dem(dz.z(), 3);
      for (int i = 0; i < read.length; i++) {
        assertEquals(read[i], dz.pk()[i], 1e-6, "D_em reads the moved edits");
      }
      List<Role> roles = dz.timings().stream().map(Timing::role).toList();
      assertEquals(List.of(Role.DEM, Role.GENERATOR, Role.ENCODER, Role.DEM), roles, "own reading, G + E, D_em");
      assertEquals(4, dz.timings().get(1).rows(), "one more generator row: the frame's own reading");
    }
  }

  @Test
  void moveByChangeSubtractsTheLastRowAndAddsTheFrame() {
    float[] z = {1f, 2f};
    float[] encoded = {5f, 5f, 7f, 9f, 4f, 3f}; // two edits, then the encoding at the frame's own reading
    assertArrayEquals(new float[] {2f, 4f, 4f, 8f},
        InferenceSteps.moveByChange(z, encoded, 2));
    assertThrows(IllegalArgumentException.class,
        () -> InferenceSteps.moveByChange(z, new float[] {1f, 2f, 3f, 4f}, 2));
  }
}
