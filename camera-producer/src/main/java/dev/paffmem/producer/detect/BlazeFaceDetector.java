package dev.paffmem.producer.detect;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromTFLite;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.paffmem.producer.track.Box;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_dnn;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * MediaPipe's BlazeFace face detector (a small single-shot CNN), run by OpenCV's DNN module from the TFLite file
 * that ships inside this module's jar (taken from the npm package {@code @mediapipe/face_detection}, Apache 2.0; see
 * {@code README.md} beside the model in this module's resources): nothing is fetched at run time.
 *
 * <p>The frame is scaled so that its longer side fits the model's square input (192 pixels for the full-range model),
 * padded with black at the right or bottom, turned RGB in [-1, 1] and run once; {@link BlazeFaceDecoder} turns the
 * outputs into boxes. A face is kept when its score is at least {@code minConfidence} and its box at least
 * {@code minFaceSize} pixels wide in the frame. At 192 pixels for a 640-pixel frame, faces about 70 pixels wide (20 at
 * the model's input) are often missed, dark-skinned ones most; {@code tiles} runs the model on overlapping parts of
 * the frame as well ({@link #detectTiled}).
 */
public final class BlazeFaceDetector implements FaceDetector {

  static final String RESOURCE_DIR = "/dev/paffmem/producer/detect/blazeface/";

  private final BlazeFaceDecoder.Variant variant;
  private final BlazeFaceDecoder decoder;
  private final Net net;
  private final StringVector outputNames;
  private final double minConfidence;
  private final int minFaceSize;
  private final int tiles;
  static final double TILE_OVERLAP = 1.2;
  private final Mat scaled = new Mat();
  private final Mat square = new Mat();
  private final Size inputSize;
  private final Scalar mean = new Scalar(127.5, 127.5, 127.5, 0);
  private final Scalar black = new Scalar(0, 0, 0, 0);

  /**
   * @param minConfidence the model's score (0-1) a face needs
   * @param minFaceSize   smallest face width in the frame's pixels
   * @param tiles         1: the whole frame only; n > 1: also an n x n grid of overlapping parts ({@link #detectTiled})
   */
  public BlazeFaceDetector(BlazeFaceDecoder.Variant variant, double minConfidence, int minFaceSize, int tiles) {
    if (tiles < 1 || tiles > 4) {
      throw new IllegalArgumentException("--tiles must be 1-4, got " + tiles);
    }
    if (!(minConfidence > 0 && minConfidence < 1)) {
      throw new IllegalArgumentException("the minimum confidence must lie between 0 and 1, got " + minConfidence);
    }
    Loader.load(opencv_dnn.class);
    this.variant = variant;
    this.decoder = new BlazeFaceDecoder(variant);
    this.net = readNetFromTFLite(modelBytes(variant));
    if (net.empty()) {
      throw new IllegalStateException("OpenCV could not read the BlazeFace model " + modelResource(variant));
    }
    this.outputNames = net.getUnconnectedOutLayersNames();
    this.minConfidence = minConfidence;
    this.minFaceSize = minFaceSize;
    this.tiles = tiles;
    this.inputSize = new Size(variant.inputSize(), variant.inputSize());
  }

  static String modelResource(BlazeFaceDecoder.Variant variant) {
    return RESOURCE_DIR + (variant == BlazeFaceDecoder.Variant.FULL_RANGE
        ? "face_detection_full_range.tflite" : "face_detection_short_range.tflite");
  }

  static byte[] modelBytes(BlazeFaceDecoder.Variant variant) {
    String name = modelResource(variant);
    try (InputStream in = BlazeFaceDetector.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the BlazeFace model " + name + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the BlazeFace model " + name, e);
    }
  }

  /** The faces with their scores and keypoints, in the frame's pixels (keypoints likewise). */
  public List<BlazeFaceDecoder.Detection> detectWithScores(Mat bgr) {
    int side = Math.max(bgr.cols(), bgr.rows());
    double scale = (double) variant.inputSize() / side;
    int w = Math.max(1, (int) Math.round(bgr.cols() * scale));
    int h = Math.max(1, (int) Math.round(bgr.rows() * scale));
    try (Size size = new Size(w, h)) {
      resize(bgr, scaled, size, 0, 0, scale < 1 ? INTER_AREA : INTER_LINEAR);
    }
    copyMakeBorder(scaled, square, 0, variant.inputSize() - h, 0, variant.inputSize() - w, BORDER_CONSTANT, black);
    float[] logits;
    float[] regressors;
    try (Mat blob = blobFromImage(square, 1 / 127.5, inputSize, mean, true, false, CV_32F);
        MatVector outs = new MatVector()) {
      net.setInput(blob);
      net.forward(outs, outputNames);
      logits = null;
      regressors = null;
      for (long i = 0; i < outs.size(); i++) {
        Mat m = outs.get(i);
        float[] values = new float[(int) m.total()];
        ((FloatBuffer) m.createBuffer()).get(values);
        if (values.length == decoder.anchorCount()) {
          logits = values;
        } else {
          regressors = values;
        }
      }
    }
    if (logits == null || regressors == null) {
      throw new IllegalStateException("the BlazeFace model gave no score or box output");
    }
    List<BlazeFaceDecoder.Detection> faces = new ArrayList<>();
    for (BlazeFaceDecoder.Detection d : decoder.decode(regressors, logits, minConfidence)) {
      double[] kp = d.keypoints().clone();
      for (int k = 0; k < kp.length; k++) {
        kp[k] *= side;
      }
      BlazeFaceDecoder.Detection px =
          new BlazeFaceDecoder.Detection(d.cx() * side, d.cy() * side, d.w() * side, d.h() * side, d.score(), kp);
      if (px.w() >= minFaceSize) {
        faces.add(px);
      }
    }
    return faces;
  }

  /**
   * The faces in the whole frame and, with {@code tiles} > 1, in a grid of {@code tiles x tiles} overlapping parts of
   * it (each 1.2 / {@code tiles} of the frame's width and height), merged by weighted non-maximum suppression: the
   * model then sees small faces at up to {@code tiles / 1.2} times the size, at {@code 1 + tiles^2} runs of the net.
   */
  public List<BlazeFaceDecoder.Detection> detectTiled(Mat bgr) {
    List<BlazeFaceDecoder.Detection> all = new ArrayList<>(detectWithScores(bgr));
    if (tiles == 1) {
      return all;
    }
    int tw = Math.min(bgr.cols(), (int) Math.round(bgr.cols() * TILE_OVERLAP / tiles));
    int th = Math.min(bgr.rows(), (int) Math.round(bgr.rows() * TILE_OVERLAP / tiles));
    for (int ty = 0; ty < tiles; ty++) {
      for (int tx = 0; tx < tiles; tx++) {
        int x = (int) Math.round((double) (bgr.cols() - tw) * tx / (tiles - 1));
        int y = (int) Math.round((double) (bgr.rows() - th) * ty / (tiles - 1));
        try (Rect r = new Rect(x, y, tw, th); Mat part = new Mat(bgr, r)) {
          for (BlazeFaceDecoder.Detection d : detectWithScores(part)) {
            double[] kp = d.keypoints().clone();
            for (int k = 0; k < kp.length; k += 2) {
              kp[k] += x;
              kp[k + 1] += y;
            }
            all.add(new BlazeFaceDecoder.Detection(d.cx() + x, d.cy() + y, d.w(), d.h(), d.score(), kp));
          }
        }
      }
    }
    return BlazeFaceDecoder.weightedNms(all, BlazeFaceDecoder.NMS_IOU);
  }

  @Override
  public List<Box> detect(Mat bgr) {
    List<Box> boxes = new ArrayList<>();
    for (BlazeFaceDecoder.Detection d : detectTiled(bgr)) {
      boxes.add(new Box(d.x0(), d.y0(), d.w(), d.h()));
    }
    return boxes;
  }

  @Override
  public void close() {
    net.close();
    scaled.close();
    square.close();
    inputSize.close();
    mean.close();
    black.close();
    outputNames.close();
  }
}
