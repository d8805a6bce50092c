package dev.paffmem.memory;

import java.util.Objects;

/**
 * One training sample: an encoder output z, labelled with the (arousal, valence) it was generated
 * for (an edited face from the prior-knowledge model) or unlabelled (a real frame).
 *
 * <p>The memory copies what it keeps; it reads {@code z} during {@code train} only, so the caller
 * must not change the array while a {@code train} call runs. Unlabelled samples carry NaN labels,
 * which the memory never reads.
 *
 * @param z the encoder's latent vector; its length must equal the memory's dimension
 * @param arousal target arousal in [-1, 1] if labelled, NaN otherwise
 * @param valence target valence in [-1, 1] if labelled, NaN otherwise
 * @param labelled whether the labels are targets that may move the memory's labels
 * @param pkArousal the prior-knowledge model's (D_em's) arousal reading of z, or NaN if not given
 * @param pkValence the prior-knowledge model's valence reading of z, or NaN if not given; a labelled sample
 *     with both readings teaches its neuron the residual (label minus reading) that the
 *     {@link MemoryConfig.Readout#RESIDUAL} read-out adds to the PK's prediction
 */
public record Sample(float[] z, float arousal, float valence, boolean labelled, float pkArousal, float pkValence) {

  public Sample(float[] z, float arousal, float valence, boolean labelled) {
    this(z, arousal, valence, labelled, Float.NaN, Float.NaN);
  }

  public Sample {
    Objects.requireNonNull(z, "z");
    if (labelled && !(inLabelRange(arousal) && inLabelRange(valence))) {
      throw new IllegalArgumentException(
          "labels of a labelled sample must be in [-1, 1], were arousal=" + arousal + ", valence=" + valence);
    }
  }

  /** A generated face with its target labels, each in [-1, 1]. */
  public static Sample labelled(float[] z, float arousal, float valence) {
    return new Sample(z, arousal, valence, true);
  }

  /**
   * A generated face with its target labels and the PK's reading of it (D_em of its z), each in [-1, 1]:
   * the neuron that learns it also learns the residual target minus reading.
   */
  public static Sample labelled(float[] z, float arousal, float valence, float pkArousal, float pkValence) {
    return new Sample(z, arousal, valence, true, pkArousal, pkValence);
  }

  /** Whether this sample carries the PK's reading (both finite): it then teaches a residual. */
  public boolean hasPkReading() {
    return Float.isFinite(pkArousal) && Float.isFinite(pkValence);
  }

  /** A real frame: it moves prototypes and never labels. */
  public static Sample unlabelled(float[] z) {
    return new Sample(z, Float.NaN, Float.NaN, false);
  }

  private static boolean inLabelRange(float v) {
    return v >= -1f && v <= 1f;
  }
}
