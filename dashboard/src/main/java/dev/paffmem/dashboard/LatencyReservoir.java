package dev.paffmem.dashboard;

import java.util.Arrays;

/** The last {@code capacity} latency samples (a ring), with percentiles over them. Not thread-safe. */
final class LatencyReservoir {

  private final long[] samples;
  private int next;
  private int size;

  LatencyReservoir(int capacity) {
    samples = new long[capacity];
  }

  void add(long millis) {
    samples[next] = millis;
    next = (next + 1) % samples.length;
    size = Math.min(size + 1, samples.length);
  }

  /** p50, p95, p99 and max in milliseconds, or null when there is no sample. */
  long[] percentiles() {
    if (size == 0) {
      return null;
    }
    long[] s = Arrays.copyOf(samples, size);
    Arrays.sort(s);
    return new long[] {at(s, 0.50), at(s, 0.95), at(s, 0.99), s[s.length - 1]};
  }

  private static long at(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }
}
