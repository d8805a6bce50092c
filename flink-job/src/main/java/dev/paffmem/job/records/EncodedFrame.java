package dev.paffmem.job.records;

/**
 * What the inference operator emits, of two kinds. A frame after the PK model: its encoding z and the
 * PK's own prediction (D_em on z), one per accepted frame, emitted at once. Or, later, for each frame of
 * the generation phase ({@link #edits} true): the encodings of its generated (edited) faces with their
 * targets, for the memory to train on; no prediction is made for it.
 * (A Flink POJO: public fields and a no-argument constructor.)
 */
public class EncodedFrame {
  /** True: this carries only the edits of the person's frame {@code frame.ordinal} (and no z). */
  public boolean edits;
  /** The frame, without its pixels and original bytes. */
  public Frame frame;
  /** The encoder's z of the real frame. */
  public float[] z;
  public float pkArousal;
  public float pkValence;
  /**
   * The regions' band readings of the real frame ({@code --bias-correction regions}: each band's (arousal, valence),
   * band-major); empty otherwise and on edits.
   */
  public float[] bands = new float[0];
  /**
   * The person's bias estimate as of this frame, to subtract from its prediction (set by the memory stage with
   * {@code --bias-correction regions}, kept with a frame that waits; 0 otherwise).
   */
  public float biasArousal;
  public float biasValence;
  /** z of each generated face, {@code targets * zDim} values (empty outside the generation phase). */
  public float[] generatedZ = new float[0];
  /** (arousal, valence) target of each generated face, {@code 2 * targets} values. */
  public float[] generatedTargets = new float[0];
  /** D_em's (arousal, valence) reading of each generated face, {@code 2 * targets} values (the memory's residuals). */
  public float[] generatedPk = new float[0];
  /** Inference time spent generating and encoding this frame's edited faces. */
  public long generationNanos;

  public EncodedFrame() {}

  public int generatedCount() {
    return generatedTargets.length / 2;
  }
}
