package dev.paffmem.benchmarks.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures of one suite run: a table for BENCHMARKS.md and the detail behind it. */
public final class Results {

  /** One figure. {@code goal} is empty when the issue sets none; {@code met} is null then. */
  public record Row(String benchmark, String figure, double value, String unit, String goal, Boolean met) {}

  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Double> values = new LinkedHashMap<>();
  private final StringBuilder details = new StringBuilder();

  public synchronized void add(String benchmark, String figure, double value, String unit) {
    rows.add(new Row(benchmark, figure, value, unit, "", null));
    values.put(benchmark + "/" + figure, value);
  }

  /** A ratio with a "at least" goal. */
  public synchronized void addRatio(String benchmark, String figure, double value, double atLeast) {
    rows.add(new Row(benchmark, figure, value, "", "≥ " + atLeast, value >= atLeast));
    values.put(benchmark + "/" + figure, value);
  }

  public synchronized void detail(String text) {
    details.append(text).append('\n');
    System.out.println(text);
  }

  public synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  /** A figure by "benchmark/figure", NaN when absent. */
  public synchronized double value(String key) {
    return values.getOrDefault(key, Double.NaN);
  }

  public synchronized String markdown() {
    StringBuilder sb = new StringBuilder("| benchmark | figure | value | goal | met |\n| --- | --- | ---: | --- | --- |\n");
    for (Row r : rows) {
      sb.append(String.format("| %s | %s | %s %s | %s | %s |%n", r.benchmark(), r.figure(), format(r.value()), r.unit(),
          r.goal(), r.met() == null ? "" : r.met() ? "yes" : "**no**"));
    }
    return sb.toString();
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Double.isInfinite(v)) {
      return "∞ (not delivered)";
    }
    double a = Math.abs(v);
    if (a == 0) {
      return "0";
    }
    if (a >= 1000) {
      return String.format("%,.0f", v);
    }
    if (a >= 100) {
      return String.format("%.0f", v);
    }
    if (a >= 10) {
      return String.format("%.1f", v);
    }
    if (a >= 0.01) {
      return String.format("%.3f", v);
    }
    return String.format("%.2e", v);
  }

  public synchronized void write(Path dir, String header) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("results.md"), header + "\n" + markdown());
    Files.writeString(dir.resolve("details.txt"), details.toString());
  }
}
