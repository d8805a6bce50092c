package dev.paffmem.memory;

import java.util.Arrays;

/**
 * The enrolled faces of one {@link AffectiveMemory}: the person's own faces at known emotions, each kept as given
 * (weights, label, residual = label minus the PK's reading). Not GWR neurons: no training rule reads or changes
 * them. Stored oldest first (index 0 the oldest) in dense arrays like {@link NeuronGraph}'s; when {@code max} are
 * held, a new face shifts the others down by one and takes the last slot, so the order, and with it the tie rule
 * of the nearest-face search (lower index = older face wins), is the same before and after a state round trip.
 * The shift costs {@code max * dimension} floats per enrolment once full (3,200 at the defaults), rare next to frames.
 */
final class EnrolledFaces {

  final int dim;
  final int max;

  int count;
  float[] weights = new float[0];
  float[] arousal = new float[0];
  float[] valence = new float[0];
  float[] residualArousal = new float[0];
  float[] residualValence = new float[0];

  // the kernel read-out's fit (AffectiveMemory's class comment), derived from the faces: never stored in state,
  // refitted on the first read after any change
  private boolean fitted;
  /** Mean residual of the faces (the regression's constant). */
  double meanArousal;
  double meanValence;
  /** 1 / (2 l^2); 0 when no two faces are apart (then the read-out is the mean residual). */
  double inverseTwoLengthScale2;
  double[] alphaArousal = new double[0];
  double[] alphaValence = new double[0];

  EnrolledFaces(int dim, int max) {
    this.dim = dim;
    this.max = max;
  }

  /** Appends a face (the caller validated it); when {@code max} are held the oldest is dropped first. */
  void add(float[] z, float a, float v, float ra, float rv) {
    if (max == 0) {
      return;
    }
    if (count == max) {
      System.arraycopy(weights, dim, weights, 0, (count - 1) * dim);
      shiftDown(arousal);
      shiftDown(valence);
      shiftDown(residualArousal);
      shiftDown(residualValence);
      count--;
    } else if (count == arousal.length) {
      grow(Math.min(max, Math.max(4, 2 * count)));
    }
    int i = count++;
    fitted = false;
    System.arraycopy(z, 0, weights, i * dim, dim);
    arousal[i] = a;
    valence[i] = v;
    residualArousal[i] = ra;
    residualValence[i] = rv;
  }

  /** Makes room for {@code capacity} faces (the state codec's, before it fills the arrays). */
  void grow(int capacity) {
    if (capacity <= arousal.length) {
      return;
    }
    weights = Arrays.copyOf(weights, capacity * dim);
    arousal = Arrays.copyOf(arousal, capacity);
    valence = Arrays.copyOf(valence, capacity);
    residualArousal = Arrays.copyOf(residualArousal, capacity);
    residualValence = Arrays.copyOf(residualValence, capacity);
  }

  /** Marks the fit stale after the arrays were filled directly (the state codec). */
  void changed() {
    fitted = false;
  }

  /**
   * Fits the kernel read-out to the current faces unless already fitted: the mean residual m, the length scale l =
   * {@code lengthScaleFactor} times the lower median of the distances between faces that are apart, and alpha =
   * (K + ridge I)^-1 (r - m) with K_ij = exp(-||e_i - e_j||^2 / (2 l^2)), solved by Cholesky in double (K is
   * positive semi-definite, so K + ridge I is positive definite). O(count^3) once per change: 9 faces, microseconds.
   */
  void fit(double lengthScaleFactor, double ridge) {
    if (fitted) {
      return;
    }
    int m = count;
    double sa = 0;
    double sv = 0;
    for (int i = 0; i < m; i++) {
      sa += residualArousal[i];
      sv += residualValence[i];
    }
    meanArousal = sa / m;
    meanValence = sv / m;
    double[] d2 = new double[m * m];
    double[] apart = new double[m * (m - 1) / 2];
    int n = 0;
    for (int i = 0; i < m; i++) {
      float[] face = Arrays.copyOfRange(weights, i * dim, (i + 1) * dim);
      for (int j = i + 1; j < m; j++) {
        double d = AffectiveMemory.distance2(face, weights, j * dim, dim);
        d2[i * m + j] = d;
        d2[j * m + i] = d;
        if (d > 0) {
          apart[n++] = Math.sqrt(d);
        }
      }
    }
    if (alphaArousal.length < m) {
      alphaArousal = new double[arousal.length];
      alphaValence = new double[arousal.length];
    }
    if (n == 0) { // one face, or all at one point: no scale to measure; the read-out is their mean residual
      inverseTwoLengthScale2 = 0;
      Arrays.fill(alphaArousal, 0.0);
      Arrays.fill(alphaValence, 0.0);
      fitted = true;
      return;
    }
    Arrays.sort(apart, 0, n);
    double l = lengthScaleFactor * apart[(n - 1) / 2];
    inverseTwoLengthScale2 = 1.0 / (2 * l * l);
    double[] k = new double[m * m];
    for (int i = 0; i < m * m; i++) {
      k[i] = StrictMath.exp(-d2[i] * inverseTwoLengthScale2);
    }
    for (int i = 0; i < m; i++) {
      k[i * m + i] += ridge;
      alphaArousal[i] = residualArousal[i] - meanArousal;
      alphaValence[i] = residualValence[i] - meanValence;
    }
    if (!choleskySolve(k, m, alphaArousal, alphaValence)) {
      // not positive definite in floating point (a ridge far below the faces' rounding, near-coincident faces):
      // answer with the mean residual rather than with what a failed factorization would give
      inverseTwoLengthScale2 = 0;
      Arrays.fill(alphaArousal, 0.0);
      Arrays.fill(alphaValence, 0.0);
    }
    fitted = true;
  }

  /** Solves a x = b in place for two right-hand sides; a (m x m, row-major, symmetric) is overwritten by its
   *  Cholesky factor. False (b1, b2 then undefined) if a is not positive definite in floating point. */
  static boolean choleskySolve(double[] a, int m, double[] b1, double[] b2) {
    for (int j = 0; j < m; j++) {
      double s = a[j * m + j];
      for (int p = 0; p < j; p++) {
        s -= a[j * m + p] * a[j * m + p];
      }
      if (!(s > 0) || !Double.isFinite(s)) {
        return false;
      }
      double diag = Math.sqrt(s);
      a[j * m + j] = diag;
      for (int i = j + 1; i < m; i++) {
        double t = a[i * m + j];
        for (int p = 0; p < j; p++) {
          t -= a[i * m + p] * a[j * m + p];
        }
        a[i * m + j] = t / diag;
      }
    }
    for (double[] b : new double[][] {b1, b2}) {
      for (int i = 0; i < m; i++) { // L y = b
        double t = b[i];
        for (int p = 0; p < i; p++) {
          t -= a[i * m + p] * b[p];
        }
        b[i] = t / a[i * m + i];
      }
      for (int i = m - 1; i >= 0; i--) { // L^T x = y
        double t = b[i];
        for (int p = i + 1; p < m; p++) {
          t -= a[p * m + i] * b[p];
        }
        b[i] = t / a[i * m + i];
      }
    }
    return true;
  }

  private void shiftDown(float[] a) {
    System.arraycopy(a, 1, a, 0, count - 1);
  }

  /** Copy of face i's weights (tests). */
  float[] weights(int i) {
    return Arrays.copyOfRange(weights, i * dim, (i + 1) * dim);
  }
}
