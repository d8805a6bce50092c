package dev.paffmem.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.config.JobConfig;
import dev.paffmem.schema.AffectPrediction;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka broker, in a JVM of its own, is killed (SIGKILL) while frames stream through the job and
 * started again a few seconds later on the same ports and data. The job (on a MiniCluster with the local
 * run's restart strategy, {@code RestartPolicy.localDefault()}) fails, waits, restarts from its last
 * checkpoint and goes on: every frame has exactly one committed prediction, none lost, none duplicated.
 */
class BrokerRestartTest {

  @RegisterExtension
  static final JobOnKafka E2E = JobOnKafka.withoutBroker(); // the broker runs in a JVM of its own, killed mid-stream

  static final List<String> PERSONS = List.of("k1", "k2", "k3", "k4");
  static final int FRAMES = 100;

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Test
  void noPredictionIsLostOrDuplicatedWhenTheBrokerIsKilledAndStartedAgain() throws Exception {
    Path work = Files.createTempDirectory("paffmem-broker-restart-");
    int port = freePort();
    int controllerPort = freePort();
    List<String> brokerArgs = List.of(String.valueOf(port), String.valueOf(controllerPort), work.resolve("kafka").toString());
    String bootstrap = "127.0.0.1:" + port;
    ChildJvm broker = ChildJvm.start(work, "broker-1", BrokerMain.class.getName(), brokerArgs);
    ChildJvm again = null;
    JobClient job = null;
    Thread writer = null;
    try {
      broker.awaitLog("BROKER READY", Duration.ofSeconds(60));
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.createTopics(List.of(new NewTopic("br-frames", 2, (short) 1), new NewTopic("br-predictions", 2, (short) 1),
            new NewTopic("br-rejected", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      // restarts: the cluster's (the local default)
      JobConfig cfg = JobConfig.parse(JobOnKafka.flags(bootstrap, "br", "--checkpoint-interval", "500ms").toArray(String[]::new));
      job = JobOnKafka.start(cfg, "broker-restart");

      // about 12 frames a second per person for 8 s: the stream goes on while the broker is down (the producer retries)
      writer = new Thread(() -> {
        try (KafkaProducer<byte[], byte[]> producer = TestStream.producer(bootstrap)) {
          for (int i = 0; i < FRAMES; i++) {
            for (String p : PERSONS) {
              producer.send(new ProducerRecord<>("br-frames", TestStream.key(p), TestStream.bytes(TestStream.frame(p, i))));
            }
            Thread.sleep(80);
          }
          producer.flush();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "frame-writer");
      writer.start();

      // wait until predictions are being committed, then kill the broker mid-stream
      int before = TestStream.readCommitted(bootstrap, "br-predictions", PERSONS.size() * 8, Duration.ofSeconds(60)).size();
      assertTrue(before >= PERSONS.size() * 8, "predictions flow before the broker is killed");
      broker.kill();
      Thread.sleep(4000);
      again = ChildJvm.start(work, "broker-2", BrokerMain.class.getName(), brokerArgs);
      again.awaitLog("BROKER READY", Duration.ofSeconds(90));
      writer.join(TimeUnit.MINUTES.toMillis(2));

      List<AffectPrediction> all = TestStream.predictions(TestStream.readCommitted(bootstrap, "br-predictions",
          PERSONS.size() * FRAMES, Duration.ofSeconds(150)));
      Map<String, AffectPrediction> byFrame = TestStream.byFrame(all); // fails on a duplicate
      for (String p : PERSONS) {
        for (int i = 0; i < FRAMES; i++) {
          AffectPrediction pr = byFrame.get(p + "/" + i);
          assertTrue(pr != null, "no prediction for " + p + " frame " + i + " (" + all.size() + " in all)");
        }
      }
      assertEquals(PERSONS.size() * FRAMES, all.size(), "exactly one prediction per frame");
      TestStream.assertPhases(all, 3);
      assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "the job recovered and keeps running");
    } finally {
      if (writer != null) {
        writer.interrupt();
      }
      if (job != null) {
        try {
          job.cancel().get(60, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // already ended
        }
      }
      broker.close();
      if (again != null) {
        again.close();
      }
      JobProcessRestartTest.deleteQuietly(work);
    }
  }
}
