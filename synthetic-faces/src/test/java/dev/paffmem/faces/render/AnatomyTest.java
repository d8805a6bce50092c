package dev.paffmem.faces.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.faces.persons.Person;
import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.persons.Split;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Identity-level anatomy: rendered in geometry and appearance, the same at every emotion, never in the drives. */
class AnatomyTest {

  static final Person P = new Population(Population.DEFAULT_SEED, Split.EVAL, 0).person(0);

  @Test
  void noAnatomyRendersExactlyAsTheRendererWithoutIt() {
    FaceRenderer r = new FaceRenderer();
    Nuisance n = Nuisance.random(new Rng(5));
    assertArrayEquals(r.render(P.identity(), P.style(), 0.3, -0.2, n).rgb(),
        r.render(P.identity(), Anatomy.NONE, P.style(), 0.3, -0.2, n).rgb());
  }

  @Test
  void downturnedCornersLowerTheCornersAtEveryEmotionAndMoveNothingElse() {
    Anatomy down = new Anatomy(-3, 0, 0, 1, 0, 0, 0, 0, 0, 0);
    for (double[] av : new double[][] {{0, 0}, {0.8, 0.8}, {-0.6, -0.9}, {0.5, -0.5}}) {
      Expression ex = P.style().express(av[0], av[1]);
      FaceGeometry plain = new FaceGeometry(P.identity(), ex, 0, 0);
      FaceGeometry g = new FaceGeometry(P.identity(), down, ex, 0, 0);
      for (int s = 0; s < 2; s++) {
        assertEquals(plain.cornerLiftPx[s] - 3, g.cornerLiftPx[s], 1e-9);
        assertEquals(plain.eyeOpening(s), g.eyeOpening(s), 1e-9);
      }
      assertEquals(plain.browHeight(), g.browHeight(), 1e-9);
      assertEquals(plain.mouthOpenPx, g.mouthOpenPx, 1e-9);
    }
  }

  @Test
  void browsAndLidsMoveByTheirTraits() {
    Expression ex = P.style().express(0, 0);
    FaceGeometry plain = new FaceGeometry(P.identity(), ex, 0, 0);
    FaceGeometry g = new FaceGeometry(P.identity(), new Anatomy(0, 2, 1.5, 0.7, 0, 0, 0, 0, 0, 0), ex, 0, 0);
    assertEquals(plain.browHeight() + 1.5 + 1.0, g.browHeight(), 1e-9, "brow level + half the inner raise");
    assertEquals(plain.eyeUp[0] * 0.7, g.eyeUp[0], 1e-9);
    assertEquals(plain.browInner[0][1] - 2 - 1.5, g.browInner[0][1], 1e-9);
  }

  @Test
  void texturesChangePixelsOnlyWhenTheyAreThere() {
    FaceRenderer r = new FaceRenderer();
    byte[] plain = r.render(P.identity(), Anatomy.NONE, P.style(), 0, 0, Nuisance.NONE).rgb();
    for (Anatomy a : List.of(new Anatomy(0, 0, 0, 1, 0.5, 0, 0, 0, 0, 0), new Anatomy(0, 0, 0, 1, 0, 0.6, 0.6, 0, 0, 0),
        new Anatomy(0, 0, 0, 1, 0, 0, 0, 0.6, 0.4, 0), new Anatomy(0, 0, 0, 1, 0, 0, 0, 0, 0, 0.6))) {
      assertFalse(java.util.Arrays.equals(plain, r.render(P.identity(), a, P.style(), 0, 0, Nuisance.NONE).rgb()),
          a.toString());
    }
  }

  @Test
  void confoundPersonsHaveOneValenceLikeAndOneArousalLikeTraitBeyondTheNarrowSpread() {
    Population pop = new Population(7, Split.EVAL, 0.2, 0.4);
    int confound = 0;
    for (Person p : pop.persons(50)) {
      Anatomy a = p.anatomy();
      boolean valenceLike = Math.abs(a.cornerTiltPx()) >= 0.8 * Anatomy.CORNER_MAX
          || Math.abs(a.innerBrowPx()) >= 0.8 * Anatomy.INNER_BROW_MAX || a.browRidge() >= 0.8 * Anatomy.RIDGE_MAX
          || Math.max(Math.max(a.crowsFeet(), a.foreheadLines()), a.frownLines()) >= 0.8 * Anatomy.LINES_MAX;
      boolean arousalLike = Math.abs(a.browLevelPx()) >= 0.8 * Anatomy.BROW_LEVEL_MAX
          || Math.abs(a.eyeAperture() - 1) >= 0.8 * Anatomy.APERTURE_MAX || a.lensTint() >= 0.8 * Anatomy.TINT_MAX;
      if (p.kind() == ExpresserKind.IDENTITY_CONFOUND) {
        confound++;
        assertTrue(valenceLike && arousalLike, p.id() + " " + a.describe());
        ExpressionStyle typical = ExpressionStyle.random(ExpresserKind.TYPICAL, new Rng(Rng.derive(p.seed(), 2)));
        ExpressionStyle s = p.style();
        assertEquals(typical, new ExpressionStyle(ExpresserKind.TYPICAL, s.gainValenceMouth(), s.gainValenceBrow(),
            s.gainArousalEye(), s.gainArousalBrow(), s.gainArousalMouth(), s.restArousal(), s.restValence(),
            s.swapAxes(), s.valenceSign(), s.asymmetry()), "a confound person expresses like a typical one");
      } else {
        double narrow = Population.NARROW_ANATOMY;
        assertTrue(Math.abs(a.cornerTiltPx()) <= narrow * Anatomy.CORNER_MAX + 1e-9, p.id());
        assertTrue(Math.abs(a.eyeAperture() - 1) <= narrow * Anatomy.APERTURE_MAX + 1e-9, p.id());
        assertEquals(0, a.lensTint());
        assertEquals("none", a.describe());
      }
    }
    assertEquals(20, confound, "exactly 40 % of 50");
  }
}
