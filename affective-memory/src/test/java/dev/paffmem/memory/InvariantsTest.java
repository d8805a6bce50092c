package dev.paffmem.memory;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Over many random configurations and streams (small caps and edge ages so that insertion, the
 * cap, edge removal and neuron removal all happen), the network stays well-formed after every call.
 */
class InvariantsTest {

  @Test
  void randomStreamsNeverBreakTheNetwork() {
    Random random = new Random(20190609);
    int removals = 0;
    int capHits = 0;
    for (int stream = 0; stream < 60; stream++) {
      MemoryConfig config = randomConfig(random);
      var memory = new AffectiveMemory(config);
      int dim = config.dimension();
      double scale = new double[] {0.01, 0.3, 1, 5, 100}[stream % 5];
      float[] centre = new float[dim];
      for (int call = 0; call < 40; call++) {
        for (int i = 0; i < dim; i++) {
          centre[i] += (float) (0.2 * scale * random.nextGaussian()); // drift
        }
        List<Sample> samples = new ArrayList<>();
        int n = 1 + random.nextInt(20);
        for (int k = 0; k < n; k++) {
          float[] z = new float[dim];
          for (int i = 0; i < dim; i++) {
            z[i] = centre[i] + (float) (scale * random.nextGaussian());
          }
          if (k % 7 == 3 && !samples.isEmpty()) {
            z = samples.get(0).z().clone(); // exact duplicates: zero distances and ties
          }
          samples.add(random.nextBoolean()
              ? Sample.labelled(z, TestData.label(random), TestData.label(random))
              : Sample.unlabelled(z));
        }
        int before = memory.size();
        memory.train(samples, random.nextLong());
        memory.checkInvariants();
        assertTrue(memory.size() <= config.maxNeurons(), "cap " + config.maxNeurons() + " broken: " + memory.size());
        Prediction p = memory.predict(samples.get(0).z());
        assertTrue(Float.isFinite(p.arousal()) && Float.isFinite(p.valence()) && p.activation() >= 0f
            && p.activation() <= 1f, p.toString());
        if (memory.size() < before) {
          removals++;
        }
        if (memory.size() == config.maxNeurons()) {
          capHits++;
        }
      }
    }
    assertTrue(removals >= 5, "the streams must exercise neuron removal, saw " + removals);
    assertTrue(capHits >= 5, "the streams must reach the cap, saw " + capHits);
  }

  private static MemoryConfig randomConfig(Random random) {
    float kappa = 1f + random.nextFloat() * 0.5f;
    return MemoryConfig.builder()
        .dimension(1 + random.nextInt(8))
        .maxNeurons(2 + random.nextInt(40))
        .maxEdgeAge(1 + random.nextInt(30))
        .epochs(1 + random.nextInt(3))
        .activityThreshold(0.05f + 0.9f * random.nextFloat())
        .habituationThreshold(0.05f + 0.9f * random.nextFloat())
        .epsilonB(random.nextFloat())
        .epsilonN(random.nextFloat())
        .kappa(kappa)
        .tauB(Math.max(0.01f, random.nextFloat() / kappa))
        .tauN(Math.max(0.01f, random.nextFloat() / kappa))
        .labelRate(random.nextFloat())
        .build();
  }
}
