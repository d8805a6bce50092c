package dev.paffmem.evaluation;

import dev.paffmem.evaluation.FramePrediction.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Bootstrap 95 % intervals over videos for the official (utterance-pooled) CCC difference P-AffMem minus PK.
 *
 * <p>Videos are the independent units (one person each; the frames and utterances of a video are not): each
 * replicate draws as many videos as the group has, with replacement, pools the utterances of the drawn videos
 * (a video drawn twice counts twice) and computes both models' official CCC on the same draw, so the interval is
 * that of the paired difference. Percentile interval, {@value #REPLICATES} replicates, a fixed seed: the same
 * predictions always give the same interval.
 */
public final class Bootstrap {

  public static final int REPLICATES = 2000;
  static final long SEED = 20190609L;

  private Bootstrap() {}

  /** Lower and upper bound of the 95 % interval of P-AffMem minus PK, and the observed difference. */
  public record Interval(double difference, double low, double high) {
    /** Whether the whole interval lies above zero. */
    public boolean aboveZero() {
      return low > 0;
    }
  }

  public record Differences(Interval arousal, Interval valence) {}

  /** Per video: its utterances' mean predictions (PK, P-AffMem) and mean truth, for one dimension. */
  private record VideoUtterances(double[] pk, double[] mem, double[] truth) {}

  /** Intervals for both dimensions over the videos of these predictions (any group). */
  public static Differences differences(List<FramePrediction> predictions) {
    return new Differences(interval(predictions, true), interval(predictions, false));
  }

  static Interval interval(List<FramePrediction> predictions, boolean arousal) {
    List<VideoUtterances> videos = utterances(predictions, arousal);
    double observed = ccc(videos, null, true) - ccc(videos, null, false);
    if (videos.size() < 2) {
      return new Interval(observed, Double.NaN, Double.NaN);
    }
    SplittableRandom random = new SplittableRandom(SEED);
    double[] diffs = new double[REPLICATES];
    int[] draw = new int[videos.size()];
    int kept = 0;
    for (int r = 0; r < REPLICATES; r++) {
      for (int i = 0; i < draw.length; i++) {
        draw[i] = random.nextInt(videos.size());
      }
      double d = ccc(videos, draw, true) - ccc(videos, draw, false);
      if (!Double.isNaN(d)) {
        diffs[kept++] = d;
      }
    }
    double[] sorted = Arrays.copyOf(diffs, kept);
    Arrays.sort(sorted);
    return new Interval(observed, percentile(sorted, 0.025), percentile(sorted, 0.975));
  }

  /** Official CCC of P-AffMem (memory true) or the PK over the drawn videos (all videos when draw is null). */
  private static double ccc(List<VideoUtterances> videos, int[] draw, boolean memory) {
    int n = 0;
    int count = draw == null ? videos.size() : draw.length;
    for (int i = 0; i < count; i++) {
      n += videos.get(draw == null ? i : draw[i]).truth().length;
    }
    double[] p = new double[n];
    double[] t = new double[n];
    int at = 0;
    for (int i = 0; i < count; i++) {
      VideoUtterances v = videos.get(draw == null ? i : draw[i]);
      System.arraycopy(memory ? v.mem() : v.pk(), 0, p, at, v.truth().length);
      System.arraycopy(v.truth(), 0, t, at, v.truth().length);
      at += v.truth().length;
    }
    return Ccc.of(p, t);
  }

  private static List<VideoUtterances> utterances(List<FramePrediction> predictions, boolean arousal) {
    Map<String, Map<String, double[]>> byVideo = new LinkedHashMap<>();
    for (FramePrediction f : predictions) {
      double[] s = byVideo.computeIfAbsent(f.video(), k -> new LinkedHashMap<>())
          .computeIfAbsent(f.utterance(), k -> new double[4]);
      s[0] += arousal ? f.arousalOf(Model.PK) : f.valenceOf(Model.PK);
      s[1] += arousal ? f.arousalOf(Model.PAFFMEM) : f.valenceOf(Model.PAFFMEM);
      s[2] += arousal ? f.trueArousal() : f.trueValence();
      s[3] += 1;
    }
    List<VideoUtterances> out = new ArrayList<>();
    for (Map<String, double[]> us : byVideo.values()) {
      double[] pk = new double[us.size()];
      double[] mem = new double[us.size()];
      double[] truth = new double[us.size()];
      int i = 0;
      for (double[] s : us.values()) {
        pk[i] = s[0] / s[3];
        mem[i] = s[1] / s[3];
        truth[i] = s[2] / s[3];
        i++;
      }
      out.add(new VideoUtterances(pk, mem, truth));
    }
    return out;
  }

  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
