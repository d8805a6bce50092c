package dev.paffmem.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic latent vectors for the tests: Gaussian clusters with labels. */
final class TestData {
  private TestData() {}

  /** A labelled cluster: centre, per-dimension spread and its (arousal, valence). */
  record Cluster(float[] centre, double sigma, float arousal, float valence) {
    float[] draw(Random random) {
      float[] z = new float[centre.length];
      for (int i = 0; i < z.length; i++) {
        z[i] = (float) (centre[i] + sigma * random.nextGaussian());
      }
      return z;
    }

    Sample labelledSample(Random random) {
      return Sample.labelled(draw(random), arousal, valence);
    }
  }

  /** k clusters with centres uniform in [-spread, spread]^dim and labels uniform in [-1, 1]^2. */
  static List<Cluster> randomClusters(int k, int dim, double spread, double sigma, Random random) {
    List<Cluster> clusters = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      float[] centre = new float[dim];
      for (int i = 0; i < dim; i++) {
        centre[i] = (float) (spread * (2 * random.nextDouble() - 1));
      }
      clusters.add(new Cluster(centre, sigma, label(random), label(random)));
    }
    return clusters;
  }

  static float label(Random random) {
    return (float) (2 * random.nextDouble() - 1);
  }

  /** n labelled samples, each from a cluster picked uniformly. */
  static List<Sample> labelledFrame(List<Cluster> clusters, int n, Random random) {
    List<Sample> frame = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      frame.add(clusters.get(random.nextInt(clusters.size())).labelledSample(random));
    }
    return frame;
  }

  static double distance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (double) (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }
}
