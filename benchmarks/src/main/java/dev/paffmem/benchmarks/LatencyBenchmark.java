package dev.paffmem.benchmarks;

import static dev.paffmem.benchmarks.JobBenchmarks.ms;
import static dev.paffmem.benchmarks.JobBenchmarks.pct;
import static dev.paffmem.benchmarks.JobBenchmarks.waitRunning;

import dev.paffmem.benchmarks.job.JobRunner;
import dev.paffmem.benchmarks.job.JobRunner.Running;
import dev.paffmem.benchmarks.job.JobRunner.Topics;
import dev.paffmem.benchmarks.job.KafkaIo;
import dev.paffmem.benchmarks.job.KafkaIo.Out;
import dev.paffmem.benchmarks.job.TimedSender;
import dev.paffmem.job.config.JobConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Latency from a frame's event time to its prediction, at-least-once and exactly-once. Part of {@link
 * JobBenchmarks}, which holds the suite's flags, sizes, broker and shared runs.
 */
final class LatencyBenchmark {

  private final JobBenchmarks suite;

  LatencyBenchmark(JobBenchmarks suite) {
    this.suite = suite;
  }

  // ---- latency ---------------------------------------------------------------------------------

  /** Runs the benchmark and records its figures in the suite's results. */
  void run() throws Exception {
    if (Double.isNaN(suite.steadyRate)) {
      new SteadyBenchmark(suite).run();
    }
    int persons = suite.steadyPersons();
    String savepoint = suite.seededSavepoint(persons);
    double warm = suite.quick ? 2 : 5;
    double window = suite.quick ? 4 : 30;
    String eoInterval = suite.quick ? "1s" : JobConfig.defaults().checkpointInterval().toSeconds() + "s";
    record Case(String delivery, String interval) {}
    List<Case> cases = suite.quick ? List.of(new Case("EXACTLY_ONCE", "1s"), new Case("AT_LEAST_ONCE", "1s"))
        : List.of(new Case("EXACTLY_ONCE", eoInterval), new Case("AT_LEAST_ONCE", eoInterval));
    for (Case c : cases) {
      for (double load : List.of(0.5, 0.9)) {
        double rate = load * suite.steadyRate;
        Topics topics = Topics.fresh("latency");
        topics.create(suite.broker, suite.parallelism);
        List<String> flags = suite.jobFlags();
        flags.addAll(List.of("--delivery", c.delivery(), "--checkpoint-interval", c.interval()));
        long[] latencies;
        double[] processing;
        long sent;
        long missing;
        try (KafkaIo.OutputFollower follower = new KafkaIo.OutputFollower(suite.broker.bootstrapServers(), topics.output(), suite.parallelism, true);
             Running job = suite.startFromSavepoint(topics, suite.modelDir, flags, savepoint, Map.of())) {
          waitRunning(job);
          KafkaIo.PacedProducer producer = new KafkaIo.PacedProducer(suite.broker.bootstrapServers(), topics.input(), suite.pool,
              persons, suite.generationFrames(), rate);
          long windowStart = System.currentTimeMillis() + (long) (warm * 1000);
          Thread.sleep((long) ((warm + window) * 1000));
          long windowEnd = System.currentTimeMillis();
          producer.close(); // then drain: every frame sent must come out (one checkpoint interval plus slack)
          sent = producer.sent();
          follower.awaitCount(sent, Duration.ofSeconds(suite.quick ? 20 : 60));
          Map<String, Out> byKey = new java.util.HashMap<>();
          for (Out o : follower.snapshot()) {
            byKey.put(TimedSender.key(o.personId(), o.frameIndex()), o);
          }
          List<long[]> l = new ArrayList<>();
          for (Map.Entry<String, Long> e : producer.sentTimes().entrySet()) {
            long s = e.getValue();
            if (s < windowStart || s >= windowEnd) {
              continue;
            }
            Out o = byKey.get(e.getKey());
            // a frame not out by the end of the drain counts as infinitely late
            l.add(o == null ? new long[] {Long.MAX_VALUE, Long.MAX_VALUE} : new long[] {o.receivedMs() - s, o.processingTimeMs() - s});
          }
          missing = l.stream().filter(a -> a[0] == Long.MAX_VALUE).count();
          latencies = l.stream().mapToLong(a -> a[0]).sorted().toArray();
          processing = l.stream().mapToDouble(a -> a[1] == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : a[1]).sorted().toArray();
        }
        String name = String.format("%s (checkpoint %s) at %.0f%% of steady rate (%.0f frames/s)",
            c.delivery().equals("EXACTLY_ONCE") ? "exactly-once" : "at-least-once", c.interval(), 100 * load, rate);
        suite.results.detail(String.format("  %s: %d frames sent in the %.0f s window (%d not out %d s after it); Kafka-to-Kafka p50 %s ms, p99 %s ms; to emission p50 %.0f ms, p99 %.0f ms",
            name, latencies.length, window, missing, suite.quick ? 20 : 60, ms(pct(latencies, 50)), ms(pct(latencies, 99)),
            pct(processing, 50), pct(processing, 99)));
        suite.results.add("latency", name + ": p50", pct(latencies, 50) == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : pct(latencies, 50), "ms");
        suite.results.add("latency", name + ": p99", pct(latencies, 99) == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : pct(latencies, 99), "ms");
        suite.results.add("latency", name + ": frames not delivered within the drain", missing, "");
        suite.results.add("latency", name + ": p99 to emission (before the sink)", pct(processing, 99), "ms");
      }
    }
  }
}
