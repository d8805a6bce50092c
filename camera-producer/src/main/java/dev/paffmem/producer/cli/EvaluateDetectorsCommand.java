package dev.paffmem.producer.cli;

import dev.paffmem.producer.detect.CascadeFaceDetector;
import dev.paffmem.producer.detect.DetectorEvaluation;
import dev.paffmem.producer.synthetic.SyntheticVideo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code produce evaluate-detectors}: recall and false positives of each cascade on rendered videos. */
@Command(name = "evaluate-detectors", mixinStandardHelpOptions = true,
    description = "Renders videos of synthetic persons (three per video) and runs each detector on every frame:"
        + " recall, false positives, time per frame, and the crop framing that matches the training renders.")
public final class EvaluateDetectorsCommand implements Callable<Integer> {

  @Option(names = "--first-persons", split = ",", defaultValue = "0,3,6,9",
      description = "one video per value: EVAL persons n, n+1, n+2 (default: ${DEFAULT-VALUE})")
  List<Integer> firstPersons;

  @Option(names = "--detectors", split = ",", defaultValue = "HAAR_ALT2,HAAR_ALT,HAAR_DEFAULT,LBP,LBP_IMPROVED",
      description = "default: ${DEFAULT-VALUE}")
  List<CascadeFaceDetector.Cascade> detectors;

  @Option(names = "--contrast", split = ",", defaultValue = "EQUALIZE",
      description = "one evaluation per value: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  List<CascadeFaceDetector.Contrast> contrasts;

  @Option(names = "--detect-width", defaultValue = "640", description = "default: ${DEFAULT-VALUE}")
  int detectWidth;

  @Option(names = "--min-neighbors", defaultValue = "3", description = "default: ${DEFAULT-VALUE}")
  int minNeighbors;

  @Option(names = "--width", defaultValue = "640")
  int width;

  @Option(names = "--height", defaultValue = "480")
  int height;

  @Option(names = "--work-dir", defaultValue = "data/detector-eval", description = "default: ${DEFAULT-VALUE}")
  Path workDir;

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
    for (CascadeFaceDetector.Contrast k : contrasts) {
      for (CascadeFaceDetector.Cascade c : detectors) {
        for (int i = 0; i < videos.size(); i++) {
          System.out.println("persons " + firstPersons.get(i) + "-" + (firstPersons.get(i) + 2) + "  "
              + DetectorEvaluation.evaluate(c.name() + "/" + k,
                  () -> new CascadeFaceDetector(c, k, 40, minNeighbors, detectWidth), videos.get(i), truths.get(i)));
        }
      }
    }
    return 0;
  }
}
