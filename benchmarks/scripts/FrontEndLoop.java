import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * CPU µs per frame of ONNX models that take the job's uint8 frames ([N, 96, 96, 3], input "x"), with the job's
 * session options (one intra-op thread, sequential, all optimizations), the models alternating round by round;
 * prints each model's median over 15 rounds. Made for the front ends of {@code front_end_graphs.py}:
 *
 * <pre>
 * /usr/bin/python3 benchmarks/scripts/front_end_graphs.py /tmp/front-ends
 * java -cp benchmarks/target/benchmarks.jar benchmarks/scripts/FrontEndLoop.java 500 16 /tmp/front-ends/*.onnx
 * </pre>
 * (arguments: calls per round, rows per call, model files)
 */
public class FrontEndLoop {
  public static void main(String[] args) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int calls = Integer.parseInt(args[0]);
    int rows = Integer.parseInt(args[1]);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    List<OrtSession> sessions = new ArrayList<>();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setIntraOpNumThreads(1);
      opts.setInterOpNumThreads(1);
      opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      for (int i = 2; i < args.length; i++) {
        sessions.add(env.createSession(args[i], opts));
      }
    }
    int frameBytes = 96 * 96 * 3;
    ByteBuffer bytes = ByteBuffer.allocateDirect(rows * frameBytes).order(ByteOrder.nativeOrder());
    for (int i = 0; i < rows * frameBytes; i++) {
      bytes.put(i, (byte) (i * 31));
    }
    int rounds = 15;
    double[][] us = new double[sessions.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < sessions.size(); k++) {
        long t0 = threads.getCurrentThreadCpuTime();
        for (int c = 0; c < calls; c++) {
          bytes.clear();
          try (OnnxTensor x = OnnxTensor.createTensor(env, bytes, new long[] {rows, 96, 96, 3}, OnnxJavaType.UINT8);
               OrtSession.Result y = sessions.get(k).run(Map.of("x", x))) {
            // the output stays in ONNX Runtime's memory: the loop times the graph, not a copy into Java
          }
        }
        us[k][r] = (threads.getCurrentThreadCpuTime() - t0) / 1e3 / calls / rows;
      }
    }
    for (int k = 0; k < sessions.size(); k++) {
      double[] v = us[k].clone();
      Arrays.sort(v);
      System.out.printf("%-28s median %5.1f µs per frame (rounds %.1f-%.1f)%n", args[k + 2].replaceAll(".*/", ""),
          v[rounds / 2], v[0], v[rounds - 1]);
    }
  }
}
