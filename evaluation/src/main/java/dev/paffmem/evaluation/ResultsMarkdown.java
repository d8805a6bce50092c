package dev.paffmem.evaluation;

import dev.paffmem.evaluation.FramePrediction.Model;
import dev.paffmem.evaluation.Scoring.Flavours;
import dev.paffmem.evaluation.Scoring.GroupScores;
import dev.paffmem.evaluation.Scoring.Results;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * results.md: tables like the paper's Table 3 (rows PK alone and P-AffMem, columns arousal and valence),
 * one column pair per CCC flavour, for every group of videos; then a summary of the official flavour
 * across groups with the difference P-AffMem minus PK, and the run's provenance.
 */
public final class ResultsMarkdown {

  private ResultsMarkdown() {}

  public static String render(RunInfo run, Results results) {
    StringBuilder sb = new StringBuilder();
    sb.append("# P-AffMem evaluation: CCC of the PK alone and of P-AffMem\n\n");
    sb.append("Dataset `").append(run.dataset()).append("` (").append(run.subset()).append("): ")
        .append(run.videos()).append(" videos, ").append(run.utterances()).append(" utterances, ")
        .append(run.frames()).append(" frames. Model `").append(run.modelId()).append("` ").append(run.modelVersion())
        .append(" (`").append(run.modelDir()).append("`).\n\n");
    sb.append("CCC flavours: **official** = the OMG-Emotion script's (frame predictions averaged per utterance, one CCC "
        + "over all utterances); **frame** = one CCC over all frames; **mean/video** = the mean of each video's "
        + "frame-level CCC. Higher is better; 1 is perfect agreement.\n\n");

    sb.append(tables(results));
    appendRun(sb, run);
    return sb.toString();
  }

  /** The summary table (official CCC, Δ with its interval) and one table of every flavour per group. */
  static String tables(Results results) {
    StringBuilder sb = new StringBuilder();
    sb.append("## Summary (official CCC)\n\n");
    sb.append("Δ = P-AffMem minus PK, with its bootstrap 95 % interval over videos in brackets (" + Bootstrap.REPLICATES
        + " replicates, videos resampled with replacement, both models on the same draw).\n\n");
    sb.append("| group | videos | PK arousal | P-AffMem arousal | Δ arousal [95 %] | PK valence | P-AffMem valence | Δ valence [95 %] |\n");
    sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (GroupScores g : results.groups()) {
      double pa = g.pk().arousal().utterancePooled();
      double ma = g.paffmem().arousal().utterancePooled();
      double pv = g.pk().valence().utterancePooled();
      double mv = g.paffmem().valence().utterancePooled();
      sb.append("| ").append(g.group()).append(" | ").append(g.videos()).append(" | ").append(f(pa)).append(" | ")
          .append(f(ma)).append(" | ").append(signed(ma - pa)).append(interval(g.ci().arousal())).append(" | ")
          .append(f(pv)).append(" | ").append(f(mv)).append(" | ").append(signed(mv - pv))
          .append(interval(g.ci().valence())).append(" |\n");
    }
    sb.append("| *paper, OMG-Emotion test (Table 3)* | – | *0.32* | *0.43* | *+0.11* | *0.46* | *0.53* | *+0.07* |\n\n");
    sb.append(ceiling(results));

    for (GroupScores g : results.groups()) {
      sb.append("## ").append(g.group()).append(" (").append(g.videos()).append(" videos, ").append(g.utterances())
          .append(" utterances, ").append(g.frames()).append(" frames)\n\n");
      sb.append("| model | arousal (official) | valence (official) | arousal (frame) | valence (frame) "
          + "| arousal (mean/video) | valence (mean/video) |\n");
      sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      for (Model m : Model.values()) {
        Flavours a = g.of(m).arousal();
        Flavours v = g.of(m).valence();
        sb.append("| ").append(m.label).append(" | ").append(f(a.utterancePooled())).append(" | ")
            .append(f(v.utterancePooled())).append(" | ").append(f(a.frameLevel())).append(" | ").append(f(v.frameLevel()))
            .append(" | ").append(f(a.meanPerVideo())).append(" | ").append(f(v.meanPerVideo())).append(" |\n");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** What a per-person recalibration of the PK that knows the labels would add ({@link Ceiling}), next to Δ. */
  static String ceiling(Results results) {
    StringBuilder sb = new StringBuilder();
    sb.append("## What a per-person calibration that knows the labels would add (official CCC)\n\n");
    sb.append("Two oracles that know every label recalibrate the PK's frames of each video on their own: **offset** "
        + "subtracts the video's mean PK error, **affine** applies the least-squares line from the PK to the truth "
        + "fitted on the video. They are references, not strict bounds (the line minimizes squared error, not CCC; "
        + "with a noisy PK it can score below the offset): a Δ near them means a method without labels calibrates "
        + "each person about as well as one that knows every label; beyond them lie only errors that vary within "
        + "a video, which a memory of the person's faces at each emotion could in principle also fix.\n\n");
    sb.append("| group | videos | PK arousal | offset − PK | affine − PK | Δ arousal | PK valence | offset − PK "
        + "| affine − PK | Δ valence |\n");
    sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (GroupScores g : results.groups()) {
      double pa = g.pk().arousal().utterancePooled();
      double pv = g.pk().valence().utterancePooled();
      Ceiling.Scores c = g.ceiling();
      sb.append("| ").append(g.group()).append(" | ").append(g.videos()).append(" | ").append(f(pa)).append(" | ")
          .append(signed(c.offsetArousal() - pa)).append(" | ").append(signed(c.affineArousal() - pa)).append(" | ")
          .append(signed(g.paffmem().arousal().utterancePooled() - pa)).append(" | ").append(f(pv)).append(" | ")
          .append(signed(c.offsetValence() - pv)).append(" | ").append(signed(c.affineValence() - pv)).append(" | ")
          .append(signed(g.paffmem().valence().utterancePooled() - pv)).append(" |\n");
    }
    sb.append('\n');
    return sb.toString();
  }

  private static void appendRun(StringBuilder sb, RunInfo run) {
    sb.append("## Run\n\n");
    sb.append("- command: `").append(run.command()).append("`\n");
    sb.append("- commit: `").append(run.commit()).append("`; dataset seed ").append(run.datasetSeed())
        .append(" (").append(run.datasetMix()).append(")\n");
    sb.append("- job flags: `").append(run.jobFlags()).append("`\n");
    sb.append("- machine: ").append(run.machine()).append('\n');
    sb.append("- started ").append(run.startedAt()).append(", took ").append(String.format(Locale.ROOT, "%.0f", run.seconds()))
        .append(" s; frames sent ").append(run.framesSent()).append(", predictions ").append(run.predictions());
    if (!run.rejectedByReason().isEmpty()) {
      sb.append(", dead letters ").append(run.rejectedByReason());
    }
    sb.append('\n');
    sb.append("- frame ground truth from ").append(run.frameTruthFromFramesCsv() ? "`frames.csv`" : "the utterance labels")
        .append("; utterances without predictions: ").append(run.missingUtterances().size())
        .append("; frames without predictions: ").append(run.missingFrames().size())
        .append(run.missingFrames().isEmpty() ? "" : " " + run.missingFrames()).append('\n');
  }

  static String interval(Bootstrap.Interval i) {
    return Double.isNaN(i.low()) ? "" : " [" + signed(i.low()) + ", " + signed(i.high()) + "]";
  }

  public static void write(Path file, RunInfo run, Results results) throws IOException {
    Files.writeString(file, render(run, results), StandardCharsets.UTF_8);
  }

  static String f(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
  }

  static String signed(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+.3f", v);
  }
}
