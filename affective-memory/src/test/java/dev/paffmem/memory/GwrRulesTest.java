package dev.paffmem.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rules of the memory, one at a time, on 2-d networks small enough to compute by hand.
 * Defaults: a_T 0.4, h_T 0.2, eps_b 0.087, eps_n 0.032, tau_b 0.3, tau_n 0.1, kappa 1.05, gamma 0.4.
 */
class GwrRulesTest {

  static final double TOL = 1e-6;
  static final MemoryConfig TWO_D = MemoryConfig.builder().dimension(2).build();

  static float[] v(double x, double y) {
    return new float[] {(float) x, (float) y};
  }

  static void assertVector(double x, double y, float[] actual) {
    assertEquals(x, actual[0], TOL, "x");
    assertEquals(y, actual[1], TOL, "y");
  }

  @Nested
  class Start {
    @Test
    void theFirstTwoSamplesBecomeTwoConnectedNeurons() {
      var memory = new AffectiveMemory(TWO_D);
      memory.step(Sample.labelled(v(1, 2), 0.5f, -0.5f));
      assertEquals(1, memory.size());
      memory.step(Sample.unlabelled(v(3, 4)));
      assertEquals(2, memory.size());
      assertVector(1, 2, memory.graph.weights(0));
      assertVector(3, 4, memory.graph.weights(1));
      assertEquals(1f, memory.graph.habituation(0));
      assertEquals(0.5f, memory.graph.arousal(0));
      assertEquals(-0.5f, memory.graph.valence(0));
      assertEquals(0f, memory.graph.arousal(1), "an unlabelled first sample starts neutral");
      assertEquals(0, memory.graph.edgeAge(0, 1));
    }

    @Test
    void anEmptyMemoryPredictsNeutralWithZeroActivation() {
      assertEquals(new Prediction(0f, 0f, 0f, 0), new AffectiveMemory(TWO_D).predict(v(1, 1)));
    }

    @Test
    void aOneNeuronMemoryAnswersWithThatNeuron() {
      var memory = new AffectiveMemory(TWO_D);
      memory.step(Sample.labelled(v(0, 0), 0.3f, 0.7f));
      Prediction p = memory.predict(v(3, 4)); // distance 5
      assertEquals(0.3f, p.arousal());
      assertEquals(0.7f, p.valence());
      assertEquals(Math.exp(-5), p.activation(), TOL);
      assertEquals(1, p.memorySize());
    }
  }

  @Nested
  class Insertion {
    /** b = (0,0) habituated (h 0.1), s = (1,0); x = (-2,0) is at distance 2: a = e^-2 = 0.135 < 0.4. */
    AffectiveMemory habituatedPair(float hb, MemoryConfig config) {
      var memory = new AffectiveMemory(config);
      memory.graph.addNeuron(v(0, 0), hb, 0.5f, -0.5f);
      memory.graph.addNeuron(v(1, 0), 1f, 0f, 0f);
      memory.graph.connect(0, 1, 3);
      return memory;
    }

    @Test
    void aFarSampleAtAHabituatedBmuInsertsAtTheMidpointWithTheSamplesLabel() {
      var memory = habituatedPair(0.1f, TWO_D);
      memory.step(Sample.labelled(v(-2, 0), 0.9f, 0.8f));

      assertEquals(3, memory.size());
      assertVector(-1, 0, memory.graph.weights(2)); // (w_b + x) / 2, not the public code's 0.4 (w_b + x)
      assertEquals(1f, memory.graph.habituation(2));
      assertEquals(0.9f, memory.graph.arousal(2));
      assertEquals(0.8f, memory.graph.valence(2));
      assertEquals(-1, memory.graph.edgeAge(0, 1), "edge b-s replaced");
      assertEquals(0, memory.graph.edgeAge(0, 2));
      assertEquals(0, memory.graph.edgeAge(2, 1));
      // b itself is left alone: not moved, not habituated, its label not pulled
      assertVector(0, 0, memory.graph.weights(0));
      assertEquals(0.1f, memory.graph.habituation(0));
      assertEquals(0.5f, memory.graph.arousal(0));
      memory.checkInvariants();
    }

    @Test
    void anUnlabelledSampleGivesTheNewNeuronTheBmusLabel() {
      var memory = habituatedPair(0.1f, TWO_D);
      memory.step(Sample.unlabelled(v(-2, 0)));
      assertEquals(3, memory.size());
      assertEquals(0.5f, memory.graph.arousal(2));
      assertEquals(-0.5f, memory.graph.valence(2));
    }

    @Test
    void noInsertionWhileTheBmuIsNotHabituated() {
      var memory = habituatedPair(0.3f, TWO_D); // h_b 0.3 >= h_T 0.2
      memory.step(Sample.unlabelled(v(-2, 0)));
      assertEquals(2, memory.size());
    }

    @Test
    void noInsertionWhenTheActivationIsHighEnough() {
      var memory = habituatedPair(0.1f, TWO_D);
      memory.step(Sample.unlabelled(v(-0.5, 0))); // a = e^-0.5 = 0.61 >= 0.4
      assertEquals(2, memory.size());
    }

    @Test
    void noInsertionAtTheCap() {
      var memory = habituatedPair(0.1f, MemoryConfig.builder().dimension(2).maxNeurons(2).build());
      memory.step(Sample.unlabelled(v(-2, 0)));
      assertEquals(2, memory.size());
      assertTrue(memory.graph.weights(0)[0] < 0f, "the BMU adapted instead");
    }
  }

  @Nested
  class Adaptation {
    /** b = (0,0), its neighbour s = (3,0), both fresh (h = 1); x = (1,0): distance 1 to b, 2 to s. */
    AffectiveMemory pair() {
      var memory = new AffectiveMemory(TWO_D);
      memory.graph.addNeuron(v(0, 0), 1f, 0f, 0f);
      memory.graph.addNeuron(v(3, 0), 1f, 0f, 0f);
      memory.graph.connect(0, 1, 0);
      return memory;
    }

    @Test
    void theBmuMovesByEpsBTimesHTimesOneMinusActivation() {
      var memory = pair();
      memory.step(Sample.unlabelled(v(1, 0)));
      // a = e^-1 < a_T, but h_b = 1 >= h_T: no insertion, adaptation
      assertEquals(2, memory.size());
      double step = 0.087 * 1.0 * (1 - Math.exp(-1)); // 0.05499
      assertVector(step * (1 - 0), 0, memory.graph.weights(0));
    }

    @Test
    void eachNeighbourMovesByEpsNTimesItsOwnHTimesOneMinusItsOwnActivation() {
      var memory = pair();
      memory.step(Sample.unlabelled(v(1, 0)));
      double step = 0.032 * 1.0 * (1 - Math.exp(-2)); // a_n from the neighbour's own distance 2
      assertVector(3 + step * (1 - 3), 0, memory.graph.weights(1));
    }

    @Test
    void aPerfectlyMatchedSampleMovesNothingBecauseOneMinusAIsZero() {
      var memory = pair();
      memory.step(Sample.unlabelled(v(0, 0)));
      assertVector(0, 0, memory.graph.weights(0));
      assertEquals(0.7f, memory.graph.habituation(0), TOL, "but the BMU still habituates");
    }

    @Test
    void theMoveShrinksWithTheBmusHabituation() {
      var memory = pair();
      memory.step(Sample.unlabelled(v(0, 0))); // h_b: 1 -> 0.7
      memory.step(Sample.unlabelled(v(1, 0))); // s at distance 2: b is still (0,0)
      assertVector(0.087 * 0.7 * (1 - Math.exp(-1)), 0, memory.graph.weights(0));
    }

    @Test
    void nonNeighboursDoNotMove() {
      var memory = pair();
      memory.graph.addNeuron(v(10, 10), 1f, 0f, 0f);
      memory.graph.connect(1, 2, 0);
      memory.step(Sample.unlabelled(v(1, 0)));
      assertVector(10, 10, memory.graph.weights(2));
      assertEquals(1f, memory.graph.habituation(2));
    }
  }

  @Nested
  class Habituation {
    @Test
    void theBmuAndItsNeighboursHabituateTowardsOneMinusOneOverKappa() {
      var memory = new AffectiveMemory(TWO_D);
      memory.graph.addNeuron(v(0, 0), 1f, 0f, 0f);
      memory.graph.addNeuron(v(5, 0), 1f, 0f, 0f);
      memory.graph.connect(0, 1, 0);
      // h += tau kappa (1 - h) - tau; the sample sits on b, so nothing moves and b always wins
      double[] bmu = {0.7, 0.4945, 0.3537325, 0.257306763, 0.191255132};
      double[] neighbour = {0.9, 0.8105, 0.7303975, 0.658705763, 0.594541657};
      for (int t = 0; t < bmu.length; t++) {
        memory.step(Sample.unlabelled(v(0, 0)));
        assertEquals(bmu[t], memory.graph.habituation(0), TOL, "BMU after " + (t + 1) + " wins");
        assertEquals(neighbour[t], memory.graph.habituation(1), TOL, "neighbour after " + (t + 1) + " wins");
      }
      for (int t = 0; t < 200; t++) {
        memory.step(Sample.unlabelled(v(0, 0)));
      }
      assertEquals(1 - 1 / 1.05, memory.graph.habituation(0), 1e-5);
      assertEquals(1 - 1 / 1.05, memory.graph.habituation(1), 1e-5);
    }

    @Test
    void aNeuronMustWinFiveTimesBeforeItCanGrowANeighbour() {
      var memory = new AffectiveMemory(TWO_D);
      memory.graph.addNeuron(v(0, 0), 1f, 0f, 0f);
      memory.graph.addNeuron(v(5, 0), 1f, 0f, 0f);
      memory.graph.connect(0, 1, 0);
      for (int wins = 0; wins < 4; wins++) {
        memory.step(Sample.unlabelled(v(0, 0)));
      }
      memory.step(Sample.unlabelled(v(0, -2))); // far from b, but h_b = 0.257 >= 0.2
      assertEquals(2, memory.size());
      memory.step(Sample.unlabelled(v(0, -2))); // now h_b = 0.183 < 0.2
      assertEquals(3, memory.size());
    }
  }

  @Nested
  class Edges {
    /** b = (0,0) with neighbours (1,0) and (0,1); samples near b pick b and then (1,0) as s. */
    AffectiveMemory star(MemoryConfig config) {
      var memory = new AffectiveMemory(config);
      memory.graph.addNeuron(v(0, 0), 1f, 0f, 0f);
      memory.graph.addNeuron(v(1, 0), 1f, 0f, 0f);
      memory.graph.addNeuron(v(0, 1), 1f, 0f, 0f);
      memory.graph.connect(0, 1, 0);
      memory.graph.connect(0, 2, 0);
      return memory;
    }

    @Test
    void theBmusEdgesAgeAndTheEdgeToTheSecondIsRenewed() {
      var memory = star(TWO_D);
      memory.graph.addNeuron(v(1, 1), 1f, 0f, 0f);
      memory.graph.connect(1, 3, 5);
      memory.graph.connect(2, 3, 0);
      memory.step(Sample.unlabelled(v(0.1, 0)));
      assertEquals(0, memory.graph.edgeAge(0, 1), "b-s reset to 0");
      assertEquals(1, memory.graph.edgeAge(0, 2), "other edges of b aged");
      assertEquals(1, memory.graph.edgeAge(2, 0), "symmetric");
      assertEquals(5, memory.graph.edgeAge(1, 3), "edges not touching b keep their age");
    }

    @Test
    void anEdgeBetweenBAndSIsCreatedIfMissing() {
      var memory = star(TWO_D);
      memory.graph.disconnect(0, 1);
      memory.graph.connect(1, 2, 0);
      memory.step(Sample.unlabelled(v(0.1, 0)));
      assertEquals(0, memory.graph.edgeAge(0, 1));
    }

    @Test
    void edgesOlderThanMaxAgeGoAndSoDoNeuronsLeftWithoutEdges() {
      var memory = star(MemoryConfig.builder().dimension(2).maxEdgeAge(2).build());
      memory.step(Sample.unlabelled(v(0.1, 0)));
      memory.step(Sample.unlabelled(v(0.1, 0)));
      assertEquals(2, memory.graph.edgeAge(0, 2), "age 2 = max age: kept");
      assertEquals(3, memory.size());
      memory.step(Sample.unlabelled(v(0.1, 0)));
      assertEquals(2, memory.size(), "edge 0-2 reached age 3 > 2, neuron 2 was left alone and removed");
      assertTrue(memory.graph.weights(1)[0] > 0.9f, "the survivor at (1,0) only drifted towards the samples");
      memory.checkInvariants();
    }

    @Test
    void removingANeuronMovesTheLastOneIntoItsSlotWithItsEdges() {
      var memory = star(MemoryConfig.builder().dimension(2).maxEdgeAge(2).build());
      memory.graph.addNeuron(v(5, 5), 0.5f, -0.25f, 0.75f);
      memory.graph.connect(1, 3, 1);
      for (int t = 0; t < 3; t++) {
        memory.step(Sample.unlabelled(v(0.1, 0)));
      }
      assertEquals(3, memory.size());
      assertVector(5, 5, memory.graph.weights(2)); // old neuron 3 now at index 2
      assertEquals(0.5f, memory.graph.habituation(2));
      assertEquals(-0.25f, memory.graph.arousal(2));
      assertEquals(0.75f, memory.graph.valence(2));
      assertEquals(1, memory.graph.edgeAge(1, 2), "its edge was renamed at both ends");
      assertArrayEquals(new int[] {0, 2}, memory.graph.neighbours(1));
      assertArrayEquals(new int[] {1}, memory.graph.neighbours(2));
      memory.checkInvariants();
    }

    @Test
    void severalNeuronsLeftAloneInOneStepAreAllRemovedIncludingTheLastOne() {
      var memory = star(MemoryConfig.builder().dimension(2).maxEdgeAge(2).build());
      memory.graph.addNeuron(v(5, 5), 1f, 0.1f, 0.1f);
      memory.graph.addNeuron(v(0, -1), 1f, 0f, 0f); // the last index, about to be left alone too
      memory.graph.connect(1, 3, 0);
      memory.graph.connect(0, 4, 0);
      for (int t = 0; t < 3; t++) {
        memory.step(Sample.unlabelled(v(0.1, 0)));
      }
      assertEquals(3, memory.size());
      assertVector(5, 5, memory.graph.weights(2));
      assertEquals(0.1f, memory.graph.arousal(2));
      assertArrayEquals(new int[] {0, 2}, memory.graph.neighbours(1));
      memory.checkInvariants();
    }

    @Test
    void aNeuronThatKeepsAnotherEdgeStays() {
      var memory = star(MemoryConfig.builder().dimension(2).maxEdgeAge(2).build());
      memory.graph.connect(1, 2, 0);
      for (int t = 0; t < 3; t++) {
        memory.step(Sample.unlabelled(v(0.1, 0)));
      }
      assertEquals(3, memory.size());
      assertEquals(-1, memory.graph.edgeAge(0, 2));
      assertArrayEquals(new int[] {1}, memory.graph.neighbours(2));
    }

    @Test
    void theInvariantCheckCatchesANeuronWithoutEdges() {
      var memory = star(TWO_D);
      memory.graph.disconnect(0, 2);
      assertThrows(IllegalStateException.class, memory::checkInvariants);
    }
  }

  @Nested
  class Labels {
    AffectiveMemory pair() {
      var memory = new AffectiveMemory(TWO_D);
      memory.graph.addNeuron(v(0, 0), 1f, 0f, 0f);
      memory.graph.addNeuron(v(1, 0), 1f, 0.2f, 0.2f);
      memory.graph.connect(0, 1, 0);
      return memory;
    }

    @Test
    void aLabelledSampleMovesTheBmusLabelsByGamma() {
      var memory = pair();
      memory.step(Sample.labelled(v(0, 0), 1f, -1f));
      assertEquals(0.4, memory.graph.arousal(0), TOL);
      assertEquals(-0.4, memory.graph.valence(0), TOL);
      memory.step(Sample.labelled(v(0, 0), 1f, -1f));
      assertEquals(0.64, memory.graph.arousal(0), TOL);
      assertEquals(-0.64, memory.graph.valence(0), TOL);
      assertEquals(0.2f, memory.graph.arousal(1), "neighbours' labels never move");
    }

    @Test
    void realFramesNeverChangeLabels() {
      var memory = pair();
      for (int t = 0; t < 50; t++) {
        memory.step(Sample.unlabelled(v(0.3 * Math.sin(t), 0.3 * Math.cos(t))));
      }
      assertEquals(0f, memory.graph.arousal(0));
      assertEquals(0f, memory.graph.valence(0));
      assertEquals(0.2f, memory.graph.arousal(1));
      assertEquals(0.2f, memory.graph.valence(1));
    }

    @Test
    void predictionReadsTheBmusLabels() {
      var memory = pair();
      Prediction p = memory.predict(v(0.9, 0.1));
      assertEquals(0.2f, p.arousal());
      assertEquals(0.2f, p.valence());
      assertEquals(Math.exp(-Math.sqrt(0.01 + 0.01)), p.activation(), TOL);
      assertEquals(2, p.memorySize());
    }

    @Test
    void labelledSamplesOutsideMinusOneToOneAreRejected() {
      var e = assertThrows(IllegalArgumentException.class, () -> Sample.labelled(v(0, 0), 1.5f, 0f));
      assertTrue(e.getMessage().contains("[-1, 1]"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> Sample.labelled(v(0, 0), 0f, Float.NaN));
    }
  }

  @Nested
  class Inputs {
    @Test
    void aVectorOfTheWrongLengthOrWithNaNIsRejectedBeforeTraining() {
      var memory = new AffectiveMemory(TWO_D);
      var ok = Sample.unlabelled(v(0, 0));
      var e = assertThrows(IllegalArgumentException.class,
          () -> memory.train(java.util.List.of(ok, Sample.unlabelled(new float[3])), 1L));
      assertTrue(e.getMessage().contains("sample 1"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> memory.train(java.util.List.of(ok, Sample.unlabelled(v(Float.NaN, 0))), 1L));
      assertEquals(0, memory.size(), "nothing was trained");
      assertThrows(IllegalArgumentException.class, () -> memory.predict(new float[5]));
    }
  }
}
