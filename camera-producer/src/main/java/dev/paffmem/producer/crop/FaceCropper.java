package dev.paffmem.producer.crop;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.paffmem.producer.track.Box;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Cuts a square around a face box, resizes it to the model's input size and encodes it as JPEG.
 *
 * <p>The square's side is {@code scale} times the box's width and its centre is the box's centre moved by
 * ({@code offsetX}, {@code offsetY}) box widths; the defaults reproduce, from the cascade detector's box, the framing the
 * shipped model was trained on (the whole 96x96 render: face, hair, neck), measured on rendered videos
 * ({@code produce evaluate-detectors}). Parts of the square outside the frame repeat the frame's edge pixels.
 */
public final class FaceCropper implements AutoCloseable {

  /**
   * Default framing for the Haar cascade's box: side 2.0 box widths, centre 0.03 widths above the box's (measured on
   * rendered videos: render side / detection width 2.005, render centre - detection centre (-0.011, -0.027) widths).
   */
  public static final double DEFAULT_SCALE = 2.0;
  public static final double DEFAULT_OFFSET_X = 0.0;
  public static final double DEFAULT_OFFSET_Y = -0.03;

  /** A crop: the JPEG bytes and the square it was cut from, in frame pixels. */
  public record Crop(byte[] jpeg, Rect square) {}

  private final int size;
  private final double scale;
  private final double offsetX;
  private final double offsetY;
  private final IntPointer params;
  private final Mat padded = new Mat();
  private final Mat resized = new Mat();
  private final BytePointer buffer = new BytePointer();

  public FaceCropper(int size, double scale, double offsetX, double offsetY, int jpegQuality) {
    if (size < 8 || scale <= 0 || jpegQuality < 1 || jpegQuality > 100) {
      throw new IllegalArgumentException("crop size >= 8, scale > 0, JPEG quality 1-100");
    }
    this.size = size;
    this.scale = scale;
    this.offsetX = offsetX;
    this.offsetY = offsetY;
    this.params = new IntPointer(IMWRITE_JPEG_QUALITY, jpegQuality);
  }

  /** The square (in frame pixels, possibly reaching outside the frame) cut for a face box. */
  public Rect square(Box box) {
    int side = Math.max(1, (int) Math.round(box.width() * scale));
    double cx = box.centerX() + offsetX * box.width();
    double cy = box.centerY() + offsetY * box.width();
    return new Rect((int) Math.round(cx - side / 2.0), (int) Math.round(cy - side / 2.0), side, side);
  }

  /** The crop, or null if the square lies wholly outside the frame. */
  public Crop crop(Mat bgr, Box box) {
    Rect sq = square(box);
    int w = bgr.cols();
    int h = bgr.rows();
    int x0 = Math.max(0, sq.x());
    int y0 = Math.max(0, sq.y());
    int x1 = Math.min(w, sq.x() + sq.width());
    int y1 = Math.min(h, sq.y() + sq.height());
    if (x1 <= x0 || y1 <= y0) {
      return null;
    }
    try (Rect inside = new Rect(x0, y0, x1 - x0, y1 - y0); Mat roi = new Mat(bgr, inside);
        Size target = new Size(size, size)) {
      Mat square = roi;
      if (x0 != sq.x() || y0 != sq.y() || x1 != sq.x() + sq.width() || y1 != sq.y() + sq.height()) {
        copyMakeBorder(roi, padded, y0 - sq.y(), sq.y() + sq.height() - y1, x0 - sq.x(), sq.x() + sq.width() - x1,
            BORDER_REPLICATE, new Scalar());
        square = padded;
      }
      resize(square, resized, target, 0, 0, square.cols() > size ? INTER_AREA : INTER_LINEAR);
      imencode(".jpg", resized, buffer, params);
      byte[] jpeg = new byte[(int) buffer.limit()];
      buffer.get(jpeg);
      return new Crop(jpeg, sq);
    }
  }

  @Override
  public void close() {
    params.close();
    padded.close();
    resized.close();
    buffer.close();
  }
}
