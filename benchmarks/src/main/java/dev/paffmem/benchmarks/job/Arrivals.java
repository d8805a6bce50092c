package dev.paffmem.benchmarks.job;

import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;

/**
 * New persons arriving: person {@code first + k} starts at {@code k * intervalMs} after the start (or all at once
 * when {@code intervalMs} is 0, for {@code burst} persons) and then streams like a camera, one frame every
 * {@code frameMs}, from frame 0 until {@link #close()}. Remembers each record's send time (its Kafka timestamp),
 * on a thread of its own.
 */
public final class Arrivals extends TimedSender {
  private final Map<Integer, Long> startedAt = new ConcurrentHashMap<>();
  private final FramePool pool;
  private final int first;
  private final double intervalMs;
  private final int maxPersons;
  private final double frameMs;

  /**
   * @param maxPersons most persons that arrive (a burst: all at once when {@code intervalMs} is 0)
   */
  public Arrivals(String bootstrap, String topic, FramePool pool, int first, double intervalMs, int maxPersons,
      double frameMs) {
    super(warmedUp(KafkaIo.producer(bootstrap, "bench-arrivals"), topic), topic, "bench-arrivals");
    this.pool = pool;
    this.first = first;
    this.intervalMs = intervalMs;
    this.maxPersons = maxPersons;
    this.frameMs = frameMs;
    start();
  }

  // metadata and the broker connection before the first person arrives: otherwise the first frames' send times
  // include the new producer's set-up (measured in the burst's first predictions: BENCHMARKS.md, mixed)
  private static Producer<byte[], byte[]> warmedUp(Producer<byte[], byte[]> producer, String topic) {
    producer.partitionsFor(topic);
    return producer;
  }

  @Override
  protected void sendLoop() {
    long t0 = System.nanoTime();
    // (due nanos, person k, frame): the next frame of every person who has arrived, and the next arrival
    PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    due.add(new long[] {t0, 0, 0});
    while (running() && !due.isEmpty()) {
      long[] e = due.poll();
      long wait = e[0] - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      if (!running()) {
        break;
      }
      int k = (int) e[1];
      long f = e[2];
      if (f == 0 && k + 1 < maxPersons) {
        due.add(new long[] {t0 + (long) ((k + 1) * intervalMs * 1e6), k + 1, 0});
      }
      due.add(new long[] {t0 + (long) ((k * intervalMs + (f + 1) * frameMs) * 1e6), k, f + 1});
      int p = first + k;
      long ts = send(p, f, pool.value(p, f));
      if (f == 0) {
        startedAt.put(p, ts);
      }
    }
  }

  /** Send time of each person's first frame (epoch ms), by person index. */
  public Map<Integer, Long> started() {
    return Map.copyOf(startedAt);
  }
}
