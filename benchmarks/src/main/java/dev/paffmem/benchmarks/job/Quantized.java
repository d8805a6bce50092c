package dev.paffmem.benchmarks.job;

import dev.paffmem.evaluation.Ccc;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.config.JobConfig.ModelPrecision;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.inference.ModelManifest.Role;
import dev.paffmem.job.inference.PkModel;
import dev.paffmem.job.inference.GenerationTargets;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Generation at FP32 and at INT8 ({@code --model-precision}): one generation frame (its targets edited by G and
 * encoded by E through {@link PkModel#generateAndEncode(byte[], float[], float[], PkModel.RunTimer)}, the job's one
 * entry point) in the job's chunks, the two precisions alternating, thread CPU and wall time per frame; and how
 * close INT8's edits read (D_em) to FP32's: CCC of the targets with the readings at each precision, mean and
 * largest difference of the readings. With one intra-op thread ONNX Runtime runs on the calling thread, so its
 * thread CPU is the model's.
 */
public final class Quantized {

  public record Figures(double fp32CpuMs, double int8CpuMs, double fp32WallMs, double int8WallMs,
      double[] fp32Ccc, double[] int8Ccc, double meanDiff, double maxDiff, String precision) {}

  private Quantized() {}

  /** {@code frames} frames' RGB8 pixels; each edited to {@code targets} targets in chunks of {@code chunk}. */
  public static Figures measure(ModelManifest m, List<byte[]> frames, int targets, int chunk, int rounds,
      int intraOpThreads) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    float[] av = GenerationTargets.halton(targets);
    try (PkModel fp32 = PkModel.open(m, Device.CPU, ModelPrecision.FP32, intraOpThreads);
        PkModel int8 = PkModel.open(m, Device.CPU, ModelPrecision.INT8, intraOpThreads)) {
      if (!int8.runsQuantized(Role.GENERATOR)) {
        return null;
      }
      float[] z = fp32.encodeRgb(frames);
      int zDim = m.zDim();
      PkModel[] models = {fp32, int8};
      long[] cpu = new long[2];
      long[] wall = new long[2];
      double[][] readings = new double[2][];
      for (int round = -1; round < rounds; round++) { // round -1 warms up
        for (int p = 0; p < 2; p++) {
          PkModel model = models[p];
          int f = Math.floorMod(round, frames.size());
          float[] zf = Arrays.copyOfRange(z, f * zDim, (f + 1) * zDim);
          long c0 = threads.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          float[] edits = new float[targets * zDim];
          for (int start = 0; start < targets; start += chunk) {
            int rows = Math.min(chunk, targets - start);
            float[] out = model.generateAndEncode(frames.get(f), zf, Arrays.copyOfRange(av, 2 * start, 2 * (start + rows)),
                (role, nanos) -> { });
            System.arraycopy(out, 0, edits, start * zDim, rows * zDim);
          }
          if (round >= 0) {
            cpu[p] += threads.getCurrentThreadCpuTime() - c0;
            wall[p] += System.nanoTime() - t0;
          }
          if (round == 0) {
            float[] r = fp32.dem(edits, targets); // D_em in FP32 in both cases: what the memory labels carry
            readings[p] = new double[r.length];
            for (int i = 0; i < r.length; i++) {
              readings[p][i] = r[i];
            }
          }
        }
      }
      double[] ta = new double[targets];
      double[] tv = new double[targets];
      double[][] ra = new double[2][targets];
      double[][] rv = new double[2][targets];
      double sum = 0;
      double max = 0;
      for (int i = 0; i < targets; i++) {
        ta[i] = av[2 * i];
        tv[i] = av[2 * i + 1];
        for (int p = 0; p < 2; p++) {
          ra[p][i] = readings[p][2 * i];
          rv[p][i] = readings[p][2 * i + 1];
        }
        for (int k = 0; k < 2; k++) {
          double d = Math.abs(readings[0][2 * i + k] - readings[1][2 * i + k]);
          sum += d;
          max = Math.max(max, d);
        }
      }
      return new Figures(cpu[0] / 1e6 / rounds, cpu[1] / 1e6 / rounds, wall[0] / 1e6 / rounds, wall[1] / 1e6 / rounds,
          new double[] {Ccc.of(ra[0], ta), Ccc.of(rv[0], tv)}, new double[] {Ccc.of(ra[1], ta), Ccc.of(rv[1], tv)},
          sum / (2.0 * targets), max, int8.generationPrecision());
    }
  }

  public static String describe(Figures f) {
    return String.format(Locale.ROOT, "FP32 %.1f ms CPU (%.1f wall), INT8 %.1f ms CPU (%.1f wall) per generation frame;"
            + " speed-up %.2fx CPU, %.2fx wall; CCC(target, D_em(E(G))) a/v FP32 %.3f/%.3f, INT8 %.3f/%.3f;"
            + " |reading FP32 - INT8| mean %.4f, max %.4f (%s)",
        f.fp32CpuMs(), f.fp32WallMs(), f.int8CpuMs(), f.int8WallMs(), f.fp32CpuMs() / f.int8CpuMs(),
        f.fp32WallMs() / f.int8WallMs(), f.fp32Ccc()[0], f.fp32Ccc()[1], f.int8Ccc()[0], f.int8Ccc()[1], f.meanDiff(),
        f.maxDiff(), f.precision());
  }
}
