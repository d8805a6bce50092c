package dev.paffmem.producer.detect;

import dev.paffmem.producer.synthetic.SyntheticVideo;
import dev.paffmem.producer.track.Box;
import dev.paffmem.producer.video.VideoSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Recall and false positives of a face detector on a rendered video with known faces: every frame is decoded and
 * detected. A detection finds a face when its centre lies inside the face's box and its width is 0.4-1.6 times the
 * face's; a detection that finds no face is a false positive.
 */
public final class DetectorEvaluation {

  /**
   * Faces present, faces found, false detections, frames, milliseconds per detection call (wall clock, and CPU time of
   * the whole process during the calls: on a shared machine the CPU time is the fair measure).
   */
  public record Result(String detector, long faces, long found, long falsePositives, long frames, double msPerFrame,
      double cpuMsPerFrame, Map<Integer, long[]> perActor, double[] tileFit) {
    public double recall() {
      return faces == 0 ? 0 : (double) found / faces;
    }

    public double falsePositivesPerFrame() {
      return frames == 0 ? 0 : (double) falsePositives / frames;
    }

    @Override
    public String toString() {
      StringBuilder actors = new StringBuilder();
      perActor.forEach((a, c) -> actors.append(String.format(" %d:%d/%d", a, c[1], c[0])));
      return String.format("%-22s recall %.3f (%d/%d)  false positives %d (%.3f a frame)  %.1f ms a frame"
          + " (CPU %.1f ms);"
          + " per person%s;"
          + " render side / detection width %.3f, render centre - detection centre (%.3f, %.3f) widths",
          detector, recall(), found, faces, falsePositives, falsePositivesPerFrame(), msPerFrame, cpuMsPerFrame, actors,
          tileFit[0], tileFit[1], tileFit[2]);
    }
  }

  private DetectorEvaluation() {}

  public static boolean finds(Box detection, Box face) {
    double cx = detection.centerX();
    double cy = detection.centerY();
    double ratio = detection.width() / face.width();
    return cx >= face.x() && cx <= face.x() + face.width() && cy >= face.y() && cy <= face.y() + face.height()
        && ratio >= 0.4 && ratio <= 1.6;
  }

  public static Result evaluate(String name, Supplier<FaceDetector> factory, Path video,
      List<SyntheticVideo.Truth> truth) throws Exception {
    Map<Long, List<SyntheticVideo.Truth>> facesByFrame = new HashMap<>();
    Map<Integer, long[]> perActor = new java.util.TreeMap<>();
    for (SyntheticVideo.Truth t : truth) {
      facesByFrame.computeIfAbsent(t.frame(), k -> new ArrayList<>()).add(t);
      perActor.computeIfAbsent(t.actor(), k -> new long[2])[0]++;
    }
    long faces = 0;
    long found = 0;
    long falsePositives = 0;
    long frames = 0;
    long nanos = 0;
    long cpuNanos = 0;
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    double[] fit = new double[3];
    try (FaceDetector detector = factory.get(); VideoSource source = VideoSource.open(video.toString(), 25)) {
      VideoSource.DecodedFrame next;
      while ((next = source.next()) != null) {
        try (VideoSource.DecodedFrame f = next) {
          long cpu0 = os.getProcessCpuTime();
          long t0 = System.nanoTime();
          List<Box> dets = detector.detect(f.bgr());
          nanos += System.nanoTime() - t0;
          cpuNanos += os.getProcessCpuTime() - cpu0;
          List<SyntheticVideo.Truth> present = facesByFrame.getOrDefault(f.number(), List.of());
          faces += present.size();
          boolean[] taken = new boolean[present.size()];
          for (Box d : dets) {
            boolean hit = false;
            for (int i = 0; i < present.size(); i++) {
              if (!taken[i] && finds(d, present.get(i).face())) {
                taken[i] = true;
                perActor.get(present.get(i).actor())[1]++;
                Box tile = present.get(i).tile();
                fit[0] += tile.width() / d.width();
                fit[1] += (tile.centerX() - d.centerX()) / d.width();
                fit[2] += (tile.centerY() - d.centerY()) / d.width();
                hit = true;
                found++;
                break;
              }
            }
            if (!hit) {
              falsePositives++;
            }
          }
          frames++;
        }
      }
    }
    return new Result(name, faces, found, falsePositives, frames, nanos / 1e6 / Math.max(1, frames),
        cpuNanos / 1e6 / Math.max(1, frames), perActor, new double[] {fit[0] / Math.max(1, found), fit[1] / Math.max(1, found), fit[2] / Math.max(1, found)});
  }
}
