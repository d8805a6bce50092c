package dev.paffmem.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.Phase;
import dev.paffmem.schema.RejectReason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a person sees, in a real browser: Debian's headless Chromium against the dashboard reading a real
 * (embedded) Kafka broker, while a producer writes committed predictions for six persons and dead letters.
 * Asserts the rows, the charts moving, the focus tiles, idle fading, search, the dead-letter counts and
 * messages, that an aborted transaction never shows (read_committed) and that the page loads nothing from
 * another host; saves {@code target/dashboard-screenshots/dashboard.png}.
 */
class DashboardBrowserTest {

  static final String PREDICTIONS = "affect-predictions";
  static final String DEAD_LETTERS = "face-frames-rejected";
  static final String INPUT = "face-frames";
  static final List<String> LIVE = List.of("person-01", "person-02", "person-03", "person-04", "person-05");
  static final String STOPPED = "person-06"; // one last prediction, then nothing: goes idle
  static final String GHOST = "person-ghost"; // only in an aborted transaction

  static EmbeddedKafkaBroker broker;
  static DashboardServer server;
  static Thread producerThread;
  static final AtomicBoolean producing = new AtomicBoolean(true);
  static final AtomicReference<Throwable> producerFailure = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    broker = EmbeddedKafkaBroker.start();
    broker.createTopic(PREDICTIONS, 2);
    broker.createTopic(DEAD_LETTERS, 1);
    broker.createTopic(INPUT, 2);
    writeHistory(broker.bootstrapServers());
    server = DashboardServer.start(DashboardOptions.defaults(broker.bootstrapServers())
        .withBind("127.0.0.1", 0, null)
        .withSettings(Aggregator.Settings.defaults().withIdleAfter(Duration.ofSeconds(8))));
    producerThread = new Thread(DashboardBrowserTest::produceLive, "test-live-predictions");
    producerThread.start();
  }

  @AfterAll
  static void stop() throws Exception {
    producing.set(false);
    if (producerThread != null) {
      producerThread.join(10_000);
    }
    if (server != null) {
      server.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /** Before the page opens: the stopped person, an aborted transaction, and five dead letters. */
  static void writeHistory(String bootstrap) {
    long now = System.currentTimeMillis();
    try (KafkaProducer<byte[], byte[]> p = TestStreams.transactionalProducer(bootstrap)) {
      p.beginTransaction();
      for (int f = 0; f < 30; f++) {
        p.send(TestStreams.record(PREDICTIONS, TestStreams.synthetic(6, STOPPED, f, now - 3000 + f * 80)));
      }
      p.send(TestStreams.record(PREDICTIONS, TestStreams.prediction(STOPPED, 30, now, now - 60, 0.55f, -0.35f,
          0.41f, -0.2f, Phase.ONLINE, 23, 0.871f)));
      for (int i = 0; i < 3; i++) {
        p.send(TestStreams.record(DEAD_LETTERS, TestStreams.rejected(RejectReason.DUPLICATE_FRAME, "person-02",
            40 + i, 100 + i, "frameIndex " + (40 + i) + " of person-02 was already processed")));
      }
      for (int i = 0; i < 2; i++) {
        p.send(TestStreams.record(DEAD_LETTERS, TestStreams.rejected(RejectReason.UNDECODABLE_IMAGE, "person-04",
            7 + i, 200 + i, "image of frame " + (7 + i) + " is not a decodable JPEG (truncated at byte 812)")));
      }
      p.commitTransaction();
    }
    try (KafkaProducer<byte[], byte[]> p = TestStreams.transactionalProducer(bootstrap)) {
      p.beginTransaction();
      p.send(TestStreams.record(PREDICTIONS, TestStreams.prediction(GHOST, 0, now, now - 50, 0.9f, 0.9f, 0.9f, 0.9f,
          Phase.ONLINE, 3, 0.5f)));
      p.flush();
      p.abortTransaction();
    }
  }

  /** Five persons at 20 predictions a second each, committed every 100 ms, and raw bytes on the input topic. */
  static void produceLive() {
    try (KafkaProducer<byte[], byte[]> p = TestStreams.transactionalProducer(broker.bootstrapServers())) {
      long frame = 0;
      while (producing.get()) {
        long now = System.currentTimeMillis();
        p.beginTransaction();
        for (int k = 0; k < 2; k++, frame++) {
          for (int i = 0; i < LIVE.size(); i++) {
            p.send(TestStreams.record(PREDICTIONS, TestStreams.synthetic(i + 1, LIVE.get(i), frame, now - 50 + 50 * k)));
            p.send(new ProducerRecord<>(INPUT, LIVE.get(i).getBytes(StandardCharsets.UTF_8), new byte[16]));
          }
        }
        p.commitTransaction();
        Thread.sleep(100);
      }
    } catch (Throwable t) {
      producerFailure.set(t);
    }
  }

  @Test
  void aPersonWatchingSeesEveryPersonTheChartsMoveAndTheDeadLetters() throws Exception {
    try (HeadlessChromium browser = new HeadlessChromium(1440, 1180)) {
      ChromeDriver d = browser.driver();
      d.get(server.url());
      try {
        watch(d);
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError("page state: " + d.executeScript("const s = window.__dash; return s ? JSON.stringify("
            + "{ticks: s.ticks, rows: s.state.rows.size, focus: s.state.focus, errors: window.__errors} ) : 'no app'")
            + "; server: " + server.aggregator().personCount() + " persons, feed " + server.aggregator()
            .health(System.currentTimeMillis()).feed() + "; producer: " + producerFailure.get(), e);
      }
    }
    assertEquals(null, producerFailure.get(), "the test's producer failed");
  }

  private static void watch(ChromeDriver d) throws Exception {
    {
      WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(30));

      // a row for each person who has a committed prediction, and none for the aborted one
      wait.until(x -> rowIds(d).containsAll(LIVE) && rowIds(d).contains(STOPPED));
      assertFalse(rowIds(d).contains(GHOST), "a prediction of an aborted transaction is shown");
      assertEquals(6, rowIds(d).size(), "rows: " + rowIds(d));

      // the stopped person: its last prediction in the focus tiles, and it fades out once idle
      row(d, STOPPED).click();
      wait.until(x -> text(d, "focus-id").equals(STOPPED) && text(d, "focus-arousal").equals("+0.55"));
      assertEquals("\u22120.35", text(d, "focus-valence"));
      assertEquals("+0.41", text(d, "focus-pk-arousal"));
      assertEquals("23", text(d, "focus-memory"));
      assertEquals("0.871", text(d, "focus-bmu"));
      assertEquals("ONLINE", text(d, "focus-phase"));
      wait.until(x -> isIdle(d, STOPPED));
      assertFalse(isIdle(d, "person-03"), "a live person shown idle");

      // a live person: its charts gain points while predictions come in
      row(d, "person-03").click();
      wait.until(x -> text(d, "focus-id").equals("person-03") && points(d, "chart-arousal") >= 4);
      int before = points(d, "chart-arousal");
      wait.until(x -> points(d, "chart-arousal") >= before + 4 && points(d, "chart-valence") >= before + 4);
      assertTrue(d.getCurrentUrl().endsWith("#person=person-03"), d.getCurrentUrl());

      // the job's health: dead letters by reason, the latest messages, rates and model
      wait.until(x -> deadCount(d, "DUPLICATE_FRAME").equals("3") && deadCount(d, "UNDECODABLE_IMAGE").equals("2"));
      assertEquals("5", text(d, "kpi-dead"));
      String latest = text(d, "dead-latest");
      assertTrue(latest.contains("not a decodable JPEG"), latest);
      assertTrue(latest.contains("person-02 · #42"), latest);
      wait.until(x -> !text(d, "kpi-out").equals("–") && !text(d, "kpi-out").startsWith("0.0"));
      assertTrue(text(d, "models").contains("paffmem-pk-demo-synth"), text(d, "models"));
      wait.until(x -> text(d, "status-text").equals("Live"));

      // search narrows the list
      d.findElement(By.id("search")).sendKeys("05");
      wait.until(x -> rowIds(d).equals(List.of("person-05")));
      d.findElement(By.id("search")).clear();
      d.findElement(By.id("search")).sendKeys(" ");
      wait.until(x -> rowIds(d).size() == 6);

      // everything came from this server: no CDN, works offline
      @SuppressWarnings("unchecked")
      List<String> resources = (List<String>) ((JavascriptExecutor) d).executeScript(
          "return performance.getEntriesByType('resource').map(e => e.name)");
      for (String r : resources) {
        assertTrue(r.startsWith(server.url()), "loaded from elsewhere: " + r);
      }
      assertTrue(resources.stream().anyMatch(r -> r.contains("/webjars/uplot/")), "uPlot not from its webjar: " + resources);

      // the whole page in the picture, with a little more trajectory
      Number height = (Number) d.executeScript(
          "return document.documentElement.scrollHeight + (window.outerHeight - window.innerHeight)");
      d.manage().window().setSize(new Dimension(1440, height.intValue()));
      Thread.sleep(1500);
      Path shot = Path.of("target", "dashboard-screenshots", "dashboard.png");
      Files.createDirectories(shot.getParent());
      Files.write(shot, d.getScreenshotAs(OutputType.BYTES));
      assertTrue(Files.size(shot) > 10_000, "screenshot too small");
    }
  }

  /** The persons listed, top to bottom (read in one script: the list redraws several times a second). */
  @SuppressWarnings("unchecked")
  private static List<String> rowIds(ChromeDriver d) {
    return new ArrayList<>((List<String>) d.executeScript("return [...document.querySelectorAll('#person-list-inner .row')]"
        + ".sort((x, y) => parseFloat(x.style.top) - parseFloat(y.style.top)).map(e => e.dataset.person)"));
  }

  private static boolean isIdle(ChromeDriver d, String person) {
    return (Boolean) d.executeScript("const e = document.querySelector(`#person-list-inner .row[data-person='${arguments[0]}']`);"
        + " return !!e && e.classList.contains('idle')", person);
  }

  private static WebElement row(ChromeDriver d, String person) {
    return d.findElement(By.cssSelector("#person-list-inner .row[data-person='" + person + "']"));
  }

  private static String text(ChromeDriver d, String id) {
    return d.findElement(By.id(id)).getText().trim();
  }

  private static int points(ChromeDriver d, String chart) {
    return Integer.parseInt(d.findElement(By.id(chart)).getAttribute("data-points"));
  }

  private static String deadCount(ChromeDriver d, String reason) {
    List<WebElement> e = d.findElements(By.cssSelector("[data-reason='" + reason + "'] .dl-count"));
    return e.isEmpty() ? "" : e.get(0).getText().trim();
  }

}
