package dev.paffmem.benchmarks.job;

import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.Phase;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Producing benchmark input and following the job's output. */
public final class KafkaIo {

  private KafkaIo() {}

  public static Producer<byte[], byte[]> producer(String bootstrap, String clientId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(4 << 20));
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Writes frames {@code from..to-1} of persons {@code 0..persons-1}, frame-major (every person's
   * frame i before any frame i+1), as a camera fleet would. Returns the number of records.
   */
  public static long preload(String bootstrap, String topic, FramePool pool, int persons, long from, long to) {
    return preload(bootstrap, topic, pool, 0, persons, from, to);
  }

  /** As {@link #preload(String, String, FramePool, int, long, long)} for persons {@code first..first+persons-1}. */
  public static long preload(String bootstrap, String topic, FramePool pool, int first, int persons, long from, long to) {
    long n = 0;
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (Producer<byte[], byte[]> producer = producer(bootstrap, "bench-preload")) {
      for (long f = from; f < to; f++) {
        for (int p = first; p < first + persons; p++) {
          producer.send(new ProducerRecord<>(topic, FramePool.personId(p).getBytes(StandardCharsets.UTF_8), pool.value(p, f)),
              (m, e) -> {
                if (e != null) {
                  failure.compareAndSet(null, e);
                }
              });
          n++;
        }
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("preloading " + topic + " failed", failure.get());
    }
    return n;
  }

  /** One prediction as the harness saw it. */
  public record Out(String personId, long frameIndex, Phase phase, long processingTimeMs, int memorySize, long receivedMs) {}

  /** Follows an output topic from its beginning on a thread of its own. */
  public static final class OutputFollower implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Out> outs = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean running = true;

    public OutputFollower(String bootstrap, String topic, int partitions, boolean readCommitted) {
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
      p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-output");
      consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        tps.add(new TopicPartition(topic, i));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      thread = new Thread(this::loop, "bench-output");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(5))) {
          long now = System.currentTimeMillis();
          try {
            AffectPrediction a = AffectPrediction.fromByteBuffer(ByteBuffer.wrap(r.value()));
            outs.add(new Out(a.getPersonId(), a.getFrameIndex(), a.getPhase(), a.getProcessingTime().toEpochMilli(),
                a.getMemorySize(), now));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
    }

    public int count() {
      return outs.size();
    }

    public List<Out> snapshot() {
      synchronized (outs) {
        return new ArrayList<>(outs);
      }
    }

    /** Waits until at least {@code n} predictions arrived; false on timeout. */
    public boolean awaitCount(long n, Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (outs.size() < n) {
        if (System.nanoTime() > end) {
          return false;
        }
        Thread.sleep(20);
      }
      return true;
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(5000);
      consumer.close();
    }
  }

  /**
   * Sends frames at a fixed rate on a thread of its own: person {@code p = i % persons}, frame
   * {@code firstFrame + i / persons}; remembers each record's send time (its Kafka timestamp).
   */
  public static final class PacedProducer extends TimedSender {
    private final FramePool pool;
    private final int persons;
    private final long firstFrame;
    private final double rate;

    public PacedProducer(String bootstrap, String topic, FramePool pool, int persons, long firstFrame, double rate) {
      super(producer(bootstrap, "bench-paced"), topic, "bench-paced");
      this.pool = pool;
      this.persons = persons;
      this.firstFrame = firstFrame;
      this.rate = rate;
      start();
    }

    @Override
    protected void sendLoop() {
      long t0 = System.nanoTime();
      for (long i = 0; running(); i++) {
        long due = t0 + (long) (i * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
        int p = (int) (i % persons);
        long f = firstFrame + i / persons;
        send(p, f, pool.value(p, f));
      }
    }
  }
}
