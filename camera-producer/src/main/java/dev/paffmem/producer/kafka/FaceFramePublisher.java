package dev.paffmem.producer.kafka;

import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends FaceFrames to Kafka: key = person id (UTF-8), value = Avro single-object encoding. One producer for all
 * cameras (it is thread-safe): idempotent ({@code enable.idempotence}, {@code acks=all}: a retried send is written
 * once, in order per partition), lz4-compressed batches. When the broker is slower than the cameras, {@code send}
 * blocks once the producer's buffer is full (bounded: {@code buffer.memory}), which backs up into the cameras' frame
 * queues, where live sources drop frames (counted).
 */
public final class FaceFramePublisher implements AutoCloseable {

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicReference<Exception> firstError = new AtomicReference<>();

  public FaceFramePublisher(String bootstrapServers, String topic, Map<String, String> extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(32L * 1024 * 1024));
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "paffmem-camera-producer");
    p.putAll(extra);
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
  }

  /** Sends one frame (asynchronously; blocks only while the producer's buffer is full). */
  public void send(FaceFrame frame) {
    byte[] value = WireFormat.encode(frame::toByteBuffer);
    byte[] key = frame.getPersonId().getBytes(StandardCharsets.UTF_8);
    sent.incrementAndGet();
    bytes.addAndGet(value.length);
    producer.send(new ProducerRecord<>(topic, key, value), (meta, e) -> {
      if (e == null) {
        acked.incrementAndGet();
      } else {
        failed.incrementAndGet();
        firstError.compareAndSet(null, e);
      }
    });
  }

  public long sent() {
    return sent.get();
  }

  public long acked() {
    return acked.get();
  }

  public long failed() {
    return failed.get();
  }

  public long bytes() {
    return bytes.get();
  }

  public Exception firstError() {
    return firstError.get();
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
