package dev.paffmem.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.Phase;
import dev.paffmem.schema.RejectReason;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The feed against a real (embedded) broker: committed data only, bad records counted, never fatal. */
class KafkaFeedTest {

  static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void start() {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void readsCommittedPredictionsAndDeadLettersSkipsAbortedAndSurvivesGarbage() throws Exception {
    broker.createTopic("p1", 2);
    broker.createTopic("d1", 1);
    long now = System.currentTimeMillis();
    try (KafkaProducer<byte[], byte[]> p = TestStreams.transactionalProducer(broker.bootstrapServers())) {
      p.beginTransaction();
      for (int f = 0; f < 10; f++) {
        p.send(TestStreams.record("p1", TestStreams.synthetic(1, "alice", f, now - 1000 + f * 10)));
        p.send(TestStreams.record("p1", TestStreams.synthetic(2, "bob", f, now - 1000 + f * 10)));
      }
      p.send(new ProducerRecord<>("p1", "carol".getBytes(), new byte[] {1, 2, 3})); // not a prediction
      p.send(TestStreams.record("d1", TestStreams.rejected(RejectReason.KEY_MISMATCH, "bob", 3, 7, "key x != bob")));
      p.commitTransaction();
    }
    try (KafkaProducer<byte[], byte[]> p = TestStreams.transactionalProducer(broker.bootstrapServers())) {
      p.beginTransaction();
      p.send(TestStreams.record("p1", TestStreams.prediction("ghost", 0, now, now, 0, 0, 0, 0, Phase.ONLINE, 1, 1)));
      p.flush();
      p.abortTransaction();
    }
    Aggregator agg = new Aggregator(Aggregator.Settings.defaults());
    try (KafkaFeed feed = new KafkaFeed(agg, broker.bootstrapServers(), Map.of(), "p1", "d1", null,
        Duration.ofMinutes(5)).start()) {
      await(() -> agg.health(System.currentTimeMillis()).predictions() == 20 && agg.health(System.currentTimeMillis()).deadLetters() == 1);
      Aggregator.Health h = agg.health(System.currentTimeMillis());
      assertEquals(2, h.persons(), "persons");
      assertNotNull(agg.row("alice"));
      assertNull(agg.row("ghost"), "an aborted prediction was read");
      assertEquals(1, h.unreadable());
      assertEquals(Map.of("KEY_MISMATCH", 1L), h.deadLettersByReason());
      assertEquals(10, agg.row("bob").n());
    }
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < until, "timed out");
      Thread.sleep(50);
    }
  }
}
