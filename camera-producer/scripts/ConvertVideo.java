import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Probes or converts a video with JavaCV's FFmpeg (this machine has no ffmpeg binary). Run with the producer's jar on
 * the class path (Java's single-file source launcher):
 *
 * <pre>
 * java -cp camera-producer/target/paffmem-camera-producer.jar camera-producer/scripts/ConvertVideo.java IN
 *     (prints size, frame rate, frame count, duration)
 * java -cp ... ConvertVideo.java IN OUT.mp4 WIDTH HEIGHT FPS [--start-seconds S] [--seconds D] [--frames-dir DIR]
 * </pre>
 *
 * Converting crops the centre of each frame to WIDTH:HEIGHT's aspect ratio, resizes it (area interpolation) and
 * resamples to FPS by the stream's timestamps (output frame k shows the last input frame at or before k / FPS: frames
 * are dropped or repeated, never blended); H.264, yuv420p, CRF 20. {@code --frames-dir} also writes each output
 * frame as DIR/NNNNN.jpg (number = output frame index).
 */
public class ConvertVideo {
  /** Timestamps this close count as equal (containers round them to their time base). */
  private static final long TOLERANCE_MICROS = 1000;

  public static void main(String[] args) throws Exception {
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    if (args.length == 1) {
      probe(args[0]);
      return;
    }
    if (args.length < 5) {
      System.err.println("usage: ConvertVideo IN | IN OUT WIDTH HEIGHT FPS [--start-seconds S] [--seconds D] [--frames-dir DIR]");
      System.exit(2);
    }
    String in = args[0];
    String out = args[1];
    int w = Integer.parseInt(args[2]);
    int h = Integer.parseInt(args[3]);
    double fps = Double.parseDouble(args[4]);
    double start = 0;
    double seconds = Double.POSITIVE_INFINITY;
    String framesDir = null;
    for (int i = 5; i < args.length; i += 2) {
      switch (args[i]) {
        case "--start-seconds" -> start = Double.parseDouble(args[i + 1]);
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--frames-dir" -> framesDir = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (framesDir != null) {
      new File(framesDir).mkdirs();
    }
    OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(in)) {
      g.start();
      try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(out, w, h, 0)) {
        r.setFormat("mp4");
        r.setVideoCodec(avcodec.AV_CODEC_ID_H264);
        r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        r.setFrameRate(fps);
        r.setVideoOption("crf", "20");
        r.setVideoOption("preset", "medium");
        r.start();
        long written = 0;
        long read = 0;
        long lastTs = 0;
        Mat last = null;
        long startMicros = Math.round(start * 1e6);
        long endMicros = Double.isInfinite(seconds) ? Long.MAX_VALUE : startMicros + Math.round(seconds * 1e6);
        Frame f;
        while ((f = g.grabImage()) != null) {
          long ts = g.getTimestamp();
          read++;
          if (ts >= endMicros) {
            break;
          }
          lastTs = ts;
          Mat src = conv.convert(f);
          // Write every output frame whose time has come before this input frame's time: they show the previous one.
          while (last != null && startMicros + Math.round(written * 1e6 / fps) < ts - TOLERANCE_MICROS) {
            write(r, conv, last, written++, framesDir);
          }
          if (ts < startMicros) {
            continue;
          }
          if (last != null) {
            last.close();
          }
          last = cropResize(src, w, h);
        }
        // Flush the last input frame for its remaining output slots (one frame period after its time at most).
        if (last != null) {
          while (startMicros + Math.round(written * 1e6 / fps) <= Math.min(lastTs + TOLERANCE_MICROS, endMicros - 1)) {
            write(r, conv, last, written++, framesDir);
          }
          if (written == 0) {
            write(r, conv, last, written++, framesDir);
          }
        }
        r.stop();
        System.out.printf("%s: read %d frames (%dx%d, %.3f fps) -> %s: %d frames %dx%d at %.3f fps (%.2f s)%n", in, read,
            g.getImageWidth(), g.getImageHeight(), g.getFrameRate(), out, written, w, h, fps, written / fps);
      }
    }
  }

  private static void write(FFmpegFrameRecorder r, OpenCVFrameConverter.ToMat conv, Mat m, long index, String dir)
      throws Exception {
    r.record(conv.convert(m));
    if (dir != null) {
      opencv_imgcodecs.imwrite(String.format("%s/%05d.jpg", dir, index), m);
    }
  }

  private static Mat cropResize(Mat src, int w, int h) {
    int sw = src.cols();
    int sh = src.rows();
    double target = (double) w / h;
    int cw = sw;
    int ch = sh;
    if ((double) sw / sh > target) {
      cw = (int) Math.round(sh * target);
    } else {
      ch = (int) Math.round(sw / target);
    }
    Mat roi = new Mat(src, new Rect((sw - cw) / 2, (sh - ch) / 2, cw, ch));
    Mat dst = new Mat();
    opencv_imgproc.resize(roi, dst, new Size(w, h), 0, 0, opencv_imgproc.INTER_AREA);
    return dst;
  }

  private static void probe(String in) throws Exception {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(in)) {
      g.start();
      long n = 0;
      long lastTs = 0;
      List<Long> firstTs = new ArrayList<>();
      while (g.grabImage() != null) {
        n++;
        lastTs = g.getTimestamp();
        if (firstTs.size() < 5) {
          firstTs.add(lastTs);
        }
      }
      System.out.printf("%s: %dx%d, stated %.3f fps, codec %s, %d frames decoded, last at %.3f s, first timestamps %s us, metadata %s%n",
          in, g.getImageWidth(), g.getImageHeight(), g.getFrameRate(), g.getVideoCodecName(), n, lastTs / 1e6, firstTs,
          g.getMetadata());
    }
  }
}
