package dev.paffmem.dashboard;

import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.RejectedFrame;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the prediction and dead-letter topics into an {@link Aggregator}, on one thread.
 *
 * <p>Read-only by construction: a consumer with {@code isolation.level=read_committed} (only predictions of
 * committed transactions: what exactly-once consumers see), no consumer group (partitions are assigned,
 * nothing is committed, the job's groups are untouched), no topic auto-creation. It starts {@code lookback}
 * before now, picks up topics and partitions that appear later, and measures the input topic's rate from its
 * end offsets (metadata only: it never reads the faces). Records that do not decode are counted, never fatal;
 * an unreachable broker is reported in the feed status and retried.
 */
public final class KafkaFeed implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaFeed.class);
  private static final Duration METADATA_EVERY = Duration.ofSeconds(5);
  private static final Duration OFFSETS_EVERY = Duration.ofSeconds(1);

  private final Aggregator aggregator;
  private final String predictionTopic;
  private final String deadLetterTopic;
  private final String inputTopic;
  private final Duration lookback;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean started;

  /**
   * @param bootstrapServers the Kafka to read
   * @param kafkaProperties  extra client properties (SASL/SSL); the read-only ones above always win
   * @param inputTopic       the job's input topic, for frames per second in (null: not shown)
   */
  public KafkaFeed(Aggregator aggregator, String bootstrapServers, Map<String, String> kafkaProperties,
      String predictionTopic, String deadLetterTopic, String inputTopic, Duration lookback) {
    this.aggregator = aggregator;
    this.predictionTopic = predictionTopic;
    this.deadLetterTopic = deadLetterTopic;
    this.inputTopic = inputTopic;
    this.lookback = lookback;
    this.consumer = new KafkaConsumer<>(consumerProperties(bootstrapServers, kafkaProperties),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "dashboard-kafka-feed");
    thread.setDaemon(true);
  }

  static Properties consumerProperties(String bootstrapServers, Map<String, String> extra) {
    Properties p = new Properties();
    p.putAll(extra);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "paffmem-dashboard");
    p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    p.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return p;
  }

  public KafkaFeed start() {
    started = true;
    thread.start();
    return this;
  }

  private void run() {
    Set<TopicPartition> assigned = new HashSet<>();
    List<TopicPartition> inputPartitions = List.of();
    long nextMetadata = 0;
    long nextOffsets = 0;
    String error = null;
    while (running) {
      try {
        long now = System.currentTimeMillis();
        if (now >= nextMetadata) {
          Map<String, List<PartitionInfo>> topics = consumer.listTopics(Duration.ofSeconds(5));
          assignNew(topics, assigned, now);
          inputPartitions = partitions(topics, inputTopic);
          nextMetadata = now + METADATA_EVERY.toMillis();
          List<String> missing = new ArrayList<>();
          for (String t : List.of(predictionTopic, deadLetterTopic)) {
            if (!topics.containsKey(t)) {
              missing.add(t);
            }
          }
          error = missing.isEmpty() ? null : "waiting for topic " + String.join(", ", missing);
          if (assigned.isEmpty()) {
            aggregator.onFeedStatus(new Aggregator.FeedStatus(true, error, 0, !inputPartitions.isEmpty()));
            sleep(500);
            continue;
          }
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          accept(r, System.currentTimeMillis());
        }
        now = System.currentTimeMillis();
        if (now >= nextOffsets) {
          long lag = 0;
          for (Map.Entry<TopicPartition, Long> e : consumer.endOffsets(assigned).entrySet()) {
            lag += Math.max(0, e.getValue() - consumer.position(e.getKey()));
          }
          if (!inputPartitions.isEmpty()) {
            long sum = 0;
            for (long end : consumer.endOffsets(inputPartitions).values()) {
              sum += end;
            }
            aggregator.onInputEndOffsets(sum, now);
          }
          aggregator.onFeedStatus(new Aggregator.FeedStatus(true, error, lag, !inputPartitions.isEmpty()));
          nextOffsets = now + OFFSETS_EVERY.toMillis();
        }
      } catch (WakeupException e) {
        break;
      } catch (RuntimeException e) {
        if (!running) {
          break;
        }
        LOG.warn("Kafka: {}", e.toString());
        aggregator.onFeedStatus(new Aggregator.FeedStatus(false, "Kafka: " + e.getMessage(), 0, false));
        nextMetadata = 0;
        sleep(1000);
      }
    }
    consumer.close(Duration.ofSeconds(2));
  }

  private static List<TopicPartition> partitions(Map<String, List<PartitionInfo>> topics, String topic) {
    if (topic == null || !topics.containsKey(topic)) {
      return List.of();
    }
    return topics.get(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
  }

  /** Adds partitions not yet assigned, starting each at {@code lookback} before now (or its end). */
  private void assignNew(Map<String, List<PartitionInfo>> topics, Set<TopicPartition> assigned, long now) {
    List<TopicPartition> fresh = new ArrayList<>();
    for (String t : List.of(predictionTopic, deadLetterTopic)) {
      for (TopicPartition tp : partitions(topics, t)) {
        if (!assigned.contains(tp)) {
          fresh.add(tp);
        }
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    assigned.addAll(fresh);
    consumer.assign(assigned);
    Map<TopicPartition, Long> when = new HashMap<>();
    fresh.forEach(tp -> when.put(tp, now - lookback.toMillis()));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(when);
    List<TopicPartition> toEnd = new ArrayList<>();
    for (TopicPartition tp : fresh) {
      OffsetAndTimestamp o = offsets.get(tp);
      if (o != null) {
        consumer.seek(tp, o.offset());
      } else {
        toEnd.add(tp);
      }
    }
    if (!toEnd.isEmpty()) { // an empty list would mean every assigned partition
      consumer.seekToEnd(toEnd);
    }
  }

  private void accept(ConsumerRecord<byte[], byte[]> r, long receivedAt) {
    if (r.value() == null) {
      aggregator.onUnreadable();
      return;
    }
    try {
      if (r.topic().equals(predictionTopic)) {
        aggregator.onPrediction(AffectPrediction.fromByteBuffer(ByteBuffer.wrap(r.value())), receivedAt);
      } else {
        aggregator.onDeadLetter(RejectedFrame.fromByteBuffer(ByteBuffer.wrap(r.value())), receivedAt);
      }
    } catch (Exception e) { // not our schema, or a corrupt record: counted, shown, never fatal
      aggregator.onUnreadable();
    }
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    if (!started) {
      consumer.close(Duration.ZERO);
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
