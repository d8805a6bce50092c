package dev.paffmem.job.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs a main class of the test class path in a JVM of its own and returns its exit code and
 * output. The child is killed (by its process id) if it outlives the timeout.
 */
public final class ChildJvm {

  /** Exit code and combined stdout/stderr of a finished child. */
  public record Result(int exitCode, String output) {}

  private ChildJvm() {}

  /** The test JVM's class path entries (surefire sets java.class.path to the test class path). */
  public static List<String> testClassPath() {
    return Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
  }

  /**
   * Runs {@code java [jvmArgs] -cp classPath mainClass args} (the class path on the command line, as
   * Flink's start scripts put it) and waits up to {@code timeoutSeconds}.
   */
  public static Result run(List<String> classPath, List<String> jvmArgs, String mainClass, List<String> args,
      long timeoutSeconds) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, classPath));
    cmd.add(mainClass);
    cmd.addAll(args);
    Path out = Files.createTempFile("child-jvm", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("child JVM " + mainClass + " did not finish in " + timeoutSeconds + " s:\n"
            + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
      Files.deleteIfExists(out);
    }
  }

  /** The class path without the entries the predicate matches. */
  public static List<String> without(List<String> classPath, Predicate<String> drop) {
    return classPath.stream().filter(drop.negate()).toList();
  }

  /** Length in bytes of this process's command line as the kernel keeps it (/proc/self/cmdline). */
  public static long ownCommandLineBytes() throws IOException {
    return Files.readAllBytes(Path.of("/proc/self/cmdline")).length;
  }
}
