package dev.paffmem.job.process;

import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelManifest;

/** Child-JVM main: the job's start-up validation of the model directory, as main runs it; prints the model id. */
public final class ValidateModelProbe {
  private ValidateModelProbe() {}

  public static void main(String[] args) {
    ModelManifest manifest = PAffMemJob.validateModel(JobConfig.parse(args));
    System.out.println("validated=" + manifest.modelId());
    try {
      Class.forName("ai.onnxruntime.OrtEnvironment", false, ValidateModelProbe.class.getClassLoader());
      System.out.println("onnxruntime-on-classpath=true");
    } catch (ClassNotFoundException e) {
      System.out.println("onnxruntime-on-classpath=false");
    }
  }
}
