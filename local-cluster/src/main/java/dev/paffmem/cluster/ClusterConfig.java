package dev.paffmem.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Flink's {@code config.yaml} as flat keys ({@code key: 'value'}, one a line), the form Flink 2
 * reads besides nested YAML. Values are single-quoted so that colons and spaces stay literal.
 */
final class ClusterConfig {

  private ClusterConfig() {}

  static String yaml(Map<String, String> settings) {
    StringBuilder b = new StringBuilder("# written by `paffmem cluster up` (dev.paffmem.cluster.StandaloneCluster)\n");
    settings.forEach((k, v) -> b.append(k).append(": '").append(v.replace("'", "''")).append("'\n"));
    return b.toString();
  }

  /** Reads back what {@link #yaml} wrote. */
  static Map<String, String> parse(String yaml) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : yaml.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(": ");
      String v = line.substring(colon + 2).trim();
      if (v.startsWith("'") && v.endsWith("'")) {
        v = v.substring(1, v.length() - 1).replace("''", "'");
      }
      out.put(line.substring(0, colon).trim(), v);
    }
    return out;
  }
}
