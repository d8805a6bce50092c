package dev.paffmem.job.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.config.ConfigException;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.ingest.Rejections;
import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.schema.RejectReason;
import dev.paffmem.schema.RejectedFrame;
import dev.paffmem.schema.WireFormat;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** Dead letters always fit Kafka's default max.request.size, and say what they cut. */
class DeadLettersTest {

  private static RejectedFrame rejected(byte[] key, byte[] value, String message) {
    return Rejections.of(RejectReason.UNDECODABLE_RECORD, message,
        new KafkaRecordBytes("face-frames", 3, 42L, 0L, key, value), null, null, 7L);
  }

  private static int producerSize(ProducerRecord<byte[], byte[]> r) {
    return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
        r.key(), r.value(), new Header[0]);
  }

  @Test
  void theIssuesPoisonRecordNowFitsWithItsPrefixLengthAndSha256() throws Exception {
    byte[] value = new byte[1_048_500]; // under the broker's and the job's limits; its dead letter used not to fit
    new SplittableRandom(1).nextBytes(value);
    RejectedFrameSerializer serializer = new RejectedFrameSerializer("dead", JobConfig.DEFAULT_DEAD_LETTER_ORIGINAL_BYTES);
    ProducerRecord<byte[], byte[]> record = serializer.serialize(rejected("p".getBytes(), value, "bad"), null, null);
    assertTrue(producerSize(record) <= DeadLetters.DEFAULT_MAX_REQUEST_SIZE, producerSize(record) + " bytes");

    RejectedFrame letter = RejectedFrame.fromByteBuffer(ByteBuffer.wrap(record.value()));
    assertTrue(letter.getOriginalValueTruncated());
    assertEquals(value.length, letter.getOriginalValueLength());
    assertArrayEquals(Arrays.copyOf(value, JobConfig.DEFAULT_DEAD_LETTER_ORIGINAL_BYTES), WireFormat.bytes(letter.getOriginalValue()));
    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(value), WireFormat.bytes(letter.getOriginalValueSha256()));
    assertEquals(42L, letter.getOffset());
    assertEquals(3, letter.getPartition());
  }

  @Test
  void smallRecordsAreCarriedWholeAndHugeKeysAndTextsAreCut() throws Exception {
    byte[] key = new byte[200_000];
    Arrays.fill(key, (byte) 'k');
    String message = "record key '" + "k".repeat(200_000) + "' is not the personId";
    RejectedFrame letter = DeadLetters.fit(rejected(key, new byte[] {1, 2, 3}, message), 1000);
    assertFalse(letter.getOriginalValueTruncated());
    assertArrayEquals(new byte[] {1, 2, 3}, WireFormat.bytes(letter.getOriginalValue()));
    assertEquals(3, letter.getOriginalValueLength());
    assertTrue(letter.getOriginalKeyTruncated());
    assertEquals(DeadLetters.MAX_KEY_BYTES, letter.getOriginalKey().remaining());
    assertEquals(200_000, letter.getOriginalKeyLength());
    assertEquals(DeadLetters.MAX_MESSAGE_CHARS, letter.getMessage().length());
    RejectedFrame tombstone = DeadLetters.fit(rejected(null, null, "no value"), 1000);
    assertEquals(null, tombstone.getOriginalValueLength());
    assertEquals(null, tombstone.getOriginalKeySha256());
  }

  @Test
  void theLargestDeadLetterOfTheDefaultCapFitsAndACapThatCannotFitIsRefusedAtStartUp() {
    int largest = DeadLetters.largestRecordBytes(JobConfig.DEFAULT_DEAD_LETTER_ORIGINAL_BYTES);
    assertTrue(largest <= DeadLetters.DEFAULT_MAX_REQUEST_SIZE, largest + " bytes");
    DeadLetters.checkFits(JobConfig.DEFAULT_DEAD_LETTER_ORIGINAL_BYTES, Map.of());
    ConfigException e = assertThrows(ConfigException.class,
        () -> DeadLetters.checkFits(JobConfig.DEFAULT_DEAD_LETTER_ORIGINAL_BYTES, Map.of("max.request.size", "500000")));
    assertTrue(e.getMessage().contains("--dead-letter-max-original-bytes") && e.getMessage().contains("max.request.size"),
        e.getMessage());
    DeadLetters.checkFits(2_000_000, Map.of("max.request.size", "2100000")); // a raised limit takes a larger cap
  }

  @Test
  void cutNeverSplitsASurrogatePair() {
    String faces = "\uD83D\uDE00".repeat(10);
    String cut = DeadLetters.cut(faces, 6);
    assertFalse(Character.isHighSurrogate(cut.charAt(cut.length() - 2)), cut);
    assertTrue(cut.length() <= 6);
  }
}
