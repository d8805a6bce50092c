package dev.paffmem.producer.pipeline;

import dev.paffmem.producer.crop.FaceCropper;
import dev.paffmem.producer.detect.DetectorConfig;
import dev.paffmem.producer.track.TrackerConfig;
import java.time.Instant;

/**
 * One camera's settings.
 *
 * @param input          video file, image folder, /dev/videoN or stream URL
 * @param cameraId       the FaceFrames' sourceId and the first part of every person id
 * @param runId          second part of the person ids, so that a restarted producer does not reuse ids (and frame
 *                       indices) of an earlier run: person id = {@code cameraId/runId + trackId}
 * @param startTime      event time of the stream's first frame; null: the recording's creation_time, else now
 * @param realtime       pace a file at its frame rate, as a camera would deliver it (and drop like a live source)
 * @param folderFps      frame rate of a folder of images
 * @param detector       the face detector and its settings
 * @param detectEvery    run the detector on every n-th frame; the tracker predicts the boxes in between
 * @param queueCapacity  decoded frames waiting for detection, per camera
 */
public record CameraConfig(String input, String cameraId, String runId, Instant startTime, boolean realtime,
    double folderFps, DetectorConfig detector,
    int detectEvery, TrackerConfig tracker, int cropSize, double cropScale, double cropOffsetX, double cropOffsetY,
    int jpegQuality, int queueCapacity) {

  public CameraConfig {
    if (detectEvery < 1) {
      throw new IllegalArgumentException("--detect-every must be at least 1");
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("--queue-capacity must be at least 1");
    }
  }

  /** Defaults for one input (detector, tracker and crop as documented in the README). */
  public static CameraConfig defaults(String input, String cameraId, String runId) {
    DetectorConfig detector = DetectorConfig.DEFAULT;
    return new CameraConfig(input, cameraId, runId, null, false, 25, detector, 5, TrackerConfig.DEFAULT, 96,
        detector.kind().cropScale(), FaceCropper.DEFAULT_OFFSET_X, detector.kind().cropOffsetY(), 90, 16);
  }

  public CameraConfig withStartTime(Instant t) {
    return new CameraConfig(input, cameraId, runId, t, realtime, folderFps, detector, detectEvery, tracker, cropSize,
        cropScale, cropOffsetX, cropOffsetY, jpegQuality, queueCapacity);
  }

  public CameraConfig withCropScale(double scale) {
    return new CameraConfig(input, cameraId, runId, startTime, realtime, folderFps, detector, detectEvery, tracker,
        cropSize, scale, cropOffsetX, cropOffsetY, jpegQuality, queueCapacity);
  }

  /** Another detector, with that detector's crop framing (scale and vertical offset). */
  public CameraConfig withDetector(DetectorConfig d) {
    return new CameraConfig(input, cameraId, runId, startTime, realtime, folderFps, d, detectEvery, tracker,
        cropSize, d.kind().cropScale(), cropOffsetX, d.kind().cropOffsetY(), jpegQuality, queueCapacity);
  }

  /** The person id of a track. */
  public String personId(int trackId) {
    return cameraId + "/" + runId + trackId;
  }
}
