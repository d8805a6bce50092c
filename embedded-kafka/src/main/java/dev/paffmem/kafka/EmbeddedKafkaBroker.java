package dev.paffmem.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka 4.x broker (KRaft, combined broker and controller) running inside this JVM,
 * listening on 127.0.0.1 only.
 *
 * <p>It is the project's embedded default: tests, the demo run command and the evaluation use it when no
 * external Kafka is given. Unlike {@code KafkaClusterTestKit} it never binds other interfaces.
 *
 * <ol>
 *   <li>{@code EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();} (random free ports, temp data dir)
 *   <li>{@code broker.createTopic("faces", 4);}
 *   <li>point clients at {@code broker.bootstrapServers()}
 *   <li>{@code broker.close();} stops it and deletes its data (try-with-resources does this).
 * </ol>
 *
 * <p>With {@code builder().dataDir(dir)} the data stays after {@code close()}, and a broker started again
 * on the same directory (and ports) finds its topics, offsets and transactions as they were.
 *
 * <p>Run it alone with {@code java -cp ... dev.paffmem.kafka.EmbeddedKafkaBroker [port]}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  /** The only address anything here listens on. */
  public static final String HOST = "127.0.0.1";

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final boolean deleteDataOnClose;
  private final int brokerPort;
  private final int controllerPort;
  private final Admin admin;
  private volatile boolean closed;

  private EmbeddedKafkaBroker(Builder builder) {
    this.deleteDataOnClose = builder.dataDir == null;
    try {
      this.dataDir = builder.dataDir != null
          ? Files.createDirectories(builder.dataDir)
          : Files.createTempDirectory("paffmem-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's data directory", e);
    }
    this.brokerPort = builder.port > 0 ? builder.port : freePort();
    this.controllerPort = builder.controllerPort > 0 ? builder.controllerPort : freePort();
    Properties props = brokerProperties(builder.overrides);
    KafkaRaftServer started = null;
    Admin startedAdmin = null;
    try {
      format(props);
      started = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      started.startup();
      startedAdmin = Admin.create(Map.of(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
          AdminClientConfig.CLIENT_ID_CONFIG, "paffmem-embedded-admin"));
      awaitReady(startedAdmin);
    } catch (RuntimeException | Error e) {
      if (startedAdmin != null) {
        startedAdmin.close(Duration.ofSeconds(1));
      }
      if (started != null) {
        started.shutdown();
        started.awaitShutdown();
      }
      deleteQuietly(dataDir, deleteDataOnClose);
      throw e;
    }
    this.server = started;
    this.admin = startedAdmin;
  }

  /** Starts a broker on random free ports with its data in a fresh temporary directory. */
  public static EmbeddedKafkaBroker start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return HOST + ":" + brokerPort;
  }

  public int port() {
    return brokerPort;
  }

  public int controllerPort() {
    return controllerPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The broker's admin client, owned by the broker (do not close it). */
  public Admin admin() {
    return admin;
  }

  /** Creates a topic with replication factor 1; an existing topic of that name is left as it is. */
  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /** Creates a topic with replication factor 1 and the given topic configs (e.g. {@code max.message.bytes}). */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
    try {
      admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("topic " + name + " was not created within 30 s", e);
    }
  }

  /** Stops the broker and deletes its data (unless a data directory of the caller's was given). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    admin.close(Duration.ofSeconds(5));
    server.shutdown();
    server.awaitShutdown();
    deleteQuietly(dataDir, deleteDataOnClose);
  }

  private Properties brokerProperties(Map<String, String> overrides) {
    Properties p = singleNodeProperties(brokerPort, controllerPort, dataDir);
    p.putAll(overrides);
    return p;
  }

  /**
   * The configuration of a single-node KRaft broker on 127.0.0.1 with its data under {@code dataDir};
   * also what a broker in a JVM of its own ({@code kafka.Kafka server.properties}) is started with.
   */
  public static Properties singleNodeProperties(int brokerPort, int controllerPort, Path dataDir) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("logs").toString());
    p.put("metadata.log.dir", dataDir.resolve("metadata").toString());
    // A single node: every internal topic has one replica and an ISR of one.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("log.retention.check.interval.ms", "600000");
    return p;
  }

  private void format(Properties props) {
    if (Files.exists(dataDir.resolve("metadata").resolve("meta.properties"))) {
      return; // formatted by an earlier start on this data directory: keep its cluster id and data
    }
    writeAndFormat(props, dataDir.resolve("server.properties"));
  }

  /** Writes {@code props} to {@code config} and formats the storage it names (a new cluster id). */
  public static void writeAndFormat(Properties props, Path config) {
    try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      props.store(out, "written by EmbeddedKafkaBroker");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + config, e);
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      rc = StorageTool.execute(new String[] {
          "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"}, ps);
    }
    if (rc != 0) {
      throw new IllegalStateException("formatting the broker's storage failed: " + log.toString(StandardCharsets.UTF_8));
    }
  }

  private void awaitReady(Admin client) {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (!client.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the broker", e);
      }
      sleep(100);
    }
    throw new IllegalStateException("the broker at " + bootstrapServers() + " did not come up within "
        + STARTUP_TIMEOUT.toSeconds() + " s", last);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A free TCP port on 127.0.0.1 (free when asked; bind it soon). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }

  private static void deleteQuietly(Path dir, boolean really) {
    if (!really || dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // best effort: a temp dir that survives is harmless
    }
  }

  /** Runs a broker until the JVM is stopped: {@code EmbeddedKafkaBroker [port]}. */
  public static void main(String[] args) throws InterruptedException {
    Builder builder = builder();
    if (args.length > 0) {
      builder.port(Integer.parseInt(args[0]));
    }
    EmbeddedKafkaBroker broker = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "embedded-kafka-shutdown"));
    System.out.println("Kafka broker listening on " + broker.bootstrapServers() + " (Ctrl-C stops it and deletes its data)");
    Thread.currentThread().join();
  }

  /** Options for {@link EmbeddedKafkaBroker}. */
  public static final class Builder {
    private int port;
    private int controllerPort;
    private Path dataDir;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private Builder() {}

    /** The client port on 127.0.0.1; 0 (default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
      }
      this.port = port;
      return this;
    }

    /** The KRaft controller port on 127.0.0.1; 0 (default) picks a free one. */
    public Builder controllerPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("controllerPort must be in [0, 65535], was " + port);
      }
      this.controllerPort = port;
      return this;
    }

    /** Keeps data in this directory (not deleted on close); default: a temp dir deleted on close. */
    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    /** Overrides one broker setting (e.g. {@code transaction.max.timeout.ms}); listeners cannot be moved off 127.0.0.1. */
    public Builder property(String key, String value) {
      if (key.equals("listeners") || key.equals("advertised.listeners") || key.equals("controller.quorum.voters")) {
        throw new IllegalArgumentException(key + " is fixed to 127.0.0.1 by EmbeddedKafkaBroker");
      }
      overrides.put(key, value);
      return this;
    }

    public EmbeddedKafkaBroker start() {
      return new EmbeddedKafkaBroker(this);
    }
  }
}
