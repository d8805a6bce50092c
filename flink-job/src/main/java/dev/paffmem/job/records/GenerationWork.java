package dev.paffmem.job.records;

/**
 * One frame's pending generation: what the generator needs to edit it to every target, kept in the
 * inference operator's keyed state until its edits are emitted (so a checkpoint holds it and a restore
 * redoes it identically). Never modified once made: the heap state backend holds it by reference.
 * (A Flink POJO: public fields and a no-argument constructor.)
 */
public class GenerationWork {
  public String personId;
  public long frameIndex;
  /** The frame's ordinal among the person's accepted frames (0 .. generation frames - 1). */
  public long ordinal;
  /** The frame's RGB8 pixels at the model's input size: the input of an image-conditioned generator. */
  public byte[] rgb;
  /** The encoder's z of the frame: the input of a z-conditioned generator. */
  public float[] z;

  public GenerationWork() {}

  public GenerationWork(String personId, long frameIndex, long ordinal, byte[] rgb, float[] z) {
    this.personId = personId;
    this.frameIndex = frameIndex;
    this.ordinal = ordinal;
    this.rgb = rgb;
    this.z = z;
  }
}
