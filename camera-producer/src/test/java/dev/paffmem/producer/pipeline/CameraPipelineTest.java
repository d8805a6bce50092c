package dev.paffmem.producer.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.producer.crop.FaceCropper;
import dev.paffmem.producer.synthetic.SyntheticVideo;
import dev.paffmem.producer.track.Box;
import dev.paffmem.schema.FaceBox;
import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rendered video of three synthetic persons entering and leaving at known frames, through decode, detection,
 * tracking and cropping (no Kafka): one person id per person in order of appearance, frame indices without gaps, event
 * times from the stream's timestamps, crops where the faces are.
 */
class CameraPipelineTest {

  static final Instant START = Instant.parse("2026-01-01T10:00:00Z");

  static SyntheticVideo video;
  static List<SyntheticVideo.Truth> truth;
  static Path file;
  static List<FaceFrame> frames = Collections.synchronizedList(new ArrayList<>());
  static CameraPipeline pipeline;
  static CameraConfig config;

  @BeforeAll
  static void run() throws Exception {
    video = ProducerTestVideos.video();
    file = ProducerTestVideos.file();
    truth = ProducerTestVideos.truth();
    config = CameraConfig.defaults(file.toString(), "cam7", "t").withStartTime(START);
    pipeline = new CameraPipeline(config, frames::add);
    pipeline.start();
    pipeline.join();
  }

  private static Map<String, List<FaceFrame>> byPerson() {
    Map<String, List<FaceFrame>> m = new TreeMap<>();
    for (FaceFrame f : frames) {
      m.computeIfAbsent(f.getPersonId(), k -> new ArrayList<>()).add(f);
    }
    return m;
  }

  /** The source frame number of a FaceFrame, from its event time (25 fps: 40 ms a frame). */
  private static long frameOf(FaceFrame f) {
    long ms = f.getEventTime().toEpochMilli() - START.toEpochMilli();
    assertEquals(0, ms % 40, "event time on the stream's 40 ms grid: " + f.getEventTime());
    return ms / 40;
  }

  @Test
  void everyFrameIsDecodedAndProcessedWithoutDrops() {
    CameraStats s = pipeline.stats();
    assertNull(s.error);
    assertEquals(250, s.decoded.get());
    assertEquals(250, s.processed.get());
    assertEquals(0, s.dropped.get());
    assertEquals(50, s.detections.get(), "every 5th frame");
  }

  @Test
  void threePersonsWithStableKeysInOrderOfAppearance() {
    Map<String, List<FaceFrame>> m = byPerson();
    assertEquals(List.of("cam7/t1", "cam7/t2", "cam7/t3"), new ArrayList<>(m.keySet()));
    // person ids follow entry order: A (frame 0), B (frame 40), C (frame 100)
    for (int i = 0; i < 3; i++) {
      SyntheticVideo.Actor a = video.actors().get(i);
      long first = frameOf(m.get("cam7/t" + (i + 1)).get(0));
      assertTrue(first >= a.enterFrame() && first < a.enterFrame() + 40,
          "person " + (i + 1) + " starts at frame " + first + ", enters at " + a.enterFrame());
    }
    assertEquals(3, pipeline.stats().persons.size(), "every track ended and was reported");
  }

  @Test
  void frameIndicesCountEachPersonsFramesAndEventTimesFollowTheStream() {
    for (List<FaceFrame> fs : byPerson().values()) {
      long prevFrame = -1;
      for (int i = 0; i < fs.size(); i++) {
        FaceFrame f = fs.get(i);
        assertEquals(i, f.getFrameIndex(), "frame index without gaps");
        assertEquals("cam7", f.getSourceId());
        assertEquals(ImageEncoding.JPEG, f.getEncoding());
        long frame = frameOf(f);
        assertTrue(frame > prevFrame, "one face per person and frame, in stream order");
        prevFrame = frame;
      }
    }
  }

  @Test
  void eachPersonIsProducedForMostOfTheFramesTheyAreVisibleAndHardlyAfter() {
    Map<String, List<FaceFrame>> m = byPerson();
    for (int i = 0; i < 3; i++) {
      SyntheticVideo.Actor a = video.actors().get(i);
      List<FaceFrame> fs = m.get("cam7/t" + (i + 1));
      long visible = a.leaveFrame() - a.enterFrame();
      long inside = fs.stream().filter(f -> a.visibleAt(frameOf(f))).count();
      long after = fs.size() - inside;
      assertTrue(inside >= 0.8 * visible, "person " + (i + 1) + ": " + inside + " of " + visible + " visible frames");
      // between detections a face that vanished is predicted until the next detection round: at most 4 frames
      assertTrue(after <= 4, "person " + (i + 1) + ": " + after + " frames after leaving");
    }
  }

  @Test
  void cropsAreWhereTheFacesAre() throws Exception {
    Map<Long, Map<Integer, SyntheticVideo.Truth>> truthAt = new HashMap<>();
    truth.forEach(t -> truthAt.computeIfAbsent(t.frame(), k -> new HashMap<>()).put(t.actor(), t));
    // the default detector's framing (BlazeFace: 2.2 box widths, centre 0.1 widths above the box's)
    FaceCropper cropper = new FaceCropper(96, config.cropScale(), config.cropOffsetX(), config.cropOffsetY(), 90);
    Map<String, List<FaceFrame>> m = byPerson();
    for (int i = 0; i < 3; i++) {
      int checked = 0;
      double sumIou = 0;
      for (FaceFrame f : m.get("cam7/t" + (i + 1))) {
        SyntheticVideo.Truth t = truthAt.getOrDefault(frameOf(f), Map.of()).get(i);
        if (t == null || t.tile().insideShare(640, 480) < 1) {
          continue; // left already, or partly outside the frame
        }
        FaceBox b = f.getFaceBox();
        assertEquals(640, b.getFrameWidth());
        assertEquals(480, b.getFrameHeight());
        Rect sq = cropper.square(new Box(b.getX(), b.getY(), b.getWidth(), b.getHeight()));
        double iou = new Box(sq.x(), sq.y(), sq.width(), sq.height()).iou(t.tile());
        assertTrue(iou > 0.5, "person " + (i + 1) + " frame " + frameOf(f) + ": crop IoU with the render " + iou);
        sumIou += iou;
        checked++;
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(f.getImage().array()));
        assertEquals(96, img.getWidth());
        assertEquals(96, img.getHeight());
      }
      assertTrue(checked > 50, "person " + (i + 1) + ": " + checked + " crops checked");
      assertTrue(sumIou / checked > 0.75, "person " + (i + 1) + ": mean crop IoU with the render " + sumIou / checked);
    }
  }
}
