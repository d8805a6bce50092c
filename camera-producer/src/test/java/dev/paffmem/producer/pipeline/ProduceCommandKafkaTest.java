package dev.paffmem.producer.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.producer.cli.ProduceCommand;
import dev.paffmem.schema.FaceFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code produce VIDEO} against a real broker: keyed, decodable FaceFrames, in each person's order. */
class ProduceCommandKafkaTest {

  @Test
  void theCommandSendsOneKeyedRecordPerFaceInOrder() throws Exception {
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
      kafka.createTopic("frames", 3);
      int code = new CommandLine(new ProduceCommand()).execute("--bootstrap-servers", kafka.bootstrapServers(),
          "--topic", "frames", "--camera-id", "door", "--run-id", "r", "--start-time", "2026-01-01T00:00:00Z",
          "--progress-seconds", "60", ProducerTestVideos.smallFile().toString());
      assertEquals(0, code);

      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      Map<String, List<FaceFrame>> byKey = new TreeMap<>();
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
          new ByteArrayDeserializer())) {
        List<TopicPartition> parts = List.of(new TopicPartition("frames", 0), new TopicPartition("frames", 1),
            new TopicPartition("frames", 2));
        c.assign(parts);
        c.seekToBeginning(parts);
        long end = c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        assertTrue(end > 300, "records: " + end);
        long read = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (read < end && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
            FaceFrame f = FaceFrame.fromByteBuffer(ByteBuffer.wrap(r.value()));
            assertEquals(f.getPersonId(), new String(r.key(), StandardCharsets.UTF_8), "key = person id");
            assertNotNull(f.getFaceBox());
            byKey.computeIfAbsent(f.getPersonId(), k -> new ArrayList<>()).add(f);
            read++;
          }
        }
        assertEquals(end, read);
      }
      assertEquals(List.of("door/r1", "door/r2", "door/r3"), new ArrayList<>(byKey.keySet()));
      for (List<FaceFrame> fs : byKey.values()) {
        for (int i = 0; i < fs.size(); i++) {
          assertEquals(i, fs.get(i).getFrameIndex(), "one partition per key keeps each person's order");
        }
      }
    }
  }
}
