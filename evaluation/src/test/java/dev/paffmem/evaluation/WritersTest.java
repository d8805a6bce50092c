package dev.paffmem.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paffmem.evaluation.FramePrediction.Model;
import dev.paffmem.evaluation.Scoring.Results;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV, JSON, Markdown and PNG writers on a hand-made dataset: PK predicts 0.1 everywhere, P-AffMem the truth. */
class WritersTest {

  @TempDir
  Path dir;

  OmgDataset ds;
  List<FramePrediction> ps;

  @BeforeEach
  void setUp() throws Exception {
    ds = OmgDataset.load(TestDatasets.write(dir), OmgDataset.DEFAULT_LABELS_CSV);
    ps = TestDatasets.predictions(ds);
  }

  @Test
  void predictionCsvHasTheOfficialColumnsTheDatasetsRowOrderAndOmgArousal() throws Exception {
    Path mem = dir.resolve("predictions_paffmem.csv");
    Path pk = dir.resolve("predictions_pk.csv");
    assertEquals(List.of(), PredictionCsv.write(mem, ds, ps, Model.PAFFMEM));
    PredictionCsv.write(pk, ds, ps, Model.PK);
    // P-AffMem predicts the truth, so its utterance means are the dataset's labels, arousal back on [0, 1]
    assertEquals(List.of("video,utterance,arousal,valence",
        "v1,utterance_1.mp4,0.750000,0.500000",
        "v2,utterance_1.mp4,0.250000,-0.500000",
        "v1,utterance_2.mp4,0.500000,0.000000",
        "v2,utterance_2.mp4,0.500000,0.250000"), Files.readAllLines(mem));
    assertEquals("v2,utterance_1.mp4,0.550000,0.100000", Files.readAllLines(pk).get(2)); // PK: arousal 0.1 -> 0.55
  }

  @Test
  void quotedCellsAreReadAsOneCellAndWrittenBackQuoted() throws Exception {
    // a link with a comma and a label with a quote: RFC 4180 quoting, read and written by Jackson's CSV module
    String quotedLink = "\"https://x/v1?a=1,b=2\"";
    Files.writeString(dir.resolve(OmgDataset.DEFAULT_LABELS_CSV), TestDatasets.LABELS
        .replace("https://x/v1,0.00,0.12,v1,utterance_1.mp4,0.75,0.5,3", quotedLink + ",0.00,0.12,v1,utterance_1.mp4,0.75,0.5,\"say \"\"3\"\"\""));
    OmgDataset quoted = OmgDataset.load(dir, OmgDataset.DEFAULT_LABELS_CSV);
    assertEquals(List.of("https://x/v1?a=1,b=2", "0.00", "0.12", "v1", "utterance_1.mp4", "0.75", "0.5", "say \"3\""),
        quoted.utterances().get(0).cells());
    assertEquals(0.75, quoted.utterances().get(0).arousalOmg());
    Path labels = dir.resolve("labels.csv");
    PredictionCsv.writeLabels(labels, quoted, ps);
    assertEquals(quotedLink + ",0.00,0.12,v1,utterance_1.mp4,0.75,0.5,\"say \"\"3\"\"\"", Files.readAllLines(labels).get(1));
  }

  @Test
  void utterancesWithoutPredictionsAreLeftOutOfBothFilesAndReported() throws Exception {
    List<FramePrediction> some = ps.stream().filter(p -> !(p.video().equals("v2") && p.frame() >= 2)).toList();
    Path mem = dir.resolve("p.csv");
    Path labels = dir.resolve("labels.csv");
    assertEquals(List.of("v2/utterance_2.mp4"), PredictionCsv.write(mem, ds, some, Model.PAFFMEM));
    PredictionCsv.writeLabels(labels, ds, some);
    List<String> expected = TestDatasets.LABELS.lines().toList();
    assertEquals(expected.subList(0, 4), Files.readAllLines(labels)); // header + rows 1-3, unchanged
    assertEquals(4, Files.readAllLines(mem).size());
  }

  @Test
  void framePredictionsAreOneGzipRowPerFrame() throws Exception {
    Path f = dir.resolve("frames.csv.gz");
    PredictionCsv.writeFrames(f, ps);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(f)),
        StandardCharsets.UTF_8))) {
      List<String> lines = r.lines().toList();
      assertEquals(PredictionCsv.FRAMES_HEADER, lines.get(0));
      assertEquals(1 + 9, lines.size());
      assertEquals("v1,utterance_1.mp4,0,typical,GENERATING,10,0.5000,0.5000,0.5000,0.1000,0.1000,0.5000,0.5000",
          lines.get(1));
    }
  }

  @Test
  void scoresGroupTypicalAtypicalAndEachKind() {
    Results r = Scoring.score(ps);
    assertEquals(List.of("all", "typical", "atypical", "atypical: muted"),
        r.groups().stream().map(Scoring.GroupScores::group).toList());
    Scoring.GroupScores all = r.group("all");
    assertEquals(2, all.videos());
    assertEquals(4, all.utterances());
    assertEquals(9, all.frames());
    assertEquals(1.0, all.paffmem().arousal().utterancePooled(), 1e-12);
    assertEquals(1.0, all.paffmem().valence().frameLevel(), 1e-12);
    assertEquals(0.0, all.pk().arousal().utterancePooled(), 1e-12); // a constant prediction has CCC 0
    assertEquals(1, r.group("typical").videos());
    assertEquals(14, r.videos().get(0).finalMemorySize()); // v1's last frame (4): 10 + 4
  }

  @Test
  void runningCccEqualsTheCccOfEveryPrefix() {
    java.util.Random rnd = new java.util.Random(7);
    double[] p = new double[50];
    double[] t = new double[50];
    for (int i = 0; i < 50; i++) {
      t[i] = rnd.nextGaussian();
      p[i] = 0.6 * t[i] + 0.5 * rnd.nextGaussian() + 0.2;
    }
    double[] running = Scoring.runningCcc(p, t);
    assertTrue(Double.isNaN(running[0]));
    for (int k = 2; k <= 50; k++) {
      assertEquals(Ccc.of(java.util.Arrays.copyOf(p, k), java.util.Arrays.copyOf(t, k)), running[k - 1], 1e-9);
    }
  }

  @Test
  void jsonHasEveryGroupModelDimensionAndFlavourAndNullForUndefined() throws Exception {
    Results r = Scoring.score(ps);
    Path f = dir.resolve("results.json");
    ResultsJson.write(f, run(), r);
    JsonNode root = new ObjectMapper().readTree(f.toFile());
    assertEquals("v1/utterance_1.mp4", root.get("run").get("missing_utterances").get(0).asText());
    assertEquals(4, root.get("groups").size());
    for (JsonNode g : root.get("groups")) {
      for (String m : List.of("pk", "paffmem", "delta")) {
        for (String d : List.of("arousal", "valence")) {
          for (String flavour : List.of("utterance_pooled", "frame_level", "mean_per_video")) {
            assertTrue(g.get(m).get(d).has(flavour), g.get("group") + " " + m + " " + d + " " + flavour);
          }
        }
      }
    }
    JsonNode all = root.get("groups").get(0);
    assertEquals(1.0, all.get("paffmem").get("arousal").get("utterance_pooled").asDouble(), 1e-9);
    assertEquals(1.0, all.get("delta").get("valence").get("utterance_pooled").asDouble(), 1e-9);
    // the PK's constant 0.1 shifted to each video's mean truth: the offset oracle, written per group
    assertEquals(Scoring.score(ps).group("all").ceiling().offsetArousal(),
        all.get("ceiling").get("offset").get("arousal").asDouble(), 1e-4);
    assertTrue(all.get("ceiling").get("affine").has("valence"));
    assertEquals("v2", root.get("videos").get(1).get("video").asText());
    assertEquals("muted", root.get("videos").get(1).get("person_type").asText());
    assertTrue(ResultsJson.tree(run(), r).containsKey("videos"));
    assertEquals(null, ResultsJson.value(Double.NaN));
  }

  @Test
  void markdownHasTable3RowsPerGroupAndTheSummary() {
    String md = ResultsMarkdown.render(run(), Scoring.score(ps));
    assertTrue(md.contains("| all | 2 | 0.000 | 1.000 | +1.000"), md);
    assertTrue(md.contains("Δ arousal [95 %]"), md);
    assertTrue(md.contains("commit: `0123abc`; dataset seed 4242"), md);
    assertTrue(md.contains("## atypical: muted (1 videos, 2 utterances, 4 frames)"), md);
    assertTrue(md.contains("| PK alone | 0.000 | 0.000 | 0.000 | 0.000 | 0.000 | 0.000 |"), md);
    assertTrue(md.contains("| P-AffMem | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 |"), md);
    assertTrue(md.contains("`paffmem evaluate --dataset d`"), md);
    assertTrue(md.contains("## What a per-person calibration that knows the labels would add"), md);
    Ceiling.Scores c = Scoring.score(ps).group("all").ceiling();
    assertTrue(md.contains("| all | 2 | 0.000 | " + ResultsMarkdown.signed(c.offsetArousal()) + " | "
        + ResultsMarkdown.signed(c.affineArousal()) + " | +1.000 |"), md);
    assertEquals("n/a", ResultsMarkdown.f(Double.NaN));
  }

  @Test
  void plotsArePngs() throws Exception {
    Results r = Scoring.score(ps);
    Path perVideo = dir.resolve("per_video_ccc.png");
    Path running = dir.resolve("running.png");
    Plots.perVideo(perVideo, r.videos());
    Plots.runningCcc(running, "v1", "typical", ps.stream().filter(p -> p.video().equals("v1")).toList(), 25);
    BufferedImage a = ImageIO.read(perVideo.toFile());
    BufferedImage b = ImageIO.read(running.toFile());
    assertNotNull(a);
    assertNotNull(b);
    assertTrue(a.getWidth() > 1000 && b.getHeight() > 600);
  }

  private static RunInfo run() {
    return new RunInfo("paffmem evaluate --dataset d", "0123abc", "d", "4242", "atypical_share 0.2, confound_share 0.4",
        "omg_TestVideos_WithLabels.csv", "all videos", 2, 4, 9, true,
        "models/x", "x", "0", "--generation-targets 4", "test machine", "2026-01-01T00:00:00Z", 1.0, 9, 9, Map.of(),
        List.of("v1/utterance_1.mp4"), List.of());
  }
}
