package dev.paffmem.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The regions' bias estimate: running mean of band - PK, the ridge's line, the shrinkage over the first frames. */
class BiasCorrectionTest {

  // two bands; band 1's arousal disagreement says the PK reads arousal 0.5 too high per unit; valence from band 0's
  private final BiasCorrection c = new BiasCorrection(new double[] {0.0, 0.1, 0.2, 0.0},
      new double[] {0, 0, 0, 0.8, 0.5, 0, 0, 0}, new double[] {0.01, -0.02}, 2.0);

  @Test
  void aNewPersonHasNoCorrection() {
    assertArrayEquals(new float[] {0f, 0f}, c.correction(c.newState(), 1));
    assertEquals(5, c.stateSize());
  }

  @Test
  void theCorrectionIsTheShrunkLineOfTheMeanDisagreement() {
    double[] s = c.newState();
    // frame 1: band 1 arousal - PK arousal = 0.9 - 0.1 = 0.8; band 0 valence - PK valence = 0.3 - 0.0 = 0.3
    assertTrue(c.add(s, new float[] {0.1f, 0.3f, 0.9f, 0.0f}, 0.1f, 0.0f));
    // frame 2: 0.4 - 0.2 = 0.2 and 0.1 - 0.2 = -0.1
    assertTrue(c.add(s, new float[] {0.2f, 0.1f, 0.4f, 0.2f}, 0.2f, 0.2f));
    assertEquals(2.0, s[0]);
    double meanBand1A = (0.8 + 0.2) / 2;
    double meanBand0V = (0.3 - 0.1) / 2;
    double shrink = 2.0 / (2.0 + 2.0);
    float[] got = c.correction(s, 2);
    assertEquals(shrink * (0.01 + 0.5 * (meanBand1A - 0.2)), got[0], 1e-6);
    assertEquals(shrink * (-0.02 + 0.8 * (meanBand0V - 0.1)), got[1], 1e-6);
  }

  @Test
  void theShrinkageFadesOutAsFramesAccumulate() {
    double[] s = c.newState();
    float[] prev = {0, 0};
    for (int i = 0; i < 200; i++) { // the same disagreement every frame: the estimate's size grows to the line's
      c.add(s, new float[] {0f, 0.1f, 1.2f, 0f}, 0.2f, 0f);
      float[] now = c.correction(s, i + 1);
      assertTrue(now[0] > prev[0]);
      prev = now;
    }
    assertEquals(0.01 + 0.5 * (1.0 - 0.2), prev[0], 0.01 * 0.51 + 1e-3); // 200 / 202 of the line
  }

  @Test
  void framesWhoseBandsWereNotReadCountInTheShrinkageButNotInTheMean() {
    double[] s = c.newState();
    c.add(s, new float[] {0f, 0.1f, 1.2f, 0f}, 0.2f, 0f); // one frame read of ten seen: mean disagreement 1.0
    float[] tenth = c.correction(s, 10);
    assertEquals(10.0 / 12.0 * (0.01 + 0.5 * (1.0 - 0.2)), tenth[0], 1e-6);
    assertEquals(1.0 / 3.0 * (0.01 + 0.5 * (1.0 - 0.2)), c.correction(s, 1)[0], 1e-6);
  }

  @Test
  void aFrameWithANonFiniteReadingIsNotCounted() {
    double[] s = c.newState();
    assertFalse(c.add(s, new float[] {Float.NaN, 0, 0, 0}, 0f, 0f));
    assertFalse(c.add(s, new float[] {0, 0, 0, 0}, Float.POSITIVE_INFINITY, 0f));
    assertArrayEquals(new double[5], s);
  }

  @Test
  void badParametersAndStatesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new BiasCorrection(new double[3], new double[6], new double[2], 1));
    assertThrows(IllegalArgumentException.class, () -> new BiasCorrection(new double[2], new double[2], new double[2], 1));
    assertThrows(IllegalArgumentException.class, () -> new BiasCorrection(new double[2], new double[4], new double[1], 1));
    assertThrows(IllegalArgumentException.class, () -> new BiasCorrection(new double[2], new double[4], new double[2], -1));
    assertThrows(IllegalArgumentException.class,
        () -> new BiasCorrection(new double[] {Double.NaN, 0}, new double[4], new double[2], 1));
    assertThrows(IllegalArgumentException.class, () -> c.correction(new double[3], 1));
    assertThrows(IllegalArgumentException.class, () -> c.add(c.newState(), new float[2], 0f, 0f));
  }
}
