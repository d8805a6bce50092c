package dev.paffmem.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.AffectPrediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ExactlyOnceUnderFailureTest} with the changelog state backend ({@code --changelog true}): after a task
 * fails, the job restores each person from RocksDB's last materialization and the state changes logged since, and
 * writes exactly one committed prediction per frame, equal to a failure-free run's. Each job runs on a MiniCluster of
 * its own, as a local run does: the change storage is the TaskManagers' setting ({@link
 * PAffMemJob#localChangelogStorage}), not the job's, so the shared test cluster cannot have it.
 */
class ChangelogRecoveryTest {

  static EmbeddedKafkaBroker kafka;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafkaBroker.start();
    ExactlyOnceUnderFailureTest.writeInput(kafka);
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  static JobClient onItsOwnCluster(JobConfig cfg, String name, UnaryOperator<DataStream<KafkaRecordBytes>> hook)
      throws Exception {
    Configuration conf = PAffMemJob.localChangelogStorage(PAffMemJob.localClusterConfiguration(), cfg);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
    PAffMemJob.buildKafkaJob(env, cfg, PAffMemJob.validateModel(cfg), hook);
    return env.executeAsync(name);
  }

  @Test
  void aRunRecoveredFromTheChangelogWritesExactlyOnePredictionPerFrameEqualToAFailureFreeRun(@TempDir Path checkpoints)
      throws Exception {
    Map<String, AffectPrediction> clean = ExactlyOnceUnderFailureTest.run(kafka, ChangelogRecoveryTest::onItsOwnCluster,
        "clean", UnaryOperator.identity());
    ExactlyOnceUnderFailureTest.assertRecoveredEquals(kafka, ChangelogRecoveryTest::onItsOwnCluster, clean, "changelog",
        "--changelog", "true", "--checkpoint-dir", checkpoints.toString());
    try (var files = Files.walk(checkpoints.resolve("changelog"))) {
      assertTrue(files.anyMatch(Files::isRegularFile), "the state changes were written under <checkpoint dir>/changelog");
    }
  }
}
