package dev.paffmem.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of its own running a main class on the tests' class path, its output in a log file. The class
 * path goes through an argument file: ONNX Runtime 1.29 crashes in a process whose command line is longer
 * than about 4 KB (flink-job/README.md). Stopped by its process id only.
 */
final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ChildJvm start(Path workDir, String name, String mainClass, List<String> args) {
    try {
      Files.createDirectories(workDir);
      Path argFile = workDir.resolve(name + ".args");
      List<String> lines = new ArrayList<>(List.of("-Xmx768m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
          "-cp", quote(System.getProperty("java.class.path")), mainClass));
      args.forEach(a -> lines.add(quote(a)));
      Files.write(argFile, lines, StandardCharsets.UTF_8);
      Path log = workDir.resolve(name + ".log");
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "@" + argFile)
          .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      return new ChildJvm(p, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + mainClass, e);
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Waits until the log contains {@code text}; fails with the log's tail if the process ends or time runs out. */
  void awaitLog(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (log().contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("process " + pid() + " ended (exit " + process.exitValue() + ") before logging '"
            + text + "':\n" + tail());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("process " + pid() + " did not log '" + text + "' within " + timeout + ":\n" + tail());
  }

  String tail() {
    String l = log();
    return l.length() > 4000 ? l.substring(l.length() - 4000) : l;
  }

  /** SIGKILL, as a crash or a kill -9 would: no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then SIGKILL after 15 s. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
