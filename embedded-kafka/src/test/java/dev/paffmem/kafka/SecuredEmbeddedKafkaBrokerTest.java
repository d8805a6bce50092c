package dev.paffmem.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedded broker with SASL_SSL + SCRAM-SHA-512: the right user gets in over TLS, a wrong password does not. */
class SecuredEmbeddedKafkaBrokerTest {

  static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void start() {
    broker = EmbeddedKafkaBroker.builder().saslSsl("camera", "s3cret-pass").start();
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  static Map<String, Object> config(Map<String, String> security) {
    Map<String, Object> c = new HashMap<>(security);
    c.put("bootstrap.servers", broker.bootstrapServers());
    return c;
  }

  @Test
  void theRightUserProducesAndConsumesOverTls() throws Exception {
    assertTrue(broker.secured());
    assertEquals("SASL_SSL", broker.clientProperties().get("security.protocol"));
    broker.createTopic("secured", 1);
    Map<String, Object> p = config(broker.clientProperties());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("secured", "k".getBytes(), "over TLS".getBytes())).get(30, TimeUnit.SECONDS);
    }
    Map<String, Object> c = config(broker.clientProperties());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "secured-test");
    List<String> got = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("secured"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (got.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          got.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    assertEquals(List.of("over TLS"), got);
  }

  @Test
  void aWrongPasswordIsRefusedWithASaslAuthenticationError() {
    try (Admin admin = Admin.create(config(broker.clientProperties("camera", "wrong")))) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
      assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
    }
  }

  @Test
  void aPlaintextClientGetsNothing() {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", broker.bootstrapServers());
    c.put("default.api.timeout.ms", "3000");
    c.put("request.timeout.ms", "2000");
    try (Admin admin = Admin.create(c)) {
      assertThrows(Exception.class, () -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS));
    }
  }
}
