package dev.paffmem.benchmarks.job;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * The machine's measured single-precision peak: ONNX Runtime's MatMul (MLAS SGEMM, the kernel
 * under its Conv/ConvTranspose/Gemm) on two n x n float matrices, 2 n^3 FLOP per call, best of a
 * few calls. The one-node ONNX model is written here as protobuf bytes, so no file or Python is needed.
 */
public final class PeakFlops {

  private PeakFlops() {}

  /**
   * Result: best and median GFLOP/s of wall time, and GFLOP per CPU-second of the process
   * (load-independent: on a shared machine wall time includes waiting for a core).
   */
  public record Peak(int n, int threads, double bestGflops, double medianGflops, double gflopsPerCpuSecond) {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  public static Peak measure(int n, int threads, int calls) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = BareOrt.sessionOptions(threads);
         OrtSession session = env.createSession(matMulModel(n), opts)) {
      FloatBuffer a = direct(n * n, 1);
      FloatBuffer b = direct(n * n, 2);
      try (OnnxTensor ta = OnnxTensor.createTensor(env, a, new long[] {n, n});
           OnnxTensor tb = OnnxTensor.createTensor(env, b, new long[] {n, n})) {
        session.run(Map.of("A", ta, "B", tb)).close(); // warm-up
        double[] gflops = new double[calls];
        long cpu0 = OS.getProcessCpuTime();
        for (int i = 0; i < calls; i++) {
          long t0 = System.nanoTime();
          session.run(Map.of("A", ta, "B", tb)).close();
          gflops[i] = 2.0 * n * n * (double) n / (System.nanoTime() - t0);
        }
        double perCpu = calls * 2.0 * n * n * (double) n / (OS.getProcessCpuTime() - cpu0);
        Arrays.sort(gflops);
        return new Peak(n, threads, gflops[calls - 1], gflops[calls / 2], perCpu);
      }
    }
  }

  private static FloatBuffer direct(int count, long seed) {
    FloatBuffer fb = ByteBuffer.allocateDirect(4 * count).order(ByteOrder.nativeOrder()).asFloatBuffer();
    Random r = new Random(seed);
    for (int i = 0; i < count; i++) {
      fb.put(r.nextFloat() - 0.5f);
    }
    fb.rewind();
    return fb;
  }

  /** ONNX ModelProto (IR 8, opset 17): C = MatMul(A, B), all float [n, n]. */
  static byte[] matMulModel(int n) {
    Proto node = new Proto().string(1, "A").string(1, "B").string(2, "C").string(3, "mm").string(4, "MatMul");
    Proto graph = new Proto().message(1, node).string(2, "peak")
        .message(11, valueInfo("A", n)).message(11, valueInfo("B", n)).message(12, valueInfo("C", n));
    Proto opset = new Proto().string(1, "").varint(2, 17);
    return new Proto().varint(1, 8).message(8, opset).message(7, graph).bytes();
  }

  private static Proto valueInfo(String name, int n) {
    Proto dim = new Proto().varint(1, n);
    Proto shape = new Proto().message(1, dim).message(1, dim);
    Proto tensor = new Proto().varint(1, 1 /* FLOAT */).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensor));
  }

  /** Just enough of the protobuf wire format for the model above. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long v) {
      tag(field, 0);
      writeVarint(v);
      return this;
    }

    Proto string(int field, String s) {
      return raw(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto p) {
      return raw(field, p.bytes());
    }

    Proto raw(int field, byte[] b) {
      tag(field, 2);
      writeVarint(b.length);
      out.writeBytes(b);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private void tag(int field, int wireType) {
      writeVarint(((long) field << 3) | wireType);
    }

    private void writeVarint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }
  }
}
