package dev.paffmem.job.config;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Durations in flags and config files: {@code 250ms}, {@code 10s}, {@code 5min}, {@code 24h}, {@code 2d}, a bare
 * number of seconds, or ISO-8601 ({@code PT10S}).
 */
public final class Durations {

  private Durations() {}

  /** The job's duration flags as picocli parses them. */
  public static final class Converter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return parse(value);
    }
  }

  /** A duration as the flags write it; a leading {@code -} makes it negative (for validation to name). */
  public static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.startsWith("-") && v.length() > 1 && v.charAt(1) != '-') {
      return parse(v.substring(1)).negated();
    }
    if (v.startsWith("p")) {
      return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
    }
    int i = 0;
    while (i < v.length() && (Character.isDigit(v.charAt(i)))) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("'" + value + "' is not a duration; use e.g. 250ms, 10s, 5min, 24h");
    }
    long n = Long.parseLong(v.substring(0, i));
    String unit = v.substring(i).trim();
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s", "" -> Duration.ofSeconds(n);
      case "m", "min" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> throw new IllegalArgumentException("'" + value + "': unknown unit '" + unit + "'; use ms, s, min, h or d");
    };
  }
}
