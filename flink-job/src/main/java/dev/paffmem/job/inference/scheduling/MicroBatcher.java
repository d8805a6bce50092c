package dev.paffmem.job.inference.scheduling;

import java.util.ArrayList;
import java.util.List;

/**
 * The online micro-batching policy: items are buffered until the batch holds {@code maxRows} rows or its
 * oldest item has waited {@code maxWaitMs}. Plain Java (the caller supplies the clock); not thread-safe.
 */
public final class MicroBatcher<T> {
  private final int maxRows;
  private final long maxWaitMs;
  private List<T> buffer = new ArrayList<>();
  private int rows;
  private long oldestArrival;

  public MicroBatcher(int maxRows, long maxWaitMs) {
    if (maxRows < 1 || maxWaitMs < 0) {
      throw new IllegalArgumentException("maxRows must be >= 1 and maxWaitMs >= 0, were " + maxRows + ", " + maxWaitMs);
    }
    this.maxRows = maxRows;
    this.maxWaitMs = maxWaitMs;
  }

  /** Buffers an item of {@code itemRows} rows that arrived at {@code now}; true when the batch is now full. */
  public boolean add(T item, int itemRows, long now) {
    if (buffer.isEmpty()) {
      oldestArrival = now;
    }
    buffer.add(item);
    rows += itemRows;
    return full();
  }

  public boolean isEmpty() {
    return buffer.isEmpty();
  }

  public boolean full() {
    return rows >= maxRows;
  }

  /** When the buffered batch must be run at the latest ({@link Long#MAX_VALUE} when empty). */
  public long dueAt() {
    return buffer.isEmpty() ? Long.MAX_VALUE : oldestArrival + maxWaitMs;
  }

  /** Whether the buffered batch must be run now: full, or its oldest item has waited long enough. */
  public boolean due(long now) {
    return !buffer.isEmpty() && (full() || now >= dueAt());
  }

  /** Takes the buffered items (in arrival order) and empties the buffer. */
  public List<T> take() {
    List<T> batch = buffer;
    buffer = new ArrayList<>();
    rows = 0;
    return batch;
  }
}
