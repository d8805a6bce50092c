package dev.paffmem.evaluation;

/**
 * OMG-Emotion's arousal scale. The job (and FaceFrame, AffectPrediction) use arousal in [-1, 1]; the
 * OMG-Emotion CSVs use [0, 1]. The synthetic dataset maps {@code a -> (a + 1) / 2} (its
 * {@code arousal_omg} column), so predictions written for the official script are mapped the same way.
 * Valence is in [-1, 1] on both sides.
 *
 * <p>CCC is unchanged when prediction and truth go through the same affine map, so scores computed on
 * [-1, 1] equal those of the official script on [0, 1].
 */
public final class OmgArousal {

  private OmgArousal() {}

  /** Job arousal in [-1, 1] to OMG arousal in [0, 1]. */
  public static double toOmg(double arousal) {
    return (arousal + 1) / 2;
  }

  /** OMG arousal in [0, 1] to job arousal in [-1, 1]. */
  public static double fromOmg(double omgArousal) {
    return 2 * omgArousal - 1;
  }
}
