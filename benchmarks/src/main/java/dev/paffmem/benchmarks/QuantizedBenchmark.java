package dev.paffmem.benchmarks;

import static dev.paffmem.benchmarks.JobBenchmarks.awaitQuietJit;

import dev.paffmem.benchmarks.job.Flops;
import dev.paffmem.benchmarks.job.Quantized;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelManifest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generation at FP32 against INT8 (the model directory's quantized files, {@code --model-precision}). Part of
 * {@link JobBenchmarks}, which holds the suite's flags, sizes, broker and shared runs.
 */
final class QuantizedBenchmark {

  private final JobBenchmarks suite;

  QuantizedBenchmark(JobBenchmarks suite) {
    this.suite = suite;
  }

  /**
   * Shipped width and, when its directory has quantized files, paper width: CPU and wall time per generation frame
   * in the job's chunks, and how the INT8 edits read (BENCHMARKS.md, quantization).
   */
  void run() throws Exception {
    int chunk = JobConfig.parse(suite.jobFlags().toArray(String[]::new)).generationChunk();
    measure("shipped", suite.modelDir, chunk, suite.quick ? 2 : 12);
    if (!suite.quick && suite.fullWidthModelDir != null
        && Files.isRegularFile(suite.fullWidthModelDir.resolve("manifest.json"))) {
      measure("full width", suite.fullWidthModelDir, chunk, 2);
    }
  }

  private void measure(String label, Path model, int chunk, int rounds) throws Exception {
    ModelManifest m = ModelManifest.load(model);
    awaitQuietJit();
    Quantized.Figures f = Quantized.measure(m, suite.pool.rgbOfLook(0, 4), suite.targets(), chunk, rounds,
        suite.intraOpThreads);
    if (f == null) {
      suite.results.detail("  " + label + " skipped: " + model + " declares no quantized generator (python3 -m "
          + "paffmem_pk.quantize " + model + " --data <training set>, in model-export/)");
      return;
    }
    String w = label + " (w " + Flops.of(model).width() + ")";
    suite.results.detail("  " + w + ", chunks of " + chunk + " targets, " + suite.intraOpThreads
        + " intra-op thread(s): " + Quantized.describe(f));
    suite.results.add("quantized", w + ": FP32 G + E CPU per generation frame (" + suite.targets() + " targets)",
        f.fp32CpuMs(), "ms");
    suite.results.add("quantized", w + ": INT8 G + E CPU per generation frame", f.int8CpuMs(), "ms");
    suite.results.add("quantized", w + ": INT8 speed-up, CPU", f.fp32CpuMs() / f.int8CpuMs(), "x");
    suite.results.add("quantized", w + ": INT8 speed-up, wall", f.fp32WallMs() / f.int8WallMs(), "x");
    suite.results.add("quantized", w + ": CCC(target, D_em of the edits), arousal, INT8 - FP32",
        f.int8Ccc()[0] - f.fp32Ccc()[0], "difference");
    suite.results.add("quantized", w + ": CCC(target, D_em of the edits), valence, INT8 - FP32",
        f.int8Ccc()[1] - f.fp32Ccc()[1], "difference");
  }
}
