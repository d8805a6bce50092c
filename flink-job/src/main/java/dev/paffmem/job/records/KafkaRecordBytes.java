package dev.paffmem.job.records;

/**
 * A Kafka record exactly as read: where it came from and its raw key and value bytes. The job
 * decodes it later, so a record that cannot be used reaches the dead-letter topic unchanged.
 * (A Flink POJO: public fields and a no-argument constructor.)
 */
public class KafkaRecordBytes {
  public String topic;
  public int partition;
  public long offset;
  /** The record's Kafka timestamp (epoch ms). */
  public long timestamp;
  public byte[] key;
  public byte[] value;

  public KafkaRecordBytes() {}

  public KafkaRecordBytes(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
  }
}
