package dev.paffmem.producer.synthetic;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.paffmem.faces.datasets.PersonTimeline;
import dev.paffmem.faces.persons.Person;
import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.persons.Split;
import dev.paffmem.faces.render.FaceRenderer;
import dev.paffmem.producer.track.Box;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A video of synthetic persons (synthetic-faces' renderer) moving across a still background, written with FFmpeg
 * (MPEG-4 part 2 in MP4) through JavaCV, with its ground truth: which person's face is where in every frame.
 *
 * <p>Each {@link Actor} is one person of the EVAL population, visible from {@code enterFrame} (inclusive) to
 * {@code leaveFrame} (exclusive), its 96x96 render scaled to {@code size} pixels, its top-left corner moving
 * linearly from ({@code x0}, {@code y0}) by ({@code vx}, {@code vy}) pixels a frame; the expression follows the person's
 * OMG-style timeline (synthetic-faces' {@link PersonTimeline}).
 */
public final class SyntheticVideo {

  /** One person in the video. */
  public record Actor(int person, long enterFrame, long leaveFrame, double x0, double y0, double vx, double vy,
      int size) {

    public boolean visibleAt(long frame) {
      return frame >= enterFrame && frame < leaveFrame;
    }

    /** Top-left corner of the pasted render at this frame (whole pixels). */
    public int[] cornerAt(long frame) {
      long t = frame - enterFrame;
      return new int[] {(int) Math.round(x0 + vx * t), (int) Math.round(y0 + vy * t)};
    }
  }

  /**
   * Where a person's face is in a frame: the renderer's face outline box, scaled and moved, and the whole pasted
   * render ({@code tile}: the framing the model was trained on).
   */
  public record Truth(long frame, int actor, String personId, Box face, Box tile) {}

  private final int width;
  private final int height;
  private final int fps;
  private final long frames;
  private final List<Actor> actors;
  private final long seed;

  public SyntheticVideo(int width, int height, int fps, long frames, List<Actor> actors, long seed) {
    this.width = width;
    this.height = height;
    this.fps = fps;
    this.frames = frames;
    this.actors = List.copyOf(actors);
    this.seed = seed;
  }

  /**
   * Three persons of the EVAL population ({@code firstPerson} and the next two), 25 fps, 250 frames (10 s), at any
   * frame size (positions and the face size of 150 pixels are given for 640x480 and scaled): A from frame 0 to 150
   * entering from the left edge and walking right, B from 40 to 250 at the bottom walking left, C from 100 to 250 at
   * the top right, nearly still. Their paths never overlap.
   */
  public static SyntheticVideo threePersons(int width, int height, int firstPerson) {
    return threePersons(width, height, firstPerson, firstPerson + 1, firstPerson + 2);
  }

  /** As {@link #threePersons(int, int, int)} with the three EVAL persons' indices given. */
  public static SyntheticVideo threePersons(int width, int height, int personA, int personB, int personC) {
    double sx = width / 640.0;
    double sy = height / 480.0;
    int size = (int) Math.round(150 * Math.min(sx, sy));
    return new SyntheticVideo(width, height, 25, 250, List.of(
        new Actor(personA, 0, 150, -40 * sx, 40 * sy, 2.0 * sx, 0.2 * sy, size),
        new Actor(personB, 40, 250, 470 * sx, 300 * sy, -1.5 * sx, -0.1 * sy, size),
        new Actor(personC, 100, 250, 420 * sx, 30 * sy, 0.3 * sx, 0.1 * sy, size)), Population.DEFAULT_SEED);
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public int fps() {
    return fps;
  }

  public long frames() {
    return frames;
  }

  public List<Actor> actors() {
    return actors;
  }

  /** Renders the video to {@code out} (MP4) and returns the ground truth of every visible face. */
  public List<Truth> write(Path out) throws Exception {
    Population population = new Population(seed, Split.EVAL, 0.0);
    FaceRenderer renderer = new FaceRenderer();
    List<Person> persons = new ArrayList<>();
    List<PersonTimeline> timelines = new ArrayList<>();
    for (Actor a : actors) {
      Person p = population.person(a.person());
      persons.add(p);
      timelines.add(new PersonTimeline(p, seed, fps, 2.0, 4.0));
    }
    List<Truth> truth = new ArrayList<>();
    byte[] background = background(width, height);
    org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(out.toFile(), width, height, 0);
        OpenCVFrameConverter.ToMat conv = new OpenCVFrameConverter.ToMat();
        Mat canvas = new Mat(height, width, CV_8UC3);
        BytePointer canvasData = new BytePointer(canvas.data());
        Mat face = new Mat(FaceRenderer.SIZE, FaceRenderer.SIZE, CV_8UC3);
        Mat scaled = new Mat()) {
      rec.setFormat("mp4");
      rec.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      rec.setFrameRate(fps);
      rec.setVideoBitrate(Math.max(1_000_000, width * height * fps / 2)); // about 0.5 bit a pixel: few artefacts
      rec.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
      rec.start();
      BytePointer faceData = new BytePointer(face.data());
      byte[] bgr = new byte[FaceRenderer.SIZE * FaceRenderer.SIZE * 3];
      for (long f = 0; f < frames; f++) {
        canvasData.capacity((long) width * height * 3).put(background);
        for (int i = 0; i < actors.size(); i++) {
          Actor a = actors.get(i);
          if (!a.visibleAt(f)) {
            continue;
          }
          PersonTimeline.FrameSpec spec = timelines.get(i).frame(f - a.enterFrame());
          FaceRenderer.Rendered r = persons.get(i).render(renderer, spec.arousal(), spec.valence(),
              dev.paffmem.faces.render.Nuisance.NONE);
          byte[] rgb = r.rgb();
          for (int p = 0; p < rgb.length; p += 3) {
            bgr[p] = rgb[p + 2];
            bgr[p + 1] = rgb[p + 1];
            bgr[p + 2] = rgb[p];
          }
          faceData.capacity(bgr.length).put(bgr);
          resize(face, scaled, new Size(a.size(), a.size()), 0, 0, INTER_LINEAR);
          int[] c = a.cornerAt(f);
          int x0 = Math.max(0, c[0]);
          int y0 = Math.max(0, c[1]);
          int x1 = Math.min(width, c[0] + a.size());
          int y1 = Math.min(height, c[1] + a.size());
          if (x1 <= x0 || y1 <= y0) {
            continue;
          }
          try (Mat src = new Mat(scaled, new Rect(x0 - c[0], y0 - c[1], x1 - x0, y1 - y0));
              Mat dst = new Mat(canvas, new Rect(x0, y0, x1 - x0, y1 - y0))) {
            src.copyTo(dst);
          }
          double k = a.size() / (double) FaceRenderer.SIZE;
          int[] fb = r.faceBox();
          truth.add(new Truth(f, i, persons.get(i).id(),
              new Box(c[0] + fb[0] * k, c[1] + fb[1] * k, fb[2] * k, fb[3] * k),
              new Box(c[0], c[1], a.size(), a.size())));
        }
        Frame frame = conv.convert(canvas);
        rec.record(frame);
      }
      rec.stop();
    }
    return truth;
  }

  /** A still, softly textured background (a wall with a gradient and a few darker panels), BGR. */
  static byte[] background(int w, int h) {
    byte[] b = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double g = 150 + 40 * Math.sin(x * 0.013) * Math.cos(y * 0.021) + 30.0 * y / h;
        boolean panel = ((x / 90) + (y / 110)) % 3 == 0;
        double v = panel ? g * 0.7 : g;
        int i = (y * w + x) * 3;
        b[i] = (byte) Math.max(0, Math.min(255, v * 0.9));
        b[i + 1] = (byte) Math.max(0, Math.min(255, v * 0.95));
        b[i + 2] = (byte) Math.max(0, Math.min(255, v));
      }
    }
    return b;
  }
}
