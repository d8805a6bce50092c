package dev.paffmem.job.inference;

/**
 * The (arousal, valence) targets the generator edits each generation frame to (paper 2.2: "200
 * edited images with combinations of arousal and valence within [-1, 1]").
 *
 * <p>The paper does not define the 2-D set, so this is the Halton sequence with bases 2 (arousal)
 * and 3 (valence), points 1..n, mapped from [0, 1) to [-1, 1): a deterministic low-discrepancy set
 * that covers the square evenly for any n (a grid only does so for square numbers), and whose first
 * points are a coarse cover that later points refine. Point 1 is (0, -1/3).
 */
public final class GenerationTargets {

  private GenerationTargets() {}

  /** {@code n} targets as interleaved (arousal, valence) pairs. */
  public static float[] halton(int n) {
    float[] out = new float[2 * n];
    for (int i = 0; i < n; i++) {
      out[2 * i] = (float) (2 * radicalInverse(i + 1, 2) - 1);
      out[2 * i + 1] = (float) (2 * radicalInverse(i + 1, 3) - 1);
    }
    return out;
  }

  /** Van der Corput radical inverse of {@code i} in {@code base}, in [0, 1). */
  static double radicalInverse(int i, int base) {
    double inv = 1.0 / base;
    double f = inv;
    double r = 0;
    while (i > 0) {
      r += f * (i % base);
      i /= base;
      f *= inv;
    }
    return r;
  }
}
