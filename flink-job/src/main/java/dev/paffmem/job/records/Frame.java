package dev.paffmem.job.records;

import dev.paffmem.schema.Phase;

/**
 * A validated face frame: the FaceFrame's fields with the image decoded to the model's input size
 * as RGB8 (row-major, 3 bytes per pixel, R, G, B), plus where it came from. The sequencer sets
 * {@link #phase} and {@link #ordinal} and drops the original bytes.
 * (A Flink POJO: public fields and a no-argument constructor.)
 */
public class Frame {
  public String personId;
  public String sourceId;
  public long frameIndex;
  public long eventTime;
  /** Kafka timestamp of the input record (epoch ms), for end-to-end latency. */
  public long kafkaTimestamp;
  public int width;
  public int height;
  /** RGB8 pixels, {@code height * width * 3} bytes. */
  public byte[] rgb;
  public String videoId;
  public String utteranceId;
  public Float trueArousal;
  public Float trueValence;
  /**
   * The emotion this face is known to show (FaceFrame's {@code enrolment}), both null if it is none: the person's memory
   * keeps it as an enrolled face.
   */
  public Float enrolmentArousal;
  public Float enrolmentValence;

  /** GENERATING for the person's first generation frames, ONLINE after; set by the sequencer. */
  public Phase phase = Phase.UNKNOWN;
  /** How many frames of this person were accepted before this one; set by the sequencer. */
  public long ordinal;

  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;
  /** Original record bytes, kept until the sequencer has accepted the frame (for the dead letter). */
  public byte[] originalKey;
  public byte[] originalValue;

  public Frame() {}

  /** Whether this face carries an enrolment label (its arousal and valence are known and the memory learns them). */
  public boolean enrolled() {
    return enrolmentArousal != null && enrolmentValence != null;
  }

  /** The raw record this frame was decoded from (for a dead letter). */
  public KafkaRecordBytes source() {
    return new KafkaRecordBytes(sourceTopic, sourcePartition, sourceOffset, kafkaTimestamp, originalKey, originalValue);
  }
}
