package dev.paffmem.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.TestFrames;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.inference.ModelManifest.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PkModel#generateAndEncode} (G's output tensor handed to E inside ONNX Runtime) gives the
 * z of {@code encode(generate(...))} (the images copied out to Java and back), on the shipped model, the tiny
 * test model (the paper's G: conditioned on z), the tiny frame editor (conditioned on frames) and the tiny latent
 * generator (edits drawn in z: its output is the result, E is not run).
 */
class GenerateAndEncodeTest {

  static Stream<Path> modelDirs() {
    return Stream.of(Path.of("..", "models", "demo-pk"), TestFrames.tinyModel(), TestFrames.tinyEditorModel(),
        TestFrames.tinyLatentModel());
  }

  @ParameterizedTest
  @MethodSource("modelDirs")
  void generatorOutputStraightToTheEncoderEqualsTheCopy(Path dir) throws Exception {
    assertTrue(Files.isRegularFile(dir.resolve("manifest.json")), dir + " is shipped with the repository");
    try (PkModel model = PkModel.open(dir, Device.CPU, 1)) {
      int zDim = model.manifest().zDim();
      int n = 5;
      Random random = new Random(42);
      // conditioning rows: z for the paper's G (the tiny model), frames for a frame editor (the shipped model)
      float[] z = new float[n * model.generatorRowSize()];
      for (int i = 0; i < z.length; i++) {
        z[i] = random.nextFloat() * 2 - 1;
      }
      float[] targets = GenerationTargets.halton(n);

      boolean latent = model.manifest().generatorEdits() == ModelManifest.EditSpace.LATENT;
      // a latent generator's output is already the edits' z: the encoder is not run
      float[] expected = latent ? model.generate(z, targets, n) : model.encode(model.generate(z, targets, n), n);
      List<Role> timed = new ArrayList<>();
      float[] actual = model.generateAndEncode(z, targets, n, (role, nanos) -> {
        assertTrue(nanos > 0, role + " run time " + nanos);
        timed.add(role);
      });

      assertEquals(n * zDim, actual.length);
      double worst = 0;
      for (int i = 0; i < expected.length; i++) {
        worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
      }
      assertTrue(worst <= 1e-5, dir + ": max |generateAndEncode - encode(generate)| = " + worst);
      assertEquals(latent ? List.of(Role.GENERATOR) : List.of(Role.GENERATOR, Role.ENCODER), timed);
      // the edits differ per target: the comparison is not between constant outputs
      assertTrue(differs(actual, 0, zDim, zDim), "edited faces of different targets have different z");
      // and the convenience overload agrees
      float[] again = model.generateAndEncode(z, targets, n);
      for (int i = 0; i < actual.length; i++) {
        assertEquals(actual[i], again[i], 1e-6f);
      }
    }
  }

  /** The one generation entry point feeds a frame editor the frame's pixels and the paper's G the frame's z. */
  @org.junit.jupiter.api.Test
  void eachGeneratorIsFedWhatItIsConditionedOn() throws Exception {
    float[] targets = GenerationTargets.halton(3);
    for (Path dir : List.of(TestFrames.tinyEditorModel(), TestFrames.tinyModel(), TestFrames.tinyLatentModel())) {
      try (PkModel model = PkModel.open(dir, Device.CPU, 1)) {
        ModelManifest m = model.manifest();
        byte[] a = TestFrames.rgb("a", 0, m.imageWidth(), m.imageHeight());
        byte[] b = TestFrames.rgb("b", 0, m.imageWidth(), m.imageHeight());
        float[] z = new float[m.zDim()];
        java.util.Arrays.fill(z, 0.1f);
        float[] fromA = model.generateAndEncode(a, z, targets, (role, nanos) -> { });
        float[] fromB = model.generateAndEncode(b, z, targets, (role, nanos) -> { });
        if (m.generatorConditioning() == ModelManifest.Conditioning.FRAME) {
          assertTrue(!java.util.Arrays.equals(fromA, fromB), "a frame editor edits the frame: other pixels, other edits");
          float[] rows = new float[3 * m.imageSize()];
          for (int r = 0; r < 3; r++) {
            ImageTensors.write(a, m, rows, r * m.imageSize());
          }
          float[] expected = model.generateAndEncode(rows, targets, 3);
          for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], fromA[i], 1e-5f);
          }
        } else {
          assertTrue(java.util.Arrays.equals(fromA, fromB), "G conditioned on z sees only z: the pixels are unused");
        }
      }
    }
  }

  private static boolean differs(float[] a, int from, int other, int length) {
    for (int i = 0; i < length; i++) {
      if (a[from + i] != a[other + i]) {
        return true;
      }
    }
    return false;
  }
}
