package dev.paffmem.memory;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A person's PK bias estimated without labels from where the regions of their face disagree (model-export's
 * {@code paffmem_pk.regions}; docs/evaluation/RESULTS.md, "Regions that disagree").
 *
 * <p>An identity-level trait (down-turned mouth corners, low brows, narrow lids, tinted lenses) moves or covers one
 * region of the face the same at every emotion, while a video's mood moves every region together. So the person's
 * running mean, over their frames so far, of (what each band of the face alone reads - what the whole face reads, the
 * PK) carries their anatomy and cancels their mood. A ridge regression fitted on labelled persons maps that mean to
 * the PK's mean error on the person, and the correction to subtract from a prediction is
 *
 * <pre>c = n / (n + n0) * (b + (m - mu) . w)</pre>
 *
 * with n the person's frames so far and m the mean disagreement of those of them whose bands were read (the shrinkage
 * keeps the first frames' noisy mean from moving the prediction much; reading every 25th frame gives the same estimates
 * as reading every frame on the tuning persons, docs/evaluation/RESULTS.md). The readings come band-major, (arousal,
 * valence) per band; the PK's in (arousal, valence).
 *
 * <p>A person's running sums live in a {@code double[]} of {@link #stateSize()} values, {@code [n, sum_0, ...]}, which
 * the caller keeps (in Flink keyed state); this class holds only the fitted parameters. Immutable and thread-safe.
 */
public final class BiasCorrection implements Serializable {

  private static final long serialVersionUID = 1L;

  private final double[] mu;
  private final double[] w;
  private final double[] b;
  private final double n0;

  /**
   * {@code mu}: the fit's mean disagreement (k values, k even: bands x (arousal, valence)); {@code w}: k x 2
   * weights, row-major (row j: disagreement j's weight on the arousal and on the valence correction); {@code b}: the
   * mean PK error of the fit's persons (arousal, valence); {@code n0}: the shrinkage's half-way frame count (>= 0).
   */
  public BiasCorrection(double[] mu, double[] w, double[] b, double n0) {
    if (mu.length == 0 || mu.length % 2 != 0) {
      throw new IllegalArgumentException("mu must have a positive, even length (bands x 2), was " + mu.length);
    }
    if (w.length != 2 * mu.length) {
      throw new IllegalArgumentException("w must have " + mu.length + " x 2 values, was " + w.length);
    }
    if (b.length != 2) {
      throw new IllegalArgumentException("b must have 2 values (arousal, valence), was " + b.length);
    }
    if (!(n0 >= 0) || Double.isInfinite(n0)) {
      throw new IllegalArgumentException("n0 must be finite and >= 0, was " + n0);
    }
    for (double[] a : new double[][] {mu, w, b}) {
      for (double v : a) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("parameters must be finite: " + Arrays.toString(a));
        }
      }
    }
    this.mu = mu.clone();
    this.w = w.clone();
    this.b = b.clone();
    this.n0 = n0;
  }

  /** How many readings a frame's bands give: bands x (arousal, valence). */
  public int readings() {
    return mu.length;
  }

  /** Length of a person's running state: the frame count, then one sum per reading. */
  public int stateSize() {
    return mu.length + 1;
  }

  /** A new person's running state (no frames yet). */
  public double[] newState() {
    return new double[stateSize()];
  }

  /**
   * Adds one frame to a person's running {@code state}, in place: its bands' readings ({@link #readings()} values,
   * band-major, (arousal, valence) each) minus the PK's reading of the whole face. A frame whose readings are not all
   * finite is not counted (it would poison the mean for the rest of the person's stream).
   *
   * @return whether the frame was counted
   */
  public boolean add(double[] state, float[] bands, float pkArousal, float pkValence) {
    checkState(state);
    if (bands.length != mu.length) {
      throw new IllegalArgumentException("expected " + mu.length + " band readings, got " + bands.length);
    }
    if (!Float.isFinite(pkArousal) || !Float.isFinite(pkValence)) {
      return false;
    }
    for (float v : bands) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    state[0] += 1;
    for (int j = 0; j < mu.length; j++) {
      state[1 + j] += bands[j] - (j % 2 == 0 ? pkArousal : pkValence);
    }
    return true;
  }

  /**
   * The correction to subtract from this person's (arousal, valence) after {@code framesSeen} frames of theirs (read
   * or not); zero before their first counted frame.
   */
  public float[] correction(double[] state, long framesSeen) {
    checkState(state);
    double n = state[0];
    if (n <= 0 || framesSeen <= 0) {
      return new float[2];
    }
    double shrink = framesSeen / (framesSeen + n0);
    double[] c = b.clone();
    for (int j = 0; j < mu.length; j++) {
      double d = state[1 + j] / n - mu[j];
      c[0] += d * w[2 * j];
      c[1] += d * w[2 * j + 1];
    }
    return new float[] {(float) (shrink * c[0]), (float) (shrink * c[1])};
  }

  private void checkState(double[] state) {
    if (state.length != stateSize()) {
      throw new IllegalArgumentException("a running state has " + stateSize() + " values, got " + state.length);
    }
  }

  @Override
  public String toString() {
    return "BiasCorrection{readings=" + mu.length + ", n0=" + n0 + ", b=" + Arrays.toString(b) + "}";
  }
}
