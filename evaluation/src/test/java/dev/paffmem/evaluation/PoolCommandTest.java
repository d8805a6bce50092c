package dev.paffmem.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code paffmem evaluate pool}: finished runs read back and scored as one set of persons. */
class PoolCommandTest {

  @TempDir
  Path dir;

  /** A run's frames: videos v0..v(n-1) of the given kind, truth and noisy predictions (PK noisier than P-AffMem). */
  static List<FramePrediction> run(long seed, int videos) {
    Random r = new Random(seed);
    List<FramePrediction> ps = new ArrayList<>();
    for (int v = 0; v < videos; v++) {
      String kind = v % 2 == 0 ? "typical" : "identity_confound";
      for (int u = 0; u < 3; u++) {
        double a = r.nextDouble() * 2 - 1;
        double val = r.nextDouble() * 2 - 1;
        for (int f = 0; f < 4; f++) {
          ps.add(new FramePrediction("v" + v, "utterance_" + (u + 1) + ".mp4", u * 4L + f, kind, "ONLINE", 5, 0.5,
              a, val, a + 0.5 * r.nextGaussian(), val + 0.5 * r.nextGaussian(), a + 0.1 * r.nextGaussian(),
              val + 0.1 * r.nextGaussian()));
        }
      }
    }
    return ps;
  }

  @Test
  void framesReadBackAsWrittenWithTheVideoPrefix() throws Exception {
    List<FramePrediction> ps = run(1, 3);
    Path file = dir.resolve("frame_predictions.csv.gz");
    PredictionCsv.writeFrames(file, ps);
    List<FramePrediction> back = PredictionCsv.readFrames(file, "seed-1/");
    assertEquals(ps.size(), back.size());
    FramePrediction a = ps.get(5);
    FramePrediction b = back.get(5);
    assertEquals("seed-1/" + a.video(), b.video());
    assertEquals(a.utterance(), b.utterance());
    assertEquals(a.frame(), b.frame());
    assertEquals(a.personType(), b.personType());
    assertEquals(a.pkArousal(), b.pkArousal(), 1e-4, "written with 4 decimals");
    assertEquals(a.valence(), b.valence(), 1e-4);
  }

  @Test
  void runsArePooledAsOneSetOfPersonsWithoutMixingTheirEqualVideoIds() throws Exception {
    List<FramePrediction> first = run(1, 4);
    List<FramePrediction> second = run(2, 4);
    Path r1 = Files.createDirectories(dir.resolve("eval-1"));
    Path r2 = Files.createDirectories(dir.resolve("eval-2"));
    PredictionCsv.writeFrames(r1.resolve("frame_predictions.csv.gz"), first);
    PredictionCsv.writeFrames(r2.resolve("frame_predictions.csv.gz"), second);
    Path out = dir.resolve("pooled");
    assertEquals(0, PoolCommand.execute("--out", out.toString(), r1.toString(), r2.toString()));

    // the same as scoring both runs' frames (as read back) together, with the videos kept apart
    List<FramePrediction> both = new ArrayList<>(PredictionCsv.readFrames(r1.resolve("frame_predictions.csv.gz"),
        "eval-1/"));
    both.addAll(PredictionCsv.readFrames(r2.resolve("frame_predictions.csv.gz"), "eval-2/"));
    Scoring.GroupScores all = Scoring.score(both).group(Scoring.ALL);
    JsonNode json = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    JsonNode g = json.get("groups").get(0);
    assertEquals("all", g.get("group").asText());
    assertEquals(8, g.get("videos").asInt(), "v0..v3 of each run, not 4 merged videos");
    assertEquals(all.paffmem().arousal().utterancePooled() - all.pk().arousal().utterancePooled(),
        g.get("delta").get("arousal").get("utterance_pooled").asDouble(), 1e-3);
    assertTrue(g.get("delta_ci95").get("arousal").get(0).asDouble() > 0, "P-AffMem is the less noisy model here");
    assertEquals(4, json.get("groups").get(2).get("videos").asInt(), "identity_confound: two per run");
    String md = Files.readString(out.resolve("results.md"));
    assertTrue(md.contains("pooled over 2 runs") && md.contains("| identity_confound | 4 |"), md);
    assertTrue(md.contains("`eval-1`") && md.contains("`eval-2`"), "the runs are listed");
  }

  @Test
  void helpPrintsWithoutPicocliWarningsAndIsReachedThroughEvaluate() {
    java.io.PrintStream err = System.err;
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    try {
      System.setErr(new java.io.PrintStream(captured, true));
      System.setOut(new java.io.PrintStream(captured, true));
      assertEquals(0, EvaluateCommand.execute("pool", "--help"));
    } finally {
      System.setErr(err);
      System.setOut(stdout);
    }
    String text = captured.toString();
    assertTrue(text.contains("paffmem evaluate pool") && !text.contains("picocli WARN"), text);
  }

  @Test
  void aFolderWithoutPredictionsOrTwoRunsOfOneNameAreClearErrors() throws Exception {
    Path r1 = Files.createDirectories(dir.resolve("a/eval-1"));
    PredictionCsv.writeFrames(r1.resolve("frame_predictions.csv.gz"), run(1, 2));
    Path empty = Files.createDirectories(dir.resolve("nothing"));
    assertEquals(1, PoolCommand.execute("--out", dir.resolve("o").toString(), r1.toString(), empty.toString()));
    Path twin = Files.createDirectories(dir.resolve("b/eval-1"));
    PredictionCsv.writeFrames(twin.resolve("frame_predictions.csv.gz"), run(2, 2));
    assertEquals(1, PoolCommand.execute("--out", dir.resolve("o").toString(), r1.toString(), twin.toString()));
    assertEquals(2, PoolCommand.execute("--out", dir.resolve("o").toString(), r1.toString()), "one run is no pool");
    assertTrue(!Files.exists(dir.resolve("o/results.md")));
  }
}
