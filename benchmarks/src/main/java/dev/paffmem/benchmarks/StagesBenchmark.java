package dev.paffmem.benchmarks;

import dev.paffmem.job.config.JobConfig;
import java.util.Map;

/**
 * CPU per frame of the job's work around ONNX Runtime, one stage at a time. Part of {@link JobBenchmarks}, which
 * holds the suite's flags, sizes, broker and shared runs.
 */
final class StagesBenchmark {

  private final JobBenchmarks suite;

  StagesBenchmark(JobBenchmarks suite) {
    this.suite = suite;
  }

  /**
   * Runs the benchmark and records its figures in the suite's results: CPU per frame of the job's work around ONNX
   * Runtime, one stage at a time, with prototypes of fixes, then what co-running bursts cost the model threads.
   */
  void run() throws Exception {
    JobConfig cfg = JobConfig.parse(suite.jobFlags().toArray(String[]::new));
    Map<String, Double> us = dev.paffmem.benchmarks.job.Stages.measure(suite.pool, suite.manifest, suite.batchMaxSize, suite.onboardedMemory(),
        cfg.memoryConfig(suite.manifest.zDim()), suite.quick ? 200 : 2000);
    us.putAll(dev.paffmem.benchmarks.job.Interference.measure(suite.manifest, suite.onlineCall(), suite.intraOpThreads,
        suite.quick));
    us.forEach((k, v) -> {
      suite.results.detail(String.format("  %-95s %8.1f us", k, v));
      suite.results.add("stages", k, v, "µs CPU/frame");
    });
  }
}
