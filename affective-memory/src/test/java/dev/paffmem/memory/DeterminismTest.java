package dev.paffmem.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Same inputs, same bytes: the property that makes a replay after recovery identical. */
class DeterminismTest {

  static final int FRAMES = 8;

  /** Frame f of a person: 40 generated (labelled) faces and the real (unlabelled) frame, in 50-d. */
  static List<List<Sample>> stream() {
    Random random = new Random(7);
    var clusters = TestData.randomClusters(5, 50, 0.8, 0.08, random);
    List<List<Sample>> frames = new ArrayList<>();
    for (int f = 0; f < FRAMES; f++) {
      List<Sample> frame = TestData.labelledFrame(clusters, 40, random);
      frame.add(Sample.unlabelled(clusters.get(f % 5).draw(random)));
      frames.add(frame);
    }
    return frames;
  }

  static void train(AffectiveMemory memory, List<List<Sample>> frames, int from, int to) {
    for (int f = from; f < to; f++) {
      memory.train(frames.get(f), AffectiveMemory.seed("person-7", f));
    }
  }

  @Test
  void theSameInputsGiveByteIdenticalState() {
    var frames = stream();
    var first = new AffectiveMemory(MemoryConfig.defaults());
    var second = new AffectiveMemory(MemoryConfig.defaults());
    train(first, frames, 0, FRAMES);
    train(second, frames, 0, FRAMES);
    assertArrayEquals(AffectiveMemoryCodec.toBytes(first), AffectiveMemoryCodec.toBytes(second));
  }

  @Test
  void theShuffleDependsOnTheSeed() {
    var frames = stream();
    var a = new AffectiveMemory(MemoryConfig.defaults());
    var b = new AffectiveMemory(MemoryConfig.defaults());
    a.train(frames.get(0), AffectiveMemory.seed("person-7", 0));
    b.train(frames.get(0), AffectiveMemory.seed("person-7", 1));
    assertFalse(Arrays.equals(AffectiveMemoryCodec.toBytes(a), AffectiveMemoryCodec.toBytes(b)));
  }

  @Test
  void restoringFromStateAndReplayingGivesTheSameMemoryAsNeverStopping() {
    var frames = stream();
    var uninterrupted = new AffectiveMemory(MemoryConfig.defaults());
    train(uninterrupted, frames, 0, FRAMES);

    var beforeCrash = new AffectiveMemory(MemoryConfig.defaults());
    train(beforeCrash, frames, 0, FRAMES / 2);
    var restored = AffectiveMemoryCodec.fromBytes(AffectiveMemoryCodec.toBytes(beforeCrash), MemoryConfig.defaults());
    train(restored, frames, FRAMES / 2, FRAMES);

    assertArrayEquals(AffectiveMemoryCodec.toBytes(uninterrupted), AffectiveMemoryCodec.toBytes(restored));
    assertEquals(uninterrupted.size(), restored.size());
  }
}
