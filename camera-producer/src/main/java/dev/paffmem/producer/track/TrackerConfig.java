package dev.paffmem.producer.track;

/**
 * The tracker's rules.
 *
 * @param minIou          a detection continues a track when the IoU with the track's predicted box is at least this
 * @param minHits         detections in a row (one per detection round) before a new track is confirmed, gets its id
 *                        and starts producing frames; false detections that appear once never become persons
 * @param maxLostFrames   a confirmed track that no detection matched for more than this many frames ends; within it a
 *                        matching detection takes the track back (same id, frame index continues)
 * @param velocitySmoothing weight of the newest velocity measurement in the exponential average (0..1]
 * @param minInsideShare  a predicted box with less than this share inside the frame ends the track (it left)
 */
public record TrackerConfig(double minIou, int minHits, int maxLostFrames, double velocitySmoothing,
    double minInsideShare) {

  public static final TrackerConfig DEFAULT = new TrackerConfig(0.3, 2, 25, 0.5, 0.5);

  public TrackerConfig {
    if (minIou <= 0 || minIou > 1) {
      throw new IllegalArgumentException("minIou must be in (0, 1]: " + minIou);
    }
    if (minHits < 1) {
      throw new IllegalArgumentException("minHits must be at least 1: " + minHits);
    }
    if (maxLostFrames < 0) {
      throw new IllegalArgumentException("maxLostFrames must be at least 0: " + maxLostFrames);
    }
    if (velocitySmoothing <= 0 || velocitySmoothing > 1) {
      throw new IllegalArgumentException("velocitySmoothing must be in (0, 1]: " + velocitySmoothing);
    }
  }
}
