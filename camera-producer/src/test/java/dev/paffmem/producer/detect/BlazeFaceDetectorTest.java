package dev.paffmem.producer.detect;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.faces.persons.Population;
import dev.paffmem.producer.synthetic.SyntheticVideo;
import dev.paffmem.producer.track.Box;
import dev.paffmem.producer.video.VideoSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped BlazeFace model through OpenCV DNN on a rendered 640x480 frame of three EVAL persons, among them the
 * two darkest-skinned ones (9 and 11, skin luma 69 and 62; the Haar cascade never finds person 11): every face found
 * once, where it is, on any frame shape; nothing on an empty wall.
 */
class BlazeFaceDetectorTest {

  static Mat frame;
  static List<SyntheticVideo.Truth> truth;

  @BeforeAll
  static void render() throws Exception {
    Path file = Files.createTempFile("paffmem-blazeface", ".mp4");
    try {
      SyntheticVideo video = new SyntheticVideo(640, 480, 25, 2, List.of(
          new SyntheticVideo.Actor(9, 0, 2, 40, 40, 0, 0, 150),
          new SyntheticVideo.Actor(10, 0, 2, 250, 300, 0, 0, 150),
          new SyntheticVideo.Actor(11, 0, 2, 420, 30, 0, 0, 150)), Population.DEFAULT_SEED);
      truth = video.write(file).stream().filter(t -> t.frame() == 1).toList();
      try (VideoSource source = VideoSource.open(file.toString(), 25)) {
        source.next().close();
        try (VideoSource.DecodedFrame f = source.next()) {
          frame = f.bgr().clone();
        }
      }
    } finally {
      Files.deleteIfExists(file);
    }
    assertEquals(3, truth.size());
  }

  @AfterAll
  static void close() {
    frame.close();
  }

  /** The truth face each box finds, in order; fails on a box that finds none. */
  static void assertFindsEachFaceOnce(List<Box> boxes, List<SyntheticVideo.Truth> faces) {
    assertEquals(faces.size(), boxes.size(), "one box per face: " + boxes);
    for (SyntheticVideo.Truth t : faces) {
      assertEquals(1, boxes.stream().filter(b -> DetectorEvaluation.finds(b, t.face())).count(),
          "person " + t.personId() + " at " + t.face() + " in " + boxes);
    }
  }

  @Test
  void theDefaultDetectorFindsEveryFaceIncludingTheDarkestSkinned() {
    try (FaceDetector d = DetectorConfig.DEFAULT.create()) {
      assertInstanceOf(BlazeFaceDetector.class, d);
      assertFindsEachFaceOnce(d.detect(frame), truth);
    }
    try (BlazeFaceDetector d = (BlazeFaceDetector) DetectorConfig.DEFAULT.create()) {
      for (BlazeFaceDecoder.Detection f : d.detectTiled(frame)) {
        assertTrue(f.score() >= 0.5 && f.score() <= 1, "score " + f.score());
        // right eye (keypoint 0) left of the left eye (keypoint 1), both in the box's upper half
        assertTrue(f.keypoints()[0] < f.keypoints()[2], "eyes: " + java.util.Arrays.toString(f.keypoints()));
        assertTrue(f.keypoints()[1] < f.cy() && f.keypoints()[1] > f.y0());
      }
    }
  }

  @Test
  void boxesAreInTheFramesPixelsWhateverItsShape() {
    try (BlazeFaceDetector d = new BlazeFaceDetector(BlazeFaceDecoder.Variant.FULL_RANGE, 0.5, 40, 2);
        Mat wide = new Mat();
        Scalar grey = new Scalar(128, 128, 128, 0);
        Rect upper = new Rect(0, 0, 640, 240);
        Mat strip = new Mat(frame, upper)) {
      // 300 grey pixels added on the left: every box moves 300 pixels right (letterbox and tiles mapped back)
      copyMakeBorder(frame, wide, 0, 0, 300, 0, BORDER_CONSTANT, grey);
      List<Box> boxes = d.detect(wide);
      assertFindsEachFaceOnce(boxes, truth.stream().map(t -> new SyntheticVideo.Truth(t.frame(), t.actor(),
          t.personId(), new Box(t.face().x() + 300, t.face().y(), t.face().width(), t.face().height()), t.tile()))
          .toList());
      // a 640x240 strip (a much wider frame): the two faces in it, in the strip's pixels
      List<SyntheticVideo.Truth> inStrip = truth.stream().filter(t -> t.face().y() + t.face().height() < 240).toList();
      assertEquals(2, inStrip.size());
      assertFindsEachFaceOnce(d.detect(strip), inStrip);
    }
  }

  @Test
  void anEmptyWallHasNoFacesAndSmallFacesAreFilteredOut() {
    try (FaceDetector d = DetectorConfig.DEFAULT.withMinConfidence(0.3).create();
        Mat wall = new Mat(480, 640, CV_8UC3, new Scalar(150, 160, 170, 0))) {
      assertEquals(List.of(), d.detect(wall));
    }
    double widest = truth.stream().mapToDouble(t -> t.face().width()).max().orElseThrow();
    try (FaceDetector d = new BlazeFaceDetector(BlazeFaceDecoder.Variant.FULL_RANGE, 0.5,
        (int) Math.ceil(widest * 1.6), 2)) {
      assertEquals(List.of(), d.detect(frame), "no face is 1.6 times wider than the widest");
    }
  }

  @Test
  void detectImagesCountsTheFacesOfEachImageAndDrawsThem(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path out = dir.resolve("annotated");
    org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(in.resolve("a-three.png").toString(), frame);
    try (Mat wall = new Mat(240, 320, CV_8UC3, new Scalar(150, 160, 170, 0))) {
      org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(in.resolve("b-wall.jpg").toString(), wall);
    }
    Files.writeString(in.resolve("notes.txt"), "not an image");
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    int code;
    try {
      System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
      code = new picocli.CommandLine(new dev.paffmem.producer.cli.DetectImagesCommand())
          .execute(in.toString(), "--annotate", out.toString());
    } finally {
      System.setOut(stdout);
    }
    String text = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    assertTrue(text.contains("a-three.png (640x480): 3 faces ["), text);
    assertTrue(text.contains("b-wall.jpg (320x240): 0 faces"), text);
    assertTrue(text.contains("2 images, 1 with at least one face, 3 faces"), text);
    assertTrue(Files.size(out.resolve("a-three.png")) > 0 && Files.exists(out.resolve("b-wall.png")));
    assertEquals(1, new picocli.CommandLine(new dev.paffmem.producer.cli.DetectImagesCommand())
        .setErr(new java.io.PrintWriter(java.io.Writer.nullWriter()))
        .execute(dir.resolve("missing").toString()), "a missing input fails");
  }

  @Test
  void theCascadesStaySelectable() {
    try (FaceDetector d = DetectorConfig.DEFAULT.withKind(DetectorConfig.Kind.HAAR_ALT2).create()) {
      assertInstanceOf(CascadeFaceDetector.class, d);
      List<Box> boxes = d.detect(frame);
      SyntheticVideo.Truth medium = truth.get(1); // person 10, medium skin: the cascade finds it
      assertTrue(boxes.stream().anyMatch(b -> DetectorEvaluation.finds(b, medium.face())), boxes.toString());
    }
  }

  @Test
  void theShippedModelsAreTheFilesTheirReadmeDocuments() throws Exception {
    String readme;
    try (java.io.InputStream in = BlazeFaceDetector.class.getResourceAsStream(BlazeFaceDetector.RESOURCE_DIR
        + "README.md")) {
      readme = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    for (BlazeFaceDecoder.Variant v : BlazeFaceDecoder.Variant.values()) {
      byte[] model = BlazeFaceDetector.modelBytes(v);
      String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(model));
      String name = BlazeFaceDetector.modelResource(v).substring(BlazeFaceDetector.RESOURCE_DIR.length());
      assertTrue(readme.contains("| `" + name + "` | " + model.length + " | `" + sha + "` |"), name + " " + sha);
    }
  }

  @Test
  void badSettingsAreRejectedWithTheFlagsName() {
    DetectorConfig d = DetectorConfig.DEFAULT;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withMinConfidence(1.5)).getMessage()
        .contains("--min-confidence"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withTiles(0)).getMessage().contains("--tiles"));
  }
}
