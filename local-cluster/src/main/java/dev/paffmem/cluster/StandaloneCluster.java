// Over 400 lines: a standalone Flink cluster of JVMs (configuration, start, stop, CLI, REST) kept together: the
// process plumbing is one concern.
package dev.paffmem.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Flink standalone session cluster on 127.0.0.1: a JobManager and TaskManagers, each a JVM of its
 * own, started the way Flink's {@code bin/jobmanager.sh} and {@code bin/taskmanager.sh} start them.
 *
 * <ul>
 *   <li>The class path lists every jar of the Flink {@code lib/} folder on the command line
 *       (as {@code config.sh} does), so the JVMs' command lines are as long as a distribution's.
 *   <li>Memory: {@code BashJavaUtils GET_JM_RESOURCE_PARAMS} / {@code GET_TM_RESOURCE_PARAMS} compute
 *       the JVM flags ({@code -Xmx}, {@code -XX:MaxDirectMemorySize}, ...) and the derived
 *       {@code -D} settings from {@code config.yaml}, exactly as the scripts call them.
 *   <li>Entry points {@code StandaloneSessionClusterEntrypoint} and {@code TaskManagerRunner} with
 *       {@code --configDir}; logs to {@code log/} through {@code -Dlog.file} and
 *       {@code -Dlog4j.configurationFile}; the process ids in {@code pid/}.
 *   <li>Jobs are submitted, stopped and cancelled with Flink's CLI ({@code CliFrontend}) reading the same
 *       {@code config.yaml} ({@code FLINK_CONF_DIR}).
 * </ul>
 *
 * <p>Layout of the cluster folder: {@code conf/config.yaml}, {@code conf/log4j.properties},
 * {@code log/}, {@code pid/}, {@code checkpoints/}, {@code changelog/}, {@code savepoints/}. The {@code lib/} folder can be
 * this project's ({@code local-cluster/target/flink/lib}, from Maven) or a Flink distribution's.
 */
public final class StandaloneCluster {

  public static final String HOST = "127.0.0.1";
  static final String ENTRYPOINT_JOBMANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  static final String ENTRYPOINT_TASKMANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  static final String CLI = "org.apache.flink.client.cli.CliFrontend";
  static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
  private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * {@code env.java.opts.all} of Flink's shipped config.yaml, in substance: the module openings Flink
   * needs on Java 17 (the CLI's DataStream translators and Kryo reflect into java.util and friends).
   */
  static final String JAVA_17_OPENS = String.join(" ",
      "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private final Path lib;
  private final Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private StandaloneCluster(Path lib, Path dir) {
    this.lib = lib.toAbsolutePath().normalize();
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** Settings of a new cluster folder. */
  public record Settings(int slotsPerTaskManager, int defaultParallelism, String jobManagerMemory,
      String taskManagerMemory, Map<String, String> extra) {
    public static Settings defaults() {
      return new Settings(2, 2, "1024m", "1280m", Map.of());
    }

    public Settings withExtra(Map<String, String> more) {
      Map<String, String> all = new LinkedHashMap<>(extra);
      all.putAll(more);
      return new Settings(slotsPerTaskManager, defaultParallelism, jobManagerMemory, taskManagerMemory, all);
    }
  }

  /** Creates the cluster folder with a new {@code config.yaml} (free ports picked now); starts nothing. */
  public static StandaloneCluster create(Path lib, Path dir, Settings settings) throws IOException {
    StandaloneCluster c = new StandaloneCluster(lib, dir);
    c.requireLib();
    for (String sub : List.of("conf", "log", "pid", "checkpoints", "changelog", "savepoints", "tmp")) {
      Files.createDirectories(c.dir.resolve(sub));
    }
    Files.writeString(c.configFile(), ClusterConfig.yaml(c.config(settings)), StandardCharsets.UTF_8);
    copyResource("log4j.properties", c.dir.resolve("conf/log4j.properties"));
    copyResource("log4j-cli.properties", c.dir.resolve("conf/log4j-cli.properties"));
    return c;
  }

  /** A cluster folder made by {@link #create} (by this process or an earlier one). */
  public static StandaloneCluster open(Path lib, Path dir) {
    StandaloneCluster c = new StandaloneCluster(lib, dir);
    if (!Files.isRegularFile(c.configFile())) {
      throw new IllegalStateException("no cluster in " + c.dir + " (no conf/config.yaml): run `up` first");
    }
    c.requireLib();
    return c;
  }

  private void requireLib() {
    if (jars().isEmpty()) {
      throw new IllegalStateException("no Flink jars in " + lib + ": build them with `mvn -q -pl local-cluster -am"
          + " install -DskipTests`, or pass the lib/ folder of a Flink distribution");
    }
  }

  Map<String, String> config(Settings s) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("env.java.opts.all", JAVA_17_OPENS);
    c.put("jobmanager.rpc.address", HOST);
    c.put("jobmanager.rpc.port", String.valueOf(freePort()));
    c.put("jobmanager.bind-host", HOST);
    c.put("rest.address", HOST);
    c.put("rest.bind-address", HOST);
    c.put("rest.port", String.valueOf(freePort()));
    c.put("taskmanager.host", HOST);
    c.put("taskmanager.bind-host", HOST);
    c.put("taskmanager.numberOfTaskSlots", String.valueOf(s.slotsPerTaskManager()));
    c.put("parallelism.default", String.valueOf(s.defaultParallelism()));
    c.put("jobmanager.memory.process.size", s.jobManagerMemory());
    c.put("taskmanager.memory.process.size", s.taskManagerMemory());
    c.put("taskmanager.memory.managed.size", "64m"); // the job keeps its state on the heap (hashmap backend)
    // durable checkpoints and savepoints in the cluster folder; a cancelled or failed job keeps its last checkpoint
    c.put("state.backend.type", "hashmap");
    c.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
    c.put("execution.checkpointing.savepoint-dir", dir.resolve("savepoints").toUri().toString());
    c.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    // durable change storage for the changelog state backend (the job's --changelog auto turns it on where this is set)
    c.put("state.changelog.storage", "filesystem");
    c.put("state.changelog.dstl.dfs.base-path", dir.resolve("changelog").toUri().toString());
    // the cluster owns the restart strategy; the job does not override it (its --restart-strategy defaults to CLUSTER)
    c.put("restart-strategy.type", "exponential-delay");
    c.put("restart-strategy.exponential-delay.initial-backoff", "1 s");
    c.put("restart-strategy.exponential-delay.max-backoff", "30 s");
    c.put("restart-strategy.exponential-delay.backoff-multiplier", "2.0");
    c.put("restart-strategy.exponential-delay.reset-backoff-threshold", "5 min");
    c.put("restart-strategy.exponential-delay.attempts-before-reset-backoff", "20");
    // a killed TaskManager is declared dead after 20 s without heartbeats (Flink's default: 50 s)
    c.put("heartbeat.interval", "2000");
    c.put("heartbeat.timeout", "20000");
    c.put("io.tmp.dirs", dir.resolve("tmp").toString());
    c.put("web.tmpdir", dir.resolve("tmp").toString());
    c.put("web.submit.enable", "true");
    c.put("web.cancel.enable", "true");
    c.putAll(s.extra());
    return c;
  }

  public Path dir() { return dir; }
  public Path lib() { return lib; }
  public Path configFile() { return dir.resolve("conf/config.yaml"); }
  public Path savepointDir() { return dir.resolve("savepoints"); }
  public Path checkpointDir() { return dir.resolve("checkpoints"); }
  public Path changelogDir() { return dir.resolve("changelog"); }

  /** The settings in {@code conf/config.yaml}. */
  public Map<String, String> settings() throws IOException {
    return ClusterConfig.parse(Files.readString(configFile(), StandardCharsets.UTF_8));
  }

  public String restUrl() throws IOException {
    Map<String, String> s = settings();
    return "http://" + s.get("rest.address") + ":" + s.get("rest.port");
  }

  // ---- processes ------------------------------------------------------------------------------

  /** Starts the JobManager and waits until its REST endpoint answers. */
  public long startJobManager(Duration timeout) throws IOException, InterruptedException {
    if (pid("jobmanager").isPresent()) {
      throw new IllegalStateException("a JobManager of " + dir + " is running already (pid " + pid("jobmanager").getAsLong() + ")");
    }
    long pid = startDaemon("jobmanager", "standalonesession", ENTRYPOINT_JOBMANAGER, "GET_JM_RESOURCE_PARAMS",
        "env.java.opts.jobmanager");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (restGet("/overview").isEmpty()) {
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
        throw new IllegalStateException("the JobManager exited; see " + dir.resolve("log"));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the JobManager's REST endpoint did not answer within " + timeout + "; see " + dir.resolve("log"));
      }
      Thread.sleep(250);
    }
    return pid;
  }

  /** Starts one more TaskManager (number n: the lowest free); returns n. It registers asynchronously. */
  public int startTaskManager() throws IOException, InterruptedException {
    int n = 1;
    while (pid("taskmanager-" + n).isPresent()) {
      n++;
    }
    startDaemon("taskmanager-" + n, "taskexecutor-" + n, ENTRYPOINT_TASKMANAGER, "GET_TM_RESOURCE_PARAMS",
        "env.java.opts.taskmanager");
    return n;
  }

  /** Waits until exactly {@code count} TaskManagers are registered with the JobManager. */
  public void awaitTaskManagers(int count, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = -1;
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> tms = restGet("/taskmanagers");
      seen = tms.map(j -> j.path("taskmanagers").size()).orElse(-1);
      if (seen == count) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(count + " TaskManagers expected, " + seen + " registered after " + timeout);
  }

  /** kill -9 of a TaskManager: what a machine loss looks like to Flink. */
  public void killTaskManager(int n) throws IOException {
    long pid = pid("taskmanager-" + n).orElseThrow(() -> new IllegalStateException("taskmanager-" + n + " is not running"));
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    awaitExit(pid, Duration.ofSeconds(10));
    Files.deleteIfExists(pidFile("taskmanager-" + n));
  }

  /** Stops every process of the cluster (SIGTERM, then SIGKILL after 15 s), TaskManagers first. */
  public List<String> stopAll() throws IOException {
    List<String> stopped = new ArrayList<>();
    List<String> names = new ArrayList<>(runningProcesses().keySet());
    names.sort((a, b) -> Boolean.compare(a.equals("jobmanager"), b.equals("jobmanager")));
    for (String name : names) {
      OptionalLong pid = pid(name);
      if (pid.isPresent()) {
        ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroy);
        if (!awaitExit(pid.getAsLong(), Duration.ofSeconds(15))) {
          ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroyForcibly);
          awaitExit(pid.getAsLong(), Duration.ofSeconds(5));
        }
        stopped.add(name + " (pid " + pid.getAsLong() + ")");
      }
      Files.deleteIfExists(pidFile(name));
    }
    return stopped;
  }

  /** Running processes of this cluster by name ({@code jobmanager}, {@code taskmanager-N}) and pid. */
  public Map<String, Long> runningProcesses() throws IOException {
    Map<String, Long> out = new LinkedHashMap<>();
    Path pids = dir.resolve("pid");
    if (!Files.isDirectory(pids)) {
      return out;
    }
    try (Stream<Path> files = Files.list(pids)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString().replaceFirst("\\.pid$", "");
        pid(name).ifPresent(p -> out.put(name, p));
      }
    }
    return out;
  }

  private static boolean awaitExit(long pid, Duration timeout) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty()) {
      return true;
    }
    try {
      h.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return !h.get().isAlive();
    }
  }

  private Path pidFile(String name) {
    return dir.resolve("pid").resolve(name + ".pid");
  }

  /** The pid of a running process of this cluster (a stale pid file counts as not running). */
  OptionalLong pid(String name) throws IOException {
    Path f = pidFile(name);
    if (!Files.isRegularFile(f)) {
      return OptionalLong.empty();
    }
    long pid = Long.parseLong(Files.readString(f).trim());
    boolean ours = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .flatMap(h -> h.info().commandLine()).map(cl -> cl.contains(configDirArgument())).orElse(false);
    return ours ? OptionalLong.of(pid) : OptionalLong.empty();
  }

  private String configDirArgument() {
    return dir.resolve("conf").toString();
  }

  /**
   * {@code java <memory flags> <log settings> -classpath <every lib jar> <entry point> --configDir conf
   * <derived -D settings>}, output to {@code log/flink-<logName>.out}, as {@code flink-daemon.sh} runs it.
   */
  private long startDaemon(String name, String logName, String entryPoint, String resourceCommand, String javaOptsKey)
      throws IOException, InterruptedException {
    List<List<String>> params = resourceParams(resourceCommand);
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(params.get(0));
    cmd.addAll(javaOpts(javaOptsKey));
    cmd.add("-Dlog.file=" + dir.resolve("log/flink-" + logName + ".log"));
    cmd.add("-Dlog4j.configuration=file:" + dir.resolve("conf/log4j.properties"));
    cmd.add("-Dlog4j.configurationFile=file:" + dir.resolve("conf/log4j.properties"));
    cmd.add("-classpath");
    cmd.add(String.join(File.pathSeparator, jars()));
    cmd.add(entryPoint);
    cmd.add("--configDir");
    cmd.add(configDirArgument());
    cmd.addAll(params.get(1));
    Path out = dir.resolve("log/flink-" + logName + ".out");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
    Files.writeString(pidFile(name), String.valueOf(p.pid()));
    return p.pid();
  }

  /** The JVM flags (first) and dynamic -D settings (second) that BashJavaUtils derives from config.yaml. */
  List<List<String>> resourceParams(String command) throws IOException, InterruptedException {
    CommandResult r = runJava(List.of(), BASH_JAVA_UTILS, List.of(command, "--configDir", configDirArgument()),
        Map.of(), Duration.ofSeconds(60));
    List<String> results = r.output().lines().filter(l -> l.startsWith(RESULT_PREFIX))
        .map(l -> l.substring(RESULT_PREFIX.length()).trim()).toList();
    if (r.exitCode() != 0 || results.size() < 2) {
      throw new IllegalStateException("BashJavaUtils " + command + " failed (exit " + r.exitCode() + "):\n" + r.output());
    }
    List<String> jvm = splitArgs(results.get(results.size() - 2));
    List<String> dynamic = splitArgs(results.get(results.size() - 1));
    return List.of(jvm, dynamic);
  }

  /** {@code env.java.opts.all} and the process kind's own ({@code env.java.opts.taskmanager}, ...), as config.sh reads them. */
  List<String> javaOpts(String kindKey) throws IOException {
    Map<String, String> s = settings();
    List<String> out = new ArrayList<>(splitArgs(s.getOrDefault("env.java.opts.all", "")));
    out.addAll(splitArgs(s.getOrDefault(kindKey, "")));
    return out;
  }

  private static List<String> splitArgs(String line) {
    return line.isBlank() ? List.of() : List.of(line.trim().split("\\s+"));
  }

  // ---- Flink's CLI ---------------------------------------------------------------------------

  /** Exit code and output of a finished command. */
  public record CommandResult(int exitCode, String output) {}

  /** Runs Flink's CLI ({@code bin/flink ARGS}) against this cluster's config.yaml. */
  public CommandResult flink(List<String> args, Duration timeout) throws IOException, InterruptedException {
    List<String> jvm = new ArrayList<>(javaOpts("env.java.opts.client"));
    jvm.add("-Dlog4j.configurationFile=file:" + dir.resolve("conf/log4j-cli.properties"));
    jvm.add("-Dlog.file=" + dir.resolve("log/flink-client.log"));
    return runJava(jvm,
        CLI, args, Map.of("FLINK_CONF_DIR", configDirArgument()), timeout);
  }

  /** A short-lived JVM on the lib/ jars (class path by wildcard, expanded by the JVM). */
  private CommandResult runJava(List<String> jvmArgs, String mainClass, List<String> args, Map<String, String> env,
      Duration timeout) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-Xmx512m");
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(lib + File.separator + "*");
    cmd.add(mainClass);
    cmd.addAll(args);
    Path out = Files.createTempFile("paffmem-flink-cli", ".out");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(mainClass + " " + args + " did not finish within " + timeout + ":\n"
            + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new CommandResult(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
      Files.deleteIfExists(out);
    }
  }

  // ---- REST ----------------------------------------------------------------------------------

  /** GET on the JobManager's REST API; empty when it does not answer (yet) or answers with an error. */
  public Optional<JsonNode> restGet(String path) throws IOException, InterruptedException {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + path))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
    } catch (java.net.ConnectException | java.net.http.HttpTimeoutException e) {
      return Optional.empty();
    }
  }

  /** POST with a JSON body; the status code and the parsed answer. */
  public Map.Entry<Integer, JsonNode> restPost(String path, HttpRequest.BodyPublisher body, String contentType)
      throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + path))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", contentType).POST(body).build(),
        HttpResponse.BodyHandlers.ofString());
    return Map.entry(r.statusCode(), JSON.readTree(r.body().isEmpty() ? "{}" : r.body()));
  }

  /** The state of a job ({@code RUNNING}, {@code FINISHED}, ...), or empty when the JobManager does not know it. */
  public Optional<String> jobState(String jobId) throws IOException, InterruptedException {
    return restGet("/jobs/" + jobId).map(j -> j.path("state").asText());
  }

  /** Waits until the job is RUNNING with every subtask running (not only scheduled). */
  public void awaitJobRunning(String jobId, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "unknown";
    while (System.nanoTime() < deadline) {
      Optional<JsonNode> job = restGet("/jobs/" + jobId);
      if (job.isPresent()) {
        last = job.get().path("state").asText();
        boolean allRunning = last.equals("RUNNING");
        for (JsonNode v : job.get().path("vertices")) {
          allRunning &= v.path("status").asText().equals("RUNNING");
        }
        if (allRunning) {
          return;
        }
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("job " + jobId + " not running after " + timeout + " (state " + last + ")");
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** The lib/ jars, sorted, with flink-dist (in a distribution) last, as config.sh orders them. */
  List<String> jars() {
    if (!Files.isDirectory(lib)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(lib)) {
      List<String> all = files.filter(f -> f.toString().endsWith(".jar")).map(Path::toString).sorted().toList();
      List<String> ordered = new ArrayList<>(all.stream().filter(j -> !j.contains("/flink-dist")).toList());
      ordered.addAll(all.stream().filter(j -> j.contains("/flink-dist")).toList());
      return ordered;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void copyResource(String name, Path to) throws IOException {
    try (var in = StandaloneCluster.class.getResourceAsStream("/flink-conf/" + name)) {
      Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** A free TCP port on 127.0.0.1 (free when asked; the JVM that binds it starts seconds later). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
