package dev.paffmem.dashboard;

import dev.paffmem.cli.KafkaOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./paffmem dashboard --bootstrap-servers HOST:PORT}: serves the live dashboard for the job's topics on
 * any Kafka until Ctrl-C.
 */
@Command(name = "paffmem dashboard", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Serves a live, read-only dashboard of the P-AffMem job's predictions and dead letters.")
public final class DashboardCommand implements Callable<Integer> {

  @Mixin
  KafkaOptions kafka = new KafkaOptions();

  @Option(names = "--prediction-topic", defaultValue = "affect-predictions", description = "(default: ${DEFAULT-VALUE})")
  String predictionTopic;

  @Option(names = "--dead-letter-topic", defaultValue = "face-frames-rejected", description = "(default: ${DEFAULT-VALUE})")
  String deadLetterTopic;

  @Option(names = "--input-topic", defaultValue = "face-frames",
      description = "The job's input topic; only its end offsets are read, for frames/s in; empty to leave out (default: ${DEFAULT-VALUE}).")
  String inputTopic;

  @Option(names = "--host", defaultValue = DashboardOptions.DEFAULT_HOST,
      description = "Address to serve on; any non-loopback address requires --token (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "" + DashboardOptions.DEFAULT_PORT, description = "Port; 0 for any free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--token", description = "Access token (at least 16 characters); default: the environment variable PAFFMEM_DASHBOARD_TOKEN.")
  String token;

  @Option(names = "--lookback", defaultValue = "5min", converter = DurationConverter.class,
      description = "On start, show what was written this long ago (default: ${DEFAULT-VALUE}).")
  Duration lookback;

  @Option(names = "--idle-after", defaultValue = "30s", converter = DurationConverter.class,
      description = "A person without a prediction for this long fades out (default: ${DEFAULT-VALUE}).")
  Duration idleAfter;

  @Option(names = "--max-persons", defaultValue = "5000",
      description = "Persons kept; beyond it the one seen longest ago is dropped (default: ${DEFAULT-VALUE}).")
  int maxPersons;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new DashboardCommand());
  }

  /** The options the flags describe. */
  DashboardOptions options() {
    String t = token != null ? token : System.getenv("PAFFMEM_DASHBOARD_TOKEN");
    return DashboardOptions.defaults(kafka.bootstrapServers())
        .withTopics(predictionTopic, deadLetterTopic, inputTopic == null || inputTopic.isBlank() ? null : inputTopic)
        .withBind(host, port, t)
        .withLookback(lookback)
        .withKafkaProperties(kafka.kafkaProperties())
        .withSettings(Aggregator.Settings.defaults().withIdleAfter(idleAfter).withMaxPersons(maxPersons));
  }

  @Override
  public Integer call() throws Exception {
    DashboardOptions o = options();
    DashboardServer server;
    try {
      server = DashboardServer.start(o);
    } catch (IllegalArgumentException | IllegalStateException | org.apache.kafka.common.KafkaException e) {
      System.err.println("paffmem dashboard: " + e.getMessage()); // a bad bind address, token or Kafka setting
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "dashboard-shutdown"));
    System.out.printf("P-AffMem dashboard: %s%s%n", server.url(), o.token() != null ? "?token=<your token>" : "");
    System.out.printf("Reading %s and %s on %s (read_committed). Ctrl-C stops it.%n", o.predictionTopic(),
        o.deadLetterTopic(), o.bootstrapServers());
    stopped.await();
    return 0;
  }

  /** 250ms, 10s, 5min, 1h, 2d, or an ISO-8601 duration. */
  public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      var m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|min|m|h|d)").matcher(v);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "min", "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      try {
        return Duration.parse(value);
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (e.g. 250ms, 10s, 5min, 1h)");
      }
    }
  }
}
