package dev.paffmem.job.ingest;

import dev.paffmem.job.records.KafkaRecordBytes;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.flink.util.Collector;

/** Keeps every Kafka record as raw bytes plus topic, partition and offset; decoding happens in {@link FrameValidator}. */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<KafkaRecordBytes> {
  private static final long serialVersionUID = 1L;

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaRecordBytes> out) {
    out.collect(new KafkaRecordBytes(record.topic(), record.partition(), record.offset(), record.timestamp(),
        record.key(), record.value()));
  }

  @Override
  public TypeInformation<KafkaRecordBytes> getProducedType() {
    return TypeInformation.of(KafkaRecordBytes.class);
  }
}
