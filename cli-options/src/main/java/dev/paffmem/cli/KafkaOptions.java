package dev.paffmem.cli;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --bootstrap-servers} and {@code --kafka-property}, the same in every command that talks to Kafka (the
 * job, the producers, the dashboard): a picocli mixin, {@code @Mixin KafkaOptions kafka = new KafkaOptions();}.
 * Serializable, so the job's configuration can carry it to its operators.
 */
public final class KafkaOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  private String bootstrapServers;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "Kafka client property, repeatable (SASL/SSL: security.protocol=SASL_SSL, sasl.mechanism,"
          + " sasl.jaas.config, ssl.truststore.location, ...).")
  private Map<String, String> kafkaProperties = new LinkedHashMap<>();

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The {@code --kafka-property} settings in the order given (read-only). */
  public Map<String, String> kafkaProperties() {
    return Collections.unmodifiableMap(kafkaProperties);
  }
}
