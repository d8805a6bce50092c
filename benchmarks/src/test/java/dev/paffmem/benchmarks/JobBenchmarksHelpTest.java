package dev.paffmem.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./paffmem bench --help}: every option's description formats (a bare '%' in one made picocli warn). */
class JobBenchmarksHelpTest {

  @Test
  void helpFormatsEveryDescriptionWithoutPicocliWarnings() {
    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    try {
      PrintStream to = new PrintStream(captured, true, StandardCharsets.UTF_8);
      System.setErr(to);
      System.setOut(to);
      code = new CommandLine(new JobBenchmarks()).execute("--help");
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    assertFalse(text.contains("picocli WARN"), text);
    assertTrue(text.replaceAll("\\s+", " ").contains("(default: 50 % of the steady benchmark's rate"), text);
  }
}
