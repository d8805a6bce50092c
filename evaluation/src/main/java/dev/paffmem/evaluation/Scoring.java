package dev.paffmem.evaluation;

import dev.paffmem.evaluation.FramePrediction.Model;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * CCC of the PK alone and of P-AffMem, per group of videos and per video. Groups: all, typical, identity_confound
 * (typical expressers with identity-level anatomy that looks like expression), atypical (the atypical expression
 * styles together) and each atypical kind.
 */
public final class Scoring {

  private Scoring() {}

  /** The three CCC flavours of {@link Ccc}. */
  public record Flavours(double utterancePooled, double frameLevel, double meanPerVideo) {}

  public record ModelScores(Flavours arousal, Flavours valence) {}

  /**
   * One group's scores; {@code ci}: bootstrap 95 % intervals over videos of the official difference P-AffMem - PK;
   * {@code ceiling}: what a per-person recalibration of the PK that knows the labels would score ({@link Ceiling}).
   */
  public record GroupScores(String group, int videos, int utterances, int frames, ModelScores pk, ModelScores paffmem,
      Bootstrap.Differences ci, Ceiling.Scores ceiling) {

    public ModelScores of(Model m) {
      return m == Model.PK ? pk : paffmem;
    }
  }

  /** Frame-level CCCs of one video, its length and the size of its memory after the last frame. */
  public record VideoScores(String video, String personType, int frames, int finalMemorySize, double pkArousal,
      double pkValence, double arousal, double valence) {}

  public record Results(List<GroupScores> groups, List<VideoScores> videos) {

    public GroupScores group(String name) {
      return groups.stream().filter(g -> g.group().equals(name)).findFirst().orElse(null);
    }
  }

  public static final String ALL = "all";
  public static final String TYPICAL = "typical";
  public static final String ATYPICAL = "atypical";
  /** Typical expressers whose face carries identity-level confounds (synthetic-faces' identity_confound). */
  public static final String CONFOUND = "identity_confound";

  /** Name of the group of one atypical kind. */
  public static String kindGroup(String kind) {
    return "atypical: " + kind;
  }

  /** Scores predictions given in each video's frame order. */
  public static Results score(List<FramePrediction> predictions) {
    List<GroupScores> groups = new ArrayList<>();
    groups.add(group(ALL, predictions, p -> true));
    Set<String> kinds = new java.util.TreeSet<>();
    boolean anyTypical = false;
    boolean anyConfound = false;
    for (FramePrediction p : predictions) {
      if (TYPICAL.equals(p.personType())) {
        anyTypical = true;
      } else if (CONFOUND.equals(p.personType())) {
        anyConfound = true;
      } else if (!OmgDataset.UNKNOWN_TYPE.equals(p.personType())) {
        kinds.add(p.personType());
      }
    }
    if (anyTypical) {
      groups.add(group(TYPICAL, predictions, p -> TYPICAL.equals(p.personType())));
    }
    if (anyConfound) {
      groups.add(group(CONFOUND, predictions, p -> CONFOUND.equals(p.personType())));
    }
    if (!kinds.isEmpty()) {
      groups.add(group(ATYPICAL, predictions, p -> kinds.contains(p.personType())));
      for (String k : kinds) {
        groups.add(group(kindGroup(k), predictions, p -> k.equals(p.personType())));
      }
    }
    return new Results(groups, videos(predictions));
  }

  static GroupScores group(String name, List<FramePrediction> all, Predicate<FramePrediction> filter) {
    List<FramePrediction> ps = all.stream().filter(filter).toList();
    Set<String> videos = new LinkedHashSet<>();
    Set<List<String>> utterances = new LinkedHashSet<>();
    for (FramePrediction p : ps) {
      videos.add(p.video());
      utterances.add(List.of(p.video(), p.utterance()));
    }
    return new GroupScores(name, videos.size(), utterances.size(), ps.size(), model(ps, Model.PK), model(ps, Model.PAFFMEM),
        Bootstrap.differences(ps), Ceiling.of(ps));
  }

  static ModelScores model(List<FramePrediction> ps, Model m) {
    List<Ccc.Frame> a = new ArrayList<>(ps.size());
    List<Ccc.Frame> v = new ArrayList<>(ps.size());
    for (FramePrediction p : ps) {
      a.add(new Ccc.Frame(p.video(), p.utterance(), p.arousalOf(m), p.trueArousal()));
      v.add(new Ccc.Frame(p.video(), p.utterance(), p.valenceOf(m), p.trueValence()));
    }
    return new ModelScores(flavours(a), flavours(v));
  }

  static Flavours flavours(List<Ccc.Frame> frames) {
    return new Flavours(Ccc.utterancePooled(frames), Ccc.frameLevel(frames), Ccc.meanPerVideo(frames));
  }

  static List<VideoScores> videos(List<FramePrediction> predictions) {
    Map<String, List<FramePrediction>> byVideo = new LinkedHashMap<>();
    for (FramePrediction p : predictions) {
      byVideo.computeIfAbsent(p.video(), k -> new ArrayList<>()).add(p);
    }
    List<VideoScores> out = new ArrayList<>();
    for (List<FramePrediction> ps : byVideo.values()) {
      FramePrediction last = ps.get(ps.size() - 1);
      out.add(new VideoScores(last.video(), last.personType(), ps.size(), last.memorySize(),
          ccc(ps, p -> p.pkArousal(), FramePrediction::trueArousal), ccc(ps, p -> p.pkValence(), FramePrediction::trueValence),
          ccc(ps, FramePrediction::arousal, FramePrediction::trueArousal), ccc(ps, FramePrediction::valence, FramePrediction::trueValence)));
    }
    return out;
  }

  private static double ccc(List<FramePrediction> ps, java.util.function.ToDoubleFunction<FramePrediction> pred,
      java.util.function.ToDoubleFunction<FramePrediction> truth) {
    double[] x = new double[ps.size()];
    double[] y = new double[ps.size()];
    for (int i = 0; i < ps.size(); i++) {
      x[i] = pred.applyAsDouble(ps.get(i));
      y[i] = truth.applyAsDouble(ps.get(i));
    }
    return Ccc.of(x, y);
  }

  /**
   * The running CCC of one video, frame by frame: entry i is the CCC over frames 0..i (NaN while undefined),
   * as in the paper's Figure 3. O(n) with running sums.
   */
  public static double[] runningCcc(double[] predictions, double[] truth) {
    int n = predictions.length;
    double[] out = new double[n];
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double syy = 0;
    double sxy = 0;
    for (int i = 0; i < n; i++) {
      double x = predictions[i];
      double y = truth[i];
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
      int k = i + 1;
      if (k < 2) {
        out[i] = Double.NaN;
        continue;
      }
      double mx = sx / k;
      double my = sy / k;
      double vx = Math.max(0, sxx / k - mx * mx);
      double vy = Math.max(0, syy / k - my * my);
      double cov = sxy / k - mx * my;
      double d = vx + vy + (mx - my) * (mx - my);
      out[i] = d <= 1e-12 ? Double.NaN : 2 * cov / d;
    }
    return out;
  }
}
