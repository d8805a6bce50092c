package dev.paffmem.job.sink;

import dev.paffmem.schema.RejectedFrame;
import dev.paffmem.schema.WireFormat;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** RejectedFrame to the dead-letter topic: key = the original record's key bytes, value = Avro single-object encoding. */
public final class RejectedFrameSerializer implements KafkaRecordSerializationSchema<RejectedFrame> {
  private static final long serialVersionUID = 1L;
  private final String topic;

  public RejectedFrameSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(RejectedFrame r, KafkaSinkContext context, Long timestamp) {
    byte[] key = r.getOriginalKey() == null ? null : WireFormat.bytes(r.getOriginalKey());
    return new ProducerRecord<>(topic, key, WireFormat.encode(r::toByteBuffer));
  }
}
