package dev.paffmem.job.process;

import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.inference.PkModel;
import java.nio.file.Path;

/** Child-JVM main: opens the model at args[0] on CPU and encodes two blank faces; prints what it saw. */
public final class InferenceProbe {
  private InferenceProbe() {}

  public static void main(String[] args) throws Exception {
    System.out.println("cmdline-bytes=" + ChildJvm.ownCommandLineBytes());
    try (PkModel model = PkModel.open(Path.of(args[0]), Device.CPU, 1)) {
      float[] z = model.encode(new float[2 * model.manifest().imageSize()], 2);
      boolean finite = true;
      for (float v : z) {
        finite &= Float.isFinite(v);
      }
      System.out.println("z-length=" + z.length + " finite=" + finite);
    }
  }
}
