package dev.paffmem.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** {@link JobBenchmarks#awaitQuietJit(double, double, int)}: a full window before it answers, and its deadline. */
class QuietJitTest {

  private static void assumeCompilationTime() {
    var jit = ManagementFactory.getCompilationMXBean();
    assumeTrue(jit != null && jit.isCompilationTimeMonitoringSupported(), "this JVM reports no compilation time");
  }

  @Test
  void answersOnlyAfterAWholeWindow() throws InterruptedException {
    assumeCompilationTime();
    // no JVM compiles for a thousand seconds a second: quiet as soon as a window is full, not before, long before the deadline
    double waited = JobBenchmarks.awaitQuietJit(30, 1000.0, 2);
    assertTrue(waited >= 2 && waited < 10, "waited " + waited + " s for a 2 s window");
  }

  @Test
  void givesNaNAtTheDeadlineWhenNeverQuiet() throws InterruptedException {
    assumeCompilationTime();
    // no window's compilation time is below zero: the deadline answers
    long t0 = System.nanoTime();
    double waited = JobBenchmarks.awaitQuietJit(2, 0.0, 1);
    double took = (System.nanoTime() - t0) / 1e9;
    assertTrue(Double.isNaN(waited), "answered " + waited);
    assertTrue(took >= 2 && took < 10, "took " + took + " s for a 2 s deadline");
  }
}
