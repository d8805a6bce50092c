package dev.paffmem.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.sse.SseClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes the aggregate to every open page as Server-Sent Events, {@code refresh} apart.
 *
 * <p>Each page gets, per tick, one {@code tick} event: the job's health, the person rows changed since its last
 * tick, and the new chart points of the person it focuses on ({@code /api/stream?focus=ID}). Cursors are per
 * page, so a slow page is never queued up: while its previous tick is still being written it skips ticks,
 * and the next one it gets carries everything it missed (bounded by the aggregate, not by time).
 */
final class StreamHub implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);
  static final int ROWS_EVERY = 2;

  private final Aggregator aggregator;
  private final ObjectMapper json;
  private final long refreshMillis;
  private final CopyOnWriteArrayList<Page> pages = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService ticker;
  private final ExecutorService senders;
  private final Map<String, Object> info;

  /** One open page and what it has been sent. */
  static final class Page {
    final SseClient sse;
    final String focus;
    final AtomicBoolean busy = new AtomicBoolean();
    long rowsVersion;
    long epoch = -1;
    long focusFrom = Long.MIN_VALUE;
    long ticks;

    Page(SseClient sse, String focus) {
      this.sse = sse;
      this.focus = focus;
    }
  }

  /** {@code info}: shown on the page as is (the topics read). */
  StreamHub(Aggregator aggregator, ObjectMapper json, long refreshMillis, Map<String, Object> info) {
    this.info = Map.copyOf(info);
    this.aggregator = aggregator;
    this.json = json;
    this.refreshMillis = refreshMillis;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "dashboard-ticker"));
    this.senders = Executors.newFixedThreadPool(2, r -> daemon(r, "dashboard-sse"));
    ticker.scheduleAtFixedRate(this::tick, refreshMillis, refreshMillis, TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Registers a page: sends it the settings and a first full tick, then keeps it open. */
  void open(SseClient sse) {
    String focus = sse.ctx().queryParam("focus");
    Page page = new Page(sse, focus == null || focus.isBlank() ? null : focus);
    sse.keepAlive();
    sse.onClose(() -> pages.remove(page));
    Aggregator.Settings s = aggregator.settings();
    Map<String, Object> hello = new java.util.HashMap<>(info);
    hello.putAll(Map.of("bucketMillis", s.bucketMillis(), "windowMillis", s.windowMillis(),
        "trailPoints", s.trailPoints(), "idleAfterMillis", s.idleAfter().toMillis(), "refreshMillis", refreshMillis));
    sse.sendEvent("hello", write(hello));
    page.busy.set(true);
    try {
      send(page, write(aggregator.health(System.currentTimeMillis())));
    } finally {
      page.busy.set(false);
    }
    pages.add(page);
  }

  int pages() {
    return pages.size();
  }

  private void tick() {
    try {
      if (pages.isEmpty()) {
        return;
      }
      String health = write(aggregator.health(System.currentTimeMillis()));
      for (Page page : pages) {
        if (page.sse.terminated()) {
          pages.remove(page);
        } else if (page.busy.compareAndSet(false, true)) {
          senders.execute(() -> {
            try {
              send(page, health);
            } catch (RuntimeException e) {
              pages.remove(page);
            } finally {
              page.busy.set(false);
            }
          });
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("dashboard tick failed", e); // the next tick tries again
    }
  }

  /**
   * One tick for one page: health (shared), its focus person's new points and, every {@link #ROWS_EVERY} ticks,
   * the rows changed since its last rows (at 5,000 predictions/s every row changes every tick: the list is
   * refreshed at half the rate of the focus to halve the bytes).
   */
  private void send(Page page, String health) {
    boolean withRows = page.ticks++ % ROWS_EVERY == 0;
    Aggregator.RowsDelta rows = withRows ? aggregator.rowsSince(page.rowsVersion, page.epoch) : null;
    StringBuilder out = new StringBuilder(health.length() + (rows == null ? 0 : 100 * rows.rows().size()) + 256);
    out.append("{\"health\":").append(health);
    if (rows != null) {
      out.append(",\"rows\":").append(write(rows));
    }
    if (page.focus != null) {
      List<PersonSeries.Point> points = aggregator.seriesSince(page.focus, page.focusFrom);
      if (points != null && !points.isEmpty()) {
        out.append(",\"focus\":").append(write(new FocusDelta(page.focus, Columns.of(points))));
        page.focusFrom = points.get(points.size() - 1).t(); // the newest bucket may still fill: send it again
      }
    }
    out.append('}');
    page.sse.sendEvent("tick", out.toString());
    if (rows != null) {
      page.rowsVersion = rows.version();
      page.epoch = rows.epoch();
    }
  }

  /** New chart points of the focused person. */
  record FocusDelta(String id, Columns points) {}

  /** Chart points column-wise, as uPlot takes them: time (epoch ms) and the four series. */
  record Columns(long[] t, float[] a, float[] v, float[] pa, float[] pv) {
    static Columns of(List<PersonSeries.Point> ps) {
      int n = ps.size();
      Columns c = new Columns(new long[n], new float[n], new float[n], new float[n], new float[n]);
      for (int i = 0; i < n; i++) {
        PersonSeries.Point p = ps.get(i);
        c.t[i] = p.t();
        c.a[i] = p.arousal();
        c.v[i] = p.valence();
        c.pa[i] = p.pkArousal();
        c.pv[i] = p.pkValence();
      }
      return c;
    }
  }

  String write(Object o) {
    try {
      return json.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    senders.shutdownNow();
    for (Page p : pages) {
      try {
        p.sse.close();
      } catch (RuntimeException ignored) {
        // closing anyway
      }
    }
    pages.clear();
  }
}
