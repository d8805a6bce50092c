package dev.paffmem.job.sink;

import dev.paffmem.schema.RejectedFrame;
import dev.paffmem.schema.WireFormat;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * RejectedFrame to the dead-letter topic, made to fit by {@link DeadLetters#fit}: key = the original
 * record's key bytes (at most {@link DeadLetters#MAX_KEY_BYTES}), value = Avro single-object encoding.
 */
public final class RejectedFrameSerializer implements KafkaRecordSerializationSchema<RejectedFrame> {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private final int maxOriginalBytes;

  public RejectedFrameSerializer(String topic, int maxOriginalBytes) {
    this.topic = topic;
    this.maxOriginalBytes = maxOriginalBytes;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(RejectedFrame rejected, KafkaSinkContext context, Long timestamp) {
    RejectedFrame r = DeadLetters.fit(rejected, maxOriginalBytes);
    byte[] key = r.getOriginalKey() == null ? null : WireFormat.bytes(r.getOriginalKey());
    return new ProducerRecord<>(topic, key, WireFormat.encode(r::toByteBuffer));
  }
}
