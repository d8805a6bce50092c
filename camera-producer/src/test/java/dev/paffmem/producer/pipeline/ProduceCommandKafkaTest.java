package dev.paffmem.producer.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.producer.cli.ProduceCommand;
import dev.paffmem.schema.FaceFrame;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;
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
  @Test
  void onePersonWithAnEnrolmentScriptSendsTheLargestFaceOfEachFrameLabelledInItsWindows(@TempDir Path tmp)
      throws Exception {
    Path script = tmp.resolve("signup.csv");
    Files.writeString(script, "start_s,end_s,arousal,valence\n0.4,0.8,0.75,-0.5\n");
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
      kafka.createTopic("frames", 1);
      int code = new CommandLine(new ProduceCommand()).execute("--bootstrap-servers", kafka.bootstrapServers(),
          "--topic", "frames", "--person", "alice", "--enrolment-script", script.toString(), "--start-time",
          "2026-01-01T00:00:00Z", "--progress-seconds", "60", ProducerTestVideos.smallFile().toString());
      assertEquals(0, code);
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      List<FaceFrame> all = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
          new ByteArrayDeserializer())) {
        List<TopicPartition> parts = List.of(new TopicPartition("frames", 0));
        c.assign(parts);
        c.seekToBeginning(parts);
        long end = c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (all.size() < end && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
            FaceFrame f = FaceFrame.fromByteBuffer(ByteBuffer.wrap(r.value()));
            assertEquals("alice", new String(r.key(), StandardCharsets.UTF_8));
            all.add(f);
          }
        }
      }
      assertTrue(all.size() > 50, "faces: " + all.size());
      long first = all.get(0).getEventTime().toEpochMilli();
      long enrolled = 0;
      for (int i = 0; i < all.size(); i++) {
        FaceFrame f = all.get(i);
        assertEquals("alice", f.getPersonId());
        assertEquals(f.getEventTime().toEpochMilli(), f.getFrameIndex(), "frame index = event time in ms");
        if (i > 0) {
          assertTrue(f.getFrameIndex() > all.get(i - 1).getFrameIndex(), "one face per frame, in order");
        }
        long at = f.getFrameIndex() - first;
        if (at >= 400 && at < 800) {
          assertEquals(0.75f, f.getEnrolment().getArousal());
          assertEquals(-0.5f, f.getEnrolment().getValence());
          enrolled++;
        } else {
          assertNull(f.getEnrolment(), "outside the script's window at " + at + " ms");
        }
      }
      assertTrue(enrolled >= 8, "about ten frames of 40 ms in the 0.4 s window: " + enrolled);
    }
  }
}
