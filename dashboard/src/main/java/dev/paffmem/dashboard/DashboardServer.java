package dev.paffmem.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import java.util.List;
import java.util.Map;

/**
 * The dashboard: a {@link KafkaFeed} into an {@link Aggregator}, served by Javalin (Jetty) to browsers.
 *
 * <ol>
 *   <li>{@code DashboardServer d = DashboardServer.start(DashboardOptions.defaults("127.0.0.1:9092"));}
 *   <li>open {@code d.url()} (the page: {@code src/main/resources/public}; uPlot from its webjar, nothing from
 *       the internet);
 *   <li>{@code d.close()} stops the web server and the Kafka consumer.
 * </ol>
 *
 * <p>Read-only: every route is a GET (the JSON API, the static page and the event stream); other methods get
 * 405. Nothing here can write to Kafka: the feed is a consumer without a group. See {@link AccessPolicy} for
 * who may connect.
 */
public final class DashboardServer implements AutoCloseable {

  private final Javalin app;
  private final StreamHub hub;
  private final AutoCloseable feed;
  private final AccessPolicy access;
  private final Aggregator aggregator;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private DashboardServer(Javalin app, StreamHub hub, AutoCloseable feed, AccessPolicy access, Aggregator aggregator) {
    this.app = app;
    this.hub = hub;
    this.feed = feed;
    this.access = access;
    this.aggregator = aggregator;
  }

  /**
   * Checks the bind address and token, starts the Kafka feed and the web server.
   *
   * @throws IllegalArgumentException if the access rule is not met (nothing is started then)
   */
  public static DashboardServer start(DashboardOptions o) {
    AccessPolicy access = AccessPolicy.forBind(o.host(), o.token());
    Aggregator aggregator = new Aggregator(o.settings());
    KafkaFeed feed = new KafkaFeed(aggregator, o.bootstrapServers(), o.kafkaProperties(), o.predictionTopic(),
        o.deadLetterTopic(), o.inputTopic(), o.lookback());
    try {
      feed.start();
      return serve(o, access, aggregator, feed);
    } catch (RuntimeException e) {
      feed.close();
      throw e;
    }
  }

  /** The web layer alone over a given aggregate (tests feed the aggregate themselves). */
  static DashboardServer serve(DashboardOptions o, AccessPolicy access, Aggregator aggregator, AutoCloseable feed) {
    ObjectMapper json = new ObjectMapper();
    StreamHub hub = new StreamHub(aggregator, json, o.refresh().toMillis(),
        Map.of("predictionTopic", o.predictionTopic(), "deadLetterTopic", o.deadLetterTopic()));
    Javalin app = Javalin.create(cfg -> {
      cfg.jetty.host = o.host();
      cfg.jetty.port = o.port();
      cfg.startup.showJavalinBanner = false;
      cfg.startup.showOldJavalinVersionWarning = false;
      cfg.staticFiles.add(sf -> {
        sf.hostedPath = "/";
        sf.directory = "/public";
        sf.location = Location.CLASSPATH;
        sf.headers = Map.of("Cache-Control", "no-cache");
      });
      cfg.staticFiles.enableWebjars();
      cfg.routes.before(ctx -> guard(ctx, access));
      cfg.routes.get("/api/health", ctx -> json(ctx, json.writeValueAsString(aggregator.health(System.currentTimeMillis()))));
      cfg.routes.get("/api/persons", ctx -> json(ctx, json.writeValueAsString(aggregator.rowsSince(0, -1).rows())));
      cfg.routes.get("/api/persons/{id}", ctx -> {
        String id = ctx.pathParam("id");
        Aggregator.PersonRow row = aggregator.row(id);
        if (row == null) {
          ctx.status(404);
          json(ctx, json.writeValueAsString(Map.of("error", "no person " + id)));
          return;
        }
        List<PersonSeries.Point> points = aggregator.seriesSince(id, Long.MIN_VALUE);
        json(ctx, json.writeValueAsString(Map.of("row", row, "points", StreamHub.Columns.of(points))));
      });
      cfg.routes.sse("/api/stream", hub::open);
    });
    try {
      app.start();
    } catch (RuntimeException e) {
      hub.close();
      throw new IllegalStateException("cannot serve the dashboard on " + o.host() + ":" + o.port() + ": " + e.getMessage(), e);
    }
    return new DashboardServer(app, hub, feed, access, aggregator);
  }

  private static void json(Context ctx, String body) {
    ctx.contentType("application/json").result(body);
  }

  /** Read-only, token check, and headers that keep the page to itself. */
  private static void guard(Context ctx, AccessPolicy access) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
    if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
      ctx.header("Allow", "GET, HEAD");
      ctx.status(405).result("read-only: GET only");
      ctx.skipRemainingHandlers();
      return;
    }
    String query = ctx.queryParam("token");
    if (!access.allows(ctx.header("Authorization"), ctx.cookie(AccessPolicy.COOKIE), query)) {
      ctx.status(401).contentType("text/html").result(
          "<!doctype html><title>P-AffMem dashboard</title><body style=\"font-family:sans-serif;background:#0f1420;color:#dfe6f3;padding:3em\">"
              + "<h1>Access token needed</h1><p>This dashboard shows personal data. Open it with "
              + "<code>?token=&lt;your token&gt;</code> (the one given with <code>--token</code> or "
              + "<code>PAFFMEM_DASHBOARD_TOKEN</code>).</p></body>");
      ctx.skipRemainingHandlers();
      return;
    }
    if (access.tokenRequired() && access.matches(query)) {
      // remember it for the page's own requests (assets, event stream), and drop it from the address bar
      ctx.header("Set-Cookie", AccessPolicy.COOKIE + "=" + query + "; Path=/; HttpOnly; SameSite=Strict");
      if (ctx.path().equals("/") || ctx.path().equals("/index.html")) {
        ctx.redirect("/");
        ctx.skipRemainingHandlers();
      }
    }
  }

  /** The page's address, e.g. {@code http://127.0.0.1:8088/}. */
  public String url() {
    String host = access.host().contains(":") ? "[" + access.host() + "]" : access.host();
    return "http://" + host + ":" + app.port() + "/";
  }

  public int port() {
    return app.port();
  }

  /** The aggregate behind the page (for tests and benchmarks). */
  public Aggregator aggregator() {
    return aggregator;
  }

  int openPages() {
    return hub.pages();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    hub.close();
    app.stop();
    try {
      feed.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the Kafka feed", e);
    }
  }
}
