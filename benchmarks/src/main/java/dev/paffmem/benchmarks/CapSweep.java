package dev.paffmem.benchmarks;

import dev.paffmem.evaluation.Ccc;
import dev.paffmem.memory.AffectiveMemory;
import dev.paffmem.memory.AffectiveMemoryCodec;
import dev.paffmem.memory.MemoryConfig;
import dev.paffmem.memory.Prediction;
import dev.paffmem.memory.Sample;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy against state size for a range of neuron caps, on {@link SyntheticPerson} streams run
 * the way the job runs them: 25 generation frames (200 edited faces + the real frame, 10 epochs),
 * then online frames (the real frame alone, 10 epochs); after each online frame the memory
 * predicts that frame. Prints a Markdown table: CCC and mean absolute error of arousal and
 * valence pooled over persons, final neurons, serialized bytes, and this thread's CPU time per
 * frame (CPU time, not wall time, because the machine is shared and wall time is mostly waiting).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.paffmem.benchmarks.CapSweep
 * [persons=6] [onlineFrames=3000] [caps=50,100,150,200,300,500,1000,2000,1000000] [firstSeed=1000]}
 */
public final class CapSweep {
  static final int GENERATION_FRAMES = 25;

  public static void main(String[] args) {
    int persons = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    int onlineFrames = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
    String caps = args.length > 2 ? args[2] : "50,100,150,200,300,500,1000,2000,1000000";
    long firstSeed = args.length > 3 ? Long.parseLong(args[3]) : 1000;
    System.out.printf("%d persons (seeds from %d), %d generation + %d online frames each%n%n", persons,
        firstSeed, GENERATION_FRAMES, onlineFrames);
    System.out.println("| cap | CCC arousal | CCC valence | MAE arousal | MAE valence | neurons (mean) "
        + "| neurons after generation (mean) | state bytes (mean) | CPU ms / generation frame "
        + "| CPU ms / online frame |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (String cap : caps.split(",")) {
      run(Integer.parseInt(cap.trim()), persons, onlineFrames, firstSeed);
    }
  }

  static void run(int cap, int persons, int onlineFrames, long firstSeed) {
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    MemoryConfig config = MemoryConfig.builder().maxNeurons(cap).build();
    List<float[]> truth = new ArrayList<>();
    List<float[]> predicted = new ArrayList<>();
    double neurons = 0;
    double afterGeneration = 0;
    double bytes = 0;
    long generationNanos = 0;
    long onlineNanos = 0;
    for (int person = 0; person < persons; person++) {
      SyntheticPerson face = new SyntheticPerson(firstSeed + person);
      AffectiveMemory memory = new AffectiveMemory(config);
      String id = "synthetic-" + person;
      long frame = 0;
      for (; frame < GENERATION_FRAMES; frame++) {
        face.advance();
        List<Sample> samples = face.generationFrame();
        long t0 = cpu.getCurrentThreadCpuTime();
        memory.train(samples, AffectiveMemory.seed(id, frame));
        generationNanos += cpu.getCurrentThreadCpuTime() - t0;
      }
      afterGeneration += memory.size();
      for (int k = 0; k < onlineFrames; k++, frame++) {
        face.advance();
        float[] z = face.realZ();
        long t0 = cpu.getCurrentThreadCpuTime();
        memory.train(List.of(Sample.unlabelled(z)), AffectiveMemory.seed(id, frame));
        onlineNanos += cpu.getCurrentThreadCpuTime() - t0;
        Prediction p = memory.predict(z);
        truth.add(new float[] {face.trueArousal(), face.trueValence()});
        predicted.add(new float[] {p.arousal(), p.valence()});
      }
      neurons += memory.size();
      bytes += AffectiveMemoryCodec.toBytes(memory).length;
    }
    System.out.printf("| %s | %.3f | %.3f | %.3f | %.3f | %.0f | %.0f | %.0f | %.1f | %.3f |%n",
        cap >= 1_000_000 ? "none" : Integer.toString(cap),
        ccc(truth, predicted, 0), ccc(truth, predicted, 1), mae(truth, predicted, 0), mae(truth, predicted, 1),
        neurons / persons, afterGeneration / persons, bytes / persons,
        generationNanos / 1e6 / (persons * GENERATION_FRAMES), onlineNanos / 1e6 / ((double) persons * onlineFrames));
  }

  /** Concordance correlation coefficient (population variances, as the evaluation's {@link Ccc}) of column k. */
  static double ccc(List<float[]> truth, List<float[]> predicted, int k) {
    double[] t = new double[truth.size()];
    double[] p = new double[predicted.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = truth.get(i)[k];
      p[i] = predicted.get(i)[k];
    }
    return Ccc.of(p, t);
  }

  static double mae(List<float[]> truth, List<float[]> predicted, int k) {
    double s = 0;
    for (int i = 0; i < truth.size(); i++) {
      s += Math.abs(truth.get(i)[k] - predicted.get(i)[k]);
    }
    return s / truth.size();
  }
}
