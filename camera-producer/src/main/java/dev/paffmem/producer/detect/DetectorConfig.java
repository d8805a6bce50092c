package dev.paffmem.producer.detect;

import dev.paffmem.producer.crop.FaceCropper;
import java.util.Locale;

/**
 * Which face detector a camera uses and its settings; {@link #create()} makes one (one per thread).
 *
 * @param kind          the detector
 * @param minFaceSize   smallest face width in the frame's pixels (all detectors)
 * @param minConfidence the DNN detectors' score threshold, 0-1 (BlazeFace)
 * @param minNeighbors  the cascades' confidence: overlapping hits needed (Haar, LBP)
 * @param contrast      the cascades' contrast normalization of the grey frame
 * @param tiles         BlazeFace: 1 runs the model on the whole frame; n > 1 also on an n x n grid of overlapping parts
 *                      (small faces are seen larger, at 1 + n^2 runs)
 * @param detectWidth   the cascades scale frames down to at most this width (BlazeFace always sees the frame at its
 *                      input size, 192 or 128 pixels on the longer side)
 */
public record DetectorConfig(Kind kind, int minFaceSize, double minConfidence, int tiles, int minNeighbors,
    CascadeFaceDetector.Contrast contrast, int detectWidth) {

  /** The detectors that ship: BlazeFace (a CNN, run by OpenCV DNN) and OpenCV's cascades. */
  public enum Kind {
    /** MediaPipe BlazeFace, full-range model (192x192 input): the default, chosen by measurement (README). */
    /** Its crop framing: 2.2 box widths, centre 0.10 widths above the box's (measured: 2.220, -0.104). */
    BLAZEFACE(null, 24, 2.2, -0.10),
    /** MediaPipe BlazeFace, short-range model (128x128 input): faces filling much of the frame (webcam). */
    BLAZEFACE_SHORT(null, 24, 2.2, -0.10),
    /** The cascades' crop framing is {@link FaceCropper}'s default (measured on the Haar box). */
    HAAR_ALT2(CascadeFaceDetector.Cascade.HAAR_ALT2, 40, FaceCropper.DEFAULT_SCALE, FaceCropper.DEFAULT_OFFSET_Y),
    HAAR_ALT(CascadeFaceDetector.Cascade.HAAR_ALT, 40, FaceCropper.DEFAULT_SCALE, FaceCropper.DEFAULT_OFFSET_Y),
    HAAR_DEFAULT(CascadeFaceDetector.Cascade.HAAR_DEFAULT, 40, FaceCropper.DEFAULT_SCALE, FaceCropper.DEFAULT_OFFSET_Y),
    LBP(CascadeFaceDetector.Cascade.LBP, 40, FaceCropper.DEFAULT_SCALE, FaceCropper.DEFAULT_OFFSET_Y),
    LBP_IMPROVED(CascadeFaceDetector.Cascade.LBP_IMPROVED, 40, FaceCropper.DEFAULT_SCALE, FaceCropper.DEFAULT_OFFSET_Y);

    private final CascadeFaceDetector.Cascade cascade;
    private final int minFaceSize;
    private final double cropScale;
    private final double cropOffsetY;

    Kind(CascadeFaceDetector.Cascade cascade, int minFaceSize, double cropScale, double cropOffsetY) {
      this.cascade = cascade;
      this.minFaceSize = minFaceSize;
      this.cropScale = cropScale;
      this.cropOffsetY = cropOffsetY;
    }

    /**
     * Default smallest face width in pixels: 24 for BlazeFace (a face of 84 pixels in a 360x288 frame gets a box of
     * about 40), 40 for the cascades (smaller windows cost them time and false faces).
     */
    public int defaultMinFaceSize() {
      return minFaceSize;
    }

    /**
     * Crop side in this detector's box widths that reproduces the framing the shipped model was trained on (measured
     * with {@code produce evaluate-detectors}: render side / detection width).
     */
    public double cropScale() {
      return cropScale;
    }

    /** Crop centre below the box's centre, in box widths, for the same framing. */
    public double cropOffsetY() {
      return cropOffsetY;
    }

    public boolean isCascade() {
      return cascade != null;
    }
  }

  public static final DetectorConfig DEFAULT =
      new DetectorConfig(Kind.BLAZEFACE, 24, 0.5, 2, 3, CascadeFaceDetector.Contrast.CLAHE, 640);

  public DetectorConfig {
    if (minFaceSize < 1) {
      throw new IllegalArgumentException("--min-face-size must be at least 1 pixel");
    }
    if (!(minConfidence > 0 && minConfidence < 1)) {
      throw new IllegalArgumentException("--min-confidence must lie between 0 and 1, got " + minConfidence);
    }
    if (tiles < 1 || tiles > 4) {
      throw new IllegalArgumentException("--tiles must be 1-4, got " + tiles);
    }
    if (minNeighbors < 0) {
      throw new IllegalArgumentException("--min-neighbors must be at least 0");
    }
    if (detectWidth < 32) {
      throw new IllegalArgumentException("--detect-width must be at least 32 pixels");
    }
  }

  /** Another detector, with its default smallest face. */
  public DetectorConfig withKind(Kind k) {
    return new DetectorConfig(k, k.defaultMinFaceSize(), minConfidence, tiles, minNeighbors, contrast, detectWidth);
  }

  public DetectorConfig withMinFaceSize(int pixels) {
    return new DetectorConfig(kind, pixels, minConfidence, tiles, minNeighbors, contrast, detectWidth);
  }

  public DetectorConfig withMinConfidence(double c) {
    return new DetectorConfig(kind, minFaceSize, c, tiles, minNeighbors, contrast, detectWidth);
  }

  public DetectorConfig withTiles(int t) {
    return new DetectorConfig(kind, minFaceSize, minConfidence, t, minNeighbors, contrast, detectWidth);
  }

  public DetectorConfig withContrast(CascadeFaceDetector.Contrast c) {
    return new DetectorConfig(kind, minFaceSize, minConfidence, tiles, minNeighbors, c, detectWidth);
  }

  public FaceDetector create() {
    return switch (kind) {
      case BLAZEFACE -> new BlazeFaceDetector(BlazeFaceDecoder.Variant.FULL_RANGE, minConfidence, minFaceSize, tiles);
      case BLAZEFACE_SHORT ->
          new BlazeFaceDetector(BlazeFaceDecoder.Variant.SHORT_RANGE, minConfidence, minFaceSize, tiles);
      default -> new CascadeFaceDetector(kind.cascade, contrast, minFaceSize, minNeighbors, detectWidth);
    };
  }

  /** A short name for reports, e.g. {@code BLAZEFACE/0.50/tiles 2/min 24} or {@code HAAR_ALT2/CLAHE/640}. */
  public String label() {
    return kind.isCascade()
        ? kind + "/" + contrast + "/" + detectWidth
        : String.format(Locale.ROOT, "%s/%.2f/tiles %d/min %d", kind, minConfidence, tiles, minFaceSize);
  }
}
