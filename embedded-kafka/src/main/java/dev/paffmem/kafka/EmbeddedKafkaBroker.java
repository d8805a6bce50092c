// Over 400 lines: the broker's configuration, its TLS/SASL variants and its life cycle in one place.
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
 * <p>With {@code builder().saslSsl(user, password)} it requires SASL_SSL with SCRAM-SHA-512 (a certificate made
 * at start, a user created in the cluster's metadata); {@link #clientProperties()} is what a client then sets.
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
  private final Security security;
  private volatile boolean closed;

  /** SASL_SSL with SCRAM-SHA-512: the TLS material, the client's user and the broker's own (admin) user. */
  private record Security(SelfSignedTls tls, String user, String password, String adminUser, String adminPassword) {}

  /** The SASL mechanism of a secured broker. */
  public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

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
    this.security = builder.saslUser == null ? null : new Security(SelfSignedTls.generate(dataDir.resolve("tls")),
        builder.saslUser, builder.saslPassword, "paffmem-broker", randomSecret());
    Properties props = brokerProperties(builder.overrides);
    KafkaRaftServer started = null;
    Admin startedAdmin = null;
    try {
      format(props);
      started = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      started.startup();
      Map<String, Object> adminConfig = new LinkedHashMap<>();
      adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
      adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "paffmem-embedded-admin");
      if (security != null) {
        adminConfig.putAll(clientProperties(security.adminUser(), security.adminPassword()));
      }
      startedAdmin = Admin.create(adminConfig);
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

  /** Whether clients must connect with SASL_SSL (SCRAM-SHA-512), see {@link Builder#saslSsl}. */
  public boolean secured() {
    return security != null;
  }

  /**
   * What a client needs besides {@code bootstrap.servers}: nothing for a plain broker; for a secured one
   * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config} (the user given to
   * {@link Builder#saslSsl}) and the truststore holding the broker's certificate.
   */
  public Map<String, String> clientProperties() {
    return security == null ? Map.of() : clientProperties(security.user(), security.password());
  }

  /** {@link #clientProperties()} with another user name and password (e.g. wrong ones, to test the failure). */
  public Map<String, String> clientProperties(String user, String password) {
    if (security == null) {
      throw new IllegalStateException("the broker at " + bootstrapServers() + " is not secured (PLAINTEXT)");
    }
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_SSL");
    p.put("sasl.mechanism", SCRAM_MECHANISM);
    p.put("sasl.jaas.config", scramJaas(user, password));
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.location", security.tls().truststore().toString());
    p.put("ssl.truststore.password", security.tls().password());
    return p;
  }

  static String scramJaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
        + "\" password=\"" + password + "\";";
  }

  private static String randomSecret() {
    byte[] b = new byte[18];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
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
    if (security != null) {
      // clients (and the broker's own listener) speak SASL_SSL; the KRaft controller stays PLAINTEXT on loopback
      p.put("listeners", "SASL_SSL://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
      p.put("advertised.listeners", "SASL_SSL://" + HOST + ":" + brokerPort);
      p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
      p.put("inter.broker.listener.name", "SASL_SSL");
      p.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
      p.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
      p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
          scramJaas(security.adminUser(), security.adminPassword()));
      p.put("ssl.keystore.type", "PKCS12");
      p.put("ssl.keystore.location", security.tls().keystore().toString());
      p.put("ssl.keystore.password", security.tls().password());
      p.put("ssl.key.password", security.tls().password());
      // the broker checks its TLS settings with a client engine of its own (inter-broker): it trusts its certificate
      p.put("ssl.truststore.type", "PKCS12");
      p.put("ssl.truststore.location", security.tls().truststore().toString());
      p.put("ssl.truststore.password", security.tls().password());
      p.put("ssl.client.auth", "none");
    }
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
    List<String> scram = security == null ? List.of() : List.of(
        SCRAM_MECHANISM + "=[name=" + security.adminUser() + ",password=" + security.adminPassword() + "]",
        SCRAM_MECHANISM + "=[name=" + security.user() + ",password=" + security.password() + "]");
    writeAndFormat(props, dataDir.resolve("server.properties"), scram);
  }

  /** Writes {@code props} to {@code config} and formats the storage it names (a new cluster id). */
  public static void writeAndFormat(Properties props, Path config) {
    writeAndFormat(props, config, List.of());
  }

  /**
   * {@link #writeAndFormat(Properties, Path)}, creating SCRAM users in the new cluster's metadata
   * ({@code kafka-storage format --add-scram}, e.g. {@code SCRAM-SHA-512=[name=alice,password=secret]}).
   */
  public static void writeAndFormat(Properties props, Path config, List<String> scramCredentials) {
    try (var out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      props.store(out, "written by EmbeddedKafkaBroker");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + config, e);
    }
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      List<String> args = new java.util.ArrayList<>(List.of(
          "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"));
      for (String credential : scramCredentials) {
        args.add("--add-scram");
        args.add(credential);
      }
      rc = StorageTool.execute(args.toArray(String[]::new), ps);
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
    private String saslUser;
    private String saslPassword;

    private Builder() {}

    /**
     * Requires SASL_SSL with SCRAM-SHA-512 from every client: a certificate for 127.0.0.1 is generated at start
     * ({@link SelfSignedTls}, in the data directory), {@code user} with {@code password} is created, and
     * {@link EmbeddedKafkaBroker#clientProperties()} gives what a client must set.
     */
    public Builder saslSsl(String user, String password) {
      if (user == null || user.isBlank() || password == null || password.isEmpty()) {
        throw new IllegalArgumentException("saslSsl needs a user name and a password");
      }
      if (user.contains(",") || user.contains("=") || user.contains("\"") || password.contains(",")
          || password.contains("]") || password.contains("\"")) {
        throw new IllegalArgumentException("user name and password must not contain , = ] or \"");
      }
      this.saslUser = user;
      this.saslPassword = password;
      return this;
    }

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
