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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job restores savepoints kept in the repository ({@link SavepointFixture}): operator uids, state names and
 * state schemas stay readable across releases. Each case starts a fresh broker, writes the frames the fixture was
 * taken on (so the restored offsets point right after them), then new frames of the fixture's persons and of a
 * new person, and runs the job from the savepoint.
 */
class SavepointRestoreTest {

  static final String NEW_PERSON = "dora";
  static final int MORE_FRAMES = 5;
  /** --state-ttl of the restored jobs: longer than any fixture's age (see restoreAndRun). */
  static final String RESTORE_TTL = "3650d";

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
    return restoreAndRun(fixture, modelDir, List.of());
  }

  /** The same with more job flags (e.g. another state backend: a canonical savepoint restores into any). */
  Map<String, AffectPrediction> restoreAndRun(String fixture, Path modelDir, List<String> moreFlags) throws Exception {
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
    List<String> flags = new ArrayList<>(SavepointFixture.jobFlags(kafka.bootstrapServers(), out, modelDir));
    // the fixtures' persons were last seen when the fixture was written: with the default TTL (24 h) the idle timers
    // restored with them would forget every one of them a day later, so the restored job keeps persons ten years
    flags.addAll(List.of("--state-ttl", RESTORE_TTL));
    flags.addAll(moreFlags);
    JobClient job = SavepointFixture.start(flags, Optional.of(fixture(fixture)));
    List<AffectPrediction> predictions;
    try {
      predictions = TestStream.predictions(TestStream.readCommitted(kafka.bootstrapServers(), out, expected,
          Duration.ofSeconds(300)));
    } finally {
      job.cancel().get();
    }
    assertEquals(expected, predictions.size(), () -> "one prediction per frame after the savepoint, none for the"
        + " frames before it: " + predictions + "; " + TestStream.inputFrames(kafka.bootstrapServers(),
        SavepointFixture.INPUT_TOPIC));
    return TestStream.byFrame(predictions);
  }

  /**
   * The model the fixtures were taken with (fixture.properties' {@code model}: 0.4.0), kept in src/test/models: a
   * memory is used only under the model that built it, and the shipped model has moved on since.
   */
  static Path fixturesModel() {
    return SavepointFixture.repositoryRoot().resolve("src/test/models/demo-pk-0.4.0");
  }

  static Path model(String name) {
    return SavepointFixture.repositoryRoot().resolve("models").resolve(name);
  }

  /** Committed predictions of the job started without a savepoint on {@code topic} (a topic of its own). */
  Map<String, AffectPrediction> freshRun(String topic, Path modelDir, int expected) throws Exception {
    kafka.createTopic(topic + "-out", 2);
    JobClient job = SavepointFixture.start(SavepointFixture.jobFlags(kafka.bootstrapServers(), topic, topic + "-out",
        topic, modelDir), Optional.empty());
    try {
      List<AffectPrediction> predictions = TestStream.predictions(TestStream.readCommitted(kafka.bootstrapServers(),
          topic + "-out", expected, Duration.ofSeconds(300)));
      assertEquals(expected, predictions.size(), () -> "one prediction per frame: " + predictions + "; "
          + TestStream.inputFrames(kafka.bootstrapServers(), topic));
      return TestStream.byFrame(predictions);
    } finally {
      job.cancel().get();
    }
  }

  static void assertPhases(Map<String, AffectPrediction> byFrame, String person, int from, int generating) {
    for (int i = from; i < from + MORE_FRAMES; i++) {
      AffectPrediction pr = byFrame.get(person + "/" + i);
      assertTrue(pr != null, "no prediction for " + person + " frame " + i);
      assertEquals(i < from + generating ? Phase.GENERATING : Phase.ONLINE, pr.getPhase(), person + " frame " + i);
    }
  }

  @ParameterizedTest(name = "--state-backend {0}")
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void theCurrentFixtureRestoresAndPersonsContinueOnlineWithTheirMemories(String backend) throws Exception {
    Map<String, AffectPrediction> byFrame = restoreAndRun("current", fixturesModel(), List.of("--state-backend", backend));
    for (String p : SavepointFixture.PERSONS) {
      assertPhases(byFrame, p, SavepointFixture.FRAMES, 0);
      assertEquals("paffmem-pk-demo-synth", byFrame.get(p + "/" + SavepointFixture.FRAMES).getModelId());
    }
    assertPhases(byFrame, NEW_PERSON, 0, SavepointFixture.GENERATION_FRAMES);
    assertTheEnrolledPersonReadsFromTheirEnrolledFaces(byFrame);
  }

  /**
   * The fixture's enrolled person: once a memory has enrolled faces it answers with the PK's reading plus a weighted
   * mean of their residuals (label minus the PK's reading, recorded when the fixture was written), so after the
   * restore every one of their predictions minus its PK reading lies within those residuals' range. A memory that
   * lost them would answer from its GWR, whose residuals (unlabelled frames only) are near zero: outside the range.
   */
  static void assertTheEnrolledPersonReadsFromTheirEnrolledFaces(Map<String, AffectPrediction> byFrame) throws Exception {
    java.util.Properties about = new java.util.Properties();
    try (var r = Files.newBufferedReader(fixture("current").resolve("fixture.properties"))) {
      about.load(r);
    }
    String recorded = about.getProperty("enrolledResiduals." + SavepointFixture.ENROLLED_PERSON);
    assertTrue(recorded != null && !recorded.isBlank(), "fixture.properties records the enrolled faces' residuals");
    double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE};
    double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE};
    String[] faces = recorded.split(";");
    assertEquals(SavepointFixture.ENROLLED_FRAMES, faces.length, recorded);
    for (String face : faces) {
      String[] av = face.trim().split(" ");
      for (int d = 0; d < 2; d++) {
        lo[d] = Math.min(lo[d], Double.parseDouble(av[d]));
        hi[d] = Math.max(hi[d], Double.parseDouble(av[d]));
      }
    }
    // the precondition that makes the check bite: zero (a GWR's answer) is outside the residuals' range
    assertTrue(lo[0] > 0.05 && hi[1] < -0.05, "enrolled residuals far from zero: " + recorded);
    for (int i = SavepointFixture.FRAMES; i < SavepointFixture.FRAMES + MORE_FRAMES; i++) {
      AffectPrediction p = byFrame.get(SavepointFixture.ENROLLED_PERSON + "/" + i);
      double da = p.getArousal() - p.getPkArousal();
      double dv = p.getValence() - p.getPkValence();
      assertTrue(da >= lo[0] - 1e-4 && da <= hi[0] + 1e-4 && dv >= lo[1] - 1e-4 && dv <= hi[1] + 1e-4,
          "frame " + i + ": memory minus PK (" + da + ", " + dv + ") not within the enrolled residuals " + recorded);
    }
  }

  /**
   * Savepoints of earlier releases that kept the memories: {@code pre-enrolment} (no enrolled faces in the memory's
   * Avro state, no enrolment flag in the inference operator) and {@code pre-generation-queue} (the inference operator
   * did not yet keep its generation queue in keyed state: no EncodedFrame / GenerationWork state). Each restores, its
   * persons continue online with their memories, and a new person is onboarded. (The "current" fixture has all these
   * states, so their class names, which Flink's POJO serializer writes into every savepoint, are held to from now on.)
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pre-enrolment", "pre-generation-queue"})
  void anEarlierReleasesSavepointRestoresWithItsMemories(String fixture) throws Exception {
    Map<String, AffectPrediction> byFrame = restoreAndRun(fixture, fixturesModel());
    for (String p : SavepointFixture.PERSONS) {
      assertPhases(byFrame, p, SavepointFixture.FRAMES, 0);
    }
    assertPhases(byFrame, NEW_PERSON, 0, SavepointFixture.GENERATION_FRAMES);
  }

  /**
   * The model swapped under the savepoint (models/demo-pk to models/random-w025, another z-space): every person of
   * the savepoint is onboarded again from the next frame, and their predictions are exactly those of persons the new
   * model meets for the first time at that frame, so no old prototype took part.
   */
  @Test
  void aModelSwappedUnderTheSavepointOnboardsEveryPersonAgainAndNeverUsesTheOldMemories() throws Exception {
    Path random = model("random-w025");
    Map<String, AffectPrediction> byFrame = restoreAndRun("current", random);
    for (String p : SavepointFixture.PERSONS) {
      assertPhases(byFrame, p, SavepointFixture.FRAMES, SavepointFixture.GENERATION_FRAMES);
    }
    assertPhases(byFrame, NEW_PERSON, 0, SavepointFixture.GENERATION_FRAMES);

    kafka.createTopic("fresh-frames", SavepointFixture.INPUT_PARTITIONS);
    SavepointFixture.writeFrames(kafka.bootstrapServers(), "fresh-frames", SavepointFixture.PERSONS,
        SavepointFixture.FRAMES, SavepointFixture.FRAMES + MORE_FRAMES);
    Map<String, AffectPrediction> fresh = freshRun("fresh-frames", random, SavepointFixture.PERSONS.size() * MORE_FRAMES);
    for (String p : SavepointFixture.PERSONS) {
      for (int i = SavepointFixture.FRAMES; i < SavepointFixture.FRAMES + MORE_FRAMES; i++) {
        AffectPrediction upgraded = byFrame.get(p + "/" + i);
        AffectPrediction first = fresh.get(p + "/" + i);
        assertEquals("paffmem-pk-random-w025", upgraded.getModelId());
        assertEquals(first.getPhase(), upgraded.getPhase(), p + " frame " + i);
        assertEquals(first.getMemorySize(), upgraded.getMemorySize(), p + " frame " + i + ": a memory of this model only");
        assertEquals(first.getArousal(), upgraded.getArousal(), 1e-3, p + " frame " + i);
        assertEquals(first.getValence(), upgraded.getValence(), 1e-3, p + " frame " + i);
      }
    }
  }

  /**
   * A savepoint of the release before the model was recorded in the state: the Avro state and the sequencer's POJO
   * gain fields (schema evolution), the job restores it, and since such a memory's model is unknown every person of
   * it is onboarded again (the policy for unrecorded models).
   */
  @Test
  void aSavepointFromBeforeTheModelWasRecordedRestoresAndItsPersonsAreOnboardedAgain() throws Exception {
    Map<String, AffectPrediction> byFrame = restoreAndRun("pre-model-identity", model("demo-pk"));
    for (String p : SavepointFixture.PERSONS) {
      assertPhases(byFrame, p, SavepointFixture.FRAMES, SavepointFixture.GENERATION_FRAMES);
    }
    assertPhases(byFrame, NEW_PERSON, 0, SavepointFixture.GENERATION_FRAMES);
  }
}
