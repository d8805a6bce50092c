package dev.paffmem.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapTest {

  /** Videos of 4 utterances x 5 frames; the memory is off by memoryNoise, the PK by pkNoise (per utterance). */
  static List<FramePrediction> videos(int n, double pkNoise, double memoryNoise, long seed) {
    Random r = new Random(seed);
    List<FramePrediction> out = new ArrayList<>();
    for (int v = 0; v < n; v++) {
      for (int u = 0; u < 4; u++) {
        double a = r.nextDouble() * 2 - 1;
        double val = r.nextDouble() * 2 - 1;
        double pkA = a + pkNoise * r.nextGaussian();
        double pkV = val + pkNoise * r.nextGaussian();
        double mA = a + memoryNoise * r.nextGaussian();
        double mV = val + memoryNoise * r.nextGaussian();
        for (int f = 0; f < 5; f++) {
          out.add(new FramePrediction("v" + v, "u" + u, u * 5L + f, "typical", "ONLINE", 10, 0.5f, a, val, pkA, pkV,
              mA, mV));
        }
      }
    }
    return out;
  }

  @Test
  void aMemoryBetterOnEveryVideoHasAnIntervalAboveZeroAroundTheObservedDifference() {
    List<FramePrediction> ps = videos(20, 0.8, 0.1, 1);
    Bootstrap.Differences d = Bootstrap.differences(ps);
    for (Bootstrap.Interval i : List.of(d.arousal(), d.valence())) {
      assertTrue(i.aboveZero(), i.toString());
      assertTrue(i.low() <= i.difference() && i.difference() <= i.high(), i.toString());
    }
    Scoring.GroupScores all = Scoring.score(ps).group(Scoring.ALL);
    assertEquals(all.paffmem().arousal().utterancePooled() - all.pk().arousal().utterancePooled(),
        d.arousal().difference(), 1e-12, "the observed difference is the official one");
  }

  @Test
  void equalModelsGiveAnIntervalAcrossZeroAndTheSameDataTheSameInterval() {
    List<FramePrediction> ps = videos(12, 0.4, 0.4, 2);
    Bootstrap.Interval i = Bootstrap.differences(ps).valence();
    assertFalse(i.aboveZero(), i.toString());
    assertTrue(i.low() < 0 && i.high() > 0, i.toString());
    assertEquals(i, Bootstrap.differences(ps).valence(), "seeded: reproducible");
  }

  @Test
  void oneVideoHasNoInterval() {
    Bootstrap.Interval i = Bootstrap.differences(videos(1, 0.5, 0.1, 3)).arousal();
    assertTrue(Double.isNaN(i.low()) && Double.isNaN(i.high()));
  }

  @Test
  void percentilesInterpolate() {
    assertEquals(2.5, Bootstrap.percentile(new double[] {1, 2, 3, 4}, 0.5), 1e-12);
    assertEquals(1.0, Bootstrap.percentile(new double[] {1, 2, 3, 4}, 0.0), 1e-12);
  }
}
