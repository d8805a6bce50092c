package dev.paffmem.job.sink;

import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.WireFormat;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * AffectPrediction to Kafka: key = person id (UTF-8), value = Avro single-object encoding. The record
 * timestamp is left to the producer (now): the frame's event time is in the value, and as a Kafka
 * timestamp an old event time (a replayed video) would make the broker's time retention delete the
 * predictions right after they are written.
 */
public final class PredictionSerializer implements KafkaRecordSerializationSchema<AffectPrediction> {
  private static final long serialVersionUID = 1L;
  private final String topic;

  public PredictionSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(AffectPrediction p, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(topic, p.getPersonId().getBytes(StandardCharsets.UTF_8), WireFormat.encode(p::toByteBuffer));
  }
}
