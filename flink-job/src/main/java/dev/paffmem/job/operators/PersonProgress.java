package dev.paffmem.job.operators;

/** Keyed state of the sequencer for one person. (A Flink POJO.) */
public class PersonProgress {
  /** Highest frame index accepted so far. */
  public long lastFrameIndex = -1;
  /** Frames accepted so far; the first --generation-frames of them are GENERATING. */
  public long acceptedFrames;
  /** Processing time of the last accepted frame, for the idle TTL. */
  public long lastSeen;
  /**
   * {@code ModelIdentity.key()} of the model the person was onboarded with; null in states written before it
   * was recorded (such a person is onboarded again, as after a model change).
   */
  public String model;

  public PersonProgress() {}
}
