package dev.paffmem.benchmarks.job;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * New persons arriving: person {@code first + k} starts at {@code k * intervalMs} after the start (or all at once
 * when {@code intervalMs} is 0, for {@code burst} persons) and then streams like a camera, one frame every
 * {@code frameMs}, from frame 0 until {@link #close()}. Remembers each record's send time (its Kafka timestamp),
 * on a thread of its own.
 */
public final class Arrivals implements AutoCloseable {
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private final Map<Integer, Long> startedAt = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long sent;

  /**
   * @param maxPersons most persons that arrive (a burst: all at once when {@code intervalMs} is 0)
   */
  public Arrivals(String bootstrap, String topic, FramePool pool, int first, double intervalMs, int maxPersons,
      double frameMs) {
    Producer<byte[], byte[]> producer = KafkaIo.producer(bootstrap, "bench-arrivals");
    // metadata and the broker connection before the first person arrives: otherwise the first frames' send times
    // include the new producer's set-up (the burst's first predictions measured it: 89-266 ms on a quiet machine)
    producer.partitionsFor(topic);
    thread = new Thread(() -> {
      try (producer) {
        long t0 = System.nanoTime();
        // (due nanos, person k, frame): the next frame of every person who has arrived, and the next arrival
        PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        due.add(new long[] {t0, 0, 0});
        while (running && !due.isEmpty()) {
          long[] e = due.poll();
          long wait = e[0] - System.nanoTime();
          if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
          }
          if (!running) {
            break;
          }
          int k = (int) e[1];
          long f = e[2];
          if (f == 0 && k + 1 < maxPersons) {
            due.add(new long[] {t0 + (long) ((k + 1) * intervalMs * 1e6), k + 1, 0});
          }
          due.add(new long[] {t0 + (long) ((k * intervalMs + (f + 1) * frameMs) * 1e6), k, f + 1});
          int p = first + k;
          byte[] value = pool.value(p, f); // the record is made before its send time is taken
          long ts = System.currentTimeMillis();
          if (f == 0) {
            startedAt.put(p, ts);
          }
          sentAt.put(KafkaIo.PacedProducer.key(FramePool.personId(p), f), ts);
          producer.send(new ProducerRecord<>(topic, null, ts, FramePool.personId(p).getBytes(StandardCharsets.UTF_8),
              value));
          sent++;
        }
      }
    }, "bench-arrivals");
    thread.setDaemon(true);
    thread.start();
  }

  /** Send time of each person's first frame (epoch ms), by person index. */
  public Map<Integer, Long> started() {
    return Map.copyOf(startedAt);
  }

  public Map<String, Long> sentTimes() {
    return Map.copyOf(sentAt);
  }

  public long sent() {
    return sent;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
