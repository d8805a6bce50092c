package dev.paffmem.job.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.TestFrames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's {@code main} validates the model directory without ONNX Runtime: where {@code main}
 * runs (the {@code flink run} client, or the JobManager for a REST submission) needs the model
 * directory's files but never loads the native library; only TaskManagers open ONNX sessions.
 * Proven in a JVM whose class path has no ONNX Runtime jar at all.
 */
class ModelValidationWithoutOnnxRuntimeTest {

  private static List<String> classPathWithoutOnnxRuntime() {
    List<String> cp = ChildJvm.without(ChildJvm.testClassPath(), e -> e.contains("onnxruntime"));
    assertNotEquals(ChildJvm.testClassPath().size(), cp.size(), "no onnxruntime jar was found to drop");
    return cp;
  }

  @Test
  void mainValidatesTheModelDirectoryWithoutOnnxRuntime() throws Exception {
    ChildJvm.Result r = ChildJvm.run(classPathWithoutOnnxRuntime(), List.of("-Xmx256m"),
        ValidateModelProbe.class.getName(), List.of("--model-dir", TestFrames.tinyModel().toString()), 60);
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("validated=") && r.output().contains("onnxruntime-on-classpath=false"), r.output());
  }

  @Test
  void aCorruptModelStillFailsValidationWithoutOnnxRuntime(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("model"));
    try (Stream<Path> files = Files.list(TestFrames.tinyModel())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Files.write(dir.resolve("dem.onnx"), new byte[] {7}, java.nio.file.StandardOpenOption.APPEND);
    ChildJvm.Result r = ChildJvm.run(classPathWithoutOnnxRuntime(), List.of("-Xmx256m"),
        ValidateModelProbe.class.getName(), List.of("--model-dir", dir.toString()), 60);
    assertNotEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("dem.onnx has sha256"), r.output());
  }
}
