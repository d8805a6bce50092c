package dev.paffmem.job;

import dev.paffmem.job.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's first contact with Kafka, at start-up: an {@code Admin.describeCluster()} with the job's
 * {@code --kafka-property} settings. Wrong credentials or a certificate the client does not trust fail the start
 * with a {@link ConfigException} that says so (instead of a source and sinks that retry for ever). A broker that
 * does not answer in time only gets a warning: the restart strategy waits for it, as for any outage.
 */
public final class KafkaAccessCheck {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaAccessCheck.class);
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  private KafkaAccessCheck() {}

  public static void check(String bootstrapServers, Map<String, String> kafkaProperties) {
    Properties props = new Properties();
    props.putAll(kafkaProperties);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "paffmem-start-up-check");
    String protocol = kafkaProperties.getOrDefault("security.protocol", "PLAINTEXT");
    try (Admin admin = Admin.create(props)) {
      admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      ConfigException refused = refused(bootstrapServers, kafkaProperties, protocol, e.getCause());
      if (refused != null) {
        throw refused;
      }
    } catch (TimeoutException e) {
      LOG.warn("Kafka at {} did not answer within {} s (security.protocol {}): starting anyway, the job retries until it"
          + " answers. If it never does, check that the address is reachable and that security.protocol matches the"
          + " broker's listener.", bootstrapServers, TIMEOUT.toSeconds(), protocol);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConfigException("interrupted while connecting to Kafka at " + bootstrapServers);
    } catch (org.apache.kafka.common.KafkaException e) {
      // Admin.create itself refuses bad settings (e.g. a truststore that does not exist, an unknown mechanism)
      throw new ConfigException("the Kafka client settings (--kafka-property) are not usable: " + rootMessage(e));
    }
  }

  static ConfigException refused(String bootstrap, Map<String, String> props, String protocol, Throwable cause) {
    if (cause instanceof SaslAuthenticationException) {
      return new ConfigException("Kafka at " + bootstrap + " rejected the job's credentials (SASL authentication failed,"
          + " sasl.mechanism " + props.getOrDefault("sasl.mechanism", "GSSAPI") + "): " + cause.getMessage()
          + ". Check the user name and password in --kafka-property sasl.jaas.config=..., and the mechanism.");
    }
    if (cause instanceof SslAuthenticationException) {
      return new ConfigException("the TLS handshake with Kafka at " + bootstrap + " failed: " + rootMessage(cause)
          + ". Check --kafka-property ssl.truststore.location / ssl.truststore.password (the store must hold the"
          + " broker's certificate or its CA) and that the address matches the certificate.");
    }
    if (cause instanceof AuthenticationException) {
      return new ConfigException("Kafka at " + bootstrap + " refused the job (authentication, security.protocol "
          + protocol + "): " + cause.getMessage());
    }
    if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      LOG.warn("Kafka at {} did not answer ({}): starting anyway; the job retries until it answers. If it never does,"
          + " check the address and that security.protocol ({}) matches the broker's listener.", bootstrap,
          cause.getMessage(), protocol);
      return null;
    }
    LOG.warn("Kafka at {} could not be asked at start-up ({}): starting anyway", bootstrap, cause.toString());
    return null;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root.getMessage() + ")";
  }
}
