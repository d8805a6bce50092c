package dev.paffmem.producer.track;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * SORT-like tracking of faces in one camera's frames: detections every few frames, constant-velocity prediction in
 * between, greedy matching by IoU between each track's predicted box and the detections. Plain Java, no OpenCV.
 *
 * <p>Rules ({@link TrackerConfig}):
 * <ul>
 *   <li><b>start</b>: a detection no track claims opens a tentative track; it is confirmed, gets the next id of this
 *       camera (1, 2, ...) and starts producing faces after {@code minHits} detection rounds in a row matched it. A
 *       tentative track that misses one round is dropped (single false detections never become persons).</li>
 *   <li><b>continue</b>: on detection frames a track takes the detection whose IoU with its predicted box (or its last
 *       detected box, for a face that stopped) is highest and at least {@code minIou}; the velocity is an exponential
 *       average of the centre's motion between detections, the size an average of the detected sizes.</li>
 *   <li><b>between detections</b>: a confirmed track matched in the latest detection round produces a face on every
 *       frame at its predicted box.</li>
 *   <li><b>loss and take-back</b>: a confirmed track no detection matched produces nothing; if a detection matches it
 *       again within {@code maxLostFrames} frames of its last detection it is taken back with the same id and its frame
 *       index continues; after that it ends. A track whose predicted box leaves the frame ends at once.</li>
 * </ul>
 * Limits: no appearance model, so two faces crossing may swap ids; a person who comes back after the loss window, or
 * appears on another camera, is a new person (no re-identification).
 */
public final class FaceTracker {

  /** A face to publish for this frame: the person's track id, its frame index (from 0) and its box. */
  public record Face(int trackId, long personFrameIndex, Box box, boolean detected) {}

  /** A track that ended, with how many faces it produced and why it ended. */
  public record Ended(int trackId, long faces, String reason) {}

  /** What one frame produced. */
  public record Update(List<Face> faces, List<Integer> started, List<Ended> ended) {}

  private static final class Track {
    int id; // 0 while tentative
    Box box; // smoothed box at the last detection
    long lastDetection;
    double vx;
    double vy;
    int hits;
    long faces;

    Box predicted(long frame) {
      long dt = frame - lastDetection;
      return box.moved(vx * dt, vy * dt, 0, 0);
    }
  }

  private final TrackerConfig config;
  private final int frameWidth;
  private final int frameHeight;
  private final List<Track> tracks = new ArrayList<>();
  private int nextId = 1;
  private long lastDetectionRound = Long.MIN_VALUE;
  private long lastFrame = Long.MIN_VALUE;

  public FaceTracker(TrackerConfig config, int frameWidth, int frameHeight) {
    this.config = config;
    this.frameWidth = frameWidth;
    this.frameHeight = frameHeight;
  }

  /**
   * One frame, in increasing frame order. {@code detections} are the detector's boxes on a detection frame, or null on
   * a frame the detector skipped.
   */
  public Update update(long frame, List<Box> detections) {
    if (frame <= lastFrame) {
      throw new IllegalArgumentException("frame " + frame + " after frame " + lastFrame);
    }
    lastFrame = frame;
    List<Integer> started = new ArrayList<>();
    List<Ended> ended = new ArrayList<>();
    if (detections != null) {
      match(frame, detections, started);
      lastDetectionRound = frame;
    }
    for (Iterator<Track> it = tracks.iterator(); it.hasNext(); ) {
      Track t = it.next();
      if (t.id == 0) {
        continue;
      }
      if (frame - t.lastDetection > config.maxLostFrames()) {
        ended.add(new Ended(t.id, t.faces, "lost for more than " + config.maxLostFrames() + " frames"));
        it.remove();
      } else if (t.predicted(frame).insideShare(frameWidth, frameHeight) < config.minInsideShare()) {
        ended.add(new Ended(t.id, t.faces, "left the frame"));
        it.remove();
      }
    }
    List<Face> faces = new ArrayList<>();
    for (Track t : tracks) {
      if (t.id != 0 && t.lastDetection == lastDetectionRound) {
        faces.add(new Face(t.id, t.faces++, t.predicted(frame), t.lastDetection == frame));
      }
    }
    faces.sort(Comparator.comparingInt(Face::trackId));
    return new Update(faces, started, ended);
  }

  /** Ends every track (end of the stream). */
  public List<Ended> finish() {
    List<Ended> ended = new ArrayList<>();
    for (Track t : tracks) {
      if (t.id != 0) {
        ended.add(new Ended(t.id, t.faces, "end of stream"));
      }
    }
    tracks.clear();
    return ended;
  }

  /** Confirmed tracks now (tentative ones not counted). */
  public int activeTracks() {
    return (int) tracks.stream().filter(t -> t.id != 0).count();
  }

  private record Pair(Track track, int detection, double iou) {}

  private void match(long frame, List<Box> detections, List<Integer> started) {
    List<Pair> pairs = new ArrayList<>();
    for (Track t : tracks) {
      Box p = t.predicted(frame);
      for (int d = 0; d < detections.size(); d++) {
        double iou = Math.max(p.iou(detections.get(d)), t.box.iou(detections.get(d)));
        if (iou >= config.minIou()) {
          pairs.add(new Pair(t, d, iou));
        }
      }
    }
    pairs.sort(Comparator.comparingDouble(Pair::iou).reversed());
    boolean[] taken = new boolean[detections.size()];
    List<Track> matched = new ArrayList<>();
    for (Pair p : pairs) {
      if (taken[p.detection] || matched.contains(p.track)) {
        continue;
      }
      taken[p.detection] = true;
      matched.add(p.track);
      follow(p.track, detections.get(p.detection), frame, started);
    }
    // tentative tracks must match every round until confirmed
    tracks.removeIf(t -> t.id == 0 && !matched.contains(t));
    for (int d = 0; d < detections.size(); d++) {
      if (!taken[d]) {
        Track t = new Track();
        t.box = detections.get(d);
        t.lastDetection = frame;
        t.hits = 1;
        tracks.add(t);
        confirmIfReady(t, started);
      }
    }
  }

  private void follow(Track t, Box det, long frame, List<Integer> started) {
    long dt = frame - t.lastDetection;
    double a = config.velocitySmoothing();
    double mvx = (det.centerX() - t.box.centerX()) / dt;
    double mvy = (det.centerY() - t.box.centerY()) / dt;
    boolean first = t.hits == 1;
    t.vx = first ? mvx : a * mvx + (1 - a) * t.vx;
    t.vy = first ? mvy : a * mvy + (1 - a) * t.vy;
    double w = a * det.width() + (1 - a) * t.box.width();
    double h = a * det.height() + (1 - a) * t.box.height();
    t.box = new Box(det.centerX() - w / 2, det.centerY() - h / 2, w, h);
    t.lastDetection = frame;
    t.hits++;
    confirmIfReady(t, started);
  }

  private void confirmIfReady(Track t, List<Integer> started) {
    if (t.id == 0 && t.hits >= config.minHits()) {
      t.id = nextId++;
      started.add(t.id);
    }
  }
}
