package dev.paffmem.evaluation;

import dev.paffmem.evaluation.FramePrediction.Model;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The prediction files of the OMG-Emotion evaluation script: {@code video,utterance,arousal,valence}, one row
 * per utterance in the dataset CSV's row order, frame predictions averaged per utterance, arousal on OMG's
 * [0, 1] ({@link OmgArousal#toOmg}). Also the matching label file and the per-frame predictions.
 */
public final class PredictionCsv {

  public static final String HEADER = "video,utterance,arousal,valence";
  public static final String FRAMES_HEADER = "video,utterance,frame,person_type,phase,memory_size,bmu_activation,"
      + "true_arousal,true_valence,pk_arousal,pk_valence,paffmem_arousal,paffmem_valence";

  private PredictionCsv() {}

  /** Mean prediction per (video, utterance) of model {@code m}: {arousal, valence} in [-1, 1]. */
  static Map<List<String>, double[]> perUtterance(List<FramePrediction> ps, Model m) {
    Map<List<String>, double[]> sums = new HashMap<>();
    for (FramePrediction p : ps) {
      double[] s = sums.computeIfAbsent(List.of(p.video(), p.utterance()), k -> new double[3]);
      s[0] += p.arousalOf(m);
      s[1] += p.valenceOf(m);
      s[2]++;
    }
    Map<List<String>, double[]> out = new HashMap<>();
    sums.forEach((k, s) -> out.put(k, new double[] {s[0] / s[2], s[1] / s[2]}));
    return out;
  }

  /**
   * Writes the predictions of {@code m} for every utterance of {@code dataset} that has predicted frames,
   * in the dataset's row order; returns the utterances left out ("video/utterance") because none of their
   * frames has a prediction.
   */
  public static List<String> write(Path file, OmgDataset dataset, List<FramePrediction> ps, Model m) throws IOException {
    Map<List<String>, double[]> means = perUtterance(ps, m);
    List<String> missing = new ArrayList<>();
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (OmgDataset.Utterance u : dataset.utterances()) {
      double[] av = means.get(List.of(u.video(), u.utterance()));
      if (av == null) {
        missing.add(u.video() + "/" + u.utterance());
        continue;
      }
      sb.append(CsvLines.row(u.video(), u.utterance(), CsvLines.number(OmgArousal.toOmg(av[0]), 6),
          CsvLines.number(av[1], 6))).append('\n');
    }
    Files.writeString(file, sb, StandardCharsets.UTF_8);
    return missing;
  }

  /** The dataset's own rows (every cell as read) for the utterances that have predictions, in the same order. */
  public static void writeLabels(Path file, OmgDataset dataset, List<FramePrediction> ps) throws IOException {
    Map<List<String>, double[]> means = perUtterance(ps, Model.PK);
    StringBuilder sb = new StringBuilder(CsvLines.row(dataset.labelsHeader())).append('\n');
    for (OmgDataset.Utterance u : dataset.utterances()) {
      if (means.containsKey(List.of(u.video(), u.utterance()))) {
        sb.append(CsvLines.row(u.cells())).append('\n');
      }
    }
    Files.writeString(file, sb, StandardCharsets.UTF_8);
  }

  /**
   * Reads back what {@link #writeFrames} wrote (a run's {@code frame_predictions.csv.gz}), in the file's order, with
   * {@code videoPrefix} put before every video id (to pool runs whose videos share ids).
   *
   * @throws IllegalArgumentException naming the file, row and column of a missing column or a cell that is not a number
   */
  public static List<FramePrediction> readFrames(Path file, String videoPrefix) throws IOException {
    CsvLines.Table t = CsvLines.read(file);
    List<FramePrediction> out = new ArrayList<>(t.rows().size());
    int n = 1;
    for (List<String> r : t.rows()) {
      n++;
      out.add(new FramePrediction(videoPrefix + t.get(r, "video"), t.get(r, "utterance"),
          (long) t.getDouble(r, "frame", n), t.get(r, "person_type"), t.get(r, "phase"),
          (int) t.getDouble(r, "memory_size", n), t.getDouble(r, "bmu_activation", n),
          t.getDouble(r, "true_arousal", n), t.getDouble(r, "true_valence", n), t.getDouble(r, "pk_arousal", n),
          t.getDouble(r, "pk_valence", n), t.getDouble(r, "paffmem_arousal", n), t.getDouble(r, "paffmem_valence", n)));
    }
    return out;
  }

  /** Every frame's prediction (arousal in [-1, 1]), gzip-compressed CSV. */
  public static void writeFrames(Path file, List<FramePrediction> ps) throws IOException {
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file));
        Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8)) {
      w.write(FRAMES_HEADER);
      w.write('\n');
      for (FramePrediction p : ps) {
        w.write(CsvLines.row(p.video(), p.utterance(), Long.toString(p.frame()), p.personType(), p.phase(), Integer.toString(p.memorySize()), CsvLines.number(p.bmuActivation(), 4),
            CsvLines.number(p.trueArousal(), 4), CsvLines.number(p.trueValence(), 4),
            CsvLines.number(p.pkArousal(), 4), CsvLines.number(p.pkValence(), 4),
            CsvLines.number(p.arousal(), 4), CsvLines.number(p.valence(), 4)));
        w.write('\n');
      }
    }
  }
}
