package dev.paffmem.producer.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tracker's rules: start, continue, predict between detections, loss, take-back, end. */
class FaceTrackerTest {

  private static final TrackerConfig RULES = new TrackerConfig(0.3, 2, 10, 0.5, 0.5);

  private static Box at(double x, double y) {
    return new Box(x, y, 50, 50);
  }

  @Test
  void aTrackStartsAfterMinHitsDetectionsAndKeepsItsIdAndFrameIndex() {
    FaceTracker t = new FaceTracker(RULES, 640, 480);
    FaceTracker.Update u0 = t.update(0, List.of(at(100, 100)));
    assertEquals(List.of(), u0.faces(), "a single detection is no person yet");
    FaceTracker.Update u1 = t.update(5, List.of(at(110, 100)));
    assertEquals(List.of(1), u1.started());
    assertEquals(1, u1.faces().size());
    assertEquals(0, u1.faces().get(0).personFrameIndex());
    for (int f = 6; f < 10; f++) {
      FaceTracker.Face face = t.update(f, null).faces().get(0);
      assertEquals(1, face.trackId());
      assertEquals(f - 5, face.personFrameIndex());
      // constant velocity: 2 pixels a frame to the right
      assertEquals(110 + 2 * (f - 5), face.box().x(), 1e-9);
      assertTrue(!face.detected());
    }
    FaceTracker.Face face = t.update(10, List.of(at(120, 100))).faces().get(0);
    assertEquals(1, face.trackId());
    assertEquals(5, face.personFrameIndex());
    assertTrue(face.detected());
  }

  @Test
  void aSingleFalseDetectionNeverBecomesAPerson() {
    FaceTracker t = new FaceTracker(RULES, 640, 480);
    t.update(0, List.of(at(300, 300)));
    FaceTracker.Update u = t.update(5, List.of());
    assertEquals(List.of(), u.faces());
    assertEquals(List.of(), u.ended());
    assertEquals(0, t.activeTracks());
    // the next real person gets id 1: no id was spent on the false detection
    t.update(10, List.of(at(100, 100)));
    assertEquals(List.of(1), t.update(15, List.of(at(100, 100))).started());
  }

  @Test
  void aLostPersonIsTakenBackWithinTheWindowThenEnds() {
    FaceTracker t = new FaceTracker(RULES, 640, 480);
    t.update(0, List.of(at(100, 100)));
    t.update(5, List.of(at(100, 100)));
    assertEquals(List.of(), t.update(10, List.of()).faces(), "no faces while lost");
    FaceTracker.Update back = t.update(15, List.of(at(102, 100)));
    assertEquals(1, back.faces().get(0).trackId(), "taken back with the same id");
    assertEquals(1, back.faces().get(0).personFrameIndex(), "frame index continues");
    t.update(20, List.of());
    FaceTracker.Update gone = t.update(26, List.of());
    assertEquals(List.of(new FaceTracker.Ended(1, 2, "lost for more than 10 frames")), gone.ended());
    t.update(30, List.of(at(100, 100)));
    assertEquals(List.of(2), t.update(35, List.of(at(100, 100))).started(), "after the window: a new person");
  }

  @Test
  void twoPersonsKeepTheirIdsAndAPersonLeavingTheFrameEnds() {
    FaceTracker t = new FaceTracker(RULES, 640, 480);
    List<Integer> started = new ArrayList<>();
    List<FaceTracker.Ended> ended = new ArrayList<>();
    for (int f = 0; f <= 100; f += 5) {
      // A walks right 3 px a frame and leaves at x = 640; B stands still
      Box walker = at(400 + 3 * f, 100);
      FaceTracker.Update u = t.update(f, walker.insideShare(640, 480) > 0.6 ? List.of(at(100, 300), walker)
          : List.of(at(100, 300)));
      started.addAll(u.started());
      ended.addAll(u.ended());
      for (int g = f + 1; g < f + 5; g++) {
        FaceTracker.Update between = t.update(g, null);
        ended.addAll(between.ended());
      }
    }
    assertEquals(List.of(1, 2), started);
    assertEquals(1, ended.size());
    assertEquals("left the frame", ended.get(0).reason());
    assertEquals(2, ended.get(0).trackId(), "the walker (second detection listed, same round) is track 2");
  }

  @Test
  void framesMustIncrease() {
    FaceTracker t = new FaceTracker(RULES, 640, 480);
    t.update(3, null);
    assertThrows(IllegalArgumentException.class, () -> t.update(3, null));
  }
}
