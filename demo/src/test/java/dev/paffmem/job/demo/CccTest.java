package dev.paffmem.job.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CccTest {
  @Test
  void perfectAgreementIsOneAndABiasLowersIt() {
    double[] t = {0.1, 0.5, -0.3, 0.9};
    assertEquals(1.0, Ccc.of(t, t), 1e-12);
    double[] shifted = {0.6, 1.0, 0.2, 1.4};
    // var_x = var_y = 0.2, cov = 0.2, bias 0.5: 0.4 / (0.4 + 0.25)
    assertEquals(0.4 / 0.65, Ccc.of(t, shifted), 1e-9);
    assertEquals(-1.0, Ccc.of(new double[] {1, -1}, new double[] {-1, 1}), 1e-12);
  }
}
