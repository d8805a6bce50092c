package dev.paffmem.dashboard;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.RejectReason;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Load measurement, not a test: 1,000 persons and 5,000 committed predictions a second (plus 5,000 input
 * frames/s and 5 dead letters/s) on the embedded broker, the dashboard reading them, one headless Chromium
 * page open on a person, and one raw event-stream client counting bytes. Reports whether the dashboard keeps
 * up (what it aggregated vs what was committed, consumer lag), its threads' CPU, the bytes a page receives,
 * and the page's responsiveness (tick handling, drawing, long tasks, event-loop delay, prediction-to-drawn
 * latency). Results: stdout and {@code target/dashboard-benchmark.txt}; picture: {@code target/dashboard-screenshots/load.png}.
 *
 * <p>Run: {@code ./paffmem bench dashboard [seconds]} (default 60). Skipped in the normal build.
 */
@EnabledIfSystemProperty(named = "paffmem.bench", matches = "true")
class DashboardLoadBenchmark {

  static final int PERSONS = 1_000;
  static final int PREDICTIONS_PER_SECOND = 5_000;
  static final int COMMITS_PER_SECOND = 10;

  @Test
  void thousandPersonsFiveThousandPredictionsPerSecond() throws Exception {
    int seconds = Integer.getInteger("paffmem.bench.seconds", 60);
    StringBuilder report = new StringBuilder();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      broker.createTopic("affect-predictions", 4);
      broker.createTopic("face-frames-rejected", 1);
      broker.createTopic("face-frames", 4);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong produced = new AtomicLong();
      AtomicLong behind = new AtomicLong();
      Thread producer = new Thread(() -> produce(broker.bootstrapServers(), running, produced, behind), "bench-producer");
      try (DashboardServer server = DashboardServer.start(DashboardOptions.defaults(broker.bootstrapServers())
          .withBind("127.0.0.1", 0, null).withLookback(Duration.ZERO))) {
        producer.start();
        Thread.sleep(3000); // the stream is flowing before anyone looks
        RawStreamClient raw = new RawStreamClient(server.url() + "api/stream?focus=person-0001");
        raw.start();
        try (HeadlessChromium browser = new HeadlessChromium(1440, 1200)) {
          ChromeDriver d = browser.driver();
          d.get(server.url() + "#person=person-0001");
          d.executeScript("window.__loopLag = []; setInterval(() => { const t = performance.now(); "
              + "setTimeout(() => { window.__loopLag.push(performance.now() - t); if (window.__loopLag.length > 5000) window.__loopLag.shift(); }, 0); }, 100);");
          Thread.sleep(5000); // warm-up: page loaded, first full list drawn
          d.executeScript("const p = window.__dash; p.tickMs.length = 0; p.renderMs.length = 0; p.parts.length = 0; p.displayLatencyMs.length = 0;"
              + " p.longTasks.length = 0; p.ticks0 = p.ticks; window.__loopLag.length = 0;");
          ThreadMXBean threads = ManagementFactory.getThreadMXBean();
          Map<String, Long> cpu0 = dashboardCpu(threads);
          long agg0 = server.aggregator().health(System.currentTimeMillis()).predictions();
          long prod0 = produced.get();
          long bytes0 = raw.bytes.get();
          long t0 = System.nanoTime();
          List<Long> lags = new ArrayList<>();
          for (int s = 0; s < seconds; s++) {
            Thread.sleep(1000);
            lags.add(server.aggregator().health(System.currentTimeMillis()).feed().lag());
          }
          double elapsed = (System.nanoTime() - t0) / 1e9;
          Map<String, Long> cpu1 = dashboardCpu(threads);
          Aggregator.Health h = server.aggregator().health(System.currentTimeMillis());
          long aggregated = h.predictions() - agg0;
          long committed = produced.get() - prod0;
          @SuppressWarnings("unchecked")
          Map<String, Object> page = (Map<String, Object>) d.executeScript("const p = window.__dash;"
              + " const q = (a, f) => { if (!a.length) return null; const s = a.slice().sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil(f * s.length) - 1)]; };"
              + " return { ticks: p.ticks - p.ticks0, rows: p.state.rows.size, tickP50: q(p.tickMs, .5), tickP99: q(p.tickMs, .99),"
              + " listP50: q(p.parts.map(x => x[0]), .5), focusP50: q(p.parts.map(x => x[1]), .5), healthP50: q(p.parts.map(x => x[2]), .5),"
              + " renderP50: q(p.renderMs, .5), renderP99: q(p.renderMs, .99), renders: p.renderMs.length,"
              + " longTasks: p.longTasks.length, longestTask: p.longTasks.length ? Math.max(...p.longTasks) : 0,"
              + " lagP50: q(window.__loopLag, .5), lagP99: q(window.__loopLag, .99), lagMax: Math.max(0, ...window.__loopLag),"
              + " drawnP50: q(p.displayLatencyMs, .5), drawnP95: q(p.displayLatencyMs, .95), drawnMax: Math.max(0, ...p.displayLatencyMs),"
              + " points: document.getElementById('chart-arousal').dataset.points, heapMB: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null }");
          Path shot = Path.of("target", "dashboard-screenshots", "load.png");
          Files.createDirectories(shot.getParent());
          Files.write(shot, d.getScreenshotAs(OutputType.BYTES));
          long bytes = raw.bytes.get() - bytes0;
          raw.stop();

          Runtime rt = Runtime.getRuntime();
          line(report, "Dashboard load: %d persons, target %,d predictions/s (committed every %d ms), %d s measured, after %d s warm-up",
              PERSONS, PREDICTIONS_PER_SECOND, 1000 / COMMITS_PER_SECOND, seconds, 8);
          line(report, "  committed by the producer     %,10.0f predictions/s (%,d; intervals skipped because the producer was late: %,d predictions)",
              committed / elapsed, committed, behind.get());
          line(report, "  aggregated by the dashboard   %,10.0f predictions/s (%,d; %.2f %% of committed)", aggregated / elapsed,
              aggregated, 100.0 * aggregated / Math.max(1, committed));
          line(report, "  consumer lag (records)        p50 %d, max %d (sampled each second)", pct(lags, 0.5), pct(lags, 1.0));
          line(report, "  persons in the aggregate      %d; dead letters %d; frames in %.0f/s", h.persons(), h.deadLetters(), h.framesInPerSecond());
          for (Map.Entry<String, Long> e : cpu1.entrySet()) {
            line(report, "  CPU %-26s %6.1f %% of one core", e.getKey(), 100.0 * (e.getValue() - cpu0.getOrDefault(e.getKey(), 0L)) / 1e9 / elapsed);
          }
          line(report, "  JVM heap used (whole process) %d MB", (rt.totalMemory() - rt.freeMemory()) >> 20);
          line(report, "  event stream to one page      %,.0f KB/s (%,.1f KB per tick)", bytes / 1024.0 / elapsed,
              bytes / 1024.0 / Math.max(1, raw.ticks.get()));
          line(report, "Page (headless Chromium 1440x1200, person-0001 focused):");
          line(report, "  ticks received                %.1f/s (%s), rows known %s", ((Number) page.get("ticks")).doubleValue() / elapsed, page.get("ticks"), page.get("rows"));
          line(report, "  tick handling (parse, merge)  p50 %s ms, p99 %s ms", ms(page.get("tickP50")), ms(page.get("tickP99")));
          line(report, "  drawing (list, focus, health) p50 %s ms, p99 %s ms over %s frames", ms(page.get("renderP50")), ms(page.get("renderP99")), page.get("renders"));
          line(report, "  drawing p50 by part           list %s ms, focus (2 charts, circumplex) %s ms, health %s ms",
              ms(page.get("listP50")), ms(page.get("focusP50")), ms(page.get("healthP50")));
          line(report, "  long tasks (> 50 ms)          %s, longest %s ms", page.get("longTasks"), ms(page.get("longestTask")));
          line(report, "  event-loop delay (100 ms probe) p50 %s ms, p99 %s ms, max %s ms", ms(page.get("lagP50")), ms(page.get("lagP99")), ms(page.get("lagMax")));
          line(report, "  prediction -> drawn           p50 %s ms, p95 %s ms, max %s ms (job processing time to the frame that draws it; includes the 100 ms commit interval)",
              ms(page.get("drawnP50")), ms(page.get("drawnP95")), ms(page.get("drawnMax")));
          line(report, "  chart points of the focus     %s; JS heap %s MB", page.get("points"), ms(page.get("heapMB")));
        } finally {
          raw.stop();
          running.set(false);
          producer.join(10_000);
        }
      }
    }
    line(report, "Machine: %d cores, load average %.1f at the end (shared)", Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.print(report);
    Path out = Path.of("target", "dashboard-benchmark.txt");
    Files.writeString(out, report.toString());
    assertNotNull(report);
  }

  /**
   * The server's own capacity, without Kafka or a browser: Avro decoding plus aggregation, one thread, and the
   * cost of one page's tick (1,000 changed rows and the health as JSON).
   */
  @Test
  void aggregationCapacityOnOneThread() throws Exception {
    int n = 1_000_000;
    byte[][] encoded = new byte[PERSONS * 10][];
    long base = System.currentTimeMillis();
    for (int i = 0; i < encoded.length; i++) {
      encoded[i] = dev.paffmem.schema.WireFormat.encode(
          TestStreams.synthetic(i % PERSONS, String.format("person-%04d", i % PERSONS), i / PERSONS, base + i)::toByteBuffer);
    }
    Aggregator agg = new Aggregator(Aggregator.Settings.defaults());
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    StringBuilder report = new StringBuilder();
    for (int round = 0; round < 3; round++) { // the last round is reported (JIT warm)
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        byte[] b = encoded[i % encoded.length];
        agg.onPrediction(dev.paffmem.schema.AffectPrediction.fromByteBuffer(java.nio.ByteBuffer.wrap(b)), base + i / 5);
      }
      double decodeAggregate = n / ((System.nanoTime() - t0) / 1e9);
      int ticks = 200;
      long bytes = 0;
      long t1 = System.nanoTime();
      for (int k = 0; k < ticks; k++) {
        bytes += json.writeValueAsString(agg.rowsSince(0, -1)).length() + json.writeValueAsString(agg.health(base + n / 5)).length();
      }
      double tickMs = (System.nanoTime() - t1) / 1e6 / ticks;
      if (round == 2) {
        line(report, "Server capacity on one thread (no Kafka, no browser), %d persons:", PERSONS);
        line(report, "  Avro decode + aggregate       %,.0f predictions/s (%.0fx the 5,000/s target)", decodeAggregate, decodeAggregate / PREDICTIONS_PER_SECOND);
        line(report, "  one page's tick, all rows     %.2f ms (%,d bytes of JSON); at 4 ticks/s: %.1f %% of a core per page",
            tickMs, bytes / ticks, tickMs * 4 / 10);
      }
    }
    System.out.print(report);
    Files.writeString(Path.of("target", "dashboard-capacity.txt"), report.toString());
  }

  /** 5,000 predictions/s over 1,000 persons in transactions every 100 ms, 5,000 input records/s, 5 dead letters/s. */
  static void produce(String bootstrap, AtomicBoolean running, AtomicLong produced, AtomicLong behind) {
    int perCommit = PREDICTIONS_PER_SECOND / COMMITS_PER_SECOND;
    long[] frames = new long[PERSONS];
    String[] ids = new String[PERSONS];
    for (int i = 0; i < PERSONS; i++) {
      ids[i] = String.format("person-%04d", i + 1);
    }
    byte[] face = new byte[64];
    try (KafkaProducer<byte[], byte[]> p = TestStreams.transactionalProducer(bootstrap)) {
      long next = System.nanoTime();
      int person = 0;
      long batch = 0;
      while (running.get()) {
        long now = System.currentTimeMillis();
        p.beginTransaction();
        for (int k = 0; k < perCommit; k++) {
          int i = person;
          person = (person + 1) % PERSONS;
          p.send(TestStreams.record("affect-predictions", TestStreams.synthetic(i, ids[i], frames[i]++, now)));
          p.send(new ProducerRecord<>("face-frames", ids[i].getBytes(StandardCharsets.UTF_8), face));
        }
        if (batch++ % 2 == 0) {
          p.send(TestStreams.record("face-frames-rejected", TestStreams.rejected(
              RejectReason.values()[(int) (batch % 11)], ids[(int) (batch % PERSONS)], batch, batch, "synthetic dead letter " + batch)));
        }
        p.commitTransaction();
        produced.addAndGet(perCommit);
        next += 1_000_000_000L / COMMITS_PER_SECOND;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } else if (-wait > 1_000_000_000L / COMMITS_PER_SECOND) { // late by a whole interval: skip it, never burst
          behind.addAndGet(perCommit);
          next = System.nanoTime();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** CPU time (ns) of the dashboard's own threads, by role (Jetty's request threads are idle under SSE). */
  static Map<String, Long> dashboardCpu(ThreadMXBean mx) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (long id : mx.getAllThreadIds()) {
      java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
      long t = mx.getThreadCpuTime(id);
      if (info == null || t < 0) {
        continue;
      }
      String n = info.getThreadName();
      String role = n.startsWith("dashboard-kafka-feed") ? "feed (poll, decode, aggregate)"
          : n.startsWith("dashboard-sse") || n.startsWith("dashboard-ticker") ? "push (snapshot, JSON, SSE)"
          : n.startsWith("JettyServerThreadPool") || n.startsWith("qtp") ? "Jetty threads" : null;
      if (role != null) {
        out.merge(role, t, Long::sum);
      }
    }
    return out;
  }

  /** A second page, without a browser: counts the bytes and ticks of the event stream. */
  static final class RawStreamClient {
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong ticks = new AtomicLong();
    final String url;
    volatile java.io.InputStream in;
    Thread thread;

    RawStreamClient(String url) {
      this.url = url;
    }

    void start() {
      thread = new Thread(() -> {
        try {
          HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
              .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
          in = r.body();
          java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
          String line;
          while ((line = reader.readLine()) != null) {
            bytes.addAndGet(line.length() + 1);
            if (line.equals("event: tick") || line.equals("event:tick")) {
              ticks.incrementAndGet();
            }
          }
        } catch (Exception ignored) {
          // stopped
        }
      }, "bench-raw-stream");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws Exception {
      if (in != null) {
        in.close();
      }
    }
  }

  private static long pct(List<Long> xs, double q) {
    long[] s = xs.stream().mapToLong(Long::longValue).sorted().toArray();
    return s.length == 0 ? 0 : s[(int) Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  }

  private static String ms(Object o) {
    return o == null ? "-" : String.format("%.1f", ((Number) o).doubleValue());
  }

  private static void line(StringBuilder b, String fmt, Object... args) {
    b.append(String.format(fmt, args)).append('\n');
  }

}
