package dev.paffmem.benchmarks;

import static dev.paffmem.benchmarks.JobBenchmarks.ms;
import static dev.paffmem.benchmarks.JobBenchmarks.pct;
import static dev.paffmem.benchmarks.JobBenchmarks.waitRunning;

import dev.paffmem.benchmarks.job.Arrivals;
import dev.paffmem.benchmarks.job.FramePool;
import dev.paffmem.benchmarks.job.JobRunner;
import dev.paffmem.benchmarks.job.JobRunner.Running;
import dev.paffmem.benchmarks.job.JobRunner.Topics;
import dev.paffmem.benchmarks.job.KafkaIo;
import dev.paffmem.benchmarks.job.KafkaIo.Out;
import dev.paffmem.benchmarks.job.TailCauses;
import dev.paffmem.benchmarks.job.TimedSender;
import dev.paffmem.schema.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Mixed: established persons at a steady rate while new persons arrive. Part of {@link JobBenchmarks}, which holds
 * the suite's flags, sizes, broker and shared runs.
 */
final class MixedBenchmark {

  private final JobBenchmarks suite;

  MixedBenchmark(JobBenchmarks suite) {
    this.suite = suite;
  }

  // ---- mixed: established persons plus new persons arriving --------------------------------------

  /**
   * What one mixed case measured; {@code establishedFirstSeconds}: the latencies of the established frames sent in the
   * window's first {@link #FIRST_SECONDS} seconds.
   */
  record Mixed(long[] established, long[] firstPrediction, long[] memoryReady, int arrived, int notReady,
      double maxCheckpointMs, long missing, double windowSeconds, long[] establishedFirstSeconds) {}

  /**
   * The burst's new persons meet the established frames of the window's first seconds (every person of the burst generates then): their
   * first predictions are read against those frames' latencies (BENCHMARKS.md, section 10, "Four new persons at once,
   * traced on the Zen 5").
   */
  static final long FIRST_SECONDS = 5;

  /**
   * A job started from a savepoint compiles Flink's, Kafka's and the broker's code anew for a minute or more under
   * the established load (a third of a core of 2 vCPUs on the Zen 5, also in a JVM that ran jobs before): the window
   * starts once the JIT compiler has taken less than {@link #QUIET_JIT_SHARE} of a core over
   * {@link #QUIET_JIT_WINDOW_S} seconds, at most {@link #QUIET_JIT_MAX_S} seconds after the job caught up
   * (BENCHMARKS.md, section 10, "The JIT under the burst").
   */
  static final double QUIET_JIT_MAX_S = 120;
  static final double QUIET_JIT_SHARE = 0.1;
  static final int QUIET_JIT_WINDOW_S = 5;

  /**
   * Established persons (past onboarding, from a seeded savepoint) at 50 % of the steady rate, plus new persons
   * arriving: first a burst (onboarding capacity: persons made memory-ready per minute while the established load
   * runs), then arrivals at fractions of that capacity, at-least-once and exactly-once, and with nobody arriving
   * (the reference); then exactly-once at several checkpoint intervals with many persons' state.
   */
  /** Runs the benchmark and records its figures in the suite's results. */
  void run() throws Exception {
    double rate;
    if (suite.mixedEstablishedRate != null) {
      rate = suite.mixedEstablishedRate;
    } else {
      if (Double.isNaN(suite.steadyRate)) {
        new SteadyBenchmark(suite).run();
      }
      rate = 0.5 * suite.steadyRate;
    }
    int persons = suite.steadyPersons();
    String savepoint = suite.seededSavepoint(persons);
    double window = suite.quick && suite.mixedWindow == 90 ? 15 : suite.mixedWindow;
    suite.results.detail(String.format("  established: %d persons at %.0f frames/s; new persons stream at 25 frames/s from"
        + " their arrival; window %.0f s per case", persons, rate, window));

    if (!suite.quick) {
      // the JVM's first job runs cold (JIT, class loading) for its first tens of seconds: a discarded case first, as
      // the suite does before its first steady run (without it the burst's first predictions measured 1.9-3.4 s)
      long t0 = System.nanoTime();
      mixedCase("AT_LEAST_ONCE", suite.mixedAloInterval, persons, savepoint, rate, 0, 0, 20, false);
      suite.results.detail(String.format("  JVM warm-up: a discarded case without arrivals, %.0f s", (System.nanoTime() - t0) / 1e9));
    }
    // onboarding capacity: a burst of new persons under the established load, at-least-once
    int burst = suite.quick ? 2 : 4;
    double capacity;
    if (suite.mixedCapacity != null && !suite.mixedBurst) {
      capacity = suite.mixedCapacity;
      suite.results.detail(String.format("  capacity given: %.2f persons/min (burst not run)", capacity));
    } else {
      boolean measure = suite.mixedCapacity == null;
      Mixed cap = mixedCase("AT_LEAST_ONCE", suite.mixedAloInterval, persons, savepoint, rate, 0, burst,
          measure ? Math.max(window, suite.quick ? 60 : 240) : window, measure);
      double measured = cap.memoryReady().length == burst
          ? 60.0 * burst / (cap.memoryReady()[burst - 1] / 1000.0)
          : 60.0 * cap.memoryReady().length / cap.windowSeconds(); // not all ready: those that were, over the run
      capacity = measure ? measured : suite.mixedCapacity;
      suite.results.detail(String.format("  burst: %d new persons at once, memory-ready after %s ms (first prediction %s ms);"
          + " %s", burst, Arrays.toString(cap.memoryReady()), Arrays.toString(cap.firstPrediction()),
          measure ? String.format("capacity %.2f persons/min", capacity)
              : String.format("capacity given: %.2f persons/min", capacity)));
      if (measure) {
        suite.results.add("mixed", "onboarding capacity under the established load (" + burst + " at once)", capacity, "persons/min");
      }
      suite.results.detail(String.format("  burst: established frames sent in its first %d s (%d frames): p50 %s / p90 %s /"
          + " p99 %s ms; over the whole case (%d frames): p50 %s / p99 %s ms", FIRST_SECONDS,
          cap.establishedFirstSeconds().length, ms(pct(cap.establishedFirstSeconds(), 50)),
          ms(pct(cap.establishedFirstSeconds(), 90)), ms(pct(cap.establishedFirstSeconds(), 99)),
          cap.established().length, ms(pct(cap.established(), 50)), ms(pct(cap.established(), 99))));
      suite.results.add("mixed", "burst: new persons' first prediction, max", pct(cap.firstPrediction(), 100), "ms");
      suite.results.add("mixed", "burst: established frames of its first " + FIRST_SECONDS + " s, p90",
          pct(cap.establishedFirstSeconds(), 90), "ms");
      suite.results.add("mixed", "burst: max checkpoint duration", cap.maxCheckpointMs(), "ms");
    }
    if (!(capacity > 0)) {
      suite.results.detail("  no new person became memory-ready during the burst: arrival cases skipped");
    }

    for (String delivery : capacity > 0 ? suite.mixedDeliveries : List.<String>of()) {
      if (delivery.equals("none")) {
        continue; // --mixed-deliveries none: no arrival cases
      }
      String interval = delivery.equals("EXACTLY_ONCE") ? suite.mixedInterval : suite.mixedAloInterval;
      String d = delivery.equals("EXACTLY_ONCE") ? "exactly-once (checkpoint " + interval + ")"
          : "at-least-once" + (interval.equals("10s") ? "" : " (checkpoint " + interval + ")");
      List<Double> fractions = new ArrayList<>(suite.mixedReference ? List.of(0.0) : List.of());
      fractions.addAll(suite.mixedArrivals);
      for (double fraction : fractions) {
        double perMin = fraction * capacity;
        double intervalMs = perMin > 0 ? 60_000 / perMin : 0;
        int arrivals = perMin > 0 ? (int) Math.max(1, Math.ceil(window * 1000 / intervalMs)) : 0;
        Mixed m = mixedCase(delivery, interval, persons, savepoint, rate, intervalMs, arrivals, window, false);
        String name = String.format("%s, new persons at %.2f x capacity (%.2f/min)", d, fraction, perMin);
        suite.results.detail(String.format("  %s: established p50 %s / p99 %s ms (%d frames, %d not out); %d new persons:"
            + " first prediction p50 %s / max %s ms, memory-ready p50 %s / max %s ms (%d not ready by the end);"
            + " max checkpoint %.0f ms", name, ms(pct(m.established(), 50)), ms(pct(m.established(), 99)),
            m.established().length, m.missing(), m.arrived(), ms(pct(m.firstPrediction(), 50)),
            ms(pct(m.firstPrediction(), 100)), ms(pct(m.memoryReady(), 50)), ms(pct(m.memoryReady(), 100)),
            m.notReady(), m.maxCheckpointMs()));
        suite.results.add("mixed", name + ": established p50", pct(m.established(), 50), "ms");
        suite.results.add("mixed", name + ": established p99", pct(m.established(), 99), "ms");
        if (m.arrived() > 0) {
          suite.results.add("mixed", name + ": new persons' first prediction, max", pct(m.firstPrediction(), 100), "ms");
          suite.results.add("mixed", name + ": new persons' memory-ready, p50", pct(m.memoryReady(), 50), "ms");
          suite.results.add("mixed", name + ": new persons not memory-ready by the end of the window", m.notReady(), "");
        }
        suite.results.add("mixed", name + ": max checkpoint duration", m.maxCheckpointMs(), "ms");
      }
    }

    int statePersons = suite.quick ? 200 : suite.mixedStatePersons;
    if (suite.mixedIntervals.stream().allMatch("none"::equals)) {
      return;
    }
    String big = suite.seededSavepoint(statePersons);
    for (String interval : suite.mixedIntervals) {
      if (interval.equals("none")) {
        continue; // --mixed-checkpoint-intervals none: no sweep
      }
      Mixed m = mixedCase("EXACTLY_ONCE", interval, statePersons, big, rate, 0, 0, window, false);
      String name = String.format("exactly-once, checkpoint %s, %d persons' state, no one onboarding", interval, statePersons);
      suite.results.detail(String.format("  %s: p50 %s / p99 %s ms (%d frames); max checkpoint %.0f ms", name,
          ms(pct(m.established(), 50)), ms(pct(m.established(), 99)), m.established().length, m.maxCheckpointMs()));
      suite.results.add("mixed", name + ": p50", pct(m.established(), 50), "ms");
      suite.results.add("mixed", name + ": p99", pct(m.established(), 99), "ms");
      suite.results.add("mixed", name + ": max checkpoint duration", m.maxCheckpointMs(), "ms");
    }
  }

  /**
   * One mixed run: the job from {@code savepoint}, established persons at {@code rate} frames/s, and
   * {@code arrivals} new persons arriving every {@code intervalMs} (all at once when 0). With {@code untilReady}
   * the run goes on until every new person is memory-ready (at most {@code window} seconds).
   */
  Mixed mixedCase(String delivery, String interval, int persons, String savepoint, double rate, double intervalMs,
      int arrivals, double window, boolean untilReady) throws Exception {
    Topics topics = Topics.fresh("mixed");
    topics.create(suite.broker, suite.parallelism);
    List<String> flags = suite.jobFlags();
    flags.addAll(List.of("--delivery", delivery, "--checkpoint-interval", interval));
    boolean eo = delivery.equals("EXACTLY_ONCE");
    int first = 100_000; // new persons' indices: nobody in the savepoint
    try (KafkaIo.OutputFollower follower = new KafkaIo.OutputFollower(suite.broker.bootstrapServers(), topics.output(), suite.parallelism, eo);
         Running job = suite.startFromSavepoint(topics, suite.modelDir, flags, savepoint, suite.clusterOptions);
         TailCauses.GcPauses gc = new TailCauses.GcPauses()) {
      waitRunning(job);
      KafkaIo.PacedProducer established = new KafkaIo.PacedProducer(suite.broker.bootstrapServers(), topics.input(), suite.pool,
          persons, suite.generationFrames(), rate);
      Thread.sleep(suite.quick ? 2000 : 5000); // warm-up
      // a job restored from the savepoint first loads its persons' state and may lag behind the load for a while
      // (tens of seconds on the slowest machine measured): the window, and new persons, start once it has caught up
      int catchUpSeconds = suite.quick ? 20 : 60;
      double caughtUp = awaitCaughtUp(follower, established,
          eo ? dev.paffmem.job.config.Durations.parse(interval).toMillis() : 0, catchUpSeconds);
      String jit = "";
      if (suite.mixedQuietJit && !suite.quick) {
        double settled = JobBenchmarks.awaitQuietJit(QUIET_JIT_MAX_S, QUIET_JIT_SHARE, QUIET_JIT_WINDOW_S);
        jit = Double.isNaN(settled) ? String.format("; the JIT had not settled %.0f s later", QUIET_JIT_MAX_S)
            : String.format("; the JIT settled %.0f s later", settled);
      }
      suite.results.detail(String.format("    %s, %s, %d new persons: %s%s", delivery, interval, arrivals,
          Double.isNaN(caughtUp) ? "the job had not caught up with the established load "
              + catchUpSeconds + " s after the warm-up; the window starts anyway"
              : String.format("caught up with the established load %.1f s after it started", caughtUp), jit));
      long windowStart = System.currentTimeMillis();
      Arrivals newcomers = arrivals == 0 ? null
          : new Arrivals(suite.broker.bootstrapServers(), topics.input(), suite.pool, first, intervalMs, arrivals, 40);
      long end = windowStart + (long) (window * 1000);
      while (System.currentTimeMillis() < end) {
        Thread.sleep(500);
        if (untilReady && newcomers != null && newcomers.started().size() == arrivals
            && readyPersons(follower.snapshot(), first) >= arrivals) {
          break;
        }
      }
      long windowEnd = System.currentTimeMillis();
      String waits = inferenceWaits(job);
      suite.results.detail(String.format("    %s, %s, %d new persons: inference operator, last 1000 of each (ms):%s",
          delivery, interval, arrivals, waits));
      established.close();
      if (newcomers != null) {
        newcomers.close();
      }
      long sent = established.sent() + (newcomers == null ? 0 : newcomers.sent());
      follower.awaitCount(sent, Duration.ofSeconds(suite.quick ? 20 : 60));
      double maxCheckpoint = job.rest("/checkpoints").path("summary").path("end_to_end_duration").path("max").asDouble(Double.NaN);
      suite.results.detail(String.format("    %s, %s, %d new persons: checkpoints' parts per task (ms):%s", delivery,
          interval, arrivals, checkpointParts(job)));
      List<TailCauses.Span> checkpoints = checkpointSpans(job);
      Map<String, Out> byKey = new java.util.HashMap<>();
      Map<String, Out> firstOut = new java.util.HashMap<>();
      Map<String, Out> firstOnline = new java.util.HashMap<>();
      for (Out o : follower.snapshot()) {
        byKey.put(TimedSender.key(o.personId(), o.frameIndex()), o);
        firstOut.merge(o.personId(), o, (a, b) -> a.frameIndex() <= b.frameIndex() ? a : b);
        if (o.phase() == Phase.ONLINE) {
          firstOnline.merge(o.personId(), o, (a, b) -> a.receivedMs() <= b.receivedMs() ? a : b);
        }
      }
      List<Long> est = new ArrayList<>();
      List<Long> estFirst = new ArrayList<>();
      List<Long> estSent = new ArrayList<>();
      long missing = 0;
      for (Map.Entry<String, Long> e : established.sentTimes().entrySet()) {
        if (e.getValue() < windowStart || e.getValue() >= windowEnd) {
          continue;
        }
        Out o = byKey.get(e.getKey());
        if (o == null) {
          missing++;
          est.add(Long.MAX_VALUE);
        } else {
          est.add(o.receivedMs() - e.getValue());
        }
        estSent.add(e.getValue());
        if (e.getValue() < windowStart + FIRST_SECONDS * 1000) {
          estFirst.add(est.get(est.size() - 1));
        }
      }
      tailCauses(delivery, interval, arrivals, estSent, est, checkpoints, gc, windowStart);
      List<Long> firstPrediction = new ArrayList<>();
      List<Long> ready = new ArrayList<>();
      int notReady = 0;
      Map<Integer, Long> started = newcomers == null ? Map.of() : newcomers.started();
      for (Map.Entry<Integer, Long> e : started.entrySet()) {
        String id = FramePool.personId(e.getKey());
        Out f = firstOut.get(id);
        firstPrediction.add(f == null ? Long.MAX_VALUE : f.receivedMs() - e.getValue());
        Out r = firstOnline.get(id);
        if (r == null) {
          notReady++;
        } else {
          ready.add(r.receivedMs() - e.getValue());
        }
      }
      return new Mixed(est.stream().mapToLong(Long::longValue).sorted().toArray(),
          firstPrediction.stream().mapToLong(Long::longValue).sorted().toArray(),
          ready.stream().mapToLong(Long::longValue).sorted().toArray(), started.size(), notReady, maxCheckpoint, missing,
          (windowEnd - windowStart) / 1000.0, estFirst.stream().mapToLong(Long::longValue).sorted().toArray());
    }
  }

  /**
   * Waits (at most {@code maxSeconds}) until every established frame sent more than {@link #CAUGHT_UP_MS} ago has its
   * prediction out; returns the seconds since the first established frame was sent, NaN when it did not catch up.
   * {@code visibleAfterMs}: how much later predictions may become visible (exactly-once: at the next checkpoint).
   */
  static double awaitCaughtUp(KafkaIo.OutputFollower follower, TimedSender established, long visibleAfterMs,
      double maxSeconds)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + (long) (maxSeconds * 1000);
    while (true) {
      long now = System.currentTimeMillis();
      long bound = now - CAUGHT_UP_MS - visibleAfterMs;
      java.util.Set<String> out = new java.util.HashSet<>();
      for (Out o : follower.snapshot()) {
        out.add(TimedSender.key(o.personId(), o.frameIndex()));
      }
      long first = Long.MAX_VALUE;
      boolean behind = false;
      for (Map.Entry<String, Long> e : established.sentTimes().entrySet()) {
        first = Math.min(first, e.getValue());
        behind |= e.getValue() < bound && !out.contains(e.getKey());
      }
      if (!behind && first != Long.MAX_VALUE) {
        return (now - first) / 1000.0;
      }
      if (now > deadline) {
        return Double.NaN;
      }
      Thread.sleep(500);
    }
  }

  /** How old a frame may be without its prediction when the job counts as caught up (ms). */
  static final long CAUGHT_UP_MS = 500;

  /**
   * Which of the established frames at or above p99 were sent during (or up to 100 ms before) a checkpoint or a
   * garbage-collection pause of 10 ms or more, against the share of all the window's frames (details.txt).
   */
  private void tailCauses(String delivery, String interval, int arrivals, List<Long> sent, List<Long> latency,
      List<TailCauses.Span> checkpoints, TailCauses.GcPauses gc, long windowStart) {
    long[] s = sent.stream().mapToLong(Long::longValue).toArray();
    long[] l = latency.stream().mapToLong(Long::longValue).toArray();
    long from = Math.max(windowStart, checkpoints.stream().mapToLong(TailCauses.Span::fromMs).min().orElse(windowStart));
    List<TailCauses.Span> both = new ArrayList<>(checkpoints);
    both.addAll(gc.pauses(10));
    suite.results.detail(String.format("    %s, %s, %d new persons: the established tail (>= p99) sent during or up to 100 ms"
        + " before%n      %s%n      %s%n      %s%n      (garbage collection: %s)", delivery, interval, arrivals,
        TailCauses.share("a checkpoint (trigger to last acknowledgement)", s, l, checkpoints, 100, from, 99),
        TailCauses.share("a GC pause of 10 ms or more", s, l, gc.pauses(10), 100, from, 99),
        TailCauses.share("either", s, l, both, 100, from, 99), gc.summary()));
  }

  /** The completed checkpoints Flink keeps in its history, from trigger to the last acknowledgement. */
  static List<TailCauses.Span> checkpointSpans(Running job) {
    List<TailCauses.Span> spans = new ArrayList<>();
    try {
      for (com.fasterxml.jackson.databind.JsonNode h : job.rest("/checkpoints").path("history")) {
        if ("COMPLETED".equals(h.path("status").asText())) {
          spans.add(new TailCauses.Span(h.path("trigger_timestamp").asLong(), h.path("latest_ack_timestamp").asLong()));
        }
      }
    } catch (Exception e) {
      // no spans: the shares say 0 % near a checkpoint, and checkpointParts already printed why
    }
    return spans;
  }

  static int readyPersons(List<Out> outs, int first) {
    java.util.Set<String> ready = new java.util.HashSet<>();
    for (Out o : outs) {
      if (o.phase() == Phase.ONLINE && o.personId().compareTo(FramePool.personId(first)) >= 0) {
        ready.add(o.personId());
      }
    }
    return ready.size();
  }

  /**
   * The write-back's share of the synchronous part (the job's {@code writeBackMs} and {@code writeBackPersons} per
   * operator, the slowest subtask's median and max over its last 100 checkpoints) and the early writes ({@code
   * writeBackEarly}, {@code writeBackEarlyWasted}: counts since the job started, the subtask with the most); empty for
   * a task without a write-back cache.
   */
  static String writeBack(Running job, String vertex) throws Exception {
    List<String> wanted = new ArrayList<>();
    for (com.fasterxml.jackson.databind.JsonNode m : job.rest("/vertices/" + vertex + "/subtasks/metrics")) {
      String id = m.path("id").asText();
      if (id.matches(".*writeBack((Ms|Persons)_(median|max)|Early|EarlyWasted)")) {
        wanted.add(id);
      }
    }
    if (wanted.isEmpty()) {
      return "";
    }
    java.util.TreeMap<String, String> values = new java.util.TreeMap<>();
    for (String id : wanted) { // one at a time: an operator's name may hold a comma
      for (com.fasterxml.jackson.databind.JsonNode m : job.rest("/vertices/" + vertex + "/subtasks/metrics?agg=max&get="
          + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8))) {
        values.put(m.path("id").asText(), String.format("%.0f", m.path("max").asDouble()));
      }
    }
    StringBuilder sb = new StringBuilder();
    values.forEach((id, v) -> sb.append(String.format("%n        %s %s", id, v)));
    return sb.toString();
  }

  /**
   * Where the checkpoints' time went, per task (Flink's REST checkpoint details, the completed checkpoints Flink still
   * keeps in its history): the synchronous part (on the task thread: frames wait meanwhile) and the asynchronous one,
   * each as the median and the largest of the checkpoints' slowest subtask.
   */
  static String checkpointParts(Running job) {
    StringBuilder sb = new StringBuilder();
    try {
      List<Long> ids = new ArrayList<>();
      for (com.fasterxml.jackson.databind.JsonNode h : job.rest("/checkpoints").path("history")) {
        if ("COMPLETED".equals(h.path("status").asText())) {
          ids.add(h.path("id").asLong());
        }
      }
      for (com.fasterxml.jackson.databind.JsonNode v : job.rest("").path("vertices")) {
        List<Double> sync = new ArrayList<>();
        List<Double> async = new ArrayList<>();
        for (long id : ids) {
          com.fasterxml.jackson.databind.JsonNode d = job.rest("/checkpoints/details/" + id + "/subtasks/"
              + v.path("id").asText()).path("summary").path("checkpoint_duration");
          sync.add(d.path("sync").path("max").asDouble(Double.NaN));
          async.add(d.path("async").path("max").asDouble(Double.NaN));
        }
        String name = v.path("name").asText();
        sb.append(String.format("%n      %-60.60s sync p50 %s / max %s, async p50 %s / max %s (%d checkpoints)", name,
            median(sync), max(sync), median(async), max(async), ids.size()));
        sb.append(writeBack(job, v.path("id").asText()));
      }
    } catch (Exception e) {
      sb.append(" not read: ").append(e);
    }
    return sb.toString();
  }

  private static String median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).filter(x -> !Double.isNaN(x)).sorted().toArray();
    return a.length == 0 ? "-" : String.format("%.0f", a[a.length / 2]);
  }

  private static String max(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).filter(x -> !Double.isNaN(x)).max()
        .stream().mapToObj(x -> String.format("%.0f", x)).findFirst().orElse("-");
  }

  /**
   * The inference operator's own account (its last 1,000 of each, per subtask): how long a due online batch waited
   * for the model call in flight ({@code onlineWaitMs}), of which behind a generation chunk
   * ({@code onlineWaitForChunkMs}), each chunk's wall time ({@code generationChunkMs}), and the generation share in use at
   * each online batch ({@code generationSharePermille}).
   */
  static String inferenceWaits(Running job) {
    StringBuilder sb = new StringBuilder();
    try {
      // Flink's REST metric store is filled asynchronously on request: ask once, give it time, then read
      for (com.fasterxml.jackson.databind.JsonNode v : job.rest("").path("vertices")) {
        job.rest("/vertices/" + v.path("id").asText() + "/subtasks/0/metrics");
      }
      Thread.sleep(3000);
      for (com.fasterxml.jackson.databind.JsonNode v : job.rest("").path("vertices")) {
        if (!v.path("name").asText().contains("PK inference")) {
          continue;
        }
        String id = v.path("id").asText();
        for (int i = 0; i < v.path("parallelism").asInt(); i++) {
          List<String> want = new ArrayList<>();
          for (com.fasterxml.jackson.databind.JsonNode e : job.rest("/vertices/" + id + "/subtasks/" + i + "/metrics")) {
            String n = e.path("id").asText();
            if ((n.contains("onlineWait") || n.contains("generationChunkMs") || n.contains("generationSharePermille"))
                && (n.endsWith("_min") || n.endsWith("_p50") || n.endsWith("_p99") || n.endsWith("_max") || n.endsWith("_count"))
                || n.endsWith("generationFramesSkipped")) { // near-duplicate generation frames not edited
              want.add(java.net.URLEncoder.encode(n, java.nio.charset.StandardCharsets.UTF_8));
            }
          }
          if (want.isEmpty()) {
            continue;
          }
          java.util.TreeMap<String, String> got = new java.util.TreeMap<>();
          for (com.fasterxml.jackson.databind.JsonNode e
              : job.rest("/vertices/" + id + "/subtasks/" + i + "/metrics?get=" + String.join(",", want))) {
            got.put(e.path("id").asText().replaceAll(".*\\.", ""), e.path("value").asText());
          }
          sb.append(" #").append(i).append(' ').append(got);
        }
      }
    } catch (Exception e) {
      sb.append(" (not read: ").append(e).append(')');
    }
    return sb.toString();
  }
}
