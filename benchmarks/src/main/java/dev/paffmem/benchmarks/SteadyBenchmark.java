package dev.paffmem.benchmarks;

import static dev.paffmem.benchmarks.JobBenchmarks.awaitQuietJit;

import dev.paffmem.benchmarks.JobBenchmarks.Throughput;
import dev.paffmem.benchmarks.job.BareOrt;
import dev.paffmem.benchmarks.job.Flops;
import dev.paffmem.benchmarks.job.FramePool;
import dev.paffmem.benchmarks.job.Profile;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.schema.ImageEncoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Steady state: the job restored from a savepoint of persons past onboarding against bare ONNX Runtime on the same
 * model (throughput and CPU per frame). Part of {@link JobBenchmarks}, which holds the suite's flags, sizes,
 * broker and shared runs.
 */
final class SteadyBenchmark {

  private final JobBenchmarks suite;

  SteadyBenchmark(JobBenchmarks suite) {
    this.suite = suite;
  }

  /** Runs the benchmark and records its figures in the suite's results. */
  void run() throws Exception {
    suite.warmUpJvm();
    if (suite.steadyVariants.contains("jpeg")) {
      steady("shipped", suite.modelDir, suite.manifest, 0.5);
    }
    if (!suite.quick && suite.steadyVariants.contains("raw")) {
      // The same run with frames sent as RAW_RGB8 (27 KB each instead of a ~1-3 KB JPEG): what the job costs
      // when cameras send decoded crops, i.e. without the JPEG decode the bare ORT loop never does.
      FramePool jpeg = suite.pool;
      suite.pool = new FramePool(8, 32, ImageEncoding.RAW_RGB8);
      try {
        steady("shipped, RAW_RGB8 frames", suite.modelDir, suite.manifest, 0.15);
      } finally {
        suite.pool = jpeg;
      }
    }
    if (!suite.quick && suite.steadyVariants.contains("full") && suite.fullWidthModelDir != null
        && Files.isRegularFile(suite.fullWidthModelDir.resolve("manifest.json"))) {
      steady("full width", suite.fullWidthModelDir, ModelManifest.load(suite.fullWidthModelDir), 1.5);
    }
  }

  /**
   * One steady-state run. {@code backlog}: frames preloaded, as a fraction of what bare ORT would process in
   * the run's length: 0.5 for JPEG frames; 0.15 for RAW_RGB8 frames (27 KB each: keeps the broker's log under
   * 2 GB, and the job is several times slower than bare ORT anyway); 1.5 at full width (a longer run, so that
   * JIT compilation is a small part of the window).
   */
  void steady(String label, Path model, ModelManifest m, double backlog) throws Exception {
    int persons = suite.steadyPersons();
    float[] images = suite.pool.modelImages(m, 256);
    double seconds = suite.quick ? 2 : 8;
    String w = label + " (w " + Flops.of(model).width() + ")";
    // the baseline runs the networks the job runs: the regions' band readers too where the job's flags and the model
    // turn them on (--bias-correction)
    // (on every stride-th batch: the persons here are within their first --bias-correction-frames)
    JobConfig cfg = JobConfig.parse(suite.jobFlags().toArray(String[]::new));
    boolean regions = cfg.biasCorrection().regions(m.regionsCorrection() != null);
    try (BareOrt bare = new BareOrt(m, suite.intraOpThreads, regions ? cfg.biasCorrectionStride() : 0)) {
      awaitQuietJit();
      BareOrt.Rate before = bare.onlineFramesPerSecond(images, suite.onlineCall(), suite.parallelism, seconds);
      long framesPerPerson = Math.max(5, Math.round(before.framesPerSecond() * backlog * suite.windowSeconds() / persons));
      Throughput job = suite.throughputRun("steady", model, persons, framesPerPerson, List.of(), suite.clusterOptions);
      awaitQuietJit();
      BareOrt.Rate after = bare.onlineFramesPerSecond(images, suite.onlineCall(), suite.parallelism, seconds);
      double bareRate = (before.framesPerSecond() + after.framesPerSecond()) / 2;
      double bareCpu = (before.cpuSecondsPerFrame() + after.cpuSecondsPerFrame()) / 2;
      Profile.Result p = job.profile();
      double jobCpu = p.jobCpuSeconds() / job.frames();
      double jit = p.category("JVM JIT") / job.frames();
      if (label.equals("shipped")) {
        suite.steadyRate = job.framesPerSecond();
      }
      suite.results.detail(String.format("  %s: bare ORT E + D_em%s, calls of %d rows (the job's), %d threads x %d intra-op: %.1f frames/s before, %.1f after; %.3f / %.3f ms CPU per frame",
          w, regions ? " + the regions' band readers on every " + cfg.biasCorrectionStride() + "th batch" : "",
          suite.onlineCall(), suite.parallelism, suite.intraOpThreads, before.framesPerSecond(), after.framesPerSecond(),
          1000 * before.cpuSecondsPerFrame(), 1000 * after.cpuSecondsPerFrame()));
      suite.results.detail(String.format("  %s: job (%d persons past onboarding, %d online frames each): %.1f frames/s over %d frames, %.3f ms job CPU per frame (%.3f of it JIT)",
          w, persons, framesPerPerson, job.framesPerSecond(), job.frames(), 1000 * jobCpu, 1000 * jit));
      suite.results.detail(p.table());
      suite.results.detail(p.perFrame(job.frames()));
      suite.results.detail(job.taskTimes());
      suite.results.add("steady", w + ": job throughput, online phase (" + persons + " persons past onboarding)", job.framesPerSecond(), "frames/s");
      suite.results.add("steady", w + ": bare ORT E + D_em, same model calls and threads", bareRate, "frames/s");
      suite.results.addRatio("steady", w + ": job / bare ORT throughput (wall)", job.framesPerSecond() / bareRate, 0.9);
      suite.results.add("steady", w + ": job CPU per frame (without JIT compilation)", 1000 * (jobCpu - jit), "ms");
      suite.results.add("steady", w + ": bare ORT CPU per frame", 1000 * bareCpu, "ms");
      suite.results.addRatio("steady", w + ": bare / job CPU per frame (load-independent)", bareCpu / (jobCpu - jit), 0.9);
      suite.memoryShare(w + " online phase", p, job.frames());
    }
  }
}
