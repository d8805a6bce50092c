package dev.paffmem.dashboard;

/**
 * Events per second over the last {@code seconds} seconds, in a ring of per-second counters (bounded memory,
 * O(1) per event). Not thread-safe: the {@link Aggregator} guards it.
 */
final class RateMeter {

  private final long[] counts;
  private final long[] second;

  RateMeter(int seconds) {
    counts = new long[seconds];
    second = new long[seconds];
    java.util.Arrays.fill(second, Long.MIN_VALUE);
  }

  void add(long nowMillis, long n) {
    long s = Math.floorDiv(nowMillis, 1000);
    int i = (int) Math.floorMod(s, (long) counts.length);
    if (second[i] != s) {
      second[i] = s;
      counts[i] = 0;
    }
    counts[i] += n;
  }

  /** Count in the whole second {@code s} (epoch seconds), 0 if none or no longer held. */
  long countAt(long s) {
    int i = (int) Math.floorMod(s, (long) counts.length);
    return second[i] == s ? counts[i] : 0;
  }

  /** Mean events per second over the {@code window} complete seconds before the current one. */
  double perSecond(long nowMillis, int window) {
    long now = Math.floorDiv(nowMillis, 1000);
    long sum = 0;
    for (long s = now - window; s < now; s++) {
      sum += countAt(s);
    }
    return sum / (double) window;
  }

  /** Counts of the {@code n} complete seconds before the current one, oldest first. */
  long[] lastSeconds(long nowMillis, int n) {
    long now = Math.floorDiv(nowMillis, 1000);
    long[] out = new long[n];
    for (int k = 0; k < n; k++) {
      out[k] = countAt(now - n + k);
    }
    return out;
  }

  int capacity() {
    return counts.length;
  }
}
