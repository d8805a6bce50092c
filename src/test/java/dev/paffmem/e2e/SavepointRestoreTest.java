package dev.paffmem.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job restores savepoints kept in the repository ({@link SavepointFixture}): operator uids, state names and
 * state schemas stay readable across releases. Each case starts a fresh broker, writes the frames the fixture was
 * taken on (so the restored offsets point right after them), then new frames of the fixture's persons and of a
 * new person, and runs the job from the savepoint.
 */
class SavepointRestoreTest {

  static final String NEW_PERSON = "dora";
  static final int MORE_FRAMES = 5;

  EmbeddedKafkaBroker kafka;

  @BeforeEach
  void startKafka() {
    kafka = EmbeddedKafkaBroker.start();
    kafka.createTopic(SavepointFixture.INPUT_TOPIC, SavepointFixture.INPUT_PARTITIONS);
    kafka.createTopic("face-frames-rejected", 1);
  }

  @AfterEach
  void stopKafka() {
    kafka.close();
  }

  static Path fixture(String name) {
    Path p = SavepointFixture.fixturesFolder().resolve(name);
    assertTrue(Files.isRegularFile(p.resolve("_metadata")), "savepoint fixture " + p + " (./paffmem savepoint-fixture)");
    return p;
  }

  /** Runs the job from the fixture on the frames after it; returns the committed predictions by "person/frame". */
  Map<String, AffectPrediction> restoreAndRun(String fixture, Path modelDir) throws Exception {
    String out = "restored-predictions";
    kafka.createTopic(out, 2);
    SavepointFixture.writeFrames(kafka.bootstrapServers(), SavepointFixture.PERSONS, 0, SavepointFixture.FRAMES);
    List<String> all = new ArrayList<>(SavepointFixture.PERSONS);
    all.add(NEW_PERSON);
    // the new person's frames 0..4 and the fixture persons' 10..14
    SavepointFixture.writeFrames(kafka.bootstrapServers(), List.of(NEW_PERSON), 0, MORE_FRAMES);
    SavepointFixture.writeFrames(kafka.bootstrapServers(), SavepointFixture.PERSONS, SavepointFixture.FRAMES,
        SavepointFixture.FRAMES + MORE_FRAMES);
    int expected = all.size() * MORE_FRAMES;
    JobClient job = SavepointFixture.start(SavepointFixture.jobFlags(kafka.bootstrapServers(), out, modelDir),
        Optional.of(fixture(fixture)));
    List<AffectPrediction> predictions;
    try {
      predictions = TestStream.predictions(TestStream.readCommitted(kafka.bootstrapServers(), out, expected,
          Duration.ofSeconds(120)));
    } finally {
      job.cancel().get();
    }
    assertEquals(expected, predictions.size(),
        "one prediction per frame after the savepoint, none for the frames before it: " + predictions);
    return TestStream.byFrame(predictions);
  }

  static Path model(String name) {
    return SavepointFixture.repositoryRoot().resolve("models").resolve(name);
  }

  @Test
  void theFixtureRestoresAndPersonsContinueWithTheirMemories() throws Exception {
    Map<String, AffectPrediction> byFrame = restoreAndRun("pre-model-identity", model("demo-pk"));
    for (String p : SavepointFixture.PERSONS) {
      for (int i = SavepointFixture.FRAMES; i < SavepointFixture.FRAMES + MORE_FRAMES; i++) {
        AffectPrediction pr = byFrame.get(p + "/" + i);
        assertTrue(pr != null, "no prediction for " + p + " frame " + i);
        assertEquals(Phase.ONLINE, pr.getPhase(), p + " frame " + i + " continues ONLINE");
      }
    }
    for (int i = 0; i < MORE_FRAMES; i++) {
      assertEquals(i < SavepointFixture.GENERATION_FRAMES ? Phase.GENERATING : Phase.ONLINE,
          byFrame.get(NEW_PERSON + "/" + i).getPhase(), "a new person generates first");
    }
  }
}
