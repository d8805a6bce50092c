package dev.paffmem.e2e;

import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import dev.paffmem.schema.RejectReason;
import dev.paffmem.schema.RejectedFrame;
import dev.paffmem.testsupport.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The input of the end-to-end tests (valid frames of several persons plus one record per reject reason) and Kafka I/O. */
final class TestStream {

  private TestStream() {}

  static Path model() {
    return Path.of(System.getProperty("paffmem.testModel", "../flink-job/src/test/resources/tiny-model"));
  }

  static FaceFrame frame(String person, long index) {
    Random noise = new Random(person.hashCode() * 7919L + index);
    int base = Math.floorMod(person.hashCode(), 150);
    byte[] rgb = new byte[96 * 96 * 3];
    for (int i = 0; i < rgb.length; i++) {
      rgb[i] = (byte) (base + ((i / 3) % 96) + noise.nextInt(16));
    }
    return FaceFrame.newBuilder()
        .setPersonId(person).setSourceId("cam-" + person).setFrameIndex(index)
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + 40 * index))
        .setEncoding(ImageEncoding.RAW_RGB8).setImage(ByteBuffer.wrap(rgb)).setWidth(96).setHeight(96)
        .setArousal((float) Math.sin(index / 5.0)).setValence((float) Math.cos(index / 7.0))
        .build();
  }

  static byte[] bytes(FaceFrame f) {
    return dev.paffmem.schema.WireFormat.encode(f::toByteBuffer);
  }

  static byte[] key(String person) {
    return person.getBytes(StandardCharsets.UTF_8);
  }

  /** One record that must be rejected, and why. */
  record Bad(byte[] key, byte[] value, RejectReason reason) {}

  /** Records that must land in the dead-letter topic (sent after the valid frames of {@code person}). */
  static List<Bad> badRecords(String person, long lastIndex) {
    List<Bad> bad = new ArrayList<>();
    bad.add(new Bad(key(person), new byte[] {0x13, 0x37, 1, 2, 3}, RejectReason.UNDECODABLE_RECORD));
    bad.add(new Bad(key("nobody"), bytes(FaceFrame.newBuilder(frame(person, lastIndex + 100)).setPersonId("").build()),
        RejectReason.MISSING_PERSON_ID));
    bad.add(new Bad(key("mallory"), bytes(frame(person, lastIndex + 101)), RejectReason.KEY_MISMATCH));
    bad.add(new Bad(key(person), bytes(FaceFrame.newBuilder(frame(person, lastIndex + 102)).setArousal(Float.NaN).build()),
        RejectReason.NON_FINITE_LABEL));
    bad.add(new Bad(key(person), bytes(FaceFrame.newBuilder(frame(person, lastIndex + 103)).setWidth(97).build()),
        RejectReason.WRONG_IMAGE_SIZE));
    bad.add(new Bad(key(person), bytes(FaceFrame.newBuilder(frame(person, lastIndex + 104))
        .setEncoding(ImageEncoding.PNG).setImage(ByteBuffer.wrap(pngBomb())).setWidth(null).setHeight(null).build()),
        RejectReason.PAYLOAD_TOO_LARGE));
    bad.add(new Bad(key(person), bytes(FaceFrame.newBuilder(frame(person, lastIndex + 105))
        .setEncoding(ImageEncoding.UNKNOWN).build()), RejectReason.UNSUPPORTED_ENCODING));
    bad.add(new Bad(key(person), bytes(frame(person, lastIndex)), RejectReason.DUPLICATE_FRAME));
    bad.add(new Bad(key(person), bytes(frame(person, lastIndex - 1)), RejectReason.OUT_OF_ORDER_FRAME));
    return bad;
  }

  /** A small PNG whose header declares 40000 x 40000 pixels. */
  static byte[] pngBomb() {
    return HostileCorpus.pngHeaderSays(TestImages.gradient(8, 8, "png"), 40_000, 40_000);
  }

  static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return producer(bootstrap, Map.of());
  }

  /** A producer with client settings on top (e.g. a secured broker's {@code clientProperties()}). */
  static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, String> clientProperties) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Writes {@code records} in their order and checks that the broker acknowledged each one before the next is sent: a
   * record the producer gave up on is sent again by a new producer, up to three times, else this throws. (Twice in CI
   * runs the embedded broker answered a retried batch with OutOfOrderSequenceException until the producer's delivery
   * timeout. An unchecked send lost a frame, and an earlier version that sent the failed records again after the
   * whole list could put a person's frame behind a later one that had been kept: the job rejects such a frame as out
   * of order, so its prediction never came. One record at a time keeps each person's frames in order in the log; a
   * record sent again that the broker had kept after all arrives twice, and the job rejects the copy as a duplicate.)
   */
  static void sendChecked(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
    Map<String, String> timeouts = Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000",
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000", ProducerConfig.LINGER_MS_CONFIG, "0");
    KafkaProducer<byte[], byte[]> producer = producer(bootstrap, timeouts);
    try {
      for (ProducerRecord<byte[], byte[]> r : records) {
        for (int attempt = 1; ; attempt++) {
          try {
            producer.send(r).get();
            break;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + r.topic(), e);
          } catch (java.util.concurrent.ExecutionException e) {
            if (attempt == 3) {
              throw new IllegalStateException("a record to " + r.topic() + " not acknowledged after 3 attempts", e);
            }
            producer.close(); // its sequence numbers are unusable now: a new producer id starts afresh
            producer = producer(bootstrap, timeouts);
          }
        }
      }
    } finally {
      producer.close();
    }
  }

  /**
   * Writes {@code frames} valid frames for each person (interleaved) and, after them, every bad
   * record; returns the reasons expected in the dead-letter topic.
   */
  static List<RejectReason> writeInput(String bootstrap, String topic, List<String> persons, int frames) {
    List<RejectReason> expected = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      for (int i = 0; i < frames; i++) {
        for (String person : persons) {
          producer.send(new ProducerRecord<>(topic, key(person), bytes(frame(person, i))));
        }
      }
      for (Bad bad : badRecords(persons.get(0), frames - 1)) {
        producer.send(new ProducerRecord<>(topic, bad.key(), bad.value()));
        expected.add(bad.reason());
      }
      producer.flush();
    }
    return expected;
  }

  /** Every committed record of a topic, in partition order (read_committed: aborted transactions are invisible). */
  static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic, int expected, Duration timeout) {
    return readCommitted(bootstrap, Map.of(), topic, expected, timeout);
  }

  /** {@link #readCommitted(String, String, int, Duration)} with client settings on top. */
  static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, Map<String, String> clientProperties,
      String topic, int expected, Duration timeout) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      fromTheBeginning(c, topic);
      long deadline = System.nanoTime() + timeout.toNanos();
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
        if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos(); // keep reading a little: extras would show up
        }
      }
    }
    return out;
  }

  /** Assigns every partition of {@code topic} to {@code c}, at its beginning; returns them. */
  static List<TopicPartition> fromTheBeginning(KafkaConsumer<byte[], byte[]> c, String topic) {
    List<TopicPartition> parts = new ArrayList<>();
    for (PartitionInfo info : c.partitionsFor(topic)) {
      parts.add(new TopicPartition(topic, info.partition()));
    }
    c.assign(parts);
    c.seekToBeginning(parts);
    return parts;
  }

  /**
   * What an input topic holds, for a failure message: each partition's frames in log order as "person:frameIndex"
   * (read_uncommitted, to the end offsets at the time of the call).
   */
  static String inputFrames(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    StringBuilder sb = new StringBuilder("input topic " + topic + ":");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = fromTheBeginning(c, topic);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      Map<Integer, List<String>> frames = new java.util.TreeMap<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          String frame;
          try {
            FaceFrame f = FaceFrame.fromByteBuffer(ByteBuffer.wrap(r.value()));
            frame = f.getPersonId() + ":" + f.getFrameIndex();
          } catch (Exception e) {
            frame = "(not a FaceFrame)";
          }
          frames.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.offset() + "=" + frame);
        }
      }
      frames.forEach((partition, list) -> sb.append(" [").append(partition).append("] ").append(list));
    } catch (RuntimeException e) {
      sb.append(" not read: ").append(e);
    }
    return sb.toString();
  }

  static List<AffectPrediction> predictions(List<ConsumerRecord<byte[], byte[]>> records) {
    List<AffectPrediction> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      try {
        AffectPrediction p = AffectPrediction.fromByteBuffer(ByteBuffer.wrap(r.value()));
        if (!p.getPersonId().equals(new String(r.key(), StandardCharsets.UTF_8))) {
          throw new AssertionError("prediction key " + new String(r.key(), StandardCharsets.UTF_8) + " is not its person " + p.getPersonId());
        }
        out.add(p);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  static List<RejectedFrame> rejected(List<ConsumerRecord<byte[], byte[]>> records) {
    List<RejectedFrame> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      try {
        out.add(RejectedFrame.fromByteBuffer(ByteBuffer.wrap(r.value())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** Predictions by "person/frameIndex", failing on a duplicate. */
  static Map<String, AffectPrediction> byFrame(List<AffectPrediction> predictions) {
    Map<String, AffectPrediction> m = new LinkedHashMap<>();
    for (AffectPrediction p : predictions) {
      AffectPrediction before = m.put(p.getPersonId() + "/" + p.getFrameIndex(), p);
      if (before != null) {
        throw new AssertionError("two predictions for " + p.getPersonId() + " frame " + p.getFrameIndex());
      }
    }
    return m;
  }

  /**
   * The phases the job gives a person's predictions: its first {@code generationFrames} frames GENERATING
   * (the PK's prediction, at once); later frames GENERATING while the memory is still being seeded (the
   * generator runs off the online path), and ONLINE from the first frame the memory predicts on, for good.
   * An ONLINE prediction comes from a memory that has neurons.
   */
  static void assertPhases(List<AffectPrediction> all, int generationFrames) {
    Map<String, List<AffectPrediction>> byPerson = new LinkedHashMap<>();
    for (AffectPrediction p : all) {
      byPerson.computeIfAbsent(p.getPersonId(), k -> new ArrayList<>()).add(p);
    }
    for (List<AffectPrediction> ps : byPerson.values()) {
      ps.sort(java.util.Comparator.comparingLong(AffectPrediction::getFrameIndex));
      boolean online = false;
      for (int i = 0; i < ps.size(); i++) {
        AffectPrediction p = ps.get(i);
        String where = p.getPersonId() + " frame " + p.getFrameIndex();
        if (i < generationFrames) {
          org.junit.jupiter.api.Assertions.assertEquals(dev.paffmem.schema.Phase.GENERATING, p.getPhase(), where);
          continue;
        }
        if (online) {
          org.junit.jupiter.api.Assertions.assertEquals(dev.paffmem.schema.Phase.ONLINE, p.getPhase(),
              where + ": once the memory predicts, it goes on predicting");
        }
        online = p.getPhase() == dev.paffmem.schema.Phase.ONLINE;
        if (online) {
          org.junit.jupiter.api.Assertions.assertTrue(p.getMemorySize() >= 2, where + ": " + p);
        }
      }
    }
  }
}
