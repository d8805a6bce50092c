package dev.paffmem.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.AffectPrediction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly once under failure: a task fails mid-stream after a checkpoint, the job restarts from
 * that checkpoint, and a read_committed consumer sees exactly one prediction per frame, equal to
 * those of a failure-free run (within 1e-3; micro-batches differ between runs, so ONNX Runtime
 * may round differently). Generation runs off the online path, its pending work in state across the
 * restart; with {@code --predictions-while-seeding WAIT} every prediction is the memory's, so the
 * comparison covers the generated faces the memories were trained on. ({@link ChangelogRecoveryTest}: the same with
 * the changelog state backend.)
 */
class ExactlyOnceUnderFailureTest {

  @RegisterExtension
  static final JobOnKafka E2E = JobOnKafka.withBroker();

  static final List<String> PERSONS = List.of("p1", "p2", "p3", "p4");
  static final int FRAMES = 30;
  static int BAD_RECORDS;

  @BeforeAll
  static void writeInput() {
    writeInput(E2E.kafka());
  }

  /** Throws once, in one subtask, after a checkpoint has completed and some more records went through. */
  static final class FailOnceAfterCheckpoint implements MapFunction<KafkaRecordBytes, KafkaRecordBytes>, CheckpointListener {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger CHECKPOINTS = new AtomicInteger();
    private int afterCheckpoint;

    @Override
    public KafkaRecordBytes map(KafkaRecordBytes r) throws Exception {
      Thread.sleep(15); // slow the input so that checkpoints complete mid-stream
      if (CHECKPOINTS.get() > 0 && ++afterCheckpoint > 10 && FAILED.compareAndSet(false, true)) {
        throw new RuntimeException("injected failure (test)");
      }
      return r;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CHECKPOINTS.incrementAndGet();
    }
  }

  /** Submits a job: on the class's shared MiniCluster, or on one of its own. */
  interface Starter {
    JobClient start(JobConfig cfg, String name, UnaryOperator<DataStream<KafkaRecordBytes>> hook) throws Exception;
  }

  /**
   * Runs the job on {@code kafka}'s "eo-frames" until every prediction and dead letter is committed (and 2 s more),
   * then cancels it.
   */
  static Map<String, AffectPrediction> run(EmbeddedKafkaBroker kafka, Starter starter, String name,
      UnaryOperator<DataStream<KafkaRecordBytes>> hook, String... flags) throws Exception {
    kafka.createTopic(name + "-predictions", 2);
    kafka.createTopic(name + "-rejected", 1);
    List<String> args = new java.util.ArrayList<>(List.of("--input-topic", "eo-frames",
        // every prediction the memory's, whatever the timing of generation: the two runs compare frame by frame
        "--predictions-while-seeding", "WAIT",
        "--checkpoint-interval", "300ms", "--restart-strategy", "FIXED_DELAY", "--restart-attempts", "3"));
    args.addAll(List.of(flags));
    JobConfig cfg = JobConfig.parse(JobOnKafka.flags(kafka.bootstrapServers(), name, args.toArray(String[]::new))
        .toArray(String[]::new));
    JobClient job = starter.start(cfg, name, hook);
    try {
      Map<String, AffectPrediction> predictions = TestStream.byFrame(TestStream.predictions(TestStream.readCommitted(
          kafka.bootstrapServers(), name + "-predictions", PERSONS.size() * FRAMES, Duration.ofSeconds(120))));
      int rejected = TestStream.rejected(TestStream.readCommitted(kafka.bootstrapServers(), name + "-rejected",
          BAD_RECORDS, Duration.ofSeconds(30))).size();
      assertEquals(BAD_RECORDS, rejected, name + ": every bad record exactly once in the dead-letter topic");
      return predictions;
    } finally {
      job.cancel().get();
    }
  }

  /** The input: {@link #FRAMES} frames of each of {@link #PERSONS} and the bad records; sets {@link #BAD_RECORDS}. */
  static void writeInput(EmbeddedKafkaBroker kafka) {
    kafka.createTopic("eo-frames", 2);
    BAD_RECORDS = TestStream.writeInput(kafka.bootstrapServers(), "eo-frames", PERSONS, FRAMES).size();
  }

  /**
   * A run with a task failing once after a checkpoint wrote exactly one committed prediction per frame, equal to
   * {@code clean}'s.
   */
  static void assertRecoveredEquals(EmbeddedKafkaBroker kafka, Starter starter, Map<String, AffectPrediction> clean,
      String name, String... flags) throws Exception {
    FailOnceAfterCheckpoint.FAILED.set(false);
    FailOnceAfterCheckpoint.CHECKPOINTS.set(0);
    Map<String, AffectPrediction> recovered = run(kafka, starter, name,
        s -> s.map(new FailOnceAfterCheckpoint(), TypeInformation.of(KafkaRecordBytes.class)).name("fail once"), flags);
    assertTrue(FailOnceAfterCheckpoint.FAILED.get(), name + ": the failure was injected");

    int expected = PERSONS.size() * FRAMES;
    assertEquals(expected, clean.size());
    assertEquals(expected, recovered.size(), name + ": exactly one committed prediction per frame after recovery");
    for (Map.Entry<String, AffectPrediction> e : clean.entrySet()) {
      AffectPrediction a = e.getValue();
      AffectPrediction b = recovered.get(e.getKey());
      String where = name + " " + e.getKey();
      assertEquals(a.getArousal(), b.getArousal(), 1e-3, where);
      assertEquals(a.getValence(), b.getValence(), 1e-3, where);
      assertEquals(a.getPkArousal(), b.getPkArousal(), 1e-4, where);
      assertEquals(a.getMemorySize(), b.getMemorySize(), where);
    }
  }

  @Test
  void aRecoveredRunWritesExactlyOnePredictionPerFrameEqualToAFailureFreeRun() throws Exception {
    Map<String, AffectPrediction> clean = run(E2E.kafka(), JobOnKafka::start, "clean", UnaryOperator.identity());
    assertRecoveredEquals(E2E.kafka(), JobOnKafka::start, clean, "failed");
  }
}
