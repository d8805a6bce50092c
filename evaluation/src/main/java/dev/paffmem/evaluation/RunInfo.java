package dev.paffmem.evaluation;

import java.util.List;
import java.util.Map;

/**
 * What was run, on what and where: recorded in the results JSON and Markdown so a number can be traced
 * to the command, the dataset subset, the model and the machine that produced it.
 */
public record RunInfo(
    String command,
    String dataset,
    String labelsCsv,
    String subset,
    int videos,
    int utterances,
    long frames,
    boolean frameTruthFromFramesCsv,
    String modelDir,
    String modelId,
    String modelVersion,
    String jobFlags,
    String machine,
    String startedAt,
    double seconds,
    long framesSent,
    long predictions,
    Map<String, Integer> rejectedByReason,
    List<String> missingUtterances,
    List<String> missingFrames) {

  /** A one-line description of this machine: cores, memory, OS, JVM. */
  public static String thisMachine() {
    Runtime rt = Runtime.getRuntime();
    return rt.availableProcessors() + " cores, " + (rt.maxMemory() >> 20) + " MiB max heap, "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")
        + ", Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        + cpuModel();
  }

  private static String cpuModel() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return ", " + line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (Exception e) {
      // not Linux: the rest is enough
    }
    return "";
  }
}
