package dev.paffmem.benchmarks;

import static dev.paffmem.benchmarks.JobBenchmarks.du;
import static dev.paffmem.benchmarks.JobBenchmarks.waitRunning;

import dev.paffmem.benchmarks.JobBenchmarks.Throughput;
import dev.paffmem.benchmarks.job.JobRunner;
import dev.paffmem.benchmarks.job.JobRunner.Running;
import dev.paffmem.benchmarks.job.JobRunner.Topics;
import dev.paffmem.benchmarks.job.KafkaIo;
import dev.paffmem.benchmarks.job.Machine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * State backends compared: checkpoint size and time, memory, throughput. Part of {@link JobBenchmarks}, which
 * holds the suite's flags, sizes, broker and shared runs.
 */
final class BackendsBenchmark {

  private final JobBenchmarks suite;

  BackendsBenchmark(JobBenchmarks suite) {
    this.suite = suite;
  }

  /**
   * State backends: for each of {@code --state-backends}, the job restored from a savepoint of
   * {@code --backend-persons} persons past onboarding with {@code --state-backend <b>} (incremental checkpoints on):
   * time from submission to all tasks running (the restore), the first checkpoint (for RocksDB and ForSt a full
   * upload of every file) and the third (incremental: what 100 persons' frames changed), the process's resident
   * memory and heap in use (the MiniCluster runs in this JVM), the backend's local disk; then the steady throughput
   * at {@code --backend-throughput-persons}.
   */
  /** Runs the benchmark and records its figures in the suite's results. */
  void run() throws Exception {
    suite.onboardedMemory();
    int persons = suite.backendPersons != null ? suite.backendPersons : suite.quick ? 200 : 10_000;
    int tpPersons = suite.backendThroughputPersons != null ? suite.backendThroughputPersons : suite.quick ? 200 : 10_000;
    for (String backend : suite.stateBackends) {
      List<String> backendFlags = List.of("--state-backend", backend, "--incremental-checkpoints", "true");
      String savepoint = suite.seededSavepoint(persons);
      Topics topics = Topics.fresh("backend-" + backend);
      topics.create(suite.broker, suite.parallelism);
      List<String> flags = suite.jobFlags();
      flags.addAll(backendFlags);
      flags.addAll(List.of("--checkpoint-interval", suite.quick ? "2s" : "10s"));
      Path ckpt = suite.workDir.resolve("checkpoints-" + backend);
      Path local = suite.workDir.resolve("state-" + backend);
      long t0 = System.nanoTime();
      try (Running job = JobRunner.start(suite.broker, topics, suite.modelDir, suite.parallelism, flags, conf -> {
        conf.setString("execution.state-recovery.path", savepoint);
        conf.setString("execution.state-recovery.ignore-unclaimed-state", "true");
        conf.setString("execution.checkpointing.dir", ckpt.toUri().toString());
        conf.setString("state.backend.rocksdb.localdir", local.toAbsolutePath().toString());
        conf.setString("state.backend.forst.local-dir", local.toAbsolutePath().toString());
        return conf;
      })) {
        waitRunning(job);
        double restoreSeconds = (System.nanoTime() - t0) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(suite.quick ? 2 : 30);
        var history = job.rest("/checkpoints");
        int sentRounds = 0;
        while (history.path("counts").path("completed").asInt() < 3 && System.nanoTime() < deadline) {
          if (history.path("counts").path("completed").asInt() > sentRounds) { // some frames between checkpoints
            KafkaIo.preload(suite.broker.bootstrapServers(), topics.input(), suite.pool, Math.min(persons, 100),
                suite.generationFrames() + sentRounds, suite.generationFrames() + sentRounds + 1);
            sentRounds++;
          }
          Thread.sleep(500);
          history = job.rest("/checkpoints");
        }
        List<com.fasterxml.jackson.databind.JsonNode> completed = new ArrayList<>();
        for (var c : history.path("history")) {
          if (c.path("status").asText().equals("COMPLETED")) {
            completed.add(c);
          }
        }
        completed.sort(java.util.Comparator.comparingLong(c -> c.path("id").asLong()));
        if (completed.isEmpty()) {
          throw new IllegalStateException(backend + ": no completed checkpoint: " + history);
        }
        String label = backend + ", " + String.format("%,d", persons) + " persons";
        suite.results.add("backends", label + ": restore from the savepoint (submit to all tasks running)", restoreSeconds, "s");
        var first = completed.get(0);
        var last = completed.get(completed.size() - 1);
        suite.results.add("backends", label + ": first checkpoint, uploaded", first.path("checkpointed_size").asLong() / 1e6, "MB");
        suite.results.add("backends", label + ": first checkpoint, end to end", first.path("end_to_end_duration").asLong() / 1000.0, "s");
        suite.results.add("backends", label + ": checkpoint " + last.path("id").asLong() + ", uploaded (incremental)",
            last.path("checkpointed_size").asLong() / 1e6, "MB");
        suite.results.add("backends", label + ": checkpoint " + last.path("id").asLong() + ", end to end",
            last.path("end_to_end_duration").asLong() / 1000.0, "s");
        suite.results.add("backends", label + ": full state size", last.path("state_size").asLong() / 1e6, "MB");
        System.gc();
        var heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        suite.results.add("backends", label + ": heap in use after GC (JVM of broker + MiniCluster)", heap.getUsed() / 1e6, "MB");
        suite.results.add("backends", label + ": process resident memory (VmRSS)", Machine.residentBytes() / 1e6, "MB");
        suite.results.add("backends", label + ": local state on disk", Math.max(0, du(local)) / 1e6, "MB");
        suite.results.detail(String.format("  %s: checkpoints %s", label, completed));
      }
      if (tpPersons > 0) {
        long perPerson = Math.max(suite.quick ? 2 : 3, Math.round((Double.isNaN(suite.steadyRate) ? 2000 : suite.steadyRate) * suite.windowSeconds() / tpPersons));
        Throughput t = suite.throughputRun("backend-" + backend + "-" + tpPersons, suite.modelDir, tpPersons, perPerson, backendFlags, Map.of());
        suite.results.detail(String.format("  %s, %d persons x %d frames: %.1f frames/s", backend, tpPersons, perPerson, t.framesPerSecond()));
        suite.results.add("backends", backend + ", " + String.format("%,d", tpPersons) + " persons: steady throughput", t.framesPerSecond(), "frames/s");
      }
      suite.results.write(suite.out, "");
    }
  }
}
