package dev.paffmem.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.TestFrames;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.inference.ModelManifest.Role;
import dev.paffmem.job.operators.GenerationTargets;
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
 * test model (the paper's G: conditioned on z) and the tiny frame editor (conditioned on frames).
 */
class GenerateAndEncodeTest {

  static Stream<Path> modelDirs() {
    return Stream.of(Path.of("..", "models", "demo-pk"), TestFrames.tinyModel(), TestFrames.tinyEditorModel());
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

      float[] expected = model.encode(model.generate(z, targets, n), n);
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
      assertEquals(List.of(Role.GENERATOR, Role.ENCODER), timed);
      // the edits differ per target: the comparison is not between constant outputs
      assertTrue(differs(actual, 0, zDim, zDim), "edited faces of different targets have different z");
      // and the convenience overload agrees
      float[] again = model.generateAndEncode(z, targets, n);
      for (int i = 0; i < actual.length; i++) {
        assertEquals(actual[i], again[i], 1e-6f);
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
