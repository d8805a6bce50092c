package dev.paffmem.job.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * {@code --config FILE}: a properties file whose keys are the flag names without the leading dashes
 * ({@code bootstrap-servers=broker:9092}, {@code kafka-property.security.protocol=SASL_SSL}), turned into flags.
 */
final class ConfigFile {

  private ConfigFile() {}

  /** Turns the --config file into flags that precede the command line (so the command line wins). */
  static List<String> arguments(String[] args) {
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = Path.of(args[i + 1]);
      } else if (args[i].startsWith("--config=")) {
        file = Path.of(args[i].substring("--config=".length()));
      }
    }
    if (file == null) {
      return List.of();
    }
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      props.load(r);
    } catch (IOException e) {
      throw new ConfigException("--config " + file + ": cannot read the properties file: " + e, e);
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(toStringMap(props)).entrySet()) {
      String key = e.getKey().trim();
      if (key.startsWith("kafka-property.")) {
        out.add("--kafka-property");
        out.add(key.substring("kafka-property.".length()) + "=" + e.getValue().trim());
      } else if (key.equals("config")) {
        throw new ConfigException("--config " + file + ": a config file cannot name another one (key 'config')");
      } else {
        out.add("--" + key);
        out.add(e.getValue().trim());
      }
    }
    return out;
  }

  private static Map<String, String> toStringMap(Properties props) {
    Map<String, String> m = new LinkedHashMap<>();
    props.forEach((k, v) -> m.put(String.valueOf(k), String.valueOf(v)));
    return m;
  }
}
