package dev.paffmem.faces.stream;

import dev.paffmem.schema.FaceFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a synthetic face stream to Kafka: key = person id (UTF-8), value = the FaceFrame in Avro
 * single-object encoding. Frames are rendered ahead on a few threads and sent in stream order, at
 * most {@code rate} records per second (0 = as fast as rendering allows).
 *
 * <pre>
 *   long sent = new FaceFrameStream(StreamOptions.defaults().withPersons(20)).run("127.0.0.1:9092", "face-frames");
 * </pre>
 */
public final class FaceFrameStream {
    private final FaceFrameGenerator generator;
    private double rate;
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private LongConsumer progress = n -> { };

    public FaceFrameStream(StreamOptions options) {
        this(new FaceFrameGenerator(options));
    }

    /** Writes this generator's records (e.g. one with an enrolment). */
    public FaceFrameStream(FaceFrameGenerator generator) {
        this.generator = generator;
    }

    /** Records per second over all persons; 0 or less = unthrottled. */
    public FaceFrameStream rate(double recordsPerSecond) {
        this.rate = recordsPerSecond;
        return this;
    }

    public FaceFrameStream threads(int n) {
        this.threads = Math.max(1, n);
        return this;
    }

    /** Called with the number of records acknowledged so far (from the producer's I/O thread). */
    public FaceFrameStream onProgress(LongConsumer callback) {
        this.progress = callback;
        return this;
    }

    public FaceFrameGenerator generator() {
        return generator;
    }

    /** Producer settings used by {@link #run(String, String)}. */
    public static Properties producerProperties(String bootstrapServers) {
        return producerProperties(bootstrapServers, java.util.Map.of());
    }

    /** Producer settings with client properties on top (SASL/SSL: {@code security.protocol}, {@code sasl.jaas.config}, ...). */
    public static Properties producerProperties(String bootstrapServers, java.util.Map<String, String> clientProperties) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "synthetic-faces");
        return p;
    }

    /**
     * Creates the topic with the given partitions (replication 1) unless it exists; returns true if
     * it created it. Brokers often disable auto-creation, and a producer then blocks on metadata.
     */
    public static boolean ensureTopic(String bootstrapServers, String topic, int partitions) {
        return ensureTopic(bootstrapServers, java.util.Map.of(), topic, partitions);
    }

    /** {@link #ensureTopic(String, String, int)} with client properties (SASL/SSL). */
    public static boolean ensureTopic(String bootstrapServers, java.util.Map<String, String> clientProperties, String topic,
            int partitions) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            if (admin.listTopics().names().get(30, java.util.concurrent.TimeUnit.SECONDS).contains(topic)) {
                return false;
            }
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 1)))
                    .all().get(30, java.util.concurrent.TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
                return false;
            }
            throw new IllegalStateException("cannot create topic " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer in 30 s", e);
        }
    }

    /** Sends the whole stream and returns the number of acknowledged records. */
    public long run(String bootstrapServers, String topic) {
        return run(bootstrapServers, java.util.Map.of(), topic);
    }

    /** {@link #run(String, String)} with client properties (SASL/SSL) for the producer. */
    public long run(String bootstrapServers, java.util.Map<String, String> clientProperties, String topic) {
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(bootstrapServers, clientProperties))) {
            return run(producer, topic);
        }
    }

    /** Sends the whole stream through the given producer (not closed here) and flushes it. */
    public long run(Producer<byte[], byte[]> producer, String topic) {
        long total = generator.totalRecords();
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "face-render");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        try {
            int window = threads * 32;
            for (long start = 0; start < total && failure.get() == null; start += window) {
                long end = Math.min(total, start + window);
                List<Future<FaceFrame>> batch = new ArrayList<>();
                for (long i = start; i < end; i++) {
                    final long index = i;
                    batch.add(pool.submit(() -> generator.frame(index)));
                }
                long i = start;
                for (Future<FaceFrame> f : batch) {
                    if (failure.get() != null) {
                        break;
                    }
                    FaceFrame frame = f.get();
                    throttle(t0, i++);
                    producer.send(new ProducerRecord<>(topic, frame.getPersonId().getBytes(StandardCharsets.UTF_8),
                            bytes(frame)), (meta, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                } else {
                                    progress.accept(acked.incrementAndGet());
                                }
                            });
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("rendering failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Kafka send failed after " + acked.get() + " records", failure.get());
        }
        return acked.get();
    }

    private void throttle(long t0, long index) throws InterruptedException {
        if (rate <= 0) {
            return;
        }
        long due = t0 + (long) (index * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** The Kafka record value: Avro single-object encoding of the frame. */
    public static byte[] bytes(FaceFrame frame) {
        return dev.paffmem.schema.WireFormat.encode(frame::toByteBuffer);
    }
}
