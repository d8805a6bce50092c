package dev.paffmem.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.evaluation.Ccc.Frame;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CccTest {

  private static final double EPS = 1e-12;

  @Test
  void handComputedExample() {
    // x = [1,2,3], y = [2,2,5]: mx = 2, my = 3, var x = 2/3, var y = 2, cov = (−1·−1 + 0 + 1·2)/3 = 1
    // CCC = 2·1 / (2/3 + 2 + 1) = 2 / (11/3) = 6/11
    assertEquals(6.0 / 11.0, Ccc.of(new double[] {1, 2, 3}, new double[] {2, 2, 5}), EPS);
  }

  @Test
  void usesPopulationVariancesNotSample() {
    // With sample (n-1) variances this example would give 2·1.5 / (1 + 3 + 1) = 0.6 instead of 6/11.
    double ccc = Ccc.of(new double[] {1, 2, 3}, new double[] {2, 2, 5});
    assertTrue(Math.abs(ccc - 0.6) > 1e-3);
  }

  @Test
  void perfectAgreementIsOneAndABiasLowersIt() {
    double[] y = {0.1, -0.4, 0.7, 0.2};
    assertEquals(1.0, Ccc.of(y, y), EPS);
    double[] shifted = {0.6, 0.1, 1.2, 0.7}; // y + 0.5: Pearson 1, CCC below 1
    // var = 0.1525 for both (mean 0.15), shift 0.5: CCC = 2·0.1525 / (0.305 + 0.25) = 0.54955...
    assertEquals(0.305 / 0.555, Ccc.of(shifted, y), 1e-9);
    double[] negated = {-0.1, 0.4, -0.7, -0.2};
    assertTrue(Ccc.of(negated, y) < 0);
  }

  @Test
  void undefinedCases() {
    assertTrue(Double.isNaN(Ccc.of(new double[] {1}, new double[] {1})));
    assertTrue(Double.isNaN(Ccc.of(new double[] {2, 2}, new double[] {2, 2})));
    assertEquals(0.0, Ccc.of(new double[] {2, 2}, new double[] {1, 3}), EPS);
    assertThrows(IllegalArgumentException.class, () -> Ccc.of(new double[2], new double[3]));
  }

  @Test
  void utterancePooledAveragesFramesPerUtteranceFirst() {
    List<Frame> frames = List.of(
        new Frame("v1", "u1", 0.0, 1.0), new Frame("v1", "u1", 2.0, 1.0),  // mean pred 1, truth 1
        new Frame("v1", "u2", 2.0, 2.0),                                    // 2, 2
        new Frame("v2", "u1", 3.0, 5.0), new Frame("v2", "u1", 3.0, 5.0),  // 3, 5  (same name, other video)
        new Frame("v2", "u1", 3.0, 5.0));
    // utterance means: pred [1,2,3], truth [1,2,5] -> mx 2, my 8/3, var x 2/3, var y 26/9, cov 4/3
    double expected = 2 * (4.0 / 3) / (2.0 / 3 + 26.0 / 9 + (2 - 8.0 / 3) * (2 - 8.0 / 3));
    assertEquals(expected, Ccc.utterancePooled(frames), EPS);
    // frame level differs: it weighs the long utterance three times and sees within-utterance noise
    assertTrue(Math.abs(Ccc.frameLevel(frames) - expected) > 1e-3);
  }

  @Test
  void meanPerVideoSkipsUndefinedVideos() {
    List<Frame> frames = List.of(
        new Frame("a", "1", 1, 2), new Frame("a", "1", 2, 2), new Frame("a", "2", 3, 5),
        new Frame("b", "1", 0, 0), new Frame("b", "2", 0, 0));          // constant: undefined
    Map<String, Double> perVideo = Ccc.perVideo(frames);
    assertEquals(6.0 / 11.0, perVideo.get("a"), EPS);
    assertTrue(perVideo.get("b").isNaN());
    assertEquals(6.0 / 11.0, Ccc.meanPerVideo(frames), EPS);
  }
}
