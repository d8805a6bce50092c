package dev.paffmem.e2e;

import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.kafka.EmbeddedKafkaBroker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the end-to-end tests share, as a JUnit 5 extension registered on a static field
 * ({@code @RegisterExtension static final JobOnKafka E2E = JobOnKafka.withBroker();}): a Flink MiniCluster with
 * one TaskManager of 2 slots bound to 127.0.0.1 ({@link PAffMemJob#localClusterConfiguration()}), optionally an
 * in-JVM Kafka broker for the class (started after the MiniCluster, closed before it, also when a test fails),
 * and the job flags every test starts from ({@link #flags}).
 */
final class JobOnKafka implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

  private final MiniClusterExtension flink = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
      .setConfiguration(PAffMemJob.localClusterConfiguration()).build());
  private final UnaryOperator<EmbeddedKafkaBroker.Builder> broker; // null: the test brings its own Kafka
  private EmbeddedKafkaBroker kafka;

  private JobOnKafka(UnaryOperator<EmbeddedKafkaBroker.Builder> broker) {
    this.broker = broker;
  }

  /** The MiniCluster and a plain in-JVM broker. */
  static JobOnKafka withBroker() {
    return new JobOnKafka(UnaryOperator.identity());
  }

  /** The MiniCluster and an in-JVM broker built with these settings (SASL_SSL, larger messages, ...). */
  static JobOnKafka withBroker(UnaryOperator<EmbeddedKafkaBroker.Builder> settings) {
    return new JobOnKafka(settings);
  }

  /** The MiniCluster only (the test runs its Kafka itself, e.g. in a process of its own). */
  static JobOnKafka withoutBroker() {
    return new JobOnKafka(null);
  }

  /** The class's broker. */
  EmbeddedKafkaBroker kafka() {
    if (kafka == null) {
      throw new IllegalStateException("no broker: registered withoutBroker(), or not as a static field");
    }
    return kafka;
  }

  /**
   * The flags every end-to-end run starts from: Kafka at {@code bootstrap}, topics {@code <name>-frames},
   * {@code <name>-predictions} and {@code <name>-rejected}, consumer group and transactional ids {@code <name>},
   * the tests' tiny model on the CPU, a short generation phase (3 frames x 8 targets), batches of 16, 3 memory
   * epochs, 1 s checkpoints, parallelism 2. {@code more} follow them and win (the last value of a flag counts).
   */
  static List<String> flags(String bootstrap, String name, String... more) {
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--input-topic", name + "-frames",
        "--output-topic", name + "-predictions", "--dead-letter-topic", name + "-rejected", "--group-id", name,
        "--transactional-id-prefix", name, "--model-dir", TestStream.model().toString(), "--device", "cpu",
        "--generation-frames", "3", "--generation-targets", "8", "--batch-max-size", "16", "--memory-epochs", "3",
        "--checkpoint-interval", "1s", "--parallelism", "2"));
    Collections.addAll(args, more);
    return args;
  }

  /** {@link #flags} on the class's broker, parsed. */
  JobConfig config(String name, String... more) {
    return JobConfig.parse(flags(kafka().bootstrapServers(), name, more).toArray(String[]::new));
  }

  /** Creates the three topics of {@code name} on the class's broker: frames and predictions of 2 partitions, dead letters of 1. */
  void createTopics(String name) {
    kafka().createTopic(name + "-frames", 2);
    kafka().createTopic(name + "-predictions", 2);
    kafka().createTopic(name + "-rejected", 1);
  }

  /** Builds the whole Kafka job of {@code cfg} on the MiniCluster and submits it; the caller cancels it. */
  static JobClient start(JobConfig cfg, String jobName) throws Exception {
    return start(cfg, jobName, UnaryOperator.identity());
  }

  /** As {@link #start(JobConfig, String)}, with {@code inputHook} around the raw input stream (failure injection). */
  static JobClient start(JobConfig cfg, String jobName, UnaryOperator<DataStream<KafkaRecordBytes>> inputHook)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PAffMemJob.buildKafkaJob(env, cfg, PAffMemJob.validateModel(cfg), inputHook);
    return env.executeAsync(jobName);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    flink.beforeAll(context);
    if (broker != null) {
      kafka = broker.apply(EmbeddedKafkaBroker.builder()).start();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    flink.beforeEach(context);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    flink.afterEach(context);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (kafka != null) {
        kafka.close();
        kafka = null;
      }
    } finally {
      flink.afterAll(context);
    }
  }
}
