package dev.paffmem.memory;

import static dev.paffmem.memory.GwrRulesTest.v;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.memory.MemoryConfig.Readout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The read-outs beyond the paper, the residuals they use, and the gentler adaptation to real frames. */
class ReadoutTest {

  static final double TOL = 1e-5;

  static MemoryConfig config(Readout readout, int k) {
    return MemoryConfig.builder().dimension(2).readout(readout).readoutK(k).build();
  }

  /** Three labelled neurons on a line at x = 0, 1, 3 (no training rules involved). */
  static AffectiveMemory line(MemoryConfig c) {
    var m = new AffectiveMemory(c);
    m.graph.addNeuron(v(0, 0), 1f, 0.6f, -0.6f);
    m.graph.addNeuron(v(1, 0), 1f, 0.0f, 0.2f);
    m.graph.addNeuron(v(3, 0), 1f, -0.9f, 0.9f);
    m.graph.connect(0, 1, 0);
    m.graph.connect(1, 2, 0);
    return m;
  }

  @Test
  void nearestIsTheActivationWeightedMeanOfTheKNearestLabels() {
    var m = line(config(Readout.NEAREST, 2));
    Prediction p = m.predict(v(0.25, 0), 0f, 0f);
    double w0 = Math.exp(-0.25);
    double w1 = Math.exp(-0.75);
    assertEquals((w0 * 0.6 + w1 * 0.0) / (w0 + w1), p.arousal(), TOL);
    assertEquals((w0 * -0.6 + w1 * 0.2) / (w0 + w1), p.valence(), TOL);
    assertEquals(Math.exp(-0.25), p.activation(), TOL, "activation stays the best-matching unit's");
  }

  @Test
  void thePaperReadoutIsTheBestMatchingUnitsLabelWhateverThePk() {
    var m = line(config(Readout.PAPER, 5));
    assertEquals(m.predict(v(0.9, 0)), m.predict(v(0.9, 0), 0.7f, -0.7f));
    assertEquals(0.0f, m.predict(v(0.9, 0), 0.7f, -0.7f).arousal());
  }

  @Test
  void blendWeighsMemoryAgainstPkByActivationOverTheActivityThreshold() {
    var m = line(config(Readout.BLEND, 1));
    // at distance 2 from the nearest neuron a = e^-2 = 0.135 < a_T 0.4: weight 0.338 on the memory
    Prediction far = m.predict(v(-2, 0), 0.1f, 0.1f);
    double w = Math.exp(-2) / 0.4;
    assertEquals(w * 0.6 + (1 - w) * 0.1, far.arousal(), TOL);
    // on a neuron a = 1 >= a_T: the memory alone
    assertEquals(0.6f, m.predict(v(0, 0), 0.1f, 0.1f).arousal(), TOL);
  }

  @Test
  void residualAddsWhatThePkMissedOnThePersonsLabelledFaces() {
    var m = new AffectiveMemory(config(Readout.RESIDUAL, 3));
    // the PK reads this person's faces 0.3 too sad and 0.2 too calm, everywhere
    Random r = new Random(1);
    List<Sample> edits = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      float a = (float) (r.nextDouble() * 1.2 - 0.6);
      float val = (float) (r.nextDouble() * 1.2 - 0.6);
      edits.add(Sample.labelled(v(a * 3, val * 3), a, val, a - 0.2f, val - 0.3f));
    }
    m.train(edits, 7);
    Prediction p = m.predict(v(0.3, -0.6), 0.1f - 0.2f, -0.2f - 0.3f);
    assertEquals(0.1f, p.arousal(), 1e-3, "PK reading + the learned residual");
    assertEquals(-0.2f, p.valence(), 1e-3);
  }

  @Test
  void residualIsThePkItselfWhenEditsReadBackAsTheirTargets() {
    var m = new AffectiveMemory(config(Readout.RESIDUAL, 5));
    List<Sample> edits = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      float a = i / 20f - 0.5f;
      edits.add(Sample.labelled(v(a, -a), a, -a, a, -a));
    }
    m.train(edits, 3);
    Prediction p = m.predict(v(0.05, 0.4), 0.33f, -0.44f);
    assertEquals(0.33f, p.arousal(), TOL);
    assertEquals(-0.44f, p.valence(), TOL);
  }

  @Test
  void residualsMoveWithTheLabelRateAndInsertedNeuronsTakeTheSamplesResidual() {
    var m = new AffectiveMemory(config(Readout.RESIDUAL, 1));
    m.step(Sample.labelled(v(0, 0), 0.5f, 0.5f, 0.1f, 0.2f)); // residual (0.4, 0.3)
    m.step(Sample.labelled(v(5, 0), 0f, 0f, 0f, 0f));
    assertEquals(0.4f, m.graph.residualArousal(0), TOL);
    assertEquals(0.3f, m.graph.residualValence(0), TOL);
    // adaptation of neuron 0 by a sample with residual (0, 0): gamma 0.4 of the way
    m.step(Sample.labelled(v(0.01, 0), 0.2f, 0.2f, 0.2f, 0.2f));
    assertEquals(0.4f * 0.6f, m.graph.residualArousal(0), TOL);
    // an unlabelled frame never changes a residual
    m.step(Sample.unlabelled(v(0.02, 0)));
    assertEquals(0.4f * 0.6f, m.graph.residualArousal(0), TOL);
  }

  @Test
  void aReadoutThatNeedsThePkRefusesToGuessWithoutIt() {
    var m = line(config(Readout.RESIDUAL, 2));
    assertThrows(IllegalArgumentException.class, () -> m.predict(v(0, 0), Float.NaN, 0f));
    assertEquals(Readout.RESIDUAL, m.config().readout());
    var empty = new AffectiveMemory(config(Readout.RESIDUAL, 2));
    assertEquals(new Prediction(0.2f, -0.1f, 0f, 0), empty.predict(v(0, 0), 0.2f, -0.1f));
  }

  @Test
  void realFramesCanBeKeptFromInsertingAndFromDraggingPrototypes() {
    var frozen = MemoryConfig.builder().dimension(2).unlabelledInserts(false).unlabelledRate(0f).build();
    var m = new AffectiveMemory(frozen);
    m.graph.addNeuron(v(0, 0), 0.1f, 0.5f, 0.5f);
    m.graph.addNeuron(v(1, 0), 1f, 0f, 0f);
    m.graph.connect(0, 1, 0);
    m.step(Sample.unlabelled(v(-3, 0))); // far (a < a_T), b habituated: the paper would insert
    assertEquals(2, m.size(), "no insertion by a real frame");
    assertArrayEquals(v(0, 0), m.graph.weights(0), "and no movement at rate 0");
    m.step(Sample.labelled(v(-3, 0), 0f, 0f));
    assertEquals(3, m.size(), "labelled samples still insert");
  }

  @Test
  void residualsSurviveTheStateAndAreOmittedWhenAllZero() {
    var m = new AffectiveMemory(config(Readout.RESIDUAL, 2));
    m.step(Sample.labelled(v(0, 0), 0.5f, 0.5f));
    m.step(Sample.labelled(v(1, 0), 0.1f, 0.1f));
    int plain = AffectiveMemoryCodec.toBytes(m).length;
    var withResiduals = new AffectiveMemory(config(Readout.RESIDUAL, 2));
    withResiduals.step(Sample.labelled(v(0, 0), 0.5f, 0.5f, 0.25f, 0.75f));
    withResiduals.step(Sample.labelled(v(1, 0), 0.1f, 0.1f, 0f, 0f));
    byte[] bytes = AffectiveMemoryCodec.toBytes(withResiduals);
    assertEquals(plain + 16, bytes.length, "two neurons x (arousal, valence) float32");
    var back = AffectiveMemoryCodec.fromBytes(bytes, withResiduals.config());
    assertEquals(0.25f, back.graph.residualArousal(0));
    assertEquals(-0.25f, back.graph.residualValence(0));
    assertEquals(0.1f, back.graph.residualArousal(1), TOL);
    assertTrue(AffectiveMemoryCodec.fromBytes(AffectiveMemoryCodec.toBytes(m), m.config()).graph.residualArousal(0) == 0f);
  }

  @Test
  void theNearestNeuronOfTheOtherReadoutsIsThePapersBestMatchingUnit() {
    Random r = new Random(4);
    var m = new AffectiveMemory(config(Readout.NEAREST, 1));
    List<Sample> edits = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      edits.add(Sample.labelled(v(r.nextGaussian() * 2, r.nextGaussian() * 2), (float) (r.nextDouble() * 2 - 1),
          (float) (r.nextDouble() * 2 - 1)));
    }
    m.train(edits, 5);
    assertTrue(m.size() > 3);
    for (int i = 0; i < 50; i++) {
      float[] z = v(r.nextGaussian() * 2, r.nextGaussian() * 2);
      assertEquals(m.predict(z), m.predict(z, 0f, 0f), "k = 1: the label and activation of the BMU");
    }
    float[] tie = m.graph.weights(0).clone();
    assertEquals(m.predict(tie), m.predict(tie, 0f, 0f), "on a neuron");
  }
}
