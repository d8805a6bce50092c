package dev.paffmem.benchmarks;

import static dev.paffmem.benchmarks.JobBenchmarks.human;
import static dev.paffmem.benchmarks.JobBenchmarks.waitRunning;

import dev.paffmem.benchmarks.job.JobRunner;
import dev.paffmem.benchmarks.job.JobRunner.Running;
import dev.paffmem.benchmarks.job.JobRunner.Topics;
import dev.paffmem.benchmarks.job.KafkaIo;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Checkpoint size and time of the job holding persons past onboarding. Part of {@link JobBenchmarks}, which holds
 * the suite's flags, sizes, broker and shared runs.
 */
final class StateBenchmark {

  private final JobBenchmarks suite;

  StateBenchmark(JobBenchmarks suite) {
    this.suite = suite;
  }

  /** Runs the benchmark and records its figures in the suite's results. */
  void run() throws Exception {
    suite.onboardedMemory();
    int persons = suite.scalePersons.get(suite.scalePersons.size() - 1);
    checkpointRun(persons);
  }

  /** Checkpoint size and time of the job holding {@code persons} persons past onboarding. */
  void checkpointRun(int persons) throws Exception {
    String savepoint = suite.seededSavepoint(persons);
    Topics topics = Topics.fresh("checkpoint");
    topics.create(suite.broker, suite.parallelism);
    List<String> flags = suite.jobFlags();
    flags.addAll(List.of("--checkpoint-interval", suite.quick ? "1s" : "10s"));
    Path ckpt = suite.workDir.resolve("checkpoints");
    try (Running job = JobRunner.start(suite.broker, topics, suite.modelDir, suite.parallelism, flags, conf -> {
      conf.setString("execution.state-recovery.path", savepoint);
      conf.setString("execution.state-recovery.ignore-unclaimed-state", "true");
      conf.setString("execution.checkpointing.dir", ckpt.toUri().toString());
      return conf;
    })) {
      waitRunning(job);
      KafkaIo.preload(suite.broker.bootstrapServers(), topics.input(), suite.pool, Math.min(persons, 100), suite.generationFrames(),
          suite.generationFrames() + 1);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(suite.quick ? 1 : 4);
      var latest = job.rest("/checkpoints");
      while (latest.path("counts").path("completed").asInt() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(500);
        latest = job.rest("/checkpoints");
      }
      var done = latest.path("latest").path("completed");
      if (done.isMissingNode() || done.isNull()) {
        throw new IllegalStateException("no completed checkpoint: " + latest);
      }
      long size = done.path("checkpointed_size").asLong(done.path("state_size").asLong());
      long fullSize = done.path("state_size").asLong();
      long duration = done.path("end_to_end_duration").asLong();
      String detail = job.rest("/checkpoints/details/" + done.path("id").asLong()).toString();
      suite.results.detail(String.format("  checkpoint %d of %d persons: state size %s, %d ms end to end (%s)", done.path("id").asLong(),
          persons, human(fullSize), duration, detail.length() > 600 ? detail.substring(0, 600) + "..." : detail));
      suite.results.add("state", "checkpoint size, " + persons + " persons past onboarding", fullSize / 1e6, "MB");
      suite.results.add("state", "checkpoint size per person", fullSize / (double) persons, "B");
      suite.results.add("state", "checkpoint time (end to end), " + persons + " persons", duration / 1000.0, "s");
      if (size != fullSize) {
        suite.results.add("state", "checkpointed size (incremental)", size / 1e6, "MB");
      }
    }
  }
}
