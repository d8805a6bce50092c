package dev.paffmem.benchmarks.job;

import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.inference.InferenceSteps;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.inference.PkModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * What other threads' short bursts of work cost the model thread. The job's online model step ({@link
 * InferenceSteps#online}: frame bytes into {@code encoder_u8}, E and D_em in calls of the job's rows) runs on two
 * threads, one per core as the job's two model threads do, first alone, then beside two threads that each wake up
 * every {@code 300 µs}, work {@code 50 µs} and sleep again (about the task threads' share of the cores in the steady
 * benchmark, in bursts as a task thread's records come), touching either 2 MB (a core's L2 cache on this machine) or
 * 64 KB of memory. The model threads' CPU per frame is what the steady benchmark counts in its framework figure
 * beyond bare ONNX Runtime: a woken thread preempts the model thread and evicts part of its cache, and the model
 * pays for the refill.
 */
public final class Interference {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private Interference() {}

  /** µs of CPU per frame of the two model threads (their median), alone and beside each kind of burst. */
  public static Map<String, Double> measure(ModelManifest m, int callRows, int intraOpThreads, boolean quick)
      throws Exception {
    Map<String, Double> us = new LinkedHashMap<>();
    try (PkModel model = PkModel.open(m, Device.CPU, intraOpThreads)) {
      int rounds = quick ? 1 : 12;
      int batches = quick ? 3 : 30;
      String step = "online model step (E + D_em on frame bytes, calls of " + callRows + " rows), 2 model threads";
      us.put(step + " alone", run(model, callRows, rounds, batches, 0));
      us.put(step + ", 2 threads beside them working 50 µs every 300 µs over 64 KB", run(model, callRows, rounds, batches, 64));
      us.put(step + ", the same over 2 MB", run(model, callRows, rounds, batches, 2048));
    }
    return us;
  }

  private static double run(PkModel model, int callRows, int rounds, int batches, int burstKb) throws Exception {
    List<Thread> bursts = new ArrayList<>();
    boolean[] stop = {false};
    for (int b = 0; burstKb > 0 && b < 2; b++) {
      Thread t = new Thread(() -> burst(burstKb, stop), "burst-" + b);
      t.setDaemon(true);
      bursts.add(t);
    }
    bursts.forEach(Thread::start);
    double[] perFrame = new double[2];
    Exception[] failure = new Exception[1];
    Thread[] models = new Thread[2];
    for (int q = 0; q < 2; q++) {
      int slot = q;
      models[q] = new Thread(() -> {
        try {
          perFrame[slot] = modelThread(model, callRows, rounds, batches, slot);
        } catch (Exception e) {
          failure[0] = e;
        }
      }, "model-" + q);
      models[q].start();
    }
    for (Thread t : models) {
      t.join();
    }
    synchronized (stop) {
      stop[0] = true;
    }
    for (Thread t : bursts) {
      t.join();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    return (perFrame[0] + perFrame[1]) / 2;
  }

  /** The median over rounds (after two discarded) of µs CPU per frame, rounds of batches of 64 frames from 512. */
  private static double modelThread(PkModel model, int callRows, int rounds, int batches, int seed) throws Exception {
    ModelManifest m = model.manifest();
    int frameBytes = 3 * m.imageHeight() * m.imageWidth();
    Random r = new Random(seed);
    byte[][] frames = new byte[512][frameBytes];
    for (byte[] f : frames) {
      for (int i = 0; i < f.length; i++) {
        f[i] = (byte) (128 + 100 * Math.sin(i * 0.01) + r.nextInt(20));
      }
    }
    double[] v = new double[rounds];
    int cursor = 0;
    for (int round = -2; round < rounds; round++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      for (int k = 0; k < batches; k++) {
        List<byte[]> batch = new ArrayList<>(64);
        for (int f = 0; f < 64; f++) {
          batch.add(frames[cursor++ % frames.length]);
        }
        InferenceSteps.online(model, batch, callRows);
      }
      if (round >= 0) {
        v[round] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e3 / (batches * 64);
      }
    }
    Arrays.sort(v);
    return v[rounds / 2];
  }

  /** Wakes every 300 µs, copies 27 KB pieces of a {@code kb} KB array for 50 µs, sleeps; until told to stop. */
  private static void burst(int kb, boolean[] stop) {
    byte[] memory = new byte[kb * 1024];
    byte[] piece = new byte[Math.min(27_648, memory.length / 2)];
    int at = 0;
    long sink = 0;
    while (true) {
      synchronized (stop) {
        if (stop[0]) {
          break;
        }
      }
      long end = System.nanoTime() + 50_000;
      while (System.nanoTime() < end) {
        System.arraycopy(memory, at, piece, 0, piece.length);
        at = (at + 7 * piece.length) % (memory.length - piece.length);
        sink += piece[at % piece.length];
      }
      LockSupport.parkNanos(250_000);
    }
    if (sink == 42) {
      Thread.onSpinWait(); // keeps the copies from being optimized away
    }
  }
}
