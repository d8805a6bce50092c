package dev.paffmem.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paffmem.faces.datasets.OmgWriter;
import dev.paffmem.faces.render.Images;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The evaluate command end to end: a tiny OMG-layout dataset written by the synthetic-faces writer (two
 * persons, one typical and one atypical, 3 s each), the random width-0.25 model, small generation settings;
 * in-process Kafka and a Flink MiniCluster; every output file with the right columns and row order.
 */
class EvaluateCommandTest {

  @TempDir
  Path tmp;

  @Test
  void evaluatesATinyDatasetThroughTheJobAndWritesEveryOutput() throws Exception {
    Path data = tmp.resolve("omg");
    new OmgWriter(new OmgWriter.Options(11, 2, 3, 0.5, 0.0, 0, Images.Format.PNG, 1, false)).write(data);
    Path out = tmp.resolve("out");
    String printed = evaluate(data, out);
    assertTrue(printed.contains("Official CCC"), printed);

    OmgDataset ds = OmgDataset.load(data, OmgDataset.DEFAULT_LABELS_CSV);
    List<String> utteranceKeys = ds.utterances().stream().map(u -> u.video() + "," + u.utterance()).toList();

    // the official script's files: same columns, same rows in the same order as the dataset's CSV
    for (String name : List.of("predictions_paffmem.csv", "predictions_pk.csv")) {
      List<String> lines = Files.readAllLines(out.resolve(name));
      assertEquals("video,utterance,arousal,valence", lines.get(0));
      List<String> rows = lines.subList(1, lines.size());
      assertEquals(utteranceKeys, rows.stream().map(l -> l.substring(0, l.indexOf(",utterance_") + 1)
          + l.split(",")[1]).map(s -> s.replace(",,", ",")).toList(), name);
      for (String row : rows) {
        double arousal = Double.parseDouble(row.split(",")[2]);
        double valence = Double.parseDouble(row.split(",")[3]);
        assertTrue(arousal >= 0 && arousal <= 1, "OMG arousal in [0, 1]: " + row);
        assertTrue(valence >= -1 && valence <= 1, row);
      }
    }
    assertEquals(Files.readAllLines(data.resolve(OmgDataset.DEFAULT_LABELS_CSV)), Files.readAllLines(out.resolve("labels.csv")));

    JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertEquals(ds.frameCount(), json.get("run").get("predictions").asLong());
    assertEquals(List.of("all", "typical", "atypical", "atypical: resting_offset"),
        iterate(json.get("groups")).stream().map(g -> g.get("group").asText()).toList());
    assertEquals(2, json.get("videos").size());
    assertTrue(json.get("videos").get(0).get("final_memory_size").asInt() >= 2);

    String md = Files.readString(out.resolve("results.md"));
    assertTrue(md.contains("| PK alone |") && md.contains("| P-AffMem |") && md.contains("## atypical: resting_offset"), md);
    assertTrue(md.contains("--bias-correction AUTO (off)"), md); // the test model has no models.regions
    // the set's face model (synthetic-faces writes it into the manifest) goes into the record of the run
    assertTrue(md.contains("face_model " + dev.paffmem.faces.render.FaceRenderer.FACE_MODEL), md);

    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(out.resolve("frame_predictions.csv.gz"))), StandardCharsets.UTF_8))) {
      List<String> lines = r.lines().toList();
      assertEquals(PredictionCsv.FRAMES_HEADER, lines.get(0));
      assertEquals(ds.frameCount() + 1, lines.size());
      assertTrue(lines.get(1).startsWith("eval-00000,utterance_1.mp4,0,typical,GENERATING,"), lines.get(1));
      assertTrue(lines.get(4).contains(",3,typical,ONLINE,"), lines.get(4));
    }

    assertNotNull(ImageIO.read(out.resolve("per_video_ccc.png").toFile()));
    assertNotNull(ImageIO.read(out.resolve("running_ccc_eval-00000.png").toFile()));
    assertNotNull(ImageIO.read(out.resolve("running_ccc_eval-00001.png").toFile()));
  }

  @Test
  void enrolledFacesGoFirstAsTheirOwnFramesAndAreNotScored() throws Exception {
    Path data = tmp.resolve("omg-enrol");
    new OmgWriter(new OmgWriter.Options(12, 2, 2, 0.5, 0.0, 3, Images.Format.PNG, 1, false)).write(data);
    Path out = tmp.resolve("out-enrol");
    evaluate(data, out, "--enrolment", "5");
    OmgDataset ds = OmgDataset.load(data, OmgDataset.DEFAULT_LABELS_CSV);
    JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    assertEquals(ds.frameCount() + 2 * 5, json.get("run").get("predictions").asLong(), "every frame and enrolled face");
    assertTrue(Files.readString(out.resolve("results.md")).contains("enrolment 5 (5 faces per person"));
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(out.resolve("frame_predictions.csv.gz"))), StandardCharsets.UTF_8))) {
      List<String> lines = r.lines().toList();
      assertEquals(ds.frameCount() + 1, lines.size(), "only the videos' frames are scored");
      // the five enrolled faces took the person's three generation frames: the video's frame 0 is online
      assertTrue(lines.get(1).startsWith("eval-00000,utterance_1.mp4,0,typical,ONLINE,"), lines.get(1));
    }
    // unknown designs and a dataset without calibration faces are refused before anything runs
    assertEquals(2, new CommandLine(new EvaluateCommand(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8))).execute("--dataset", data.toString(), "--enrolment", "7x7"));
    Files.delete(data.resolve("calibration.csv"));
    assertEquals(2, new CommandLine(new EvaluateCommand(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8))).execute("--dataset", data.toString(), "--enrolment", "3x3"));
  }

  /**
   * Runs the evaluate command on {@code data} with the random width-0.25 model and small generation settings (plus
   * {@code more} flags), asserts it succeeded, and returns what it printed.
   */
  private static String evaluate(Path data, Path out, String... more) {
    Path model = Path.of(System.getProperty("paffmem.modelsDir", "../models"), "random-w025");
    List<String> args = new java.util.ArrayList<>(List.of("--dataset", data.toString(), "--out", out.toString(),
        "--model-dir", model.toString(), "--device", "CPU", "--generation-frames", "3", "--generation-targets", "4",
        "--memory-epochs", "2", "--batch-max-size", "16", "--checkpoint-interval", "1s", "--timeout", "3min"));
    args.addAll(List.of(more));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int code = new CommandLine(new EvaluateCommand(new PrintStream(log, true, StandardCharsets.UTF_8)))
        .setUnmatchedOptionsArePositionalParams(false)
        .execute(args.toArray(String[]::new));
    String printed = log.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, printed);
    return printed;
  }

  @Test
  void aSetWrittenBeforeFaceModelsWereRecordedIsFaceModelOne() throws Exception {
    Path data = tmp.resolve("old-set");
    Files.createDirectories(data);
    Files.writeString(data.resolve("manifest.json"), "{\"generator\": \"paffmem-synthetic-faces\", \"seed\": \"7\"}");
    assertEquals("1", EvaluateCommand.faceModel(data));
    Files.writeString(data.resolve("manifest.json"), "{\"face_model\": \"2\", \"seed\": \"7\"}");
    assertEquals("2", EvaluateCommand.faceModel(data));
  }

  @Test
  void helpListsTheFlags() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    CommandLine cl = new CommandLine(new EvaluateCommand());
    cl.setOut(new java.io.PrintWriter(buf, true, StandardCharsets.UTF_8));
    assertEquals(0, cl.execute("--help"));
    String help = buf.toString(StandardCharsets.UTF_8);
    for (String flag : List.of("--dataset", "--out", "--model-dir", "--videos", "--max-seconds", "--figure-video")) {
      assertTrue(help.contains(flag), help);
    }
  }

  private static List<JsonNode> iterate(JsonNode array) {
    List<JsonNode> out = new java.util.ArrayList<>();
    array.forEach(out::add);
    return out;
  }
}
