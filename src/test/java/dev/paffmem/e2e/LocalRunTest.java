package dev.paffmem.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.local.LatestRetainedCheckpoint;
import dev.paffmem.job.local.LocalRun;
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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./paffmem run} ({@link LocalRun}) in a JVM of its own against a Kafka it does not start:
 * killed with SIGKILL mid-stream, started again, it resumes from the newest retained checkpoint in
 * its folder: one prediction per frame, persons stay ONLINE with their memories. About 40 s.
 */
class LocalRunTest {

  static final List<String> PERSONS = List.of("p1", "p2", "p3");
  static final int GENERATION_FRAMES = 3;

  @TempDir Path tmp;

  Process start(EmbeddedKafkaBroker kafka, Path checkpoints, Path log) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", LocalRun.class.getName(), "--bootstrap-servers", kafka.bootstrapServers(),
        "--input-topic", "in", "--output-topic", "out", "--dead-letter-topic", "dlq",
        "--model-dir", TestStream.model().toAbsolutePath().toString(), "--device", "cpu", "--parallelism", "2",
        "--generation-frames", String.valueOf(GENERATION_FRAMES), "--generation-targets", "8", "--memory-epochs", "3",
        "--checkpoint-interval", "500ms", "--checkpoint-dir", checkpoints.toUri().toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
    return pb.start();
  }

  static void send(EmbeddedKafkaBroker kafka, int from, int to) {
    try (KafkaProducer<byte[], byte[]> producer = TestStream.producer(kafka.bootstrapServers())) {
      for (int i = from; i < to; i++) {
        for (String p : PERSONS) {
          producer.send(new ProducerRecord<>("in", TestStream.key(p), TestStream.bytes(TestStream.frame(p, i))));
        }
      }
    }
  }

  @Test
  void aKilledRunResumesFromItsLatestRetainedCheckpoint() throws Exception {
    Path checkpoints = tmp.resolve("checkpoints");
    Path log = tmp.resolve("run.log");
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
      kafka.createTopic("in", 2);
      kafka.createTopic("out", 2);
      kafka.createTopic("dlq", 1);
      send(kafka, 0, 20);
      Process first = start(kafka, checkpoints, log);
      try {
        int some = PERSONS.size() * 10;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (TestStream.readCommitted(kafka.bootstrapServers(), "out", some, Duration.ofSeconds(2)).size() < some) {
          assertTrue(first.isAlive() && System.nanoTime() < deadline, "first run: " + Files.readString(log));
        }
      } finally {
        first.destroyForcibly().waitFor(20, TimeUnit.SECONDS); // kill -9: no orderly shutdown
      }
      assertTrue(LatestRetainedCheckpoint.in(checkpoints).isPresent(), "a complete checkpoint is retained");

      send(kafka, 20, 30);
      Process second = start(kafka, checkpoints, log);
      try {
        List<AffectPrediction> all = TestStream.predictions(TestStream.readCommitted(kafka.bootstrapServers(), "out",
            PERSONS.size() * 30, Duration.ofSeconds(90)));
        Map<String, List<Long>> frames = new HashMap<>();
        for (AffectPrediction p : all) {
          frames.computeIfAbsent(p.getPersonId(), k -> new ArrayList<>()).add(p.getFrameIndex());
          assertEquals(p.getFrameIndex() < GENERATION_FRAMES ? Phase.GENERATING : Phase.ONLINE, p.getPhase(),
              p.getPersonId() + " frame " + p.getFrameIndex() + ": the memory survived the restart");
        }
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i < 30; i++) {
          expected.add(i);
        }
        for (String p : PERSONS) {
          assertEquals(expected, frames.get(p), p + ": one prediction per frame, in order, across the restart");
        }
        assertTrue(Files.readString(log).contains("paffmem run: resuming from " + checkpoints), Files.readString(log));
      } finally {
        second.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
      }
    }
  }
}
