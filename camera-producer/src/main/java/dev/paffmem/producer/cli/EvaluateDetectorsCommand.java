package dev.paffmem.producer.cli;

import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.persons.Split;
import dev.paffmem.faces.render.Rgb;
import dev.paffmem.producer.detect.CascadeFaceDetector;
import dev.paffmem.producer.detect.DetectorConfig;
import dev.paffmem.producer.detect.DetectorEvaluation;
import dev.paffmem.producer.synthetic.SyntheticVideo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code produce evaluate-detectors}: recall and false positives of each detector on rendered videos, per person and
 * per skin tone.
 */
@Command(name = "evaluate-detectors", mixinStandardHelpOptions = true,
    description = "Renders videos of synthetic persons (three per video) and runs each detector on every frame:"
        + " recall, false positives, time per frame, recall per person and per skin tone, and the crop framing that"
        + " matches the training renders.")
public final class EvaluateDetectorsCommand implements Callable<Integer> {

  @Option(names = "--first-persons", split = ",", defaultValue = "0,3,6,9",
      description = "one video per value: EVAL persons n, n+1, n+2 (default: ${DEFAULT-VALUE})")
  List<Integer> firstPersons;

  @Option(names = "--detectors", split = ",", defaultValue = "BLAZEFACE,BLAZEFACE_SHORT,HAAR_ALT2",
      description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  List<DetectorConfig.Kind> detectors;

  @Option(names = "--contrast", split = ",", defaultValue = "CLAHE",
      description = "cascades: one evaluation per value, ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  List<CascadeFaceDetector.Contrast> contrasts;

  @Option(names = "--min-confidence", split = ",", defaultValue = "0.5",
      description = "BlazeFace: one evaluation per value (default: ${DEFAULT-VALUE})")
  List<Double> minConfidences;

  @Option(names = "--tiles", split = ",", defaultValue = "2",
      description = "BlazeFace: one evaluation per value (default: ${DEFAULT-VALUE})")
  List<Integer> tiles;

  @Option(names = "--min-face-size", description = "pixels (default: 24 for BlazeFace, 40 for the cascades)")
  Integer minFaceSize;

  @Option(names = "--detect-width", defaultValue = "640", description = "cascades (default: ${DEFAULT-VALUE})")
  int detectWidth;

  @Option(names = "--min-neighbors", defaultValue = "3", description = "cascades (default: ${DEFAULT-VALUE})")
  int minNeighbors;

  @Option(names = "--width", defaultValue = "640")
  int width;

  @Option(names = "--height", defaultValue = "480")
  int height;

  @Option(names = "--work-dir", defaultValue = "data/detector-eval", description = "default: ${DEFAULT-VALUE}")
  Path workDir;

  /** Skin tone bands by the luma of the person's skin colour (the renderer's palette runs from 220 to 60). */
  static String toneBand(double luma) {
    return luma >= 170 ? "light" : luma >= 105 ? "medium" : "dark";
  }

  static double luma(Rgb c) {
    return 0.299 * c.r() + 0.587 * c.g() + 0.114 * c.b();
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(workDir);
    List<Path> videos = new ArrayList<>();
    List<List<SyntheticVideo.Truth>> truths = new ArrayList<>();
    for (int first : firstPersons) {
      Path v = workDir.resolve("persons-" + first + "-" + width + "x" + height + ".mp4");
      truths.add(SyntheticVideo.threePersons(width, height, first).write(v));
      videos.add(v);
    }
    Population eval = new Population(Population.DEFAULT_SEED, Split.EVAL, 0.0);
    List<DetectorConfig> configs = new ArrayList<>();
    DetectorConfig base = new DetectorConfig(DetectorConfig.Kind.BLAZEFACE, 24, 0.5, 1, minNeighbors,
        CascadeFaceDetector.Contrast.CLAHE, detectWidth);
    for (DetectorConfig.Kind kind : detectors) {
      DetectorConfig k = minFaceSize == null ? base.withKind(kind) : base.withKind(kind).withMinFaceSize(minFaceSize);
      if (kind.isCascade()) {
        contrasts.forEach(c -> configs.add(k.withContrast(c)));
      } else {
        for (int t : tiles) {
          minConfidences.forEach(c -> configs.add(k.withMinConfidence(c).withTiles(t)));
        }
      }
    }
    List<String> summary = new ArrayList<>();
    for (DetectorConfig config : configs) {
      long faces = 0;
      long found = 0;
      long falsePositives = 0;
      long frames = 0;
      double ms = 0;
      double cpuMs = 0;
      double[] fit = new double[3];
      Map<Integer, long[]> perPerson = new TreeMap<>();
      for (int i = 0; i < videos.size(); i++) {
        DetectorEvaluation.Result r =
            DetectorEvaluation.evaluate(config.label(), config::create, videos.get(i), truths.get(i));
        System.out.println("persons " + firstPersons.get(i) + "-" + (firstPersons.get(i) + 2) + "  " + r);
        faces += r.faces();
        found += r.found();
        falsePositives += r.falsePositives();
        frames += r.frames();
        ms += r.msPerFrame() * r.frames();
        cpuMs += r.cpuMsPerFrame() * r.frames();
        for (int k = 0; k < 3; k++) {
          fit[k] += r.tileFit()[k] * r.found();
        }
        int first = firstPersons.get(i);
        r.perActor().forEach((actor, c) -> perPerson.put(first + actor, c));
      }
      Map<String, long[]> perTone = new TreeMap<>();
      StringBuilder persons = new StringBuilder();
      int always = 0;
      int partly = 0;
      int never = 0;
      for (Map.Entry<Integer, long[]> e : perPerson.entrySet()) {
        double l = luma(eval.person(e.getKey()).identity().skin());
        long[] c = e.getValue();
        long[] t = perTone.computeIfAbsent(toneBand(l), x -> new long[3]);
        t[0] += c[0];
        t[1] += c[1];
        t[2]++;
        double recall = (double) c[1] / Math.max(1, c[0]);
        if (recall >= 0.95) {
          always++;
        } else if (c[1] == 0) {
          never++;
        } else {
          partly++;
        }
        persons.append(String.format(Locale.ROOT, " %d(skin %.0f):%.2f", e.getKey(), l, recall));
      }
      StringBuilder tones = new StringBuilder();
      perTone.forEach((band, t) -> tones.append(String.format(Locale.ROOT, " %s (%d persons) %.3f;", band, t[2],
          (double) t[1] / Math.max(1, t[0]))));
      summary.add(String.format(Locale.ROOT,
          "%-28s recall %.3f (%d/%d)  false positives %d (%.3f a frame)  %.1f ms a frame (CPU %.1f ms)"
              + "  persons found >=95%% / partly / never: %d / %d / %d%n    per skin tone:%s%n"
              + "    per person (skin luma: recall):%s%n"
              + "    render side / detection width %.3f, render centre - detection centre (%.3f, %.3f) widths",
          config.label(), (double) found / Math.max(1, faces), found, faces, falsePositives,
          (double) falsePositives / Math.max(1, frames), ms / Math.max(1, frames), cpuMs / Math.max(1, frames),
          always, partly, never, tones,
          persons, fit[0] / Math.max(1, found), fit[1] / Math.max(1, found), fit[2] / Math.max(1, found)));
    }
    System.out.println();
    System.out.println("Summary over " + videos.size() + " videos (" + width + "x" + height + "):");
    summary.forEach(System.out::println);
    return 0;
  }
}
