package dev.paffmem.job.ingest;

import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.schema.RejectReason;
import dev.paffmem.schema.RejectedFrame;
import java.nio.ByteBuffer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/** The side output for records that cannot be used, and how a RejectedFrame is made. */
public final class Rejections {

  /** Side output of the validator and the sequencer, sunk to the dead-letter topic. */
  public static final OutputTag<RejectedFrame> TAG = new OutputTag<>("rejected", new AvroTypeInfo<>(RejectedFrame.class));

  private Rejections() {}

  /** A dead letter carrying the original bytes of {@code source}. */
  public static RejectedFrame of(RejectReason reason, String message, KafkaRecordBytes source, String personId,
      Long frameIndex, long now) {
    return RejectedFrame.newBuilder()
        .setReason(reason)
        .setMessage(message)
        .setSourceTopic(source.topic == null ? "" : source.topic)
        .setPartition(source.partition)
        .setOffset(source.offset)
        .setOriginalKey(source.key == null ? null : ByteBuffer.wrap(source.key))
        .setOriginalValue(source.value == null ? null : ByteBuffer.wrap(source.value))
        .setPersonId(personId)
        .setFrameIndex(frameIndex)
        .setRejectedAt(java.time.Instant.ofEpochMilli(now))
        .build();
  }
}
