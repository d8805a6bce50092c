package dev.paffmem.producer.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** BlazeFace's anchors, box decoding and weighted non-maximum suppression, on hand-made outputs (no model). */
class BlazeFaceDecoderTest {

  static final BlazeFaceDecoder.Variant FULL = BlazeFaceDecoder.Variant.FULL_RANGE;

  @Test
  void anchorsMatchTheModelsOutputs() {
    assertEquals(2304, new BlazeFaceDecoder(FULL).anchorCount(), "full range: 48 x 48 cells, one anchor each");
    assertEquals(896, new BlazeFaceDecoder(BlazeFaceDecoder.Variant.SHORT_RANGE).anchorCount(),
        "short range: 16 x 16 x 2 + 8 x 8 x 6");
    List<float[]> full = BlazeFaceDecoder.anchors(FULL);
    assertArrayEquals(new float[] {0.5f / 48, 0.5f / 48}, full.get(0), 1e-7f);
    assertArrayEquals(new float[] {1.5f / 48, 0.5f / 48}, full.get(1), 1e-7f, "row by row: x first");
    assertArrayEquals(new float[] {0.5f / 48, 1.5f / 48}, full.get(48), 1e-7f);
    List<float[]> s = BlazeFaceDecoder.anchors(BlazeFaceDecoder.Variant.SHORT_RANGE);
    assertArrayEquals(s.get(0), s.get(1), "two anchors on each stride-8 cell");
    assertArrayEquals(new float[] {0.5f / 8, 0.5f / 8}, s.get(512), 1e-7f, "then the stride-16 grid");
    assertArrayEquals(s.get(512), s.get(517), "six anchors on each stride-16 cell (three layers merged)");
    assertArrayEquals(new float[] {1.5f / 8, 0.5f / 8}, s.get(518), 1e-7f);
  }

  /** Outputs with every score far below zero, and one face at {@code anchor}. */
  static float[][] outputs(int anchors, int anchor, float logit, float dx, float dy, float w, float h) {
    float[] logits = new float[anchors];
    java.util.Arrays.fill(logits, -20f);
    float[] reg = new float[anchors * 16];
    logits[anchor] = logit;
    reg[anchor * 16] = dx;
    reg[anchor * 16 + 1] = dy;
    reg[anchor * 16 + 2] = w;
    reg[anchor * 16 + 3] = h;
    reg[anchor * 16 + 4] = -10; // right eye 10 input pixels left of the anchor
    return new float[][] {reg, logits};
  }

  @Test
  void boxesAreAnchorPlusOffsetInInputPixels() {
    BlazeFaceDecoder d = new BlazeFaceDecoder(FULL);
    int anchor = 10 * 48 + 20; // cell (20, 10): centre (20.5 / 48, 10.5 / 48)
    float[][] o = outputs(2304, anchor, 3f, 9.6f, -4.8f, 38.4f, 48f);
    List<BlazeFaceDecoder.Detection> faces = d.decode(o[0], o[1], 0.5);
    assertEquals(1, faces.size());
    BlazeFaceDecoder.Detection f = faces.get(0);
    assertEquals(20.5 / 48 + 0.05, f.cx(), 1e-6);
    assertEquals(10.5 / 48 - 0.025, f.cy(), 1e-6);
    assertEquals(0.2, f.w(), 1e-6);
    assertEquals(0.25, f.h(), 1e-6);
    assertEquals(1 / (1 + Math.exp(-3)), f.score(), 1e-6, "sigmoid of the logit");
    assertEquals(20.5 / 48 - 10 / 192.0, f.keypoints()[0], 1e-6);
    assertEquals(f.cx() - 0.1, f.x0(), 1e-6);
  }

  @Test
  void scoresBelowTheThresholdAndEmptyBoxesAreDropped() {
    BlazeFaceDecoder d = new BlazeFaceDecoder(FULL);
    float[][] weak = outputs(2304, 100, 0f, 0, 0, 30, 30); // score 0.5
    assertEquals(0, d.decode(weak[0], weak[1], 0.6).size());
    assertEquals(1, d.decode(weak[0], weak[1], 0.4).size());
    float[][] empty = outputs(2304, 100, 5f, 0, 0, 0, 30);
    assertEquals(0, d.decode(empty[0], empty[1], 0.5).size(), "a box of width 0 is no face");
    float[][] huge = outputs(2304, 100, 1e6f, 0, 0, 30, 30);
    assertEquals(1.0, d.decode(huge[0], huge[1], 0.5).get(0).score(), 1e-9, "logits clipped, no overflow");
  }

  @Test
  void outputsOfTheWrongSizeAreRejected() {
    BlazeFaceDecoder d = new BlazeFaceDecoder(FULL);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> d.decode(new float[896 * 16], new float[896], 0.5));
    assertTrue(e.getMessage().contains("2304"), e.getMessage());
  }

  static BlazeFaceDecoder.Detection det(double cx, double cy, double size, double score) {
    return new BlazeFaceDecoder.Detection(cx, cy, size, size, score, new double[] {cx, cy});
  }

  @Test
  void overlappingDetectionsMergeIntoTheirScoreWeightedMean() {
    List<BlazeFaceDecoder.Detection> out = BlazeFaceDecoder.weightedNms(List.of(
        det(0.50, 0.50, 0.2, 0.6),
        det(0.52, 0.50, 0.2, 0.9), // overlaps the first (IoU 0.82): one face
        det(0.20, 0.20, 0.1, 0.7), // far away: another face
        det(0.56, 0.50, 0.2, 0.5)), // IoU with the best 0.54: merged too
        0.3);
    assertEquals(2, out.size());
    BlazeFaceDecoder.Detection a = out.get(0);
    assertEquals(0.9, a.score(), 1e-12, "the best member's score");
    double mean = (0.50 * 0.6 + 0.52 * 0.9 + 0.56 * 0.5) / (0.6 + 0.9 + 0.5);
    assertEquals(mean, a.cx(), 1e-12);
    assertEquals(mean, a.keypoints()[0], 1e-12, "keypoints averaged likewise");
    assertEquals(0.20, out.get(1).cx(), 1e-12);
    assertEquals(0.7, out.get(1).score(), 1e-12);
  }

  @Test
  void detectionsOverlappingLessThanTheThresholdStaySeparate() {
    // two boxes of side 0.2 shifted by 0.12: IoU 0.08 / 0.32 = 0.25 < 0.3
    assertEquals(2, BlazeFaceDecoder.weightedNms(List.of(det(0.5, 0.5, 0.2, 0.9), det(0.62, 0.5, 0.2, 0.8)), 0.3)
        .size());
  }
}
