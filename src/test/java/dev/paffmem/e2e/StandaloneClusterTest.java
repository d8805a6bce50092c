package dev.paffmem.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.cluster.ClusterCommand;
import dev.paffmem.cluster.StandaloneCluster;
import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.Phase;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Flink standalone cluster, operated as in production: JobManager and two
 * TaskManagers as JVMs of their own ({@link StandaloneCluster}: Flink's entry points, config.yaml,
 * class path and memory flags as Flink's scripts make them), Kafka in a JVM of its own, the shaded
 * job jar submitted detached with Flink's CLI, the cluster's restart strategy (exponential delay; the
 * job sets none). One slot per TaskManager, so that both run tasks.
 *
 * <ol>
 *   <li>{@code flink run -d} exits 0 and prints the job id; the stream starts;
 *   <li>mid-stream one TaskManager is killed with SIGKILL and a new one started: a read_committed
 *       consumer sees exactly one prediction per frame, no gaps, each person's frames in order; the job runs
 *       with the changelog state backend (the cluster names durable change storage), whose files are there;
 *   <li>{@code flink stop} takes a savepoint; the job is resubmitted from it at parallelism 3: the
 *       persons seen before continue ONLINE with their memories, new persons generate (without the changelog:
 *       a savepoint restored in Flink's default NO_CLAIM mode);
 *   <li>REST {@code /jars/:id/run} (main in the JobManager) answers with the job id.
 * </ol>
 * About 110 s.
 */
class StandaloneClusterTest {

  static final Path FLINK_LIB = Path.of(System.getProperty("paffmem.flinkLib", "../local-cluster/target/flink/lib"));
  static final Path JOB_JAR = Path.of(System.getProperty("paffmem.jobJar",
      "../flink-job/target/paffmem-flink-job-0.1.0-SNAPSHOT-flink.jar"));
  static final String IN = "frames", OUT = "predictions", DLQ = "rejected";
  static final List<String> PERSONS = List.of("ann", "bob", "cat", "dan");
  static final List<String> NEW_PERSONS = List.of("eve", "fay");
  static final int GENERATION_FRAMES = 5;

  @TempDir static Path tmp;
  static KafkaBrokerProcess kafka;
  static StandaloneCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(Files.isRegularFile(JOB_JAR), "build the job jar first (mvn -pl flink-job -am install): " + JOB_JAR);
    kafka = KafkaBrokerProcess.start(tmp.resolve("kafka"));
    kafka.createTopics(List.of(new NewTopic(IN, 4, (short) 1), new NewTopic(OUT, 4, (short) 1), new NewTopic(DLQ, 1, (short) 1)));
    // one slot per TaskManager: at parallelism 2 both TaskManagers run tasks, so the one killed surely does
    StandaloneCluster.Settings d = StandaloneCluster.Settings.defaults();
    cluster = StandaloneCluster.create(FLINK_LIB, tmp.resolve("cluster"),
        new StandaloneCluster.Settings(1, 2, d.jobManagerMemory(), d.taskManagerMemory(), Map.of()));
    cluster.startJobManager(Duration.ofSeconds(90));
    cluster.startTaskManager();
    cluster.startTaskManager();
    cluster.awaitTaskManagers(2, Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (cluster != null) {
        cluster.stopAll();
      }
    } finally {
      if (kafka != null) {
        kafka.close();
      }
    }
  }

  static List<String> jobArgs() {
    return List.of("--bootstrap-servers", kafka.bootstrapServers(), "--input-topic", IN, "--output-topic", OUT,
        "--dead-letter-topic", DLQ, "--model-dir", TestStream.model().toAbsolutePath().toString(), "--device", "cpu",
        "--generation-frames", String.valueOf(GENERATION_FRAMES), "--generation-targets", "8", "--memory-epochs", "3",
        "--predictions-while-seeding", "WAIT", // phases by frame index whatever the timing of generation
        "--checkpoint-interval", "1s", "--batch-max-size", "16");
  }

  static String submit(List<String> flinkOptions) throws Exception {
    List<String> args = new ArrayList<>(List.of("run", "-d"));
    args.addAll(flinkOptions);
    args.add(JOB_JAR.toAbsolutePath().toString());
    args.addAll(jobArgs());
    StandaloneCluster.CommandResult r = cluster.flink(args, Duration.ofMinutes(3));
    assertEquals(0, r.exitCode(), "flink run -d must exit 0:\n" + r.output());
    String jobId = ClusterCommand.jobId(r.output());
    cluster.awaitJobRunning(jobId, Duration.ofSeconds(90));
    return jobId;
  }

  static void send(KafkaProducer<byte[], byte[]> producer, List<String> persons, int from, int to, long pauseMs)
      throws InterruptedException {
    for (int i = from; i < to; i++) {
      for (String p : persons) {
        producer.send(new ProducerRecord<>(IN, TestStream.key(p), TestStream.bytes(TestStream.frame(p, i))));
      }
      producer.flush();
      Thread.sleep(pauseMs);
    }
  }

  /** Every committed prediction, read from the start, once {@code expected} are there (and 2 s more). */
  static List<AffectPrediction> committed(int expected) {
    return TestStream.predictions(TestStream.readCommitted(kafka.bootstrapServers(), OUT, expected, Duration.ofSeconds(150)));
  }

  /** Exactly one prediction per frame 0..frames-1 of each person, in the person's frame order. */
  static void assertOnePerFrameInOrder(List<AffectPrediction> all, Map<String, Integer> framesPerPerson) {
    Map<String, List<Long>> seen = new HashMap<>();
    for (AffectPrediction p : all) {
      seen.computeIfAbsent(p.getPersonId(), k -> new ArrayList<>()).add(p.getFrameIndex());
    }
    framesPerPerson.forEach((person, frames) -> {
      List<Long> expected = new ArrayList<>();
      for (long i = 0; i < frames; i++) {
        expected.add(i);
      }
      assertEquals(expected, seen.get(person), person + ": one prediction per frame, no gaps, in frame order");
    });
    assertEquals(framesPerPerson.keySet(), seen.keySet());
  }

  @Test
  void killATaskManagerThenStopWithASavepointAndRescale() throws Exception {
    String jobId = submit(List.of("-p", "2"));
    int before = 40;
    try (KafkaProducer<byte[], byte[]> producer = TestStream.producer(kafka.bootstrapServers())) {
      send(producer, PERSONS, 0, before / 2, 50);
      // wait until predictions are being committed, then lose a TaskManager mid-stream
      assertTrue(committedCountAtLeast(PERSONS.size() * 5), "predictions are committed before the failure");
      cluster.killTaskManager(1);
      cluster.startTaskManager();
      send(producer, PERSONS, before / 2, before, 50);
    }
    Map<String, Integer> frames = new HashMap<>();
    PERSONS.forEach(p -> frames.put(p, before));
    assertOnePerFrameInOrder(committed(PERSONS.size() * before), frames);
    assertTrue(cluster.restGet("/jobs/" + jobId + "/exceptions").orElseThrow().path("exceptionHistory")
        .path("entries").size() > 0, "the lost TaskManager failed the job over (and it recovered)");
    // the cluster's configuration names durable change storage, so the job's --changelog auto turned the changelog
    // state backend on: the TaskManagers (the new one too) wrote the state changes there
    try (var files = Files.walk(cluster.changelogDir())) {
      assertTrue(files.anyMatch(Files::isRegularFile), "state changes under " + cluster.changelogDir());
    }

    // stop with a savepoint, resubmit from it at parallelism 3
    StandaloneCluster.CommandResult stop = cluster.flink(List.of("stop", "--savepointPath",
        cluster.savepointDir().toUri().toString(), jobId), Duration.ofMinutes(3));
    assertEquals(0, stop.exitCode(), stop.output());
    String savepoint = ClusterCommand.savepointPath(stop.output());
    // flink stop returns once the savepoint is complete; the job reaches FINISHED just after
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!cluster.jobState(jobId).orElseThrow().equals("FINISHED") && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertEquals("FINISHED", cluster.jobState(jobId).orElseThrow(), "the stopped job finished");
    cluster.startTaskManager(); // a third slot for parallelism 3
    cluster.awaitTaskManagers(3, Duration.ofSeconds(90));
    String rescaled = submit(List.of("-p", "3", "-s", savepoint));
    assertEquals(3, cluster.restGet("/jobs/" + rescaled).orElseThrow().path("vertices").get(0).path("parallelism").asInt());

    int after = 10;
    try (KafkaProducer<byte[], byte[]> producer = TestStream.producer(kafka.bootstrapServers())) {
      send(producer, PERSONS, before, before + after, 20);
      send(producer, NEW_PERSONS, 0, GENERATION_FRAMES + 2, 20);
    }
    PERSONS.forEach(p -> frames.put(p, before + after));
    NEW_PERSONS.forEach(p -> frames.put(p, GENERATION_FRAMES + 2));
    List<AffectPrediction> all = committed(PERSONS.size() * (before + after) + NEW_PERSONS.size() * (GENERATION_FRAMES + 2));
    assertOnePerFrameInOrder(all, frames);
    for (AffectPrediction p : all) {
      boolean newPerson = NEW_PERSONS.contains(p.getPersonId());
      Phase expected = p.getFrameIndex() < GENERATION_FRAMES ? Phase.GENERATING : Phase.ONLINE;
      assertEquals(expected, p.getPhase(), p.getPersonId() + " frame " + p.getFrameIndex()
          + (newPerson ? ": a new person generates first" : ": the memory survived the savepoint and the rescale"));
      assertTrue(p.getMemorySize() > 0, p.getPersonId() + " frame " + p.getFrameIndex() + " has a memory");
    }

    restSubmissionAnswersWithTheJobId(rescaled);
  }

  /** REST /jars/upload + /jars/:id/run runs main in the JobManager: the answer carries the job id. */
  void restSubmissionAnswersWithTheJobId(String runningJob) throws Exception {
    cluster.flink(List.of("cancel", runningJob), Duration.ofMinutes(2));
    String boundary = "paffmem-" + System.nanoTime();
    byte[] jar = Files.readAllBytes(JOB_JAR);
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"job.jar\"\r\n"
        + "Content-Type: application/x-java-archive\r\n\r\n").getBytes();
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes();
    var upload = cluster.restPost("/jars/upload", HttpRequest.BodyPublishers.ofByteArrays(List.of(head, jar, tail)),
        "multipart/form-data; boundary=" + boundary);
    assertEquals(200, upload.getKey(), upload.getValue().toString());
    String jarId = Path.of(upload.getValue().path("filename").asText()).getFileName().toString();
    StringBuilder args = new StringBuilder("[");
    for (String a : jobArgs()) {
      args.append(args.length() > 1 ? "," : "").append('"').append(a).append('"');
    }
    args.append(",\"--group-id\",\"rest\",\"--transactional-id-prefix\",\"rest\"]");
    var run = cluster.restPost("/jars/" + jarId + "/run",
        HttpRequest.BodyPublishers.ofString("{\"programArgsList\":" + args + ",\"parallelism\":1}"), "application/json");
    assertEquals(200, run.getKey(), run.getValue().toString());
    String jobId = run.getValue().path("jobid").asText();
    assertTrue(jobId.matches("[0-9a-f]{32}"), run.getValue().toString());
    cluster.awaitJobRunning(jobId, Duration.ofSeconds(90));
    cluster.flink(List.of("cancel", jobId), Duration.ofMinutes(2));
  }

  static boolean committedCountAtLeast(int n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (TestStream.readCommitted(kafka.bootstrapServers(), OUT, n, Duration.ofSeconds(3)).size() >= n) {
        return true;
      }
    }
    return false;
  }
}
