package dev.paffmem.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.paffmem.evaluation.Scoring.Flavours;
import dev.paffmem.evaluation.Scoring.GroupScores;
import dev.paffmem.evaluation.Scoring.ModelScores;
import dev.paffmem.evaluation.Scoring.Results;
import dev.paffmem.evaluation.Scoring.VideoScores;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * results.json: the run ({@link RunInfo}), and per group and per video the CCCs of the PK alone and of
 * P-AffMem. Undefined CCCs are {@code null}. Keys:
 * <pre>
 * {"run": {...}, "groups": [{"group", "videos", "utterances", "frames",
 *    "pk": {"arousal": {"utterance_pooled", "frame_level", "mean_per_video"}, "valence": {...}},
 *    "paffmem": {...}, "delta": {...}, "delta_ci95": {...},
 *    "ceiling": {"offset": {"arousal", "valence"}, "affine": {...}}}],
 *  "videos": [{"video", "person_type", "frames", "final_memory_size", "pk": {"arousal", "valence"}, "paffmem": {...}}]}
 * </pre>
 */
public final class ResultsJson {

  private ResultsJson() {}

  public static Map<String, Object> tree(RunInfo run, Results results) {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("command", run.command());
    r.put("commit", run.commit());
    r.put("dataset", run.dataset());
    r.put("dataset_seed", run.datasetSeed());
    r.put("dataset_mix", run.datasetMix());
    r.put("labels_csv", run.labelsCsv());
    r.put("subset", run.subset());
    r.put("videos", run.videos());
    r.put("utterances", run.utterances());
    r.put("frames", run.frames());
    r.put("frame_truth", run.frameTruthFromFramesCsv() ? "frames.csv" : "utterance labels");
    r.put("model_dir", run.modelDir());
    r.put("model_id", run.modelId());
    r.put("model_version", run.modelVersion());
    r.put("job_flags", run.jobFlags());
    r.put("machine", run.machine());
    r.put("started_at", run.startedAt());
    r.put("seconds", round(run.seconds(), 1));
    r.put("frames_sent", run.framesSent());
    r.put("predictions", run.predictions());
    r.put("rejected_by_reason", run.rejectedByReason());
    r.put("missing_utterances", run.missingUtterances());
    r.put("missing_frames", run.missingFrames());
    r.put("arousal_scale", "CCCs are computed with arousal in [-1, 1]; equal to the official script's on [0, 1] "
        + "(CCC is invariant to the same affine map of prediction and truth); prediction CSVs hold (a + 1) / 2");
    root.put("run", r);
    root.putAll(scores(results));
    return root;
  }

  /** The scores alone: {@code groups} (per group, both models, Δ and its interval) and {@code videos}. */
  public static Map<String, Object> scores(Results results) {
    Map<String, Object> root = new LinkedHashMap<>();
    List<Object> groups = new ArrayList<>();
    for (GroupScores g : results.groups()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("group", g.group());
      m.put("videos", g.videos());
      m.put("utterances", g.utterances());
      m.put("frames", g.frames());
      m.put("pk", model(g.pk()));
      m.put("paffmem", model(g.paffmem()));
      m.put("delta", delta(g.pk(), g.paffmem()));
      m.put("delta_ci95", Map.of(
          "arousal", java.util.Arrays.asList(value(g.ci().arousal().low()), value(g.ci().arousal().high())),
          "valence", java.util.Arrays.asList(value(g.ci().valence().low()), value(g.ci().valence().high())),
          "method", "bootstrap over videos, " + Bootstrap.REPLICATES + " replicates, percentile, official CCC"));
      m.put("ceiling", ceiling(g));
      groups.add(m);
    }
    root.put("groups", groups);
    List<Object> videos = new ArrayList<>();
    for (VideoScores v : results.videos()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("video", v.video());
      m.put("person_type", v.personType());
      m.put("frames", v.frames());
      m.put("final_memory_size", v.finalMemorySize());
      m.put("pk", dims(v.pkArousal(), v.pkValence()));
      m.put("paffmem", dims(v.arousal(), v.valence()));
      videos.add(m);
    }
    root.put("videos", videos);
    return root;
  }

  public static void write(Path file, RunInfo run, Results results) throws IOException {
    write(file, tree(run, results));
  }

  /** Writes a tree (indented JSON). */
  public static void write(Path file, Map<String, Object> tree) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), tree);
  }

  /** Official CCC of the two label-knowing per-video oracles of {@link Ceiling}. */
  private static Map<String, Object> ceiling(GroupScores g) {
    Ceiling.Scores c = g.ceiling();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("offset", dims(c.offsetArousal(), c.offsetValence()));
    m.put("affine", dims(c.affineArousal(), c.affineValence()));
    m.put("method", "per video, knowing its labels: the PK minus its mean error (offset), the least-squares line from "
        + "the PK to the truth (affine); official CCC");
    return m;
  }

  /** {"arousal", "valence"}, an undefined CCC as null (Map.of refuses nulls). */
  private static Map<String, Object> dims(double arousal, double valence) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("arousal", value(arousal));
    m.put("valence", value(valence));
    return m;
  }

  private static Map<String, Object> model(ModelScores s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("arousal", flavours(s.arousal()));
    m.put("valence", flavours(s.valence()));
    return m;
  }

  private static Map<String, Object> flavours(Flavours f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("utterance_pooled", value(f.utterancePooled()));
    m.put("frame_level", value(f.frameLevel()));
    m.put("mean_per_video", value(f.meanPerVideo()));
    return m;
  }

  private static Map<String, Object> delta(ModelScores pk, ModelScores mem) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("arousal", flavours(minus(mem.arousal(), pk.arousal())));
    m.put("valence", flavours(minus(mem.valence(), pk.valence())));
    return m;
  }

  static Flavours minus(Flavours a, Flavours b) {
    return new Flavours(a.utterancePooled() - b.utterancePooled(), a.frameLevel() - b.frameLevel(),
        a.meanPerVideo() - b.meanPerVideo());
  }

  /** Four decimals; NaN as null (JSON has no NaN). */
  static Object value(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : round(v, 4);
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
