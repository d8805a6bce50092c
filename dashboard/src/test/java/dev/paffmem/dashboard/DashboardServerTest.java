package dev.paffmem.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The web layer over a given aggregate: bind address, token rule, read-only, the API and the event stream. */
class DashboardServerTest {

  static final String TOKEN = "test-token-0123456789";
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static DashboardServer serve(String token) {
    DashboardOptions o = DashboardOptions.defaults("127.0.0.1:1").withBind("127.0.0.1", 0, token);
    Aggregator agg = new Aggregator(o.settings());
    long now = System.currentTimeMillis();
    for (int f = 0; f < 20; f++) {
      agg.onPrediction(TestStreams.synthetic(1, "alice", f, now - 2000 + f * 100), now);
    }
    agg.onPrediction(TestStreams.synthetic(2, "bob", 0, now), now);
    return DashboardServer.serve(o, AccessPolicy.forBind(o.host(), o.token()), agg, () -> { });
  }

  @Test
  void defaultsBindLoopbackOnly() throws IOException {
    assertEquals("127.0.0.1", DashboardOptions.defaults("x:9092").host());
    DashboardCommand command = new DashboardCommand();
    new picocli.CommandLine(command).parseArgs("--bootstrap-servers", "k:9092");
    assertEquals("127.0.0.1", command.options().host(), "the command's default");
    try (DashboardServer server = serve(null)) {
      assertEquals(Set.of("127.0.0.1"), listeningAddresses(server.port()));
      for (InetAddress address : nonLoopbackAddresses()) {
        try (Socket socket = new Socket()) {
          assertThrows(IOException.class, () -> socket.connect(new InetSocketAddress(address, server.port()), 1000),
              "dashboard reachable on " + address);
        }
      }
    }
  }

  @Test
  void refusesToServeOffLoopbackWithoutATokenBeforeStartingAnything() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DashboardServer.start(
        DashboardOptions.defaults("127.0.0.1:1").withBind("0.0.0.0", 0, null)));
    assertTrue(e.getMessage().contains("PAFFMEM_DASHBOARD_TOKEN"), e.getMessage());
  }

  @Test
  void everyRouteIsReadOnly() throws Exception {
    try (DashboardServer server = serve(null)) {
      for (String path : List.of("", "index.html", "api/health", "api/persons", "api/persons/alice", "api/stream")) {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
              .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
          assertEquals(405, r.statusCode(), method + " /" + path);
        }
      }
    }
  }

  @Test
  void withATokenNothingIsServedWithoutIt() throws Exception {
    try (DashboardServer server = serve(TOKEN)) {
      for (String path : List.of("", "app.js", "api/health", "api/stream", "webjars/uplot/1.6.30/dist/uPlot.iife.min.js")) {
        assertEquals(401, get(server.url() + path, null).statusCode(), "/" + path);
      }
      HttpResponse<String> open = get(server.url() + "?token=" + TOKEN, null);
      assertEquals(302, open.statusCode(), "the token leaves the address bar");
      String cookie = open.headers().firstValue("Set-Cookie").orElseThrow();
      assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
      String pair = cookie.substring(0, cookie.indexOf(';'));
      assertEquals(200, get(server.url() + "app.js", pair).statusCode());
      assertEquals(200, get(server.url() + "webjars/uplot/1.6.30/dist/uPlot.iife.min.js", pair).statusCode());
      assertEquals(401, get(server.url() + "app.js", "paffmem_dashboard_token=wrong-token-0123456789").statusCode());
      HttpResponse<String> bearer = http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/health"))
          .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, bearer.statusCode());
    }
  }

  @Test
  void apiAndPageAreServedWithUplotFromItsWebjar() throws Exception {
    try (DashboardServer server = serve(null)) {
      HttpResponse<String> page = get(server.url(), null);
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js"));
      assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
      assertEquals(200, get(server.url() + "webjars/uplot/1.6.30/dist/uPlot.iife.min.js", null).statusCode());
      JsonNode health = new ObjectMapper().readTree(get(server.url() + "api/health", null).body());
      assertEquals(21, health.get("predictions").asLong());
      assertEquals(2, health.get("persons").asInt());
      JsonNode alice = new ObjectMapper().readTree(get(server.url() + "api/persons/alice", null).body());
      assertEquals(20, alice.get("row").get("n").asLong());
      assertTrue(alice.get("points").get("t").size() >= 8, alice.toString()); // 2 s of predictions in 250 ms buckets
      assertEquals(404, get(server.url() + "api/persons/nobody", null).statusCode());
    }
  }

  @Test
  void theEventStreamSendsSettingsThenTicksWithRowsAndTheFocusedPersonsPoints() throws Exception {
    try (DashboardServer server = serve(null)) {
      HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "api/stream?focus=alice"))
          .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"), r.headers().toString());
      Iterator<String> lines = r.body().iterator();
      String event = null;
      JsonNode hello = null;
      JsonNode tick = null;
      while (tick == null && lines.hasNext()) {
        String line = lines.next();
        if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          JsonNode data = new ObjectMapper().readTree(line.substring(5));
          if ("hello".equals(event)) {
            hello = data;
          } else if ("tick".equals(event)) {
            tick = data;
          }
        }
      }
      r.body().close();
      assertEquals(250, hello.get("bucketMillis").asLong());
      assertEquals("affect-predictions", hello.get("predictionTopic").asText());
      assertEquals(2, tick.get("rows").get("rows").size());
      assertTrue(tick.get("rows").get("full").asBoolean());
      assertEquals("alice", tick.get("focus").get("id").asText());
      assertTrue(tick.get("focus").get("points").get("a").size() >= 8);
    }
  }

  private HttpResponse<String> get(String url, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Local addresses of LISTEN sockets on the port, from /proc/net/tcp and tcp6. */
  static Set<String> listeningAddresses(int port) throws IOException {
    Set<String> result = new TreeSet<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.exists(Path.of(table)) ? Files.readAllLines(Path.of(table)) : List.of();
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] cols = line.trim().split("\\s+");
        String[] local = cols[1].split(":");
        if (cols[3].equals("0A") && Integer.parseInt(local[1], 16) == port) {
          String hex = local[0].length() == 32 && local[0].startsWith("0000000000000000FFFF0000") ? local[0].substring(24) : local[0];
          if (hex.length() == 8) {
            long v = Long.parseLong(hex, 16);
            result.add((v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff));
          } else {
            result.add("ipv6:" + hex);
          }
        }
      }
    }
    return result;
  }

  static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> result = new java.util.ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        Collections.list(nic.getInetAddresses()).stream().filter(a -> a instanceof Inet4Address).forEach(result::add);
      }
    }
    return result;
  }
}
