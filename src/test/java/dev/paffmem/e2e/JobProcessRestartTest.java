package dev.paffmem.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.LocalCheckpoints;
import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The process running the job is killed (SIGKILL, a crash) mid-stream and started again with the same
 * flags: it resumes from the checkpoint it retained in its local folder ({@code LocalRunner}), so every
 * person continues ONLINE with the memory it had (no second generation phase), and every frame, those
 * before the kill, around it and after it, has exactly one committed prediction.
 */
class JobProcessRestartTest {

  static final List<String> PERSONS = List.of("r1", "r2", "r3", "r4");
  static final int GENERATION_FRAMES = 3;

  static EmbeddedKafkaBroker kafka;
  static Path work;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafkaBroker.start();
    work = Files.createTempDirectory("paffmem-restart-");
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
    deleteQuietly(work);
  }

  /** The job's process, on run {@code run}'s topics and checkpoint folder; {@code --changelog false} when asked. */
  private static ChildJvm startJob(String run, String name, boolean changelog) {
    List<String> flags = new ArrayList<>(List.of(
        "--bootstrap-servers", kafka.bootstrapServers(), "--input-topic", run + "-frames",
        "--output-topic", run + "-predictions", "--dead-letter-topic", run + "-rejected", "--group-id", run,
        "--transactional-id-prefix", run, "--model-dir", TestStream.model().toAbsolutePath().toString(),
        "--device", "cpu", "--generation-frames", String.valueOf(GENERATION_FRAMES), "--generation-targets", "8",
        "--batch-max-size", "16", "--memory-epochs", "3", "--checkpoint-interval", "500ms", "--parallelism", "2",
        "--job-name", run + "-test")); // checkpoints: the default folder, <work dir>/checkpoints/<run>-test
    if (!changelog) {
      flags.addAll(List.of("--changelog", "false")); // the default, auto, turns it on: a local run's storage is durable
    }
    return ChildJvm.start(work, name, "dev.paffmem.job.PAffMemJob", flags);
  }

  private static void write(String run, int from, int to) {
    try (KafkaProducer<byte[], byte[]> producer = TestStream.producer(kafka.bootstrapServers())) {
      for (int i = from; i < to; i++) {
        for (String p : PERSONS) {
          producer.send(new ProducerRecord<>(run + "-frames", TestStream.key(p), TestStream.bytes(TestStream.frame(p, i))));
        }
      }
      producer.flush();
    }
  }

  /**
   * With the changelog (the default, {@code --changelog auto}, in a local run) the process resumes from a changelog
   * checkpoint: RocksDB's materialization and the changes logged since, both under the checkpoint folder, which the
   * restart's pruning keeps; with {@code --changelog false} from RocksDB's own checkpoint.
   */
  @ParameterizedTest(name = "changelog {0}")
  @ValueSource(booleans = {false, true})
  void aKilledJobProcessResumesFromItsRetainedCheckpointWithEveryMemory(boolean changelog) throws Exception {
    String run = changelog ? "restart-cl" : "restart";
    kafka.createTopic(run + "-frames", 2);
    kafka.createTopic(run + "-predictions", 2);
    kafka.createTopic(run + "-rejected", 1);
    Path checkpoints = work.resolve("checkpoints").resolve(run + "-test");
    write(run, 0, 15);
    try (ChildJvm first = startJob(run, run + "-1", changelog)) {
      first.awaitLog("Starting without a checkpoint", Duration.ofSeconds(60));
      if (changelog) {
        first.awaitLog("--changelog auto: on", Duration.ofSeconds(30));
      }
      int committed = TestStream.predictions(TestStream.readCommitted(kafka.bootstrapServers(), run + "-predictions",
          PERSONS.size() * 15, Duration.ofSeconds(90))).size();
      assertEquals(PERSONS.size() * 15, committed, "the first process predicted the first 15 frames:\n" + first.tail());
      write(run, 15, 20); // in flight when the process dies: read, maybe predicted in an open transaction, not committed
      Thread.sleep(300);
      first.kill();
    }
    assertTrue(LocalCheckpoints.latest(checkpoints).isPresent(), "a checkpoint was retained in " + checkpoints);
    write(run, 20, 30);

    List<AffectPrediction> all;
    try (ChildJvm second = startJob(run, run + "-2", changelog)) {
      second.awaitLog("Resuming from the retained checkpoint", Duration.ofSeconds(60));
      all = TestStream.predictions(TestStream.readCommitted(kafka.bootstrapServers(), run + "-predictions",
          PERSONS.size() * 30, Duration.ofSeconds(90)));
      assertTrue(second.isAlive(), "the resumed job keeps running:\n" + second.tail());
    }

    Map<String, AffectPrediction> byFrame = TestStream.byFrame(all); // fails on a duplicate
    assertEquals(PERSONS.size() * 30, all.size(), "exactly one prediction per frame across the kill");
    Map<String, List<Long>> order = new HashMap<>();
    for (String p : PERSONS) {
      for (int i = 0; i < 30; i++) {
        AffectPrediction pr = byFrame.get(p + "/" + i);
        assertTrue(pr != null, "no prediction for " + p + " frame " + i);
      }
    }
    // frames 0-2 GENERATING, then ONLINE for good once the memory predicts: no second generation phase
    TestStream.assertPhases(all, GENERATION_FRAMES);
    for (AffectPrediction pr : all) {
      order.computeIfAbsent(pr.getPersonId(), k -> new ArrayList<>()).add(pr.getFrameIndex());
    }
    for (String p : PERSONS) {
      List<Long> frames = order.get(p);
      for (int i = 1; i < frames.size(); i++) {
        assertTrue(frames.get(i) > frames.get(i - 1), "order of " + p + ": " + frames);
      }
    }
    assertFalse(LocalCheckpoints.list(checkpoints).isEmpty());
    if (changelog) {
      try (var files = Files.walk(checkpoints.resolve(LocalCheckpoints.CHANGELOG))) {
        assertTrue(files.anyMatch(Files::isRegularFile), "the state changes are under the checkpoint folder");
      }
    } else {
      assertFalse(Files.exists(checkpoints.resolve(LocalCheckpoints.CHANGELOG)), "--changelog false logs no changes");
    }
  }

  static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception ignored) {
      // a temp dir left behind is harmless
    }
  }
}
