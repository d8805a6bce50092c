package dev.paffmem.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OmgArousalTest {

  @Test
  void mapsTheJobsArousalOntoOmgsZeroToOne() {
    assertEquals(0.0, OmgArousal.toOmg(-1), 0);
    assertEquals(0.5, OmgArousal.toOmg(0), 0);
    assertEquals(1.0, OmgArousal.toOmg(1), 0);
    assertEquals(0.7277235, OmgArousal.toOmg(0.455447), 1e-12); // frames.csv: arousal 0.455447, arousal_omg 0.727723(5)
  }

  @Test
  void fromOmgIsTheInverse() {
    for (double a = -1; a <= 1; a += 0.125) {
      assertEquals(a, OmgArousal.fromOmg(OmgArousal.toOmg(a)), 1e-12);
    }
  }

  @Test
  void cccIsTheSameOnEitherScale() {
    double[] p = {-0.5, 0.1, 0.3, 0.9};
    double[] t = {-0.2, 0.0, 0.6, 0.7};
    double[] pOmg = new double[4];
    double[] tOmg = new double[4];
    for (int i = 0; i < 4; i++) {
      pOmg[i] = OmgArousal.toOmg(p[i]);
      tOmg[i] = OmgArousal.toOmg(t[i]);
    }
    assertEquals(Ccc.of(p, t), Ccc.of(pOmg, tOmg), 1e-12);
  }
}
