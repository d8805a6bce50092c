package dev.paffmem.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The memory learns labelled clusters and follows an unlabelled drift without relabelling it. */
class LearningTest {

  /** Mean absolute label error on held-out points, both labels pooled. */
  static double heldOutError(AffectiveMemory memory, List<TestData.Cluster> clusters, Random random) {
    double error = 0;
    int n = 0;
    for (TestData.Cluster cluster : clusters) {
      for (int i = 0; i < 50; i++) {
        Prediction p = memory.predict(cluster.draw(random));
        error += Math.abs(p.arousal() - cluster.arousal()) + Math.abs(p.valence() - cluster.valence());
        n += 2;
      }
    }
    return error / n;
  }

  @Test
  void itLearnsLabelledClustersIn2d() {
    Random random = new Random(1);
    List<TestData.Cluster> clusters = List.of(
        new TestData.Cluster(new float[] {-1.5f, -1.5f}, 0.2, -0.8f, -0.6f),
        new TestData.Cluster(new float[] {1.5f, -1.5f}, 0.2, 0.8f, -0.6f),
        new TestData.Cluster(new float[] {-1.5f, 1.5f}, 0.2, -0.8f, 0.6f),
        new TestData.Cluster(new float[] {1.5f, 1.5f}, 0.2, 0.8f, 0.6f));
    var memory = new AffectiveMemory(MemoryConfig.builder().dimension(2).build());
    double untrained = Double.NaN;
    for (int frame = 0; frame < 10; frame++) {
      memory.train(TestData.labelledFrame(clusters, 100, random), AffectiveMemory.seed("2d", frame));
      if (frame == 0) {
        untrained = heldOutError(memory, clusters, random);
      }
    }
    double error = heldOutError(memory, clusters, random);
    assertTrue(error < 0.02, "held-out mean absolute error " + error + " (after one frame: " + untrained + ")");
    memory.checkInvariants();
  }

  @Test
  void itLearnsLabelledClustersIn50d() {
    Random random = new Random(2);
    var clusters = TestData.randomClusters(8, 50, 0.8, 0.05, random);
    var memory = new AffectiveMemory(MemoryConfig.defaults());
    for (int frame = 0; frame < 10; frame++) {
      memory.train(TestData.labelledFrame(clusters, 120, random), AffectiveMemory.seed("50d", frame));
    }
    double error = heldOutError(memory, clusters, random);
    assertTrue(error < 0.02, "held-out mean absolute error " + error);
    // a blind guess of 0 would be off by about 0.5 on labels uniform in [-1, 1]
    assertTrue(heldOutError(new AffectiveMemory(MemoryConfig.defaults()), clusters, random) > 0.3);
  }

  @Test
  void itInterpolatesAContinuousLabelMapWithinItsResolution() {
    // z = (a, v) * 2: labels are a linear function of position; held-out error is bounded by spacing
    Random random = new Random(3);
    var memory = new AffectiveMemory(MemoryConfig.builder().dimension(2).build());
    for (int frame = 0; frame < 20; frame++) {
      List<Sample> samples = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        float a = TestData.label(random);
        float v = TestData.label(random);
        samples.add(Sample.labelled(new float[] {2 * a, 2 * v}, a, v));
      }
      memory.train(samples, AffectiveMemory.seed("map", frame));
    }
    double error = 0;
    for (int i = 0; i < 400; i++) {
      float a = TestData.label(random);
      float v = TestData.label(random);
      Prediction p = memory.predict(new float[] {2 * a, 2 * v});
      error += (Math.abs(p.arousal() - a) + Math.abs(p.valence() - v)) / 2;
    }
    error /= 400;
    assertTrue(error < 0.15, "mean absolute error " + error + " with " + memory.size() + " neurons");
  }

  @Test
  void anUnlabelledDriftMovesPrototypesButNotLabels() {
    Random random = new Random(4);
    var home = new TestData.Cluster(new float[] {0f, 0f}, 0.05, 0.5f, -0.5f);
    var other = new TestData.Cluster(new float[] {-3f, 3f}, 0.05, -0.5f, 0.5f);
    var memory = new AffectiveMemory(MemoryConfig.builder().dimension(2).build());
    for (int frame = 0; frame < 5; frame++) {
      memory.train(TestData.labelledFrame(List.of(home, other), 100, random), AffectiveMemory.seed("drift", frame));
    }
    Set<Float> labelsBefore = arousalLabels(memory);
    float[] destination = {2f, 0f};
    double before = nearestPrototype(memory, destination);
    assertTrue(before > 1.5, "before the drift the nearest prototype is " + before + " away");

    // The real face drifts from home to (2, 0) over 100 frames and stays there for 100 more,
    // one unlabelled sample per frame.
    for (int frame = 0; frame < 200; frame++) {
      float x = Math.min(1f, frame / 99f) * destination[0];
      float[] z = {x + (float) (0.02 * random.nextGaussian()), (float) (0.02 * random.nextGaussian())};
      memory.train(List.of(Sample.unlabelled(z)), AffectiveMemory.seed("drift", 5 + frame));
    }
    double after = nearestPrototype(memory, destination);
    assertTrue(after < 0.3, "after the drift the nearest prototype is " + after + " away");
    Prediction p = memory.predict(destination);
    assertEquals(0.5f, p.arousal(), 1e-3, "the drifted face keeps home's label");
    assertEquals(-0.5f, p.valence(), 1e-3);
    assertTrue(labelsBefore.containsAll(arousalLabels(memory)), "no new label values appeared");
  }

  static double nearestPrototype(AffectiveMemory memory, float[] point) {
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < memory.size(); i++) {
      best = Math.min(best, TestData.distance(memory.graph.weights(i), point));
    }
    return best;
  }

  static Set<Float> arousalLabels(AffectiveMemory memory) {
    Set<Float> labels = new HashSet<>();
    for (int i = 0; i < memory.size(); i++) {
      labels.add(memory.graph.arousal(i));
    }
    return labels;
  }
}
