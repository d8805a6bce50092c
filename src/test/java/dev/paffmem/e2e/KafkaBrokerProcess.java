package dev.paffmem.e2e;

import dev.paffmem.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A single-node KRaft broker in a JVM of its own ({@code kafka.Kafka server.properties}) on
 * 127.0.0.1, as a broker runs in production: nothing of it shares the test's JVM. Stopped by its
 * process id in {@link #close()}.
 */
final class KafkaBrokerProcess implements AutoCloseable {

  private final Process process;
  private final String bootstrap;

  private KafkaBrokerProcess(Process process, String bootstrap) {
    this.process = process;
    this.bootstrap = bootstrap;
  }

  static KafkaBrokerProcess start(Path dir) throws IOException, InterruptedException {
    int port = EmbeddedKafkaBroker.freePort();
    Properties props = EmbeddedKafkaBroker.singleNodeProperties(port, EmbeddedKafkaBroker.freePort(), dir);
    Path config = dir.resolve("server.properties");
    java.nio.file.Files.createDirectories(dir);
    EmbeddedKafkaBroker.writeAndFormat(props, config);
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "kafka.Kafka", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("kafka.out").toFile());
    pb.environment().put("CLASSPATH", System.getProperty("java.class.path")); // the test's class path has kafka_2.13
    KafkaBrokerProcess broker = new KafkaBrokerProcess(pb.start(), EmbeddedKafkaBroker.HOST + ":" + port);
    try {
      broker.awaitReady(Duration.ofSeconds(60));
    } catch (RuntimeException | InterruptedException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  String bootstrapServers() {
    return bootstrap;
  }

  Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  void createTopics(List<NewTopic> topics) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    }
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = admin()) {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the Kafka broker exited with " + process.exitValue());
        }
        try {
          if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the Kafka broker did not come up within " + timeout, e);
          }
        }
        Thread.sleep(200);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
