package dev.paffmem.dashboard;

import java.util.ArrayList;
import java.util.List;

/**
 * One person's arousal and valence over time, downsampled into fixed time buckets and bounded: a ring of
 * {@code capacity} buckets of {@code bucketMillis} each (the mean of the predictions that fell into a bucket).
 * However many predictions a person gets per second, the series holds at most {@code capacity} points.
 *
 * <p>Time is the job's processing time of each prediction. Not thread-safe: the {@link Aggregator} guards it.
 */
final class PersonSeries {

  /** One bucket: the mean of its predictions' memory and PK arousal/valence. {@code t} is the bucket start. */
  record Point(long t, float arousal, float valence, float pkArousal, float pkValence, int count) {}

  private final long bucketMillis;
  private final int capacity;
  private final long[] start;
  private final double[] sumA;
  private final double[] sumV;
  private final double[] sumPkA;
  private final double[] sumPkV;
  private final int[] count;
  private int head = -1; // index of the newest bucket
  private int size;

  PersonSeries(long bucketMillis, int capacity) {
    if (bucketMillis <= 0 || capacity <= 0) {
      throw new IllegalArgumentException("bucketMillis and capacity must be positive");
    }
    this.bucketMillis = bucketMillis;
    this.capacity = capacity;
    start = new long[capacity];
    sumA = new double[capacity];
    sumV = new double[capacity];
    sumPkA = new double[capacity];
    sumPkV = new double[capacity];
    count = new int[capacity];
  }

  /** Adds one prediction at time {@code t}; returns false if it is older than everything the ring holds. */
  boolean add(long t, float arousal, float valence, float pkArousal, float pkValence) {
    long b = Math.floorDiv(t, bucketMillis) * bucketMillis;
    int i = bucketIndex(b);
    if (i < 0) {
      return false;
    }
    sumA[i] += arousal;
    sumV[i] += valence;
    sumPkA[i] += pkArousal;
    sumPkV[i] += pkValence;
    count[i]++;
    return true;
  }

  /** The slot of bucket {@code b}: the newest, a new one after it, or an older one still held; -1 if too old. */
  private int bucketIndex(long b) {
    if (size > 0 && b == start[head]) {
      return head;
    }
    if (size == 0 || b > start[head]) {
      head = (head + 1) % capacity;
      size = Math.min(size + 1, capacity);
      start[head] = b;
      sumA[head] = sumV[head] = sumPkA[head] = sumPkV[head] = 0;
      count[head] = 0;
      return head;
    }
    // a late prediction (another partition's clock, a replay): merge into its bucket if we still hold it
    for (int k = 1; k < size; k++) {
      int i = Math.floorMod(head - k, capacity);
      if (start[i] == b) {
        return i;
      }
      if (start[i] < b) {
        return -1; // a gap: no bucket for that time and no room to insert one in order
      }
    }
    return -1;
  }

  int size() {
    return size;
  }

  /** Points whose bucket starts at or after {@code fromT}, oldest first (the newest may still be filling). */
  List<Point> since(long fromT) {
    List<Point> out = new ArrayList<>();
    for (int k = size - 1; k >= 0; k--) {
      int i = Math.floorMod(head - k, capacity);
      if (start[i] >= fromT) {
        out.add(point(i));
      }
    }
    return out;
  }

  /** The newest {@code n} points, oldest first. */
  List<Point> last(int n) {
    List<Point> out = new ArrayList<>();
    for (int k = Math.min(n, size) - 1; k >= 0; k--) {
      out.add(point(Math.floorMod(head - k, capacity)));
    }
    return out;
  }

  /** Start of the newest bucket, or Long.MIN_VALUE when empty. */
  long newestStart() {
    return size == 0 ? Long.MIN_VALUE : start[head];
  }

  private Point point(int i) {
    int c = count[i];
    return new Point(start[i], (float) (sumA[i] / c), (float) (sumV[i] / c), (float) (sumPkA[i] / c),
        (float) (sumPkV[i] / c), c);
  }
}
