package dev.paffmem.producer.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns BlazeFace's raw outputs into face boxes, as MediaPipe's face-detection graph does (plain Java, no OpenCV):
 * SSD anchors on a square input ({@code SsdAnchorsCalculator} with fixed anchor size), box regression relative to each
 * anchor's centre ({@code TensorsToDetectionsCalculator}: x, y, w, h in input pixels; scores through a sigmoid, clipped
 * at +-100), then weighted non-maximum suppression at IoU 0.3 (a cluster's box is the score-weighted mean of its
 * members, its score the best member's).
 *
 * <p>Boxes are in units of the square input: (0, 0) its top-left corner, 1 its side.
 */
public final class BlazeFaceDecoder {

  /** The two BlazeFace models of MediaPipe's face detection. */
  public enum Variant {
    /** 192x192, one anchor on every cell of a 48x48 grid (stride 4): faces from about 1/20 of the image up. */
    FULL_RANGE(192, new int[] {4}, 1),
    /** 128x128, strides 8, 16, 16, 16 with two anchors a layer (896 anchors): faces close to the camera. */
    SHORT_RANGE(128, new int[] {8, 16, 16, 16}, 2);

    final int inputSize;
    final int[] strides;
    final int anchorsPerLayer;

    Variant(int inputSize, int[] strides, int anchorsPerLayer) {
      this.inputSize = inputSize;
      this.strides = strides;
      this.anchorsPerLayer = anchorsPerLayer;
    }

    public int inputSize() {
      return inputSize;
    }
  }

  /** A face in input units: centre, size, score (0-1), and the 6 keypoints (x, y pairs: eyes, nose, mouth, ears). */
  public record Detection(double cx, double cy, double w, double h, double score, double[] keypoints) {
    public double x0() {
      return cx - w / 2;
    }

    public double y0() {
      return cy - h / 2;
    }

    double iou(Detection o) {
      double ix = Math.min(x0() + w, o.x0() + o.w) - Math.max(x0(), o.x0());
      double iy = Math.min(y0() + h, o.y0() + o.h) - Math.max(y0(), o.y0());
      if (ix <= 0 || iy <= 0) {
        return 0;
      }
      double inter = ix * iy;
      return inter / (w * h + o.w * o.h - inter);
    }
  }

  static final int COORDS = 16;
  static final int KEYPOINTS = 6;
  static final double NMS_IOU = 0.3;

  private final Variant variant;
  private final float[] anchorX;
  private final float[] anchorY;

  public BlazeFaceDecoder(Variant variant) {
    this.variant = variant;
    List<float[]> anchors = anchors(variant);
    anchorX = new float[anchors.size()];
    anchorY = new float[anchors.size()];
    for (int i = 0; i < anchors.size(); i++) {
      anchorX[i] = anchors.get(i)[0];
      anchorY[i] = anchors.get(i)[1];
    }
  }

  public int anchorCount() {
    return anchorX.length;
  }

  /** Anchor centres in input units, in the model's output order: per group of layers with one stride, row by row. */
  static List<float[]> anchors(Variant v) {
    List<float[]> out = new ArrayList<>();
    int layer = 0;
    while (layer < v.strides.length) {
      int stride = v.strides[layer];
      int perCell = 0;
      while (layer < v.strides.length && v.strides[layer] == stride) {
        perCell += v.anchorsPerLayer;
        layer++;
      }
      int cells = (int) Math.ceil((double) v.inputSize / stride);
      for (int y = 0; y < cells; y++) {
        for (int x = 0; x < cells; x++) {
          for (int a = 0; a < perCell; a++) {
            out.add(new float[] {(x + 0.5f) / cells, (y + 0.5f) / cells});
          }
        }
      }
    }
    return out;
  }

  /**
   * @param regressors {@code anchorCount() x 16} values, row by row (box centre offset and size, 6 keypoints)
   * @param logits     {@code anchorCount()} raw scores
   * @param minScore   faces scoring below this are dropped before suppression
   * @return the faces after weighted non-maximum suppression, best first
   */
  public List<Detection> decode(float[] regressors, float[] logits, double minScore) {
    if (logits.length != anchorX.length || regressors.length != anchorX.length * COORDS) {
      throw new IllegalArgumentException("expected " + anchorX.length + " scores and " + anchorX.length * COORDS
          + " regressors for " + variant + ", got " + logits.length + " and " + regressors.length);
    }
    double size = variant.inputSize;
    List<Detection> candidates = new ArrayList<>();
    for (int i = 0; i < logits.length; i++) {
      double score = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, logits[i]))));
      if (score < minScore) {
        continue;
      }
      int r = i * COORDS;
      double w = regressors[r + 2] / size;
      double h = regressors[r + 3] / size;
      if (!(w > 0 && h > 0)) {
        continue;
      }
      double[] kp = new double[2 * KEYPOINTS];
      for (int k = 0; k < KEYPOINTS; k++) {
        kp[2 * k] = anchorX[i] + regressors[r + 4 + 2 * k] / size;
        kp[2 * k + 1] = anchorY[i] + regressors[r + 5 + 2 * k] / size;
      }
      candidates.add(new Detection(anchorX[i] + regressors[r] / size, anchorY[i] + regressors[r + 1] / size, w, h,
          score, kp));
    }
    return weightedNms(candidates, NMS_IOU);
  }

  /**
   * MediaPipe's weighted non-maximum suppression: the best remaining detection and every other one overlapping it by
   * more than {@code iou} form a cluster, replaced by their score-weighted mean box (keypoints likewise).
   */
  static List<Detection> weightedNms(List<Detection> detections, double iou) {
    List<Detection> remaining = new ArrayList<>(detections);
    remaining.sort(Comparator.comparingDouble(Detection::score).reversed());
    List<Detection> out = new ArrayList<>();
    while (!remaining.isEmpty()) {
      Detection best = remaining.get(0);
      List<Detection> cluster = new ArrayList<>();
      List<Detection> rest = new ArrayList<>();
      for (Detection d : remaining) {
        (d == best || best.iou(d) > iou ? cluster : rest).add(d);
      }
      double total = 0;
      double cx = 0;
      double cy = 0;
      double w = 0;
      double h = 0;
      double[] kp = new double[best.keypoints().length];
      for (Detection d : cluster) {
        total += d.score();
        cx += d.score() * d.cx();
        cy += d.score() * d.cy();
        w += d.score() * d.w();
        h += d.score() * d.h();
        for (int k = 0; k < kp.length; k++) {
          kp[k] += d.score() * d.keypoints()[k];
        }
      }
      for (int k = 0; k < kp.length; k++) {
        kp[k] /= total;
      }
      out.add(new Detection(cx / total, cy / total, w / total, h / total, best.score(), kp));
      remaining = rest;
    }
    return out;
  }
}
