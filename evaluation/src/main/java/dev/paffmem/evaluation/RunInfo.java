package dev.paffmem.evaluation;

import java.util.List;
import java.util.Map;

/**
 * What was run, on what and where: recorded in the results JSON and Markdown so a number can be traced
 * to the command, the dataset subset, the model and the machine that produced it.
 */
public record RunInfo(
    String command,
    String commit,
    String dataset,
    String datasetSeed,
    String datasetMix,
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

  /** The project's git commit (with "+changes" when the work tree differs from it), or "unknown". */
  public static String gitCommit() {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      String head = new String(p.getInputStream().readAllBytes()).trim();
      if (p.waitFor() != 0 || head.length() < 40) {
        return "unknown";
      }
      Process d = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no").redirectErrorStream(true).start();
      boolean dirty = !new String(d.getInputStream().readAllBytes()).isBlank();
      d.waitFor();
      return head + (dirty ? "+changes" : "");
    } catch (Exception e) {
      return "unknown";
    }
  }

  /** A field of the dataset's manifest.json (written by synthetic-faces), or "" when absent. */
  public static String datasetField(java.nio.file.Path dataset, String field) {
    try {
      var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dataset.resolve("manifest.json").toFile());
      return node.has(field) ? node.get(field).asText() : "";
    } catch (Exception e) {
      return "";
    }
  }

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
