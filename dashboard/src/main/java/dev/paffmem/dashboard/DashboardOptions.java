package dev.paffmem.dashboard;

import java.time.Duration;
import java.util.Map;

/**
 * How to run the dashboard: where to read, where to serve, how much to keep. {@link DashboardCommand} owns
 * the command-line flags and their defaults; {@link #defaults(String)} gives the same defaults in code.
 *
 * @param bootstrapServers the Kafka to read
 * @param kafkaProperties  extra Kafka client properties (SASL/SSL)
 * @param predictionTopic  the job's output topic ({@code AffectPrediction})
 * @param deadLetterTopic  the job's dead-letter topic ({@code RejectedFrame})
 * @param inputTopic       the job's input topic: only its end offsets are read, for frames/s in (null: not shown)
 * @param host             the address to serve on; not a loopback address requires {@code token}
 * @param port             the port to serve on (0: any free port)
 * @param token            access token (null: none; required off loopback)
 * @param lookback         on start, read this far back in time
 * @param refresh          how often the browser gets an update
 * @param settings         bounds and downsampling
 */
public record DashboardOptions(String bootstrapServers, Map<String, String> kafkaProperties, String predictionTopic,
    String deadLetterTopic, String inputTopic, String host, int port, String token, Duration lookback,
    Duration refresh, Aggregator.Settings settings) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8088;

  public static DashboardOptions defaults(String bootstrapServers) {
    return new DashboardOptions(bootstrapServers, Map.of(), "affect-predictions", "face-frames-rejected", "face-frames",
        DEFAULT_HOST, DEFAULT_PORT, null, Duration.ofMinutes(5), Duration.ofMillis(250), Aggregator.Settings.defaults());
  }

  public DashboardOptions withTopics(String predictions, String deadLetters, String input) {
    return new DashboardOptions(bootstrapServers, kafkaProperties, predictions, deadLetters, input, host, port, token,
        lookback, refresh, settings);
  }

  public DashboardOptions withBind(String host, int port, String token) {
    return new DashboardOptions(bootstrapServers, kafkaProperties, predictionTopic, deadLetterTopic, inputTopic, host,
        port, token, lookback, refresh, settings);
  }

  public DashboardOptions withLookback(Duration lookback) {
    return new DashboardOptions(bootstrapServers, kafkaProperties, predictionTopic, deadLetterTopic, inputTopic, host,
        port, token, lookback, refresh, settings);
  }

  public DashboardOptions withSettings(Aggregator.Settings settings) {
    return new DashboardOptions(bootstrapServers, kafkaProperties, predictionTopic, deadLetterTopic, inputTopic, host,
        port, token, lookback, refresh, settings);
  }

  public DashboardOptions withKafkaProperties(Map<String, String> props) {
    return new DashboardOptions(bootstrapServers, Map.copyOf(props), predictionTopic, deadLetterTopic, inputTopic,
        host, port, token, lookback, refresh, settings);
  }
}
