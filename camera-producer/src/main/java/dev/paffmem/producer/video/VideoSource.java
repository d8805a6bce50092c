package dev.paffmem.producer.video;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decoded frames of one camera: a video file (mp4, mkv, avi, ...), a network stream (rtsp://, http://, ...), a V4L2
 * device (/dev/videoN) or a folder of images (sorted by name). FFmpeg decodes through JavaCV; a folder's images are
 * read by OpenCV.
 *
 * <p>Each frame carries its presentation time in microseconds from the start of the stream, as the stream states it
 * (a folder's images are {@code 1/fps} apart). {@link #next()} returns a frame the caller owns (a copy).
 */
public abstract class VideoSource implements AutoCloseable {

  /** A decoded BGR frame, its number in this source (from 0) and its stream time in microseconds. */
  public record DecodedFrame(long number, long timestampMicros, Mat bgr) implements AutoCloseable {
    @Override
    public void close() {
      bgr.close();
    }
  }

  /** The next frame, or null at the end of the source. */
  public abstract DecodedFrame next() throws IOException;

  /** Frame width and height (known after opening). */
  public abstract int width();

  public abstract int height();

  /** Frames per second as the source states it (or as given for folders); 0 if unknown. */
  public abstract double fps();

  /** True for cameras and network streams (frames arrive in real time and are lost if not taken). */
  public abstract boolean live();

  /** The recording's start ({@code creation_time} in its metadata) if it states one. */
  public Instant creationTime() {
    return null;
  }

  @Override
  public abstract void close() throws IOException;

  /**
   * Opens a source: a folder of images, a V4L2 device ({@code /dev/video*}), a URL (anything with {@code ://}) or a
   * video file.
   *
   * @param folderFps frame rate assumed for a folder of images
   */
  public static VideoSource open(String input, double folderFps) throws IOException {
    Path path = input.contains("://") ? null : Path.of(input);
    if (path != null && Files.isDirectory(path)) {
      return new ImageFolderSource(path, folderFps);
    }
    if (path != null && !input.startsWith("/dev/video") && !Files.isRegularFile(path)) {
      throw new IOException("no such video file or folder: " + input);
    }
    return new FFmpegSource(input);
  }

  static final class FFmpegSource extends VideoSource {
    private final FFmpegFrameGrabber grabber;
    private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
    private final boolean live;
    private long number;
    private long lastTimestamp = -1;

    FFmpegSource(String input) throws IOException {
      avutil.av_log_set_level(avutil.AV_LOG_ERROR);
      FFmpegLogCallback.set();
      grabber = new FFmpegFrameGrabber(input);
      String lower = input.toLowerCase(Locale.ROOT);
      live = input.startsWith("/dev/video") || lower.startsWith("rtsp://") || lower.startsWith("rtmp://")
          || lower.startsWith("udp://") || lower.startsWith("srt://") || lower.startsWith("http://")
          || lower.startsWith("https://");
      if (input.startsWith("/dev/video")) {
        grabber.setFormat("video4linux2");
      }
      if (lower.startsWith("rtsp://")) {
        grabber.setOption("rtsp_transport", "tcp");
      }
      if (live) {
        grabber.setOption("timeout", "10000000"); // microseconds: give up on a silent stream after 10 s
      }
      try {
        grabber.start();
      } catch (FrameGrabber.Exception e) {
        throw new IOException("cannot open " + input + ": " + e.getMessage(), e);
      }
    }

    @Override
    public DecodedFrame next() throws IOException {
      while (true) {
        Frame f;
        try {
          f = grabber.grabImage();
        } catch (FrameGrabber.Exception e) {
          throw new IOException("decoding failed: " + e.getMessage(), e);
        }
        if (f == null) {
          return null;
        }
        if (f.image == null) {
          continue;
        }
        long ts = grabber.getTimestamp();
        // streams without timestamps (or with repeats) still get increasing times: one frame period on
        if (ts <= lastTimestamp) {
          double fps = fps() > 0 ? fps() : 25;
          ts = lastTimestamp + Math.round(1e6 / fps);
        }
        lastTimestamp = ts;
        Mat m = converter.convert(f);
        return new DecodedFrame(number++, ts, m.clone());
      }
    }

    @Override
    public int width() {
      return grabber.getImageWidth();
    }

    @Override
    public int height() {
      return grabber.getImageHeight();
    }

    @Override
    public double fps() {
      return grabber.getFrameRate();
    }

    @Override
    public boolean live() {
      return live;
    }

    @Override
    public Instant creationTime() {
      String t = grabber.getMetadata("creation_time");
      if (t == null) {
        return null;
      }
      try {
        return Instant.parse(t);
      } catch (RuntimeException e) {
        return null;
      }
    }

    @Override
    public void close() throws IOException {
      try {
        grabber.stop();
        grabber.release();
      } finally {
        converter.close();
      }
    }
  }

  static final class ImageFolderSource extends VideoSource {
    private final List<Path> files;
    private final double fps;
    private int index;
    private int width;
    private int height;

    ImageFolderSource(Path folder, double fps) throws IOException {
      try (Stream<Path> s = Files.list(folder)) {
        files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)
                .matches(".*\\.(png|jpe?g|bmp|tiff?|webp|ppm|pgm)$"))
            .sorted().toList();
      }
      if (files.isEmpty()) {
        throw new IOException("no images (png, jpg, bmp, tif, webp, ppm) in " + folder);
      }
      this.fps = fps;
      try (DecodedFrame first = read(0)) {
        width = first.bgr().cols();
        height = first.bgr().rows();
      }
    }

    private DecodedFrame read(int i) throws IOException {
      Mat m = imread(files.get(i).toString(), IMREAD_COLOR);
      if (m == null || m.empty()) {
        throw new IOException("cannot read image " + files.get(i));
      }
      return new DecodedFrame(i, Math.round(i * 1e6 / fps), m);
    }

    @Override
    public DecodedFrame next() throws IOException {
      return index < files.size() ? read(index++) : null;
    }

    @Override
    public int width() {
      return width;
    }

    @Override
    public int height() {
      return height;
    }

    @Override
    public double fps() {
      return fps;
    }

    @Override
    public boolean live() {
      return false;
    }

    @Override
    public void close() {}
  }
}
