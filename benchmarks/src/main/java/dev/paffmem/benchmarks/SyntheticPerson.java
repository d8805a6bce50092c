package dev.paffmem.benchmarks;

import dev.paffmem.memory.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A made-up person seen through a made-up encoder, for measuring the memory without the models.
 *
 * <p>z = tanh(identity + A y + B g(y) + P slow_t + Q fast_t + noise), 50-d, where
 * y = (arousal, valence), g(y) = (sin(pi a), sin(pi v), a v) makes the expression map non-linear,
 * slow_t is a 4-d AR(1) walk with coefficient 0.995 (head pose, light) and fast_t a 4-d AR(1) with
 * coefficient 0.8 (speech, blinks), both with unit stationary variance. Scales (per dimension):
 * identity 0.4, A 0.35, B 0.2, P 0.25, Q 0.15, noise 0.05. A generated (edited) face of frame t for target y is the same person in the same
 * pose with expression 0.8 y + 0.2 y_t (the edit keeps some of the real expression y_t) plus a
 * fixed generator bias of 0.1 per dimension (domain gap). The real expression y_t is a slow AR(1)
 * walk in [-1, 1]^2. The 200 generation targets are the first 200 points of the R2
 * low-discrepancy sequence mapped to [-1, 1]^2.
 *
 * <p>These numbers are assumptions, not measurements of the real encoder: they make distances in
 * z comparable to the memory's insertion radius -ln(a_T) = 0.92, as tanh outputs of a 50-d
 * encoder would be.
 */
public final class SyntheticPerson {
  public static final int DIMENSION = 50;
  public static final int GENERATED_PER_FRAME = 200;

  private final SplittableRandom random;
  private final double[] identity = new double[DIMENSION];
  private final double[] generatorBias = new double[DIMENSION];
  private final double[][] a = new double[DIMENSION][2];
  private final double[][] b = new double[DIMENSION][3];
  private final double[][] p = new double[DIMENSION][4];
  private final double[][] q = new double[DIMENSION][4];
  private final double[] slow = new double[4];
  private final double[] fast = new double[4];
  private double trueArousal;
  private double trueValence;

  public SyntheticPerson(long seed) {
    random = new SplittableRandom(seed);
    for (int i = 0; i < DIMENSION; i++) {
      identity[i] = 0.4 * gaussian();
      generatorBias[i] = 0.1 * gaussian();
      for (int k = 0; k < 2; k++) {
        a[i][k] = 0.35 * gaussian();
      }
      for (int k = 0; k < 3; k++) {
        b[i][k] = 0.2 * gaussian();
      }
      for (int k = 0; k < 4; k++) {
        p[i][k] = 0.25 * gaussian();
        q[i][k] = 0.15 * gaussian();
      }
    }
    trueArousal = 2 * random.nextDouble() - 1;
    trueValence = 2 * random.nextDouble() - 1;
    for (int k = 0; k < 4; k++) {
      slow[k] = gaussian();
      fast[k] = gaussian();
    }
  }

  /** Moves pose and true expression on by one frame (25 fps). */
  public void advance() {
    for (int k = 0; k < 4; k++) {
      slow[k] = 0.995 * slow[k] + Math.sqrt(1 - 0.995 * 0.995) * gaussian();
      fast[k] = 0.8 * fast[k] + 0.6 * gaussian();
    }
    trueArousal = clamp(0.995 * trueArousal + 0.03 * gaussian());
    trueValence = clamp(0.995 * trueValence + 0.03 * gaussian());
  }

  public float trueArousal() {
    return (float) trueArousal;
  }

  public float trueValence() {
    return (float) trueValence;
  }

  /** The encoder's z of the current real frame. */
  public float[] realZ() {
    return z(trueArousal, trueValence, false);
  }

  /** The 200 edited faces of the current frame (labelled with their targets) and the real frame. */
  public List<Sample> generationFrame() {
    List<Sample> samples = new ArrayList<>(GENERATED_PER_FRAME + 1);
    for (int i = 0; i < GENERATED_PER_FRAME; i++) {
      float ta = (float) (2 * frac(0.5 + (i + 1) * 0.7548776662466927) - 1);
      float tv = (float) (2 * frac(0.5 + (i + 1) * 0.5698402909980532) - 1);
      double ea = 0.8 * ta + 0.2 * trueArousal;
      double ev = 0.8 * tv + 0.2 * trueValence;
      samples.add(Sample.labelled(z(ea, ev, true), ta, tv));
    }
    samples.add(Sample.unlabelled(realZ()));
    return samples;
  }

  private float[] z(double arousal, double valence, boolean generated) {
    double g0 = Math.sin(Math.PI * arousal);
    double g1 = Math.sin(Math.PI * valence);
    double g2 = arousal * valence;
    float[] z = new float[DIMENSION];
    for (int i = 0; i < DIMENSION; i++) {
      double u = identity[i] + a[i][0] * arousal + a[i][1] * valence
          + b[i][0] * g0 + b[i][1] * g1 + b[i][2] * g2
          + p[i][0] * slow[0] + p[i][1] * slow[1] + p[i][2] * slow[2] + p[i][3] * slow[3]
          + q[i][0] * fast[0] + q[i][1] * fast[1] + q[i][2] * fast[2] + q[i][3] * fast[3]
          + 0.05 * gaussian() + (generated ? generatorBias[i] : 0);
      z[i] = (float) Math.tanh(u);
    }
    return z;
  }

  private double gaussian() {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static double frac(double x) {
    return x - Math.floor(x);
  }

  private static double clamp(double v) {
    return Math.max(-1, Math.min(1, v));
  }
}
