package dev.paffmem.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.ConfigException;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.AffectPrediction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job on a broker that requires SASL_SSL with SCRAM-SHA-512 (a certificate made at test time), configured with
 * {@code --kafka-property} settings only: exactly-once predictions come out as on a plain broker; a wrong password
 * stops the start with a message that says the credentials were rejected.
 */
class SecuredKafkaTest {

  @RegisterExtension
  static final JobOnKafka E2E = JobOnKafka.withBroker(b -> b.saslSsl("paffmem-job", "correct-horse-battery"));

  static List<String> flags(Map<String, String> security) {
    List<String> args = JobOnKafka.flags(E2E.kafka().bootstrapServers(), "sec", "--checkpoint-interval", "500ms");
    security.forEach((k, v) -> {
      args.add("--kafka-property");
      args.add(k + "=" + v);
    });
    return args;
  }

  @Test
  void theJobRunsOnASaslSslBrokerWithKafkaPropertiesOnly() throws Exception {
    EmbeddedKafkaBroker kafka = E2E.kafka();
    E2E.createTopics("sec");
    List<String> persons = List.of("sam", "tia");
    int frames = 6;
    try (KafkaProducer<byte[], byte[]> producer = TestStream.producer(kafka.bootstrapServers(), kafka.clientProperties())) {
      for (int i = 0; i < frames; i++) {
        for (String p : persons) {
          producer.send(new ProducerRecord<>("sec-frames", TestStream.key(p), TestStream.bytes(TestStream.frame(p, i))));
        }
      }
      producer.flush();
    }
    JobClient job = JobOnKafka.start(JobConfig.parse(flags(kafka.clientProperties()).toArray(String[]::new)), "secured");
    List<AffectPrediction> predictions;
    try {
      predictions = TestStream.predictions(TestStream.readCommitted(kafka.bootstrapServers(), kafka.clientProperties(),
          "sec-predictions", persons.size() * frames, Duration.ofSeconds(120)));
    } finally {
      job.cancel().get();
    }
    assertEquals(persons.size() * frames, TestStream.byFrame(predictions).size(), "one prediction per frame");
    // GENERATING for the generation frames, then ONLINE for good once the memory predicts (whatever the timing)
    TestStream.assertPhases(predictions, 3);
  }

  @Test
  void aWrongPasswordFailsTheStartWithAMessageThatSaysSo() {
    JobConfig cfg = JobConfig.parse(flags(E2E.kafka().clientProperties("paffmem-job", "wrong-password")).toArray(String[]::new));
    ModelManifest manifest = PAffMemJob.validateModel(cfg);
    long start = System.nanoTime();
    ConfigException e = assertThrows(ConfigException.class, () -> PAffMemJob.buildKafkaJob(
        StreamExecutionEnvironment.getExecutionEnvironment(), cfg, manifest, UnaryOperator.identity()));
    assertTrue(e.getMessage().contains("rejected the job's credentials"), e.getMessage());
    assertTrue(e.getMessage().contains("sasl.jaas.config"), e.getMessage());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(60).toNanos(), "fails at once, not after retries");
  }
}
