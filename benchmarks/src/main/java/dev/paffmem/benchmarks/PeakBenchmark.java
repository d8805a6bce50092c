package dev.paffmem.benchmarks;

import dev.paffmem.benchmarks.job.PeakFlops;

/**
 * Peak matrix-multiply throughput of this machine (one core and all cores): the ceiling the job and bare ONNX
 * Runtime are compared with. Part of {@link JobBenchmarks}, which holds the suite's flags, sizes, broker and
 * shared runs.
 */
final class PeakBenchmark {

  private final JobBenchmarks suite;

  PeakBenchmark(JobBenchmarks suite) {
    this.suite = suite;
  }

  /** Runs the benchmark and records its figures in the suite's results. */
  void run() throws Exception {
    int n = suite.quick ? 512 : 2048;
    int calls = suite.quick ? 3 : 9;
    PeakFlops.Peak one = PeakFlops.measure(n, 1, calls);
    int cores = Runtime.getRuntime().availableProcessors();
    PeakFlops.Peak all = PeakFlops.measure(n, cores, calls);
    suite.peak1 = one.bestGflops();
    suite.peakAll = all.bestGflops();
    suite.peakCpu = one.gflopsPerCpuSecond();
    suite.results.detail(String.format("  ORT MatMul %dx%d fp32: 1 thread best %.1f (median %.1f) GFLOP/s, %.1f GFLOP per CPU-second; %d threads best %.1f (median %.1f) GFLOP/s, %.1f per CPU-second",
        n, n, one.bestGflops(), one.medianGflops(), one.gflopsPerCpuSecond(), cores, all.bestGflops(), all.medianGflops(),
        all.gflopsPerCpuSecond()));
    suite.results.add("peak", "SGEMM, 1 thread, per CPU-second (load-independent)", suite.peakCpu, "GFLOP/CPU-s");
    suite.results.add("peak", "SGEMM (ORT MatMul " + n + "²), 1 thread", suite.peak1, "GFLOP/s");
    suite.results.add("peak", "SGEMM (ORT MatMul " + n + "²), " + cores + " threads", suite.peakAll, "GFLOP/s");
  }
}
