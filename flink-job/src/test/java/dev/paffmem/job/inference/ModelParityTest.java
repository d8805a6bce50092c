package dev.paffmem.job.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paffmem.job.TestFrames;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.inference.ModelManifest.Role;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX Runtime (Java) against the PyTorch outputs the exporter saved in {@code parity/}: every
 * network, every output value within the fixture's tolerance (1e-4). Runs on the tests' tiny model
 * and on each exported model under {@code models/} that exists.
 */
class ModelParityTest {

  static Stream<Path> modelDirs() {
    Path models = Path.of("..", "models");
    return Stream.of(TestFrames.tinyModel(), models.resolve("random-w025"), models.resolve("demo-pk"));
  }

  @ParameterizedTest
  @MethodSource("modelDirs")
  void onnxRuntimeMatchesPyTorch(Path dir) throws Exception {
    Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("parity/parity.json")), dir + " not exported yet");
    JsonNode parity = new ObjectMapper().readTree(dir.resolve("parity/parity.json").toFile());
    double tolerance = parity.path("tolerance").asDouble(1e-4);
    try (PkModel model = PkModel.open(dir, Device.CPU, 1)) {
      int checked = 0;
      for (Role role : Role.values()) {
        JsonNode net = parity.path("models").get(role.key);
        Assumptions.assumeTrue(net != null, "parity.json has no " + role.key);
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
