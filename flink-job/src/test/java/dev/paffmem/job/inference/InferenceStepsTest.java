package dev.paffmem.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.TestFrames;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.inference.InferenceSteps.Timing;
import dev.paffmem.job.inference.ModelManifest.Role;
import java.util.List;
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
      java.util.SplittableRandom random = new java.util.SplittableRandom(7);
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
  void theWarmUpChunkIsNeverLongerThanTheTargets() throws Exception {
    try (PkModel model = PkModel.open(TestFrames.tinyModel(), Device.CPU, 1)) {
      List<Timing> timings = InferenceSteps.warmUp(model, GenerationTargets.halton(2), 4);
      assertTrue(timings.stream().filter(t -> t.role() == Role.GENERATOR).allMatch(t -> t.rows() == 2), timings.toString());
    }
  }
}
