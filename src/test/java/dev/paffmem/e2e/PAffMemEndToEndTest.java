package dev.paffmem.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.RejectReason;
import dev.paffmem.schema.RejectedFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a real in-JVM Kafka broker and a Flink MiniCluster with parallelism 2: every
 * valid frame yields exactly one prediction, in each person's frame order; every unusable record
 * lands in the dead-letter topic with its reason and original bytes.
 */
class PAffMemEndToEndTest {

  @RegisterExtension
  static final JobOnKafka E2E = JobOnKafka.withBroker();

  @Test
  void everyValidFrameYieldsOnePredictionInOrderAndRejectsGoToTheDeadLetterTopic() throws Exception {
    EmbeddedKafkaBroker kafka = E2E.kafka();
    E2E.createTopics("e2e");
    List<String> persons = List.of("alice", "bob", "carol", "dave", "erin");
    int frames = 8;
    List<RejectReason> expectedRejects = TestStream.writeInput(kafka.bootstrapServers(), "e2e-frames", persons, frames);

    JobClient job = JobOnKafka.start(E2E.config("e2e"), "e2e"); // a streaming job: runs until cancelled

    int valid = persons.size() * frames;
    List<AffectPrediction> predictions;
    List<RejectedFrame> rejected;
    try {
      predictions = TestStream.predictions(
          TestStream.readCommitted(kafka.bootstrapServers(), "e2e-predictions", valid, Duration.ofSeconds(90)));
      rejected = TestStream.rejected(TestStream.readCommitted(kafka.bootstrapServers(), "e2e-rejected",
          expectedRejects.size(), Duration.ofSeconds(30)));
    } finally {
      job.cancel().get();
    }
    assertEquals(valid, TestStream.byFrame(predictions).size(), "one prediction per valid frame, no duplicates");
    assertEquals(valid, predictions.size());

    Map<String, List<Long>> order = new HashMap<>();
    for (AffectPrediction p : predictions) {
      order.computeIfAbsent(p.getPersonId(), k -> new ArrayList<>()).add(p.getFrameIndex());
      assertEquals("tiny-test", p.getModelId());
      assertTrue(Math.abs(p.getArousal()) <= 1 && Math.abs(p.getPkValence()) <= 1, p.toString());
    }
    for (String person : persons) {
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), order.get(person), "order of " + person);
    }
    TestStream.assertPhases(predictions, 3);

    // rejects come from two operators (validator, sequencer), so compare as a multiset
    assertEquals(expectedRejects.stream().sorted().toList(), rejected.stream().map(RejectedFrame::getReason).sorted().toList());
    for (RejectedFrame r : rejected) {
      assertEquals("e2e-frames", r.getSourceTopic());
      assertTrue(r.getOriginalValue() != null && r.getOriginalValue().remaining() > 0, "original bytes kept: " + r.getReason());
      assertTrue(!r.getMessage().isBlank());
    }
  }
}
