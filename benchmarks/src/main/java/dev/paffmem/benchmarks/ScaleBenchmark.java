package dev.paffmem.benchmarks;

import dev.paffmem.benchmarks.JobBenchmarks.Throughput;
import java.util.List;
import java.util.Map;

/**
 * Throughput as the number of persons grows. Part of {@link JobBenchmarks}, which holds the suite's flags, sizes,
 * broker and shared runs.
 */
final class ScaleBenchmark {

  private final JobBenchmarks suite;

  ScaleBenchmark(JobBenchmarks suite) {
    this.suite = suite;
  }

  /** Runs the benchmark and records its figures in the suite's results. */
  void run() throws Exception {
    suite.warmUpJvm();
    for (int persons : suite.scalePersons) {
      double expect = Double.isNaN(suite.steadyRate) ? 100 : suite.steadyRate;
      long perPerson = Math.max(suite.quick ? 2 : 3, Math.round(expect * suite.windowSeconds() / persons));
      Throughput t = suite.throughputRun("scale-" + persons, suite.modelDir, persons, perPerson, List.of(), Map.of());
      suite.results.detail(String.format("  %d persons x %d frames: %.1f frames/s", persons, perPerson, t.framesPerSecond()));
      suite.results.detail(t.profile().table());
      suite.results.add("scale", persons + " concurrent persons (past onboarding)", t.framesPerSecond(), "frames/s");
    }
  }
}
