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
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * {@link #checkFits} refuses a cap that the producer's {@code max.request.size} would reject, and
 * {@link #capForTopic} lowers it to what the dead-letter topic's {@code max.message.bytes} takes: a dead
 * letter that Kafka refuses fails the job, and the same record would fail it again after every restart.
 */
public final class DeadLetters {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

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

  /** The largest cap whose largest dead letter takes at most {@code limit} bytes (0 if none does). */
  public static int largestCapWithin(int limit) {
    int cap = Math.max(0, limit - largestRecordBytes(0));
    while (cap > 0 && largestRecordBytes(cap) > limit) {
      cap -= 8; // the value's length prefix grows by at most 4 bytes
    }
    return Math.max(0, cap);
  }

  /**
   * The cap to use against the dead-letter topic as it is: {@code configured}, or less when the topic's
   * {@code max.message.bytes} (the broker's {@code message.max.bytes} for a topic not created yet) is
   * smaller, so the broker never refuses a dead letter (which would fail the job on the same record after
   * every restart). Asks the broker once, at start-up; if it cannot be asked within 10 s, keeps
   * {@code configured} and says so.
   */
  public static int capForTopic(int configured, String topic, Properties adminProperties) {
    Integer limit = null;
    try (Admin admin = Admin.create(adminProperties)) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      try {
        Config config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
        ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        limit = entry == null ? null : Integer.valueOf(entry.value());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        Collection<Node> nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        if (!nodes.isEmpty()) {
          ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
          ConfigEntry entry = admin.describeConfigs(List.of(broker)).all().get(10, TimeUnit.SECONDS).get(broker)
              .get("message.max.bytes");
          limit = entry == null ? null : Integer.valueOf(entry.value());
        }
      }
    } catch (Exception e) {
      LOG.warn("Could not read the dead-letter topic {}'s max.message.bytes ({}); dead letters carry up to {} original"
          + " bytes: make sure the topic takes records of {} bytes", topic, e.toString(), configured,
          largestRecordBytes(configured));
      return configured;
    }
    if (limit == null || largestRecordBytes(configured) <= limit) {
      return configured;
    }
    int cap = largestCapWithin(limit);
    LOG.warn("The dead-letter topic {} takes records of at most {} bytes (max.message.bytes): dead letters carry at"
        + " most {} original bytes instead of --dead-letter-max-original-bytes {}", topic, limit, cap, configured);
    return cap;
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
