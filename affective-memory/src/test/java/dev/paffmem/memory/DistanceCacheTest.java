package dev.paffmem.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The distance cache of one-sample training calls (an online frame's {@code epochs} passes over one z) changes no
 * bit: many random memories, configurations and sample streams, trained twice, once through the cache and once by
 * the reference path ({@code distanceCache = false}: every neuron measured every pass), give byte-identical state
 * (weights, habituation, labels, residuals, edges and their ages, step counts) after every call, and the same
 * predictions under every read-out. The streams are chosen so the cache meets every change of the graph: moved
 * neurons, insertions by unlabelled and labelled single samples, neurons removed (swap-removed) when their last
 * edge ages out, the cap, memories of 0-2 neurons. About 1 s.
 */
class DistanceCacheTest {

  private static final int DIM = 12;

  /** A configuration drawn at random: small edge ages (removals), any cap, any epochs, inserts on or off. */
  static MemoryConfig config(Random r) {
    return MemoryConfig.builder().dimension(DIM).epochs(1 + r.nextInt(10)).maxNeurons(3 + r.nextInt(r.nextBoolean() ? 12 : 120))
        .maxEdgeAge(1 + r.nextInt(r.nextBoolean() ? 4 : 60)).activityThreshold(0.05f + 0.9f * r.nextFloat())
        .habituationThreshold(0.05f + 0.9f * r.nextFloat()).unlabelledInserts(r.nextBoolean())
        .unlabelledRate(r.nextBoolean() ? 1f : r.nextFloat()).readoutK(1 + r.nextInt(6)).build();
  }

  /** The reference path: every neuron measured every pass and every read. */
  static AffectiveMemory uncached(MemoryConfig cfg) {
    AffectiveMemory m = new AffectiveMemory(cfg);
    m.distanceCache = false;
    return m;
  }

  @Test
  void cachedTrainingIsBitIdenticalToMeasuringEveryNeuronEveryPass() {
    Random r = new Random(20261130L);
    int inserted = 0;
    int removed = 0;
    int singleCalls = 0;
    for (int memory = 0; memory < 120; memory++) {
      MemoryConfig cfg = config(r);
      List<TestData.Cluster> clusters = TestData.randomClusters(2 + r.nextInt(6), DIM, 1.0, 0.05 + 0.4 * r.nextDouble(), r);
      AffectiveMemory cached = new AffectiveMemory(cfg);
      AffectiveMemory reference = uncached(cfg);
      for (int call = 0; call < 60; call++) {
        List<Sample> samples = new ArrayList<>();
        int kind = r.nextInt(10);
        if (kind == 0) { // a generation-like batch (the cache is not used, the reference path is)
          samples.addAll(TestData.labelledFrame(clusters, 2 + r.nextInt(30), r));
        } else {
          TestData.Cluster c = clusters.get(r.nextInt(clusters.size()));
          float[] z = kind == 1 ? TestData.randomClusters(1, DIM, 3.0, 0.0, r).get(0).centre() : c.draw(r); // far: an insert
          samples.add(kind <= 3 ? Sample.labelled(z, c.arousal(), c.valence(), TestData.label(r), TestData.label(r))
              : Sample.unlabelled(z));
          singleCalls++;
        }
        int before = cached.size();
        long seed = AffectiveMemory.seed("p" + memory, call);
        cached.train(samples, seed);
        reference.train(samples, seed);
        assertArrayEquals(AffectiveMemoryCodec.toBytes(reference), AffectiveMemoryCodec.toBytes(cached),
            "memory " + memory + " call " + call + " (" + cfg + ")");
        if (samples.size() == 1) {
          inserted += cached.size() > before ? 1 : 0;
          removed += cached.size() < before ? 1 : 0;
        }
        float[] z = samples.get(0).z();
        for (MemoryConfig.Readout readout : MemoryConfig.Readout.values()) {
          assertEquals(reference.predict(z, 0.1f, -0.2f, readout), cached.predict(z, 0.1f, -0.2f, readout));
        }
      }
      cached.checkInvariants();
    }
    assertTrue(singleCalls > 5000, "one-sample calls: " + singleCalls);
    assertTrue(inserted > 200, "one-sample calls that inserted a neuron: " + inserted);
    assertTrue(removed > 50, "one-sample calls that removed neurons: " + removed);
  }

  @Test
  void aReadAfterTrainingUsesTheCacheOnlyForTheTrainedSampleAndOnlyUntilTheMemoryChanges() {
    // the online frame's order (train on z, then predict z) reads cached distances; any other z, a caller's array
    // changed in place after training, an enrolled face, or a step of training in between must not
    Random r = new Random(11);
    for (int memory = 0; memory < 40; memory++) {
      MemoryConfig cfg = config(r);
      List<TestData.Cluster> clusters = TestData.randomClusters(2 + r.nextInt(5), DIM, 1.0, 0.05 + 0.3 * r.nextDouble(), r);
      AffectiveMemory cached = new AffectiveMemory(cfg);
      AffectiveMemory reference = uncached(cfg);
      for (int call = 0; call < 40; call++) {
        TestData.Cluster c = clusters.get(r.nextInt(clusters.size()));
        float[] z = c.draw(r);
        float[] trained = z.clone();
        float[] other = c.draw(r);
        cached.train(List.of(Sample.unlabelled(z)), call);
        reference.train(List.of(Sample.unlabelled(z)), call);
        for (MemoryConfig.Readout readout : MemoryConfig.Readout.values()) {
          assertEquals(reference.predict(z, 0.3f, 0.1f, readout), cached.predict(z, 0.3f, 0.1f, readout), "trained z");
          assertEquals(reference.predict(other, 0.3f, 0.1f, readout), cached.predict(other, 0.3f, 0.1f, readout), "another z");
        }
        z[r.nextInt(DIM)] += 0.5f; // the caller reuses its array: the copy kept by the memory is not fooled
        assertEquals(reference.predict(z, 0.3f, 0.1f), cached.predict(z, 0.3f, 0.1f), "changed in place");
        if (call % 7 == 6) { // a step outside train() (package access) moves neurons: then a read of the trained z
          Sample s = Sample.unlabelled(other);
          cached.step(s);
          reference.step(s);
          for (MemoryConfig.Readout readout : MemoryConfig.Readout.values()) {
            assertEquals(reference.predict(trained, 0.3f, 0.1f, readout), cached.predict(trained, 0.3f, 0.1f, readout),
                "after a step");
          }
        }
      }
      // last: train, enrol a face, read the trained z (from then on the enrolled faces answer)
      float[] z = clusters.get(0).draw(r);
      cached.train(List.of(Sample.unlabelled(z)), 99);
      reference.train(List.of(Sample.unlabelled(z)), 99);
      float[] face = clusters.get(0).draw(r);
      cached.enrol(face, 0.4f, -0.2f, 0.1f, 0.1f);
      reference.enrol(face, 0.4f, -0.2f, 0.1f, 0.1f);
      for (MemoryConfig.Readout readout : MemoryConfig.Readout.values()) {
        assertEquals(reference.predict(z, 0.3f, 0.1f, readout), cached.predict(z, 0.3f, 0.1f, readout), "after enrol");
      }
      assertArrayEquals(AffectiveMemoryCodec.toBytes(reference), AffectiveMemoryCodec.toBytes(cached));
    }
  }

  @Test
  void theCacheDoesNotOutliveItsCall() {
    // the same memory trained on one sample, then on another, then read: each call measures its own sample
    Random r = new Random(5);
    MemoryConfig cfg = MemoryConfig.builder().dimension(DIM).build();
    List<TestData.Cluster> clusters = TestData.randomClusters(4, DIM, 1.0, 0.2, r);
    AffectiveMemory cached = new AffectiveMemory(cfg);
    AffectiveMemory reference = uncached(cfg);
    List<Sample> batch = TestData.labelledFrame(clusters, 50, r);
    cached.train(batch, 1);
    reference.train(batch, 1);
    for (int i = 0; i < 200; i++) {
      Sample s = Sample.unlabelled(clusters.get(i % 4).draw(r));
      cached.train(List.of(s), i);
      reference.train(List.of(s), i);
      reference.train(List.of(s), i + 1000); // the same sample twice in a row: a new call starts afresh
      cached.train(List.of(s), i + 1000);
    }
    assertArrayEquals(AffectiveMemoryCodec.toBytes(reference), AffectiveMemoryCodec.toBytes(cached));
  }
}
