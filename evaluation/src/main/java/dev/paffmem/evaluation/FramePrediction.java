package dev.paffmem.evaluation;

/**
 * One frame's outcome, read back from the job's AffectPrediction: ground truth, the PK alone (D_em on
 * the encoder's z) and P-AffMem (the label of the best-matching unit of the video's affective memory).
 * Arousal and valence in [-1, 1].
 */
public record FramePrediction(String video, String utterance, long frame, String personType, String phase,
    int memorySize, double bmuActivation, double trueArousal, double trueValence, double pkArousal,
    double pkValence, double arousal, double valence) {

  /** The two models compared, as in the paper's Table 3. */
  public enum Model {
    PK("PK alone"), PAFFMEM("P-AffMem");

    public final String label;

    Model(String label) {
      this.label = label;
    }
  }

  public double arousalOf(Model m) {
    return m == Model.PK ? pkArousal : arousal;
  }

  public double valenceOf(Model m) {
    return m == Model.PK ? pkValence : valence;
  }
}
