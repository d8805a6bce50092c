package dev.paffmem.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What a per-person calibration of the PK could add: two oracles that know every label of the video and recalibrate
 * the PK's frame predictions of that video alone, scored like the models (official CCC).
 *
 * <ul>
 *   <li><b>offset</b>: the PK minus the video's mean PK error (mean(PK - truth) over its frames), the best any
 *       per-person shift can do, e.g. a memory that learnt only how much this face reads too sad;
 *   <li><b>affine</b>: the least-squares line truth ~ a + b PK fitted on the video's frames, the per-person linear
 *       recalibration with the least squared error (a face that reads both shifted and muted). A video whose PK
 *       output is constant gets the offset.
 * </ul>
 *
 * <p>They are references rather than strict bounds: the line minimizes squared error, not CCC, so with a noisy PK it
 * can score below the offset (on the synthetic persons, whose PK follows the truth closely within a video, it scores
 * a little above it). Personalization that learns a person's bias without labels is not expected to beat them on
 * average unless it also fixes errors that vary within the video, which the paper's mechanism can in principle do
 * (a memory with the person's faces at every emotion maps each face on its own). So a goal for P-AffMem - PK that is
 * near or above {@code affine - PK} asks an unsupervised method to calibrate each person as well as an oracle that
 * knows every label. Algorithm code only: no Flink, no Kafka.
 */
public final class Ceiling {

  private Ceiling() {}

  /** Official CCC of the two oracles, per dimension. */
  public record Scores(double offsetArousal, double offsetValence, double affineArousal, double affineValence) {}

  /** Both oracles over the videos of these predictions (in each video's frame order, any group). */
  public static Scores of(List<FramePrediction> predictions) {
    Map<String, List<FramePrediction>> byVideo = new LinkedHashMap<>();
    for (FramePrediction p : predictions) {
      byVideo.computeIfAbsent(p.video(), k -> new ArrayList<>()).add(p);
    }
    List<Ccc.Frame> offA = new ArrayList<>(predictions.size());
    List<Ccc.Frame> offV = new ArrayList<>(predictions.size());
    List<Ccc.Frame> affA = new ArrayList<>(predictions.size());
    List<Ccc.Frame> affV = new ArrayList<>(predictions.size());
    for (List<FramePrediction> ps : byVideo.values()) {
      recalibrate(ps, FramePrediction::pkArousal, FramePrediction::trueArousal, offA, affA);
      recalibrate(ps, FramePrediction::pkValence, FramePrediction::trueValence, offV, affV);
    }
    return new Scores(Ccc.utterancePooled(offA), Ccc.utterancePooled(offV), Ccc.utterancePooled(affA),
        Ccc.utterancePooled(affV));
  }

  /** One video, one dimension: appends its frames as the offset oracle and as the affine oracle predicts them. */
  static void recalibrate(List<FramePrediction> video, ToDoubleFunction<FramePrediction> pk,
      ToDoubleFunction<FramePrediction> truth, List<Ccc.Frame> offset, List<Ccc.Frame> affine) {
    int n = video.size();
    double mx = 0;
    double my = 0;
    for (FramePrediction p : video) {
      mx += pk.applyAsDouble(p);
      my += truth.applyAsDouble(p);
    }
    mx /= n;
    my /= n;
    double sxx = 0;
    double sxy = 0;
    for (FramePrediction p : video) {
      double dx = pk.applyAsDouble(p) - mx;
      sxx += dx * dx;
      sxy += dx * (truth.applyAsDouble(p) - my);
    }
    double slope = sxx > 1e-12 * n ? sxy / sxx : 1.0; // constant PK output: the line is the offset
    for (FramePrediction p : video) {
      double x = pk.applyAsDouble(p);
      double y = truth.applyAsDouble(p);
      offset.add(new Ccc.Frame(p.video(), p.utterance(), x - mx + my, y));
      affine.add(new Ccc.Frame(p.video(), p.utterance(), my + slope * (x - mx), y));
    }
  }
}
