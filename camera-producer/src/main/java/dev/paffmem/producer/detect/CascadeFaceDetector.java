package dev.paffmem.producer.detect;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.paffmem.producer.track.Box;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_objdetect;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * OpenCV's cascade face detectors, as shipped inside the OpenCV natives jar (nothing is fetched): Viola-Jones Haar
 * cascades and the LBP ones. The frame is turned grey, scaled down to at most {@code detectWidth} pixels wide and
 * histogram-equalized; {@code minNeighbors} is the cascade's confidence (how many overlapping windows must agree).
 */
public final class CascadeFaceDetector implements FaceDetector {

  /** The cascades that ship in the OpenCV jar. */
  public enum Cascade {
    HAAR_ALT2("haarcascades/haarcascade_frontalface_alt2.xml"),
    HAAR_ALT("haarcascades/haarcascade_frontalface_alt.xml"),
    HAAR_DEFAULT("haarcascades/haarcascade_frontalface_default.xml"),
    LBP("lbpcascades/lbpcascade_frontalface.xml"),
    LBP_IMPROVED("lbpcascades/lbpcascade_frontalface_improved.xml");

    final String resource;

    Cascade(String resource) {
      this.resource = resource;
    }
  }

  /** How the grey frame's contrast is normalized before detection. */
  public enum Contrast {
    /** Global histogram equalization (OpenCV's usual preprocessing for cascades). */
    EQUALIZE,
    /** Contrast-limited adaptive histogram equalization (tiles of 1/8 of the frame, clip limit 3). */
    CLAHE
  }

  private final CascadeClassifier classifier;
  private final Contrast contrast;
  private final org.bytedeco.opencv.opencv_imgproc.CLAHE clahe;
  private final int detectWidth;
  private final int minNeighbors;
  private final int minFaceSize;
  private final Mat gray = new Mat();
  private final Mat small = new Mat();

  /**
   * @param minFaceSize smallest face side in the frame's pixels
   * @param minNeighbors the cascade's confidence threshold (OpenCV's default 3; higher: fewer false faces)
   * @param detectWidth the frame is scaled down to at most this width before detection
   */
  public CascadeFaceDetector(Cascade cascade, int minFaceSize, int minNeighbors, int detectWidth) {
    this(cascade, Contrast.EQUALIZE, minFaceSize, minNeighbors, detectWidth);
  }

  public CascadeFaceDetector(Cascade cascade, Contrast contrast, int minFaceSize, int minNeighbors, int detectWidth) {
    Loader.load(opencv_objdetect.class);
    File file = cascadeFile(cascade);
    this.classifier = new CascadeClassifier(file.getAbsolutePath());
    if (classifier.empty()) {
      throw new IllegalStateException("OpenCV could not load the cascade " + file);
    }
    this.minFaceSize = minFaceSize;
    this.minNeighbors = minNeighbors;
    this.detectWidth = detectWidth;
    this.contrast = contrast;
    this.clahe = contrast == Contrast.CLAHE
        ? org.bytedeco.opencv.global.opencv_imgproc.createCLAHE(3.0, new Size(8, 8)) : null;
  }

  static File cascadeFile(Cascade cascade) {
    String name = "/org/bytedeco/opencv/" + Loader.getPlatform() + "/share/opencv4/" + cascade.resource;
    try {
      return Loader.cacheResource(opencv_objdetect.class, name);
    } catch (IOException e) {
      throw new UncheckedIOException("cascade " + name + " not found in the OpenCV natives jar", e);
    }
  }

  @Override
  public List<Box> detect(Mat bgr) {
    cvtColor(bgr, gray, COLOR_BGR2GRAY);
    double scale = bgr.cols() > detectWidth ? (double) detectWidth / bgr.cols() : 1.0;
    Mat input = gray;
    if (scale < 1.0) {
      resize(gray, small, new Size((int) Math.round(bgr.cols() * scale), (int) Math.round(bgr.rows() * scale)), 0, 0,
          INTER_AREA);
      input = small;
    }
    if (clahe != null) {
      clahe.apply(input, input);
    } else {
      equalizeHist(input, input);
    }
    int min = Math.max(12, (int) Math.round(minFaceSize * scale));
    try (RectVector found = new RectVector(); Size minSize = new Size(min, min); Size maxSize = new Size()) {
      classifier.detectMultiScale(input, found, 1.1, minNeighbors, 0, minSize, maxSize);
      List<Box> boxes = new ArrayList<>((int) found.size());
      for (long i = 0; i < found.size(); i++) {
        Rect r = found.get(i);
        boxes.add(new Box(r.x() / scale, r.y() / scale, r.width() / scale, r.height() / scale));
      }
      return boxes;
    }
  }

  @Override
  public void close() {
    classifier.close();
    if (clahe != null) {
      clahe.close();
    }
    gray.close();
    small.close();
  }
}
