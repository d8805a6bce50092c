package dev.paffmem.benchmarks;

import static dev.paffmem.benchmarks.JobBenchmarks.awaitQuietJit;

import dev.paffmem.benchmarks.job.BareOrt;
import dev.paffmem.benchmarks.job.Flops;
import dev.paffmem.benchmarks.job.FramePool;
import dev.paffmem.benchmarks.job.JobRunner;
import dev.paffmem.benchmarks.job.JobRunner.Running;
import dev.paffmem.benchmarks.job.JobRunner.Topics;
import dev.paffmem.benchmarks.job.KafkaIo;
import dev.paffmem.benchmarks.job.KafkaIo.Out;
import dev.paffmem.benchmarks.job.Profile;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.schema.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * Onboarding: new persons' generation frames (G and E on 200 targets per frame) in the job against bare ONNX
 * Runtime. Part of {@link JobBenchmarks}, which holds the suite's flags, sizes, broker and shared runs.
 */
final class OnboardingBenchmark {

  private final JobBenchmarks suite;

  OnboardingBenchmark(JobBenchmarks suite) {
    this.suite = suite;
  }

  /** Runs the benchmark and records its figures in the suite's results. */
  void run() throws Exception {
    if (Double.isNaN(suite.peak1)) {
      new PeakBenchmark(suite).run();
    }
    onboarding("shipped", suite.modelDir, suite.quick ? 3 : suite.generationFrames());
    if (!suite.quick && suite.fullWidthModelDir != null && Files.isRegularFile(suite.fullWidthModelDir.resolve("manifest.json"))) {
      onboarding("full width", suite.fullWidthModelDir, 2);
    } else if (!suite.quick) {
      suite.results.detail("  full width skipped: no model at " + suite.fullWidthModelDir);
    }
  }

  /**
   * A new person's generation phase in a running job. A warm-up person's first frame goes first
   * (ONNX Runtime's first runs and JIT); then the new person's first {@code frames} frames are sent
   * at once: time per generation frame = (emission of the last - sending of the first) / frames,
   * and a person's onboarding = generation frames x that.
   */
  void onboarding(String label, Path model, int frames) throws Exception {
    ModelManifest m = ModelManifest.load(model);
    Flops f = Flops.of(model);
    int t = suite.targets();
    Topics topics = Topics.fresh("onboarding");
    topics.create(suite.broker, suite.parallelism);
    Path jfr = suite.workDir.resolve("onboarding-" + label.replace(' ', '-') + ".jfr");
    String person = FramePool.personId(0);
    BareOrt.FrameTime bareBefore;
    try (BareOrt bare = new BareOrt(m, suite.intraOpThreads)) { // before and after the job: the machine's load drifts
      awaitQuietJit();
      bareBefore = bare.generationSecondsPerFrame(suite.pool.modelImages(m, 1), t, suite.batchMaxSize, frames);
    }
    double jobPerFrame;
    Profile.Result prof;
    try (KafkaIo.OutputFollower follower = new KafkaIo.OutputFollower(suite.broker.bootstrapServers(), topics.output(), suite.parallelism, false);
         Running job = JobRunner.start(suite.broker, topics, model, suite.parallelism, onboardingFlags(), c -> c)) {
      KafkaIo.preload(suite.broker.bootstrapServers(), topics.input(), suite.pool, 1000, 1, 0, 1); // warm-up person
      if (!follower.awaitCount(1, Duration.ofMinutes(10))) {
        throw new IllegalStateException("onboarding: no prediction for the warm-up person");
      }
      Profile profile = Profile.start(jfr);
      long sent = System.currentTimeMillis();
      KafkaIo.preload(suite.broker.bootstrapServers(), topics.input(), suite.pool, 0, 1, 0, frames);
      follower.awaitCount(1 + frames, Duration.ofMinutes(30));
      prof = profile.stop();
      List<Out> outs = follower.snapshot().stream().filter(o -> o.personId().equals(person))
          .sorted(Comparator.comparingLong(Out::frameIndex)).toList();
      if (outs.size() != frames || outs.stream().anyMatch(o -> o.phase() != Phase.GENERATING)) {
        throw new IllegalStateException("onboarding: expected " + frames + " GENERATING predictions, got " + outs);
      }
      jobPerFrame = (outs.get(frames - 1).processingTimeMs() - sent) / 1000.0 / frames;
    }
    BareOrt.FrameTime bareAfter;
    try (BareOrt bare = new BareOrt(m, suite.intraOpThreads)) {
      awaitQuietJit();
      bareAfter = bare.generationSecondsPerFrame(suite.pool.modelImages(m, 1), t, suite.batchMaxSize, frames);
    }
    BareOrt.FrameTime bareTime = new BareOrt.FrameTime((bareBefore.wallSeconds() + bareAfter.wallSeconds()) / 2,
        (bareBefore.cpuSeconds() + bareAfter.cpuSeconds()) / 2);
    suite.results.detail(String.format("  %s: bare ORT %.2f s (%.2f s CPU) per frame before the job, %.2f s (%.2f s CPU) after", label,
        bareBefore.wallSeconds(), bareBefore.cpuSeconds(), bareAfter.wallSeconds(), bareAfter.cpuSeconds()));
    double barePerFrame = bareTime.wallSeconds();
    double jobCpuPerFrame = (prof.jobCpuSeconds() - prof.category("JVM JIT")) / frames; // JIT is warm-up
    int g = suite.generationFrames();
    double gflopPerPerson = g * f.generationFrame(t) / 1e9;
    double jobPerson = g * jobPerFrame;
    suite.results.detail(String.format("  %s (%s, width %s): job %.2f s per generation frame (%.2f s job CPU without JIT), bare ORT %.2f s (%.2f s CPU); %d x %d targets = %.1f GFLOP per person",
        label, m.modelId(), f.width(), jobPerFrame, jobCpuPerFrame, barePerFrame, bareTime.cpuSeconds(), g, t, gflopPerPerson));
    suite.results.detail(prof.table());
    String w = label + " (w " + f.width() + ")";
    suite.results.add("onboarding", w + ": job time per new person (" + g + " frames x " + t + " targets)", jobPerson, "s");
    suite.results.add("onboarding", w + ": bare ORT time, same G and E batches", g * barePerFrame, "s");
    suite.results.addRatio("onboarding", w + ": bare / job time (wall)", barePerFrame / jobPerFrame, 0.9);
    suite.results.addRatio("onboarding", w + ": bare / job CPU per frame (load-independent)", bareTime.cpuSeconds() / jobCpuPerFrame, 0.9);
    suite.results.add("onboarding", w + ": GFLOP per person", gflopPerPerson, "GFLOP");
    suite.results.add("onboarding", w + ": achieved GFLOP/s (job)", gflopPerPerson / jobPerson, "GFLOP/s");
    suite.results.add("onboarding", w + ": achieved / 1-thread SGEMM peak", 100 * gflopPerPerson / jobPerson / suite.peak1, "%");
    double perCpu = f.generationFrame(t) / 1e9 / jobCpuPerFrame;
    suite.results.add("onboarding", w + ": achieved GFLOP per job CPU-second", perCpu, "GFLOP/CPU-s");
    suite.results.add("onboarding", w + ": achieved per CPU-second / SGEMM per CPU-second", 100 * perCpu / suite.peakCpu, "%");
    if (label.equals("shipped")) {
      suite.memoryShare("generation phase", prof, frames);
    }
  }

  /**
   * Generation as fast as the job can: all of the model thread's time (share 1), and each generation frame's
   * prediction held until its edits are trained (WAIT), so the last prediction marks the end of generation.
   */
  List<String> onboardingFlags() {
    List<String> flags = suite.jobFlags();
    // the bare-ORT baseline runs the exported FP32 files; quantized generation has its own benchmark (quantized)
    flags.addAll(List.of("--model-precision", "FP32"));
    flags.addAll(List.of("--generation-cpu-share", "1", "--predictions-while-seeding", "WAIT"));
    return flags;
  }
}
