package dev.paffmem.job.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.TestFrames;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A JVM whose command line is about 16 KB runs inference. Flink's start scripts list every
 * {@code lib/} jar and the memory settings on the TaskManager's command line; ONNX Runtime 1.29.0
 * killed such a JVM (SIGSEGV, exit 139, no hs_err file) inside {@code OrtEnvironment.getEnvironment()}
 * once the command line passed 3,968 bytes, which is why the build pins 1.28.0. Run with
 * {@code -Donnxruntime.version=1.29.0} and this test fails with exit code 139.
 */
class LongCommandLineInferenceTest {

  private static final int TARGET_BYTES = 16 * 1024;

  @Test
  void aSixteenKilobyteCommandLineRunsTheModel() throws Exception {
    List<String> cp = ChildJvm.testClassPath();
    int cpBytes = String.join(":", cp).length();
    // pad with a -D property, as Flink's scripts add -D memory settings, up to the target size
    String padding = "x".repeat(Math.max(0, TARGET_BYTES - cpBytes - 300));
    ChildJvm.Result r = ChildJvm.run(cp, List.of("-Xmx256m", "-Dpaffmem.padding=" + padding),
        InferenceProbe.class.getName(), List.of(TestFrames.tinyModel().toString()), 120);

    assertEquals(0, r.exitCode(), "the child JVM died (139 = SIGSEGV):\n" + r.output());
    long bytes = Long.parseLong(r.output().replaceAll("(?s).*cmdline-bytes=(\\d+).*", "$1"));
    assertTrue(bytes >= TARGET_BYTES - 400 && bytes < 2 * TARGET_BYTES, "command line was " + bytes + " bytes");
    assertTrue(r.output().contains("z-length=100 finite=true"), r.output());
  }
}
