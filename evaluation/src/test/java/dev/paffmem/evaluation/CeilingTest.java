package dev.paffmem.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The label-knowing per-video oracles: what each can and cannot undo of a person's bias. */
class CeilingTest {

  /** One video of 4 utterances x 10 frames; truth arousal t in [-0.8, 0.8], valence -t; the PK reads both through f. */
  private static List<FramePrediction> video(String id, DoubleUnaryOperator f, double phase) {
    List<FramePrediction> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      double t = 0.8 * Math.sin(0.37 * i + phase);
      double pk = f.applyAsDouble(t);
      out.add(new FramePrediction(id, "utterance_" + (i / 10) + ".mp4", i, "identity_confound", "ONLINE", 5, 0.5, t,
          -t, pk, f.applyAsDouble(-t), 0, 0));
    }
    return out;
  }

  private static double pkArousal(List<FramePrediction> ps) {
    return Scoring.model(ps, FramePrediction.Model.PK).arousal().utterancePooled();
  }

  @Test
  void anOffsetPerPersonIsUndoneByBothOraclesEvenWhenPersonsDifferInSign() {
    List<FramePrediction> ps = new ArrayList<>(video("a", t -> t + 0.4, 0));
    ps.addAll(video("b", t -> t - 0.4, 1.3));
    Ceiling.Scores c = Ceiling.of(ps);
    assertTrue(pkArousal(ps) < 0.8, "the biases hurt the PK");
    assertEquals(1.0, c.offsetArousal(), 1e-9);
    assertEquals(1.0, c.affineArousal(), 1e-9);
    assertEquals(1.0, c.offsetValence(), 1e-9);
  }

  @Test
  void aMutedAndShiftedPersonNeedsTheAffineOracle() {
    List<FramePrediction> ps = new ArrayList<>(video("a", t -> 0.3 * t + 0.3, 0));
    ps.addAll(video("b", t -> 1.5 * t - 0.2, 2.0));
    Ceiling.Scores c = Ceiling.of(ps);
    assertEquals(1.0, c.affineArousal(), 1e-9);
    assertEquals(1.0, c.affineValence(), 1e-9);
    assertTrue(c.offsetArousal() < 0.95, "a shift cannot undo a scale: " + c);
    assertTrue(c.offsetArousal() > pkArousal(ps), "but it undoes the shift: " + c);
  }

  @Test
  void errorsThatVaryWithinTheVideoAreBeyondBothAndAConstantPkGetsTheOffset() {
    List<FramePrediction> ps = new ArrayList<>(video("a", t -> t * t, 0)); // reads |t|-like: not a line of t
    ps.addAll(video("b", t -> 0.2, 1.0)); // constant output
    Ceiling.Scores c = Ceiling.of(ps);
    assertFalse(Double.isNaN(c.affineArousal()));
    assertTrue(c.affineArousal() < 0.9, c.toString());
    List<Ccc.Frame> offset = new ArrayList<>();
    List<Ccc.Frame> affine = new ArrayList<>();
    Ceiling.recalibrate(video("b", t -> 0.2, 1.0), FramePrediction::pkArousal, FramePrediction::trueArousal, offset,
        affine);
    for (int i = 0; i < offset.size(); i++) {
      assertEquals(offset.get(i).prediction(), affine.get(i).prediction(), 1e-12);
    }
  }
}
