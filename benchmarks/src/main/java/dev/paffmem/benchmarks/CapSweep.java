package dev.paffmem.benchmarks;

import dev.paffmem.memory.AffectiveMemory;
import dev.paffmem.memory.MemoryConfig;
import dev.paffmem.memory.Prediction;
import dev.paffmem.memory.Sample;
import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy against state size for a range of neuron caps, on {@link SyntheticPerson} streams run
 * the way the job runs them: 25 generation frames (200 edited faces + the real frame, 10 epochs),
 * then online frames (the real frame alone, 10 epochs); after each online frame the memory
 * predicts that frame. Prints a Markdown table: CCC and mean absolute error of arousal and
 * valence pooled over persons, final neurons, serialized bytes, and wall time per frame.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.paffmem.benchmarks.CapSweep
 * [persons=3] [onlineFrames=2000] [caps=50,100,200,300,500,1000,2000,1000000]}
 */
public final class CapSweep {
  static final int GENERATION_FRAMES = 25;

  public static void main(String[] args) {
    int persons = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int onlineFrames = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    String caps = args.length > 2 ? args[2] : "50,100,200,300,500,1000,2000,1000000";
    System.out.printf("%d persons, %d generation + %d online frames each%n%n", persons, GENERATION_FRAMES,
        onlineFrames);
    System.out.println("| cap | CCC arousal | CCC valence | MAE arousal | MAE valence | neurons (mean) "
        + "| neurons after generation (mean) | state bytes (mean) | ms / generation frame | ms / online frame |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (String cap : caps.split(",")) {
      run(Integer.parseInt(cap.trim()), persons, onlineFrames);
    }
  }

  static void run(int cap, int persons, int onlineFrames) {
    MemoryConfig config = MemoryConfig.builder().maxNeurons(cap).build();
    List<float[]> truth = new ArrayList<>();
    List<float[]> predicted = new ArrayList<>();
    double neurons = 0;
    double afterGeneration = 0;
    double bytes = 0;
    long generationNanos = 0;
    long onlineNanos = 0;
    for (int person = 0; person < persons; person++) {
      SyntheticPerson face = new SyntheticPerson(1000 + person);
      AffectiveMemory memory = new AffectiveMemory(config);
      String id = "synthetic-" + person;
      long frame = 0;
      for (; frame < GENERATION_FRAMES; frame++) {
        face.advance();
        List<Sample> samples = face.generationFrame();
        long t0 = System.nanoTime();
        memory.train(samples, AffectiveMemory.seed(id, frame));
        generationNanos += System.nanoTime() - t0;
      }
      afterGeneration += memory.size();
      for (int k = 0; k < onlineFrames; k++, frame++) {
        face.advance();
        float[] z = face.realZ();
        long t0 = System.nanoTime();
        memory.train(List.of(Sample.unlabelled(z)), AffectiveMemory.seed(id, frame));
        onlineNanos += System.nanoTime() - t0;
        Prediction p = memory.predict(z);
        truth.add(new float[] {face.trueArousal(), face.trueValence()});
        predicted.add(new float[] {p.arousal(), p.valence()});
      }
      neurons += memory.size();
      bytes += memory.toBytes().length;
    }
    System.out.printf("| %s | %.3f | %.3f | %.3f | %.3f | %.0f | %.0f | %.0f | %.1f | %.3f |%n",
        cap >= 1_000_000 ? "none" : Integer.toString(cap),
        ccc(truth, predicted, 0), ccc(truth, predicted, 1), mae(truth, predicted, 0), mae(truth, predicted, 1),
        neurons / persons, afterGeneration / persons, bytes / persons,
        generationNanos / 1e6 / (persons * GENERATION_FRAMES), onlineNanos / 1e6 / ((double) persons * onlineFrames));
  }

  /** Concordance correlation coefficient with population variances. */
  static double ccc(List<float[]> truth, List<float[]> predicted, int k) {
    int n = truth.size();
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += truth.get(i)[k];
      my += predicted.get(i)[k];
    }
    mx /= n;
    my /= n;
    double sxx = 0;
    double syy = 0;
    double sxy = 0;
    for (int i = 0; i < n; i++) {
      double dx = truth.get(i)[k] - mx;
      double dy = predicted.get(i)[k] - my;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
    return 2 * sxy / n / (sxx / n + syy / n + (mx - my) * (mx - my));
  }

  static double mae(List<float[]> truth, List<float[]> predicted, int k) {
    double s = 0;
    for (int i = 0; i < truth.size(); i++) {
      s += Math.abs(truth.get(i)[k] - predicted.get(i)[k]);
    }
    return s / truth.size();
  }
}
