package dev.paffmem.job.inference.scheduling;

/**
 * The option to skip near-duplicate generation ({@code --generation-skip-near-z}): consecutive video frames are
 * nearly identical, and so are their edits. A generating frame whose z lies within {@code threshold} (Euclidean
 * distance in z) of a frame already edited for the same person is not edited: the memory trains on the frame alone
 * (unlabelled), as on an online frame. The first generating frame of a person is always edited. Plain Java; the
 * job's inference operator and the evaluation's MemorySweep apply the same rule.
 */
public final class NearDuplicateEdits {

  private NearDuplicateEdits() {}

  /** Whether {@code z} lies within {@code threshold} of one of {@code edited} (never with a threshold of 0). */
  public static boolean nearAnEdited(Iterable<float[]> edited, float[] z, double threshold) {
    if (!(threshold > 0) || edited == null) {
      return false;
    }
    double limit = threshold * threshold;
    for (float[] e : edited) {
      double s = 0;
      for (int i = 0; i < z.length && s < limit; i++) {
        double d = z[i] - e[i];
        s += d * d;
      }
      if (s < limit) {
        return true;
      }
    }
    return false;
  }
}
