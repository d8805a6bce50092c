package dev.paffmem.benchmarks.job;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends benchmark frames on a thread of its own and remembers each record's send time (its Kafka timestamp) by
 * "person#frame" ({@link #key}). A subclass gives the schedule ({@link #sendLoop}) and calls {@link #start()} at
 * the end of its constructor; {@link #close()} stops the thread.
 */
public abstract class TimedSender implements AutoCloseable {
  private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long sent;

  protected TimedSender(Producer<byte[], byte[]> producer, String topic, String threadName) {
    this.producer = producer;
    this.topic = topic;
    this.thread = new Thread(() -> {
      try (producer) {
        sendLoop();
      }
    }, threadName);
    thread.setDaemon(true);
  }

  /** The key of {@link #sentTimes()} and of the job's outputs matched against them. */
  public static String key(String person, long frame) {
    return person + "#" + frame;
  }

  /** Runs on the sending thread until {@link #running()} turns false, sending through {@link #send}. */
  protected abstract void sendLoop();

  protected final void start() {
    thread.start();
  }

  protected final boolean running() {
    return running;
  }

  /** Sends frame {@code frame} of person index {@code p} (its value made by the caller); returns its send time. */
  protected final long send(int p, long frame, byte[] value) {
    String person = FramePool.personId(p);
    long ts = System.currentTimeMillis(); // taken after the record was made: the send time excludes making it
    sentAt.put(key(person, frame), ts);
    producer.send(new ProducerRecord<>(topic, null, ts, person.getBytes(StandardCharsets.UTF_8), value));
    sent++;
    return ts;
  }

  /** Send time (epoch ms) of every record sent, by "person#frame". */
  public Map<String, Long> sentTimes() {
    return Map.copyOf(sentAt);
  }

  public Long sentAt(String person, long frame) {
    return sentAt.get(key(person, frame));
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
