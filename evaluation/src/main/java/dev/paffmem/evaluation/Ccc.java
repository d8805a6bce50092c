package dev.paffmem.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Lin's concordance correlation coefficient, as the OMG-Emotion challenge's evaluation script computes it.
 *
 * <pre>CCC = 2 cov(x, y) / (var(x) + var(y) + (mean(x) - mean(y))^2)</pre>
 *
 * with population (ddof 0) variances and covariance; this equals the paper's {@code 2 rho s_x s_y / (...)}.
 * Three flavours over per-frame predictions:
 * <ul>
 *   <li>{@link #utterancePooled}: the official one: frame predictions (and labels) averaged per utterance,
 *       then one CCC over all utterances of all videos;
 *   <li>{@link #frameLevel}: one CCC over all frames;
 *   <li>{@link #meanPerVideo}: the CCC of each video's frames, averaged over videos (older script versions
 *       averaged per-video CCCs).
 * </ul>
 * A CCC is undefined ({@code NaN}) with fewer than two values or when both sides are constant and equal
 * (the denominator is zero); averages skip undefined per-video values.
 */
public final class Ccc {

  private Ccc() {}

  /** The CCC of two equally long series; NaN when undefined. */
  public static double of(double[] predictions, double[] truth) {
    if (predictions.length != truth.length) {
      throw new IllegalArgumentException("predictions (" + predictions.length + ") and truth ("
          + truth.length + ") differ in length");
    }
    int n = predictions.length;
    if (n < 2) {
      return Double.NaN;
    }
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += predictions[i];
      my += truth[i];
    }
    mx /= n;
    my /= n;
    double vx = 0;
    double vy = 0;
    double cov = 0;
    for (int i = 0; i < n; i++) {
      double dx = predictions[i] - mx;
      double dy = truth[i] - my;
      vx += dx * dx;
      vy += dy * dy;
      cov += dx * dy;
    }
    vx /= n;
    vy /= n;
    cov /= n;
    double denominator = vx + vy + (mx - my) * (mx - my);
    return denominator == 0 ? Double.NaN : 2 * cov / denominator;
  }

  /** One frame's prediction and ground truth for one dimension (arousal or valence). */
  public record Frame(String video, String utterance, double prediction, double truth) {
    public Frame {
      Objects.requireNonNull(video, "video");
      Objects.requireNonNull(utterance, "utterance");
    }
  }

  /** The official OMG-Emotion CCC: average per utterance (in first-seen order), then one CCC over utterances. */
  public static double utterancePooled(List<Frame> frames) {
    Map<List<String>, double[]> sums = new LinkedHashMap<>();
    for (Frame f : frames) {
      double[] s = sums.computeIfAbsent(List.of(f.video(), f.utterance()), k -> new double[3]);
      s[0] += f.prediction();
      s[1] += f.truth();
      s[2] += 1;
    }
    double[] p = new double[sums.size()];
    double[] t = new double[sums.size()];
    int i = 0;
    for (double[] s : sums.values()) {
      p[i] = s[0] / s[2];
      t[i] = s[1] / s[2];
      i++;
    }
    return of(p, t);
  }

  /** One CCC over every frame. */
  public static double frameLevel(List<Frame> frames) {
    double[] p = new double[frames.size()];
    double[] t = new double[frames.size()];
    for (int i = 0; i < frames.size(); i++) {
      p[i] = frames.get(i).prediction();
      t[i] = frames.get(i).truth();
    }
    return of(p, t);
  }

  /** The CCC of each video's frames, in first-seen order. */
  public static Map<String, Double> perVideo(List<Frame> frames) {
    Map<String, List<Frame>> byVideo = new LinkedHashMap<>();
    for (Frame f : frames) {
      byVideo.computeIfAbsent(f.video(), k -> new ArrayList<>()).add(f);
    }
    Map<String, Double> result = new LinkedHashMap<>();
    byVideo.forEach((video, list) -> result.put(video, frameLevel(list)));
    return result;
  }

  /** The mean of the per-video CCCs that are defined; NaN when none is. */
  public static double meanPerVideo(List<Frame> frames) {
    return perVideo(frames).values().stream().filter(v -> !v.isNaN())
        .mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
