package dev.paffmem.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.ingest.FrameDecoder;
import dev.paffmem.job.ingest.JpegDecoder;
import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.job.sink.DeadLetters;
import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.RejectedFrame;
import dev.paffmem.schema.WireFormat;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hostile-input corpus ({@link HostileCorpus}) through the real job on the in-JVM broker: every record
 * gives exactly one prediction or exactly one dead letter with the expected reason, the job never restarts
 * (it runs with {@code --restart-strategy NONE}, so any failure would end it), and valid frames sent after
 * the corpus each get exactly one prediction.
 */
class HostileInputTest {

  // the corpus holds values of about 1.05 MB and a 200 KB key: the broker must take them in
  @RegisterExtension
  static final JobOnKafka E2E = JobOnKafka.withBroker(b -> b.property("message.max.bytes", "4194304"));

  /** With either JPEG decoder (TurboJPEG only where libturbojpeg is installed; the job takes it when it is). */
  @ParameterizedTest
  @EnumSource(value = JpegDecoder.class, names = {"IMAGEIO", "TURBOJPEG"})
  void everyCaseOfTheCorpusIsDecidedAsExpectedByTheDecoder(JpegDecoder jpeg) {
    assumeTrue(jpeg != JpegDecoder.TURBOJPEG || JpegDecoder.turboJpegAvailable(), "libturbojpeg is not installed");
    FrameDecoder decoder = new FrameDecoder(HostileCorpus.MAX_RECORD_BYTES, HostileCorpus.MAX_PIXELS, 16, 96, 96, jpeg);
    assertEquals(jpeg, decoder.jpegDecoder());
    List<String> wrong = new ArrayList<>();
    long offset = 0;
    for (HostileCorpus.Case c : HostileCorpus.build()) {
      FrameDecoder.Result r = decoder.decode(new KafkaRecordBytes("t", 0, offset++, 0L, c.key(), c.value()), 0L);
      Object got = r.accepted() ? null : r.rejected().getReason();
      if (got != c.expected()) {
        wrong.add(c + " but was " + (got == null ? "accepted" : got + ": " + r.rejected().getMessage()));
      }
    }
    assertTrue(wrong.isEmpty(), "cases decided otherwise:\n" + String.join("\n", wrong));
  }

  @Test
  void theJobGivesOnePredictionOrOneDeadLetterPerRecordAndNeverRestarts() throws Exception {
    List<HostileCorpus.Case> corpus = HostileCorpus.build();
    E2E.createTopics("hostile");

    Map<String, HostileCorpus.Case> byOffset = new HashMap<>();
    List<String> after = List.of("after-a", "after-b", "after-c");
    int framesAfter = 5;
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (HostileCorpus.Case c : corpus) {
        RecordMetadata m = producer.send(new ProducerRecord<>("hostile-frames", c.key(), c.value())).get();
        byOffset.put(m.partition() + "@" + m.offset(), c);
      }
      for (int i = 0; i < framesAfter; i++) {
        for (String p : after) {
          producer.send(new ProducerRecord<>("hostile-frames", HostileCorpus.key(p), TestStream.bytes(TestStream.frame(p, i))));
        }
      }
      producer.flush();
    }
    long expectedRejects = corpus.stream().filter(c -> c.expected() != null).count();
    long expectedPredictions = corpus.size() - expectedRejects + (long) after.size() * framesAfter;

    JobClient job = JobOnKafka.start(E2E.config("hostile", "--generation-frames", "1", "--generation-targets", "4",
        "--memory-epochs", "2", "--restart-strategy", "NONE"), "hostile");
    List<AffectPrediction> predictions;
    List<RejectedFrame> rejected;
    JobStatus status;
    try {
      predictions = TestStream.predictions(TestStream.readCommitted(E2E.kafka().bootstrapServers(), "hostile-predictions",
          (int) expectedPredictions, Duration.ofSeconds(120)));
      rejected = TestStream.rejected(TestStream.readCommitted(E2E.kafka().bootstrapServers(), "hostile-rejected",
          (int) expectedRejects, Duration.ofSeconds(30)));
      status = job.getJobStatus().get();
    } finally {
      job.cancel().get();
    }
    assertEquals(JobStatus.RUNNING, status, "the job never failed (it runs without restarts)");

    // every dead letter belongs to a corpus record that expects it, with its reason, once
    Map<String, RejectedFrame> letters = new HashMap<>();
    for (RejectedFrame r : rejected) {
      String at = r.getPartition() + "@" + r.getOffset();
      assertTrue(letters.put(at, r) == null, "two dead letters for the record at " + at);
      HostileCorpus.Case c = byOffset.get(at);
      assertTrue(c != null, "a dead letter for a record outside the corpus: " + r.getReason() + " " + r.getMessage());
      assertEquals(c.expected(), r.getReason(), c + ": " + r.getMessage());
      checkOriginal(c, r);
    }
    assertEquals(expectedRejects, letters.size(), "one dead letter per rejected record");

    // every other corpus record, and every frame after the corpus, has exactly one prediction
    Map<String, AffectPrediction> byFrame = TestStream.byFrame(predictions);
    for (HostileCorpus.Case c : corpus) {
      if (c.expected() == null) {
        String person = FaceFramePerson.of(c.value());
        assertTrue(byFrame.keySet().stream().anyMatch(k -> k.startsWith(person + "/")), "no prediction for " + c);
      }
    }
    for (String p : after) {
      for (int i = 0; i < framesAfter; i++) {
        assertTrue(byFrame.containsKey(p + "/" + i), "no prediction for " + p + " frame " + i + " sent after the corpus");
      }
    }
    assertEquals(expectedPredictions, predictions.size(), "one prediction per accepted record, none extra");
  }

  @Test
  void aDeadLetterTopicThatTakesLessGetsShorterDeadLettersAndTheJobKeepsRunning() throws Exception {
    E2E.kafka().createTopic("small-frames", 1);
    E2E.kafka().createTopic("small-predictions", 1);
    E2E.kafka().createTopic("small-rejected", 1, Map.of("max.message.bytes", "200000"));
    byte[] junk = new byte[600_000];
    new java.util.SplittableRandom(3).nextBytes(junk);
    junk[0] = 0x42;
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(new ProducerRecord<>("small-frames", HostileCorpus.key("s"), junk)).get();
      producer.send(new ProducerRecord<>("small-frames", HostileCorpus.key("s"), TestStream.bytes(TestStream.frame("s", 0)))).get();
    }
    JobClient job = JobOnKafka.start(E2E.config("small", "--generation-frames", "1", "--generation-targets", "4",
        "--batch-max-size", "64", "--memory-epochs", "10", "--checkpoint-interval", "500ms", "--parallelism", "1",
        "--restart-strategy", "NONE"), "small-dead-letters");
    List<RejectedFrame> rejected;
    int predictions;
    JobStatus status;
    try {
      predictions = TestStream.readCommitted(E2E.kafka().bootstrapServers(), "small-predictions", 1, Duration.ofSeconds(60)).size();
      rejected = TestStream.rejected(TestStream.readCommitted(E2E.kafka().bootstrapServers(), "small-rejected", 1,
          Duration.ofSeconds(10)));
      status = job.getJobStatus().get();
    } finally {
      job.cancel().get();
    }
    assertEquals(JobStatus.RUNNING, status);
    assertEquals(1, predictions, "the frame after the large bad record is predicted");
    assertEquals(1, rejected.size());
    RejectedFrame r = rejected.get(0);
    assertTrue(r.getOriginalValueTruncated());
    assertEquals(junk.length, (int) r.getOriginalValueLength());
    assertTrue(r.getOriginalValue().remaining() < 200_000 && r.getOriginalValue().remaining() > 150_000,
        "as much of the original as the topic takes: " + r.getOriginalValue().remaining());
  }

  /** The dead letter carries the original bytes, or their prefix with the full length and sha256. */
  private static void checkOriginal(HostileCorpus.Case c, RejectedFrame r) throws Exception {
    if (c.value() == null) {
      assertEquals(null, r.getOriginalValue(), c.toString());
      return;
    }
    byte[] carried = WireFormat.bytes(r.getOriginalValue());
    assertEquals(c.value().length, (int) r.getOriginalValueLength(), c.toString());
    assertTrue(Arrays.equals(MessageDigest.getInstance("SHA-256").digest(c.value()),
        WireFormat.bytes(r.getOriginalValueSha256())), c + ": sha256 of the whole value");
    int cap = JobConfig.DEFAULT_DEAD_LETTER_ORIGINAL_BYTES;
    assertEquals(c.value().length > cap, r.getOriginalValueTruncated(), c.toString());
    assertTrue(Arrays.equals(Arrays.copyOf(c.value(), Math.min(cap, c.value().length)), carried), c + ": original prefix");
    if (c.key() != null) {
      assertEquals(c.key().length > DeadLetters.MAX_KEY_BYTES, r.getOriginalKeyTruncated(), c.toString());
      assertEquals(c.key().length, (int) r.getOriginalKeyLength(), c.toString());
    }
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, E2E.kafka().bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "4194304");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** The person id of an accepted corpus record. */
  static final class FaceFramePerson {
    static String of(byte[] value) throws Exception {
      return dev.paffmem.schema.FaceFrame.fromByteBuffer(ByteBuffer.wrap(value)).getPersonId();
    }
  }
}
