package dev.paffmem.job.demo;

/**
 * Concordance correlation coefficient (Lin), as the OMG-Emotion challenge scores it:
 * 2 rho s_x s_y / (s_x^2 + s_y^2 + (m_x - m_y)^2), population (ddof 0) statistics.
 */
public final class Ccc {

  private Ccc() {}

  /** CCC of predictions against ground truth; NaN for fewer than two values or two constant series that differ. */
  public static double of(double[] truth, double[] pred) {
    int n = truth.length;
    if (n != pred.length) {
      throw new IllegalArgumentException("lengths differ: " + n + " vs " + pred.length);
    }
    if (n < 2) {
      return Double.NaN;
    }
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += truth[i];
      my += pred[i];
    }
    mx /= n;
    my /= n;
    double vx = 0;
    double vy = 0;
    double cov = 0;
    for (int i = 0; i < n; i++) {
      double dx = truth[i] - mx;
      double dy = pred[i] - my;
      vx += dx * dx;
      vy += dy * dy;
      cov += dx * dy;
    }
    vx /= n;
    vy /= n;
    cov /= n;
    double denominator = vx + vy + (mx - my) * (mx - my);
    return denominator == 0 ? Double.NaN : 2 * cov / denominator;
  }
}
