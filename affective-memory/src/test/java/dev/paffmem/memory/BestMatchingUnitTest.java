package dev.paffmem.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The BMU search (four partial sums) finds what a plain scan in double precision finds. */
class BestMatchingUnitTest {

  @Test
  void predictionsMatchABruteForceScan() {
    Random random = new Random(10);
    var clusters = TestData.randomClusters(20, 50, 1, 0.3, random);
    var memory = new AffectiveMemory(MemoryConfig.defaults());
    for (int f = 0; f < 10; f++) {
      memory.train(TestData.labelledFrame(clusters, 100, random), f);
    }
    assertTrue(memory.size() > 50, "size " + memory.size());
    for (int q = 0; q < 500; q++) {
      float[] z = clusters.get(q % 20).draw(random);
      int best = 0;
      double bestDistance = Double.POSITIVE_INFINITY;
      for (int i = 0; i < memory.size(); i++) {
        double distance = Math.pow(TestData.distance(z, memory.graph.weights(i)), 2);
        if (distance < bestDistance) {
          best = i;
          bestDistance = distance;
        }
      }
      Prediction p = memory.predict(z);
      assertEquals(memory.graph.arousal(best), p.arousal());
      assertEquals(memory.graph.valence(best), p.valence());
      assertEquals(Math.exp(-Math.sqrt(bestDistance)), p.activation(), 1e-5);
    }
  }
}
