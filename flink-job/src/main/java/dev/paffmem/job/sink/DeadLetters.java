package dev.paffmem.job.sink;

import dev.paffmem.job.config.ConfigException;
import dev.paffmem.schema.RejectReason;
import dev.paffmem.schema.RejectedFrame;
import dev.paffmem.schema.WireFormat;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.header.Header;

/**
 * Makes every dead letter fit in one Kafka record, whatever the rejected record was.
 *
 * <p>A dead letter carries the rejected record's key and value. A value longer than
 * {@code --dead-letter-max-original-bytes} is cut to that many first bytes and a key longer than
 * {@link #MAX_KEY_BYTES} to its first bytes; either way the dead letter says so
 * ({@code originalValueTruncated}) and records the full length and the SHA-256 of the whole original.
 * The message is cut to {@link #MAX_MESSAGE_CHARS} and the person id to {@link #MAX_PERSON_ID_CHARS}.
 * So the largest dead letter is known at start-up ({@link #largestRecordBytes}), and
 * {@link #checkFits} refuses a cap that the producer's {@code max.request.size} would reject: a dead letter
 * the producer refuses fails the job, and the same record would fail it again after every restart.
 */
public final class DeadLetters {

  /** Most key bytes a dead letter carries (person ids are short; the key is also the dead letter's Kafka key). */
  public static final int MAX_KEY_BYTES = 1024;
  public static final int MAX_MESSAGE_CHARS = 2000;
  public static final int MAX_PERSON_ID_CHARS = 256;
  /** Kafka's longest topic name. */
  private static final int MAX_TOPIC_CHARS = 249;
  /** The producer's default max.request.size (1 MiB). */
  public static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

  private DeadLetters() {}

  /** The dead letter as written: original bytes capped, their full length and sha256 recorded, texts cut. */
  public static RejectedFrame fit(RejectedFrame r, int maxValueBytes) {
    RejectedFrame.Builder b = RejectedFrame.newBuilder(r);
    b.setMessage(cut(r.getMessage(), MAX_MESSAGE_CHARS));
    b.setPersonId(r.getPersonId() == null ? null : cut(r.getPersonId(), MAX_PERSON_ID_CHARS));
    if (r.getOriginalKey() != null) {
      byte[] key = WireFormat.bytes(r.getOriginalKey());
      b.setOriginalKey(ByteBuffer.wrap(key.length > MAX_KEY_BYTES ? Arrays.copyOf(key, MAX_KEY_BYTES) : key));
      b.setOriginalKeyTruncated(key.length > MAX_KEY_BYTES);
      b.setOriginalKeyLength(key.length);
      b.setOriginalKeySha256(ByteBuffer.wrap(sha256(key)));
    }
    if (r.getOriginalValue() != null) {
      byte[] value = WireFormat.bytes(r.getOriginalValue());
      b.setOriginalValue(ByteBuffer.wrap(value.length > maxValueBytes ? Arrays.copyOf(value, maxValueBytes) : value));
      b.setOriginalValueTruncated(value.length > maxValueBytes);
      b.setOriginalValueLength(value.length);
      b.setOriginalValueSha256(ByteBuffer.wrap(sha256(value)));
    }
    return b.build();
  }

  /** Cuts {@code s} to at most {@code max} chars, never between the two halves of a surrogate pair. */
  static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max - 1; // room for the ellipsis
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "\u2026";
  }

  /**
   * The producer's size estimate (Kafka's own upper bound, batch overhead included) of the largest dead
   * letter {@link #fit} can produce for this cap: every field at its longest, texts of 3-byte UTF-8 characters.
   */
  public static int largestRecordBytes(int maxValueBytes) {
    String wide = "\u20ac"; // 3 bytes in UTF-8, the most a char outside a surrogate pair takes
    byte[] key = new byte[MAX_KEY_BYTES];
    RejectedFrame worst = RejectedFrame.newBuilder()
        .setReason(RejectReason.LABEL_OUT_OF_RANGE)
        .setMessage(wide.repeat(MAX_MESSAGE_CHARS))
        .setSourceTopic("t".repeat(MAX_TOPIC_CHARS))
        .setPartition(Integer.MAX_VALUE).setOffset(Long.MAX_VALUE)
        .setOriginalKey(ByteBuffer.wrap(key)).setOriginalKeyTruncated(true).setOriginalKeyLength(Integer.MAX_VALUE)
        .setOriginalKeySha256(ByteBuffer.wrap(new byte[32]))
        .setOriginalValue(ByteBuffer.wrap(new byte[maxValueBytes])).setOriginalValueTruncated(true)
        .setOriginalValueLength(Integer.MAX_VALUE).setOriginalValueSha256(ByteBuffer.wrap(new byte[32]))
        .setPersonId(wide.repeat(MAX_PERSON_ID_CHARS)).setFrameIndex(Long.MAX_VALUE)
        .setRejectedAt(Instant.ofEpochMilli(Long.MAX_VALUE))
        .build();
    byte[] value = WireFormat.encode(worst::toByteBuffer);
    return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
        key, value, new Header[0]);
  }

  /** The producer's {@code max.request.size}: the {@code --kafka-property} value, or Kafka's default. */
  public static int maxRequestSize(Map<String, String> kafkaProperties) {
    String v = kafkaProperties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    if (v == null) {
      return DEFAULT_MAX_REQUEST_SIZE;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException("--kafka-property max.request.size=" + v + " is not a number of bytes");
    }
  }

  /**
   * Refuses, at start-up, a {@code --dead-letter-max-original-bytes} whose largest dead letter the producer
   * would reject ({@code RecordTooLargeException}); names both settings and the largest cap that fits.
   */
  public static void checkFits(int maxValueBytes, Map<String, String> kafkaProperties) {
    int limit = maxRequestSize(kafkaProperties);
    int largest = largestRecordBytes(maxValueBytes);
    if (largest > limit) {
      int overhead = largest - maxValueBytes;
      throw new ConfigException("--dead-letter-max-original-bytes " + maxValueBytes + " makes dead letters of up to "
          + largest + " bytes, over the producer's max.request.size " + limit + " (--kafka-property max.request.size);"
          + " use at most " + Math.max(0, limit - overhead) + " or raise max.request.size (and the dead-letter topic's"
          + " max.message.bytes)");
    }
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
