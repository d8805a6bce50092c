package dev.paffmem.faces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.paffmem.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/** {@code faces stream} (the synthetic camera) writes to a SASL_SSL/SCRAM broker with --kafka-property settings only. */
class StreamCommandSecuredKafkaTest {

  @Test
  void theStreamCommandProducesToASecuredBrokerWithKafkaPropertiesOnly() {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().saslSsl("camera", "camera-secret").start()) {
      List<String> args = new ArrayList<>(List.of("stream", "--bootstrap-servers", kafka.bootstrapServers(),
          "--topic", "secured-frames", "--partitions", "1", "--persons", "2", "--frames-per-person", "3", "--quiet"));
      for (Map.Entry<String, String> e : kafka.clientProperties().entrySet()) {
        args.add("--kafka-property");
        args.add(e.getKey() + "=" + e.getValue());
      }
      assertEquals(0, SyntheticFacesCli.commandLine().execute(args.toArray(String[]::new)));

      Properties p = new Properties();
      p.putAll(kafka.clientProperties());
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        TopicPartition tp = new TopicPartition("secured-frames", 0);
        assertEquals(6L, c.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp), "2 persons x 3 frames, created topic");
      }

      List<String> wrong = new ArrayList<>(args);
      wrong.set(wrong.indexOf(kafka.clientProperties().entrySet().stream()
          .filter(e -> e.getKey().equals("sasl.jaas.config")).map(e -> e.getKey() + "=" + e.getValue()).findFirst().orElseThrow()),
          "sasl.jaas.config=" + kafka.clientProperties("camera", "wrong").get("sasl.jaas.config"));
      assertNotEquals(0, SyntheticFacesCli.commandLine().execute(wrong.toArray(String[]::new)), "a wrong password fails");
    }
  }
}
