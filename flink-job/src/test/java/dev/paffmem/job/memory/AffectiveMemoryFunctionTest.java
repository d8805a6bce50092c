package dev.paffmem.job.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.GenerationTargets;
import dev.paffmem.job.inference.ModelIdentity;
import dev.paffmem.job.records.EncodedFrame;
import dev.paffmem.job.records.Frame;
import dev.paffmem.job.state.JobState;
import dev.paffmem.job.state.WriteBackOperator;
import dev.paffmem.memory.BiasCorrection;
import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.AffectiveMemoryState;
import dev.paffmem.schema.Phase;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The keyed affective memory: training from generated and real faces, state, TTL, snapshot and restore. */
class AffectiveMemoryFunctionTest {

  static final int Z = 50;
  static final JobConfig CONFIG = JobConfig.parse("--generation-frames", "3", "--generation-targets", "8",
      "--state-ttl", "10min", "--memory-epochs", "3");

  static final JobConfig WAIT = JobConfig.parse("--generation-frames", "3", "--generation-targets", "8",
      "--state-ttl", "10min", "--memory-epochs", "3", "--predictions-while-seeding", "WAIT");
  static final ModelIdentity MODEL = new ModelIdentity("tiny", "1", "aa01");

  static KeyedOneInputStreamOperatorTestHarness<String, EncodedFrame, AffectPrediction> harness() throws Exception {
    return harness(CONFIG, MODEL);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, EncodedFrame, AffectPrediction> harness(JobConfig config)
      throws Exception {
    return harness(config, MODEL);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, EncodedFrame, AffectPrediction> harness(ModelIdentity model)
      throws Exception {
    return harness(CONFIG, model);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, EncodedFrame, AffectPrediction> harness(JobConfig config,
      ModelIdentity model) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new WriteBackOperator<>(new AffectiveMemoryFunction(config, Z, model)),
        new PAffMemJob.EncodedPersonKey(), Types.STRING);
  }

  static AffectiveMemoryState memoryOf(KeyedOneInputStreamOperatorTestHarness<String, EncodedFrame, AffectPrediction> h,
      String person) throws Exception {
    var operator = (WriteBackOperator<?, ?>) h.getOperator();
    operator.flush(); // the operator writes its cached persons at checkpoints
    operator.setCurrentKey(person);
    return operator.getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE,
        VoidNamespaceSerializer.INSTANCE, JobState.memory(CONFIG.stateTtl())).value();
  }

  /** A frame whose z is near its person's centre (no edits: those come in their own record, {@link #edits}). */
  static EncodedFrame encoded(String person, long index) {
    EncodedFrame e = withEdits(person, index);
    e.generatedZ = new float[0];
    e.generatedTargets = new float[0];
    e.generationNanos = 0;
    return e;
  }

  /** The edits of a generation frame, as the inference operator emits them after the frame: 8 labelled encodings. */
  static EncodedFrame edits(String person, long index) {
    EncodedFrame e = withEdits(person, index);
    e.edits = true;
    e.z = new float[0];
    return e;
  }

  /** The frame, then (generation frames) its edits: the order the inference operator emits them in. */
  static void frameAndEdits(KeyedOneInputStreamOperatorTestHarness<String, EncodedFrame, AffectPrediction> h,
      String person, long index) throws Exception {
    h.processElement(encoded(person, index), index);
    if (index < CONFIG.generationFrames()) {
      h.processElement(edits(person, index), index);
    }
  }

  static EncodedFrame withEdits(String person, long index) {
    Random r = new Random(person.hashCode() * 1000L + index);
    Random centre = new Random(person.hashCode());
    EncodedFrame e = new EncodedFrame();
    Frame f = new Frame();
    f.personId = person;
    f.sourceId = "cam";
    f.frameIndex = index;
    f.ordinal = index;
    f.eventTime = index;
    f.phase = index < CONFIG.generationFrames() ? Phase.GENERATING : Phase.ONLINE;
    e.frame = f;
    e.z = new float[Z];
    float[] c = new float[Z];
    for (int i = 0; i < Z; i++) {
      c[i] = centre.nextFloat() * 2 - 1;
      e.z[i] = c[i] + (float) r.nextGaussian() * 0.05f;
    }
    e.pkArousal = 0.1f;
    e.pkValence = -0.1f;
    if (f.phase == Phase.GENERATING) {
      e.generatedTargets = GenerationTargets.halton(CONFIG.generationTargets());
      e.generatedZ = new float[CONFIG.generationTargets() * Z];
      for (int t = 0; t < CONFIG.generationTargets(); t++) {
        for (int i = 0; i < Z; i++) {
          e.generatedZ[t * Z + i] = c[i] + e.generatedTargets[2 * t] * 0.5f * (i % 2) + e.generatedTargets[2 * t + 1] * 0.5f * ((i + 1) % 2);
        }
      }
      e.generationNanos = 1_000_000;
    }
    return e;
  }

  @Test
  void onePredictionPerFrameThePkWhileSeedingThenTheMemory() throws Exception {
    try (var h = harness()) {
      h.open();
      for (long i = 0; i < 6; i++) {
        frameAndEdits(h, "alice", i);
      }
      h.processElement(encoded("bob", 0), 0);
      List<AffectPrediction> out = h.extractOutputValues();
      assertEquals(7, out.size(), "one prediction per frame, none for an edits record");
      for (int i = 0; i < 3; i++) { // a generation frame is predicted before its edits exist: the PK's prediction
        AffectPrediction p = out.get(i);
        assertEquals(Phase.GENERATING, p.getPhase());
        assertEquals(0.1f, p.getArousal());
        assertEquals(-0.1f, p.getValence());
        assertEquals(0f, p.getBmuActivation());
      }
      assertEquals("tiny", out.get(0).getModelId());
      for (int i = 3; i < 6; i++) { // seeded by the 3 x 8 generated faces: the memory predicts
        AffectPrediction p = out.get(i);
        assertEquals(Phase.ONLINE, p.getPhase());
        assertTrue(p.getMemorySize() >= 2, "memory seeded by the generated faces: " + p.getMemorySize());
        assertTrue(p.getArousal() >= -1 && p.getArousal() <= 1 && p.getBmuActivation() > 0, p.toString());
      }
      assertEquals(Phase.GENERATING, out.get(6).getPhase());
      // alice: memory, last-seen, next ordinal (nothing pending; the generation time sum is cleared after
      // generation); bob: last-seen, next ordinal, his frame 0 waiting for its edits
      ((WriteBackOperator<?, ?>) h.getOperator()).flush();
      assertEquals(3 + 3, h.numKeyedStateEntries());
    }
  }

  @Test
  void framesAheadOfTheirEditsGetThePkAndTheMemoryEndsTheSameWhateverTheTiming() throws Exception {
    AffectiveMemoryState inStep;
    AffectPrediction inStepLast;
    try (var h = harness()) {
      h.open();
      for (long i = 0; i < 6; i++) {
        frameAndEdits(h, "alice", i);
      }
      inStepLast = h.extractOutputValues().get(5);
      inStep = memoryOf(h, "alice");
    }
    try (var h = harness()) {
      h.open();
      for (long i = 0; i < 5; i++) { // generation lags: frames 0-4 arrive before any edits
        h.processElement(encoded("alice", i), i);
      }
      List<AffectPrediction> early = h.extractOutputValues();
      for (AffectPrediction p : early) {
        assertEquals(Phase.GENERATING, p.getPhase(), "memory not seeded yet: phase GENERATING, the PK's prediction");
        assertEquals(0.1f, p.getArousal());
      }
      assertNull(memoryOf(h, "alice"), "nothing trained before frame 0's edits");
      h.processElement(edits("alice", 0), 0);
      h.processElement(edits("alice", 1), 1);
      h.processElement(edits("alice", 2), 2); // now frames 0-4 train, in order
      assertEquals(5, h.extractOutputValues().size(), "edits produce no prediction");
      h.processElement(encoded("alice", 5), 5);
      AffectPrediction last = h.extractOutputValues().get(5);
      assertEquals(Phase.ONLINE, last.getPhase());
      assertEquals(inStepLast.getArousal(), last.getArousal());
      assertEquals(inStepLast.getValence(), last.getValence());
      assertEquals(inStepLast.getBmuActivation(), last.getBmuActivation());
      assertEquals(inStep.toByteBuffer(), memoryOf(h, "alice").toByteBuffer(), "the same memory, bit for bit");
    }
  }

  @Test
  void anEnrolledFaceIsKeptThroughPendingFramesAndCheckpointsAndFromThenOnTheMemoryAddsItsResidual() throws Exception {
    OperatorSubtaskState snapshot;
    float gwrArousal;
    try (var h = harness()) {
      h.open();
      // generation lags: frames 0-2 wait for their edits, so frame 1, a face at a known emotion, waits slimmed
      h.processElement(encoded("alice", 0), 0);
      EncodedFrame enrolled = encoded("alice", 1);
      enrolled.frame.enrolmentArousal = 0.6f; // the PK reads (0.1, -0.1): residual (0.5, 0.4)
      enrolled.frame.enrolmentValence = 0.3f;
      h.processElement(enrolled, 1);
      h.processElement(encoded("alice", 2), 2);
      for (long i = 0; i < 3; i++) {
        h.processElement(edits("alice", i), i);
      }
      h.processElement(encoded("alice", 3), 3);
      AffectPrediction online = h.extractOutputValues().get(3);
      assertEquals(Phase.ONLINE, online.getPhase());
      assertEquals(0.6f, online.getArousal(), 1e-6f, "the only enrolled face's residual on the PK's reading");
      assertEquals(0.3f, online.getValence(), 1e-6f);
      assertTrue(online.getMemorySize() >= 2, "frame 0 and its edits trained the GWR: " + online.getMemorySize());
      // from the first enrolled face on the GWR is never read, so it is not trained any more
      AffectiveMemoryState atEnrolment = memoryOf(h, "alice");
      h.processElement(encoded("alice", 4), 4);
      h.processElement(encoded("alice", 5), 5);
      AffectiveMemoryState later = memoryOf(h, "alice");
      assertEquals(atEnrolment.getTrainingSteps(), later.getTrainingSteps(), "online frames of an enrolled person");
      assertEquals(atEnrolment.getWeights(), later.getWeights());
      assertEquals(0.6f, h.extractOutputValues().get(5).getArousal(), 1e-6f);
      snapshot = h.snapshot(1L, 5L);
    }
    try (var h = harness()) { // the same person without the enrolment: the GWR's edits answer
      h.open();
      for (long i = 0; i < 4; i++) {
        frameAndEdits(h, "alice", i);
      }
      gwrArousal = h.extractOutputValues().get(3).getArousal();
      assertTrue(Math.abs(gwrArousal - 0.6f) > 1e-3, "without enrolment the memory's answer differs: " + gwrArousal);
    }
    try (var h = harness()) { // restored: the enrolled face is in the memory's state
      h.initializeState(snapshot);
      h.open();
      h.processElement(encoded("alice", 6), 6);
      AffectPrediction p = h.extractOutputValues().get(0);
      assertEquals(0.6f, p.getArousal(), 1e-6f);
      assertEquals(0.3f, p.getValence(), 1e-6f);
    }
  }

  @Test
  void waitingForTheMemoryGivesThePapersPredictionsWhateverTheTiming() throws Exception {
    List<AffectPrediction> inStep;
    try (var h = harness(WAIT)) {
      h.open();
      for (long i = 0; i < 6; i++) {
        frameAndEdits(h, "alice", i);
      }
      inStep = h.extractOutputValues();
    }
    try (var h = harness(WAIT)) {
      h.open();
      for (long i = 0; i < 5; i++) {
        h.processElement(encoded("alice", i), i);
      }
      assertEquals(0, h.extractOutputValues().size(), "every frame waits for frame 0's edits");
      h.processElement(edits("alice", 0), 0);
      assertEquals(1, h.extractOutputValues().size(), "frame 0 trained on its edits and predicted");
      h.processElement(edits("alice", 1), 1);
      h.processElement(edits("alice", 2), 2);
      h.processElement(encoded("alice", 5), 5);
      List<AffectPrediction> lagged = h.extractOutputValues();
      assertEquals(6, lagged.size());
      for (int i = 0; i < 6; i++) {
        AffectPrediction a = inStep.get(i);
        AffectPrediction b = lagged.get(i);
        assertEquals(i, b.getFrameIndex());
        assertEquals(i < 3 ? Phase.GENERATING : Phase.ONLINE, b.getPhase());
        assertTrue(b.getBmuActivation() > 0, "the memory's prediction: " + b);
        assertEquals(a.getArousal(), b.getArousal());
        assertEquals(a.getValence(), b.getValence());
        assertEquals(a.getMemorySize(), b.getMemorySize());
      }
    }
  }

  @Test
  void aPersonStartedOverByTheSequencerStartsOverInTheMemory() throws Exception {
    try (var h = harness()) {
      h.open();
      for (long i = 0; i < 5; i++) {
        frameAndEdits(h, "alice", i);
      }
      assertEquals(Phase.ONLINE, h.extractOutputValues().get(4).getPhase());
      // the sequencer's state expired a moment before the memory's: alice comes back as ordinal 0
      EncodedFrame again = encoded("alice", 0);
      again.frame.frameIndex = 100;
      h.processElement(again, 100);
      AffectPrediction p = h.extractOutputValues().get(5);
      assertEquals(Phase.GENERATING, p.getPhase());
      assertEquals(0, p.getMemorySize(), "a new memory, seeded again by the new generation phase");
      assertNull(memoryOf(h, "alice"));
    }
  }

  @Test
  void theStateHoldsThePersonsMemoryAsItsAvroRecord() throws Exception {
    try (var h = harness()) {
      h.open();
      for (long i = 0; i < 4; i++) {
        frameAndEdits(h, "alice", i);
      }
      AffectPrediction last = h.extractOutputValues().get(3);
      var operator = (WriteBackOperator<?, ?>) h.getOperator();
      operator.flush();
      operator.setCurrentKey("alice");
      AffectiveMemoryState state = operator.getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE,
          VoidNamespaceSerializer.INSTANCE, JobState.memory(CONFIG.stateTtl())).value();
      assertEquals(Z, state.getDimension());
      assertEquals(last.getMemorySize(), state.getNeuronCount());
      assertEquals(4L * Z * state.getNeuronCount(), state.getWeights().remaining());
      // 3 generation frames of (8 generated + 1 real) samples and 1 online frame, 3 epochs each
      assertEquals(3L * (3 * 9 + 1), state.getTrainingSteps());
      assertEquals("tiny", state.getModelId(), "the state records the model that built it");
      assertEquals("1", state.getModelVersion());
      assertEquals("aa01", state.getEncoderSha256());
      operator.setCurrentKey("bob");
      assertNull(operator.getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
          JobState.memory(CONFIG.stateTtl())).value());
    }
  }

  @Test
  void idleMemoriesExpireAfterTheTtl() throws Exception {
    try (var h = harness()) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(encoded("alice", 0), 0);
      h.processElement(encoded("bob", 0), 0);
      assertTrue(h.numKeyedStateEntries() > 0);
      assertTrue(h.numProcessingTimeTimers() > 0, "each person has an idle timer pending");
      h.setProcessingTime(Duration.ofMinutes(25).toMillis());
      assertEquals(0, h.numKeyedStateEntries());
      assertEquals(0, h.numProcessingTimeTimers(), "no timer outlives the state it guards");
    }
  }

  @Test
  void aRestoredMemoryPredictsExactlyLikeTheOriginal() throws Exception {
    OperatorSubtaskState snapshot;
    AffectPrediction continued;
    try (var h = harness()) {
      h.open();
      for (long i = 0; i < 5; i++) {
        frameAndEdits(h, "alice", i);
      }
      snapshot = h.snapshot(1L, 5L);
      h.processElement(encoded("alice", 5), 5);
      continued = h.extractOutputValues().get(5);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(encoded("alice", 5), 5);
      AffectPrediction p = restored.extractOutputValues().get(0);
      assertEquals(continued.getArousal(), p.getArousal());
      assertEquals(continued.getValence(), p.getValence());
      assertEquals(continued.getMemorySize(), p.getMemorySize());
      assertEquals(continued.getBmuActivation(), p.getBmuActivation());
    }
  }

  // one band: its arousal reading minus the PK's, over 1, is the PK's arousal bias; n0 1 (half the estimate on frame 1)
  static final BiasCorrection REGIONS = new BiasCorrection(new double[] {0, 0}, new double[] {1, 0, 0, 0},
      new double[] {0, 0}, 1);

  static KeyedOneInputStreamOperatorTestHarness<String, EncodedFrame, AffectPrediction> corrected(JobConfig config)
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new WriteBackOperator<>(new AffectiveMemoryFunction(config, Z, MODEL, REGIONS)),
        new PAffMemJob.EncodedPersonKey(), Types.STRING);
  }

  /** The frame with its band read {@code disagreement} above the PK in arousal. */
  static EncodedFrame banded(String person, long index, float disagreement) {
    EncodedFrame e = encoded(person, index);
    e.bands = new float[] {e.pkArousal + disagreement, e.pkValence};
    return e;
  }

  @Test
  void theRegionsCorrectionSubtractsThePersonsRunningEstimateFromEveryPredictionAndSurvivesARestore() throws Exception {
    OperatorSubtaskState snapshot;
    AffectPrediction plainSixth;
    try (var plain = harness()) { // the same frames without the correction
      plain.open();
      for (long i = 0; i < 6; i++) {
        frameAndEdits(plain, "alice", i);
      }
      plainSixth = plain.extractOutputValues().get(5);
    }
    try (var h = corrected(CONFIG)) {
      h.open();
      float[] d = {0.2f, 0.4f, 0.2f, 0.4f, 0.2f, 0.4f};
      for (long i = 0; i < 5; i++) {
        h.processElement(banded("alice", i, d[(int) i]), i);
        if (i < CONFIG.generationFrames()) {
          h.processElement(edits("alice", i), i);
        }
      }
      List<AffectPrediction> out = h.extractOutputValues();
      // frame 0 (PK while seeding): estimate 0.2 shrunk by 1 / (1 + 1); frame 1: mean 0.3 by 2 / 3
      assertEquals(0.1f - 0.1f, out.get(0).getArousal(), 1e-6);
      assertEquals(0.1f - 0.3f * 2 / 3, out.get(1).getArousal(), 1e-6);
      assertEquals(-0.1f, out.get(1).getValence(), 1e-6, "the band agrees with the PK in valence: no correction");
      assertEquals(0.1f, out.get(1).getPkArousal(), "the PK's own reading is reported as it is");
      snapshot = h.snapshot(1L, 5L);
    }
    try (var restored = corrected(CONFIG)) { // the running sums are in the checkpoint
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(banded("alice", 5, 0.4f), 5);
      AffectPrediction p = restored.extractOutputValues().get(0);
      float mean = (0.2f + 0.4f + 0.2f + 0.4f + 0.2f + 0.4f) / 6;
      assertEquals(plainSixth.getArousal() - mean * 6 / 7, p.getArousal(), 1e-5, "the memory's output, corrected");
      assertEquals(plainSixth.getValence(), p.getValence(), 1e-6);
      // the person started over by the sequencer: the estimate starts over too
      EncodedFrame again = banded("alice", 0, -0.6f);
      again.frame.frameIndex = 100;
      restored.processElement(again, 100);
      assertEquals(0.1f + 0.3f, restored.extractOutputValues().get(1).getArousal(), 1e-6);
    }
  }

  @Test
  void anEnrolledPersonIsCorrectedByTheirEnrolledFacesNotByTheRegions() throws Exception {
    try (var h = corrected(CONFIG)) {
      h.open();
      h.processElement(banded("alice", 0, 0.4f), 0);
      EncodedFrame enrolled = banded("alice", 1, 0.4f);
      enrolled.frame.enrolmentArousal = 0.6f; // the PK reads (0.1, -0.1): residual (0.5, 0.4)
      enrolled.frame.enrolmentValence = 0.3f;
      h.processElement(enrolled, 1);
      h.processElement(banded("alice", 2, 0.4f), 2);
      for (long i = 0; i < 3; i++) {
        h.processElement(edits("alice", i), i);
      }
      h.processElement(banded("alice", 3, 0.4f), 3);
      List<AffectPrediction> out = h.extractOutputValues();
      assertEquals(0.1f - 0.4f / 2, out.get(0).getArousal(), 1e-6, "before the memory: the PK, corrected");
      assertEquals(0.6f, out.get(3).getArousal(), 1e-6f, "the enrolled face's residual on the PK's reading, uncorrected");
      assertEquals(0.3f, out.get(3).getValence(), 1e-6f);
    }
  }

  @Test
  void aFrameThatWaitsForTheMemoryKeepsTheEstimateOfItsOwnTime() throws Exception {
    try (var h = corrected(WAIT)) {
      h.open();
      // frames 0-2 arrive before any edits: each keeps the estimate as of its arrival, not of its emission
      for (long i = 0; i < 3; i++) {
        h.processElement(banded("alice", i, i == 0 ? 0.6f : 0f), i);
      }
      for (long i = 0; i < 3; i++) {
        h.processElement(edits("alice", i), i);
      }
      List<AffectPrediction> out = h.extractOutputValues();
      assertEquals(3, out.size());
      try (var plain = harness(WAIT)) {
        plain.open();
        for (long i = 0; i < 3; i++) {
          plain.processElement(encoded("alice", i), i);
        }
        for (long i = 0; i < 3; i++) {
          plain.processElement(edits("alice", i), i);
        }
        List<AffectPrediction> base = plain.extractOutputValues();
        float[] estimate = {0.6f / 2, 0.3f * 2 / 3, 0.2f * 3 / 4};
        for (int i = 0; i < 3; i++) {
          assertEquals(Math.max(-1f, base.get(i).getArousal() - estimate[i]), out.get(i).getArousal(), 1e-5, "frame " + i);
        }
      }
    }
  }

  /** A frame as the sequencer passes it on after a model change: the person's first frame again (GENERATING). */
  static EncodedFrame reonboarding(String person, long index) {
    EncodedFrame e = encoded(person, 0);
    e.frame.frameIndex = index;
    return e;
  }

  /** That frame, then its edits (ordinal 0 again). */
  static void reonboard(KeyedOneInputStreamOperatorTestHarness<String, EncodedFrame, AffectPrediction> h,
      String person, long index) throws Exception {
    h.processElement(reonboarding(person, index), index);
    EncodedFrame edits = edits(person, 0);
    edits.frame.frameIndex = index;
    h.processElement(edits, index);
  }

  @Test
  void aMemoryBuiltWithAnotherModelIsNeverUsedAndTheNewOneRecordsTheNewModel() throws Exception {
    OperatorSubtaskState snapshot;
    int grown;
    try (var h = harness(WAIT, new ModelIdentity("model-a", "1", "aa01"))) {
      h.open();
      for (long i = 0; i < 8; i++) {
        frameAndEdits(h, "alice", i);
      }
      grown = memoryOf(h, "alice").getNeuronCount();
      snapshot = h.snapshot(1L, 8L);
    }
    int fresh;
    try (var h = harness(WAIT, new ModelIdentity("model-b", "1", "bb02"))) {
      h.open();
      reonboard(h, "alice", 8);
      fresh = memoryOf(h, "alice").getNeuronCount();
    }
    assertTrue(grown > fresh, "a first frame alone builds a smaller memory (" + fresh + ") than 8 frames (" + grown + ")");
    for (ModelIdentity other : List.of(new ModelIdentity("model-b", "1", "aa01"), new ModelIdentity("model-a", "2", "aa01"),
        new ModelIdentity("model-a", "1", "cc03"))) {
      try (var h = harness(WAIT, other)) {
        h.initializeState(snapshot);
        h.open();
        reonboard(h, "alice", 8);
        AffectPrediction p = h.extractOutputValues().get(0);
        AffectiveMemoryState state = memoryOf(h, "alice");
        assertEquals(fresh, p.getMemorySize(), other + ": the old model's memory was dropped, not trained further");
        assertEquals(3L * 9, state.getTrainingSteps(), other + ": only this frame's samples trained the memory");
        assertEquals(other.modelId(), state.getModelId());
        assertEquals(other.modelVersion(), state.getModelVersion());
        assertEquals(other.encoderSha256(), state.getEncoderSha256());
        assertEquals(other.modelId(), p.getModelId());
      }
    }
    try (var same = harness(WAIT, new ModelIdentity("model-a", "1", "aa01"))) {
      same.initializeState(snapshot);
      same.open();
      same.processElement(encoded("alice", 8), 8);
      assertTrue(memoryOf(same, "alice").getTrainingSteps() > 3L * 9 * 3, "the same model keeps training the memory");
    }
  }

  @Test
  void aMemoryThatRecordsNoModelIsDropped() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness(WAIT, MODEL)) {
      h.open();
      for (long i = 0; i < 5; i++) {
        frameAndEdits(h, "alice", i);
      }
      snapshot = h.snapshot(1L, 5L);
    }
    try (var h = harness(WAIT, MODEL)) {
      h.initializeState(snapshot);
      h.open();
      AffectiveMemoryState unrecorded = memoryOf(h, "alice");
      unrecorded.setModelId("");
      unrecorded.setModelVersion("");
      unrecorded.setEncoderSha256(""); // as a state written before the model was recorded reads
      var operator = (WriteBackOperator<?, ?>) h.getOperator();
      operator.setCurrentKey("alice"); // a restored operator has not read alice yet: she is loaded from this state
      operator.getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
          JobState.memory(CONFIG.stateTtl())).update(unrecorded);
      reonboard(h, "alice", 5);
      AffectiveMemoryState now = memoryOf(h, "alice");
      assertEquals(3L * 9, now.getTrainingSteps(), "a fresh memory, trained on this frame only");
      assertEquals("tiny", now.getModelId());
    }
  }
  /** Frames 0..9 of three persons, interleaved, with the generation frames' edits; a snapshot after {@code cut} rounds. */
  static List<AffectPrediction> interleaved(JobConfig config, int cut) throws Exception {
    List<String> persons = List.of("alice", "bob", "carol");
    List<AffectPrediction> out = new java.util.ArrayList<>();
    OperatorSubtaskState snapshot = null;
    try (var h = harness(config)) {
      h.open();
      for (long i = 0; i < (cut < 0 ? 10 : cut); i++) {
        for (String person : persons) {
          frameAndEdits(h, person, i);
        }
      }
      out.addAll(h.extractOutputValues());
      if (cut >= 0) {
        snapshot = h.snapshot(1L, cut);
      }
    }
    if (snapshot != null) {
      out.addAll(restoredRounds(config, snapshot, cut, persons));
    }
    return out;
  }

  /** A new operator (an empty cache, everything from the checkpoint) restored from {@code snapshot}: rounds from..9. */
  static List<AffectPrediction> restoredRounds(JobConfig config, OperatorSubtaskState snapshot, long from,
      List<String> persons) throws Exception {
    try (var restored = harness(config)) {
      restored.initializeState(snapshot);
      restored.open();
      for (long i = from; i < 10; i++) {
        for (String person : persons) {
          frameAndEdits(restored, person, i);
        }
      }
      return restored.extractOutputValues();
    }
  }

  @Test
  void cachedMemoriesPredictExactlyAsTheStateRoundTripAcrossCheckpointsAndEvictions() throws Exception {
    JobConfig noCache = JobConfig.parse("--generation-frames", "3", "--generation-targets", "8", "--state-ttl", "10min",
        "--memory-epochs", "3", "--state-cache-persons", "0");
    JobConfig onePerson = JobConfig.parse("--generation-frames", "3", "--generation-targets", "8", "--state-ttl", "10min",
        "--memory-epochs", "3", "--state-cache-persons", "1");
    List<AffectPrediction> reference = interleaved(noCache, -1); // every frame reads and writes the state
    assertEquals(30, reference.size());
    // the default cache, restored from a checkpoint taken mid-stream (after the generation phase, and inside it)
    for (int cut : new int[] {5, 2}) {
      assertSamePredictions(reference, interleaved(CONFIG, cut), "cached, restored after round " + cut);
    }
    // a cache of one person: every other person's frame writes back the one before it (under that one's key)
    assertSamePredictions(reference, interleaved(onePerson, -1), "one cached person");
    assertSamePredictions(reference, interleaved(onePerson, 4), "one cached person, restored");
  }

  /**
   * Frames 0..9 of three persons, one per person every second of processing time, and a checkpoint every second:
   * so each person is written back early, after its frame (its next one comes after the next checkpoint), and the
   * checkpoints find nothing to write. Restored from the checkpoint after {@code cut} rounds, the predictions must not
   * change.
   */
  @Test
  void personsWrittenBackEarlyAreInTheCheckpoint() throws Exception {
    List<AffectPrediction> reference = interleaved(JobConfig.parse("--generation-frames", "3", "--generation-targets",
        "8", "--state-ttl", "10min", "--memory-epochs", "3", "--state-cache-persons", "0"), -1);
    List<String> persons = List.of("alice", "bob", "carol");
    int cut = 6;
    List<AffectPrediction> out = new java.util.ArrayList<>();
    OperatorSubtaskState snapshot = null;
    try (var h = harness()) {
      h.open();
      for (long i = 0; i < cut; i++) {
        h.setProcessingTime(1_000 * (i + 1));
        for (String person : persons) {
          frameAndEdits(h, person, i);
        }
        snapshot = h.snapshot(i + 1, i);
      }
      var cache = ((dev.paffmem.job.state.WritesBack) ((WriteBackOperator<?, ?>) h.getOperator()).getUserFunction())
          .writeBackCache();
      // from the third round on (two checkpoints give the interval, two frames a person's gap) every change is early:
      // the frame, and in round 2 (a generation frame) the edits that train the memory after it once more
      assertEquals(3L * (cut - 2) + 3, cache.earlyWrites(), "persons written back early");
      assertEquals(0, cache.flush(), "the last checkpoint found every person written already");
      out.addAll(h.extractOutputValues());
    }
    out.addAll(restoredRounds(CONFIG, snapshot, cut, persons));
    assertSamePredictions(reference, out, "written back early, restored after round " + cut);
  }

  static void assertSamePredictions(List<AffectPrediction> expected, List<AffectPrediction> actual, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      AffectPrediction e = expected.get(i);
      AffectPrediction a = actual.get(i);
      String at = what + ", prediction " + i + " (" + e.getPersonId() + " " + e.getFrameIndex() + ")";
      assertEquals(e.getPersonId(), a.getPersonId(), at);
      assertEquals(e.getFrameIndex(), a.getFrameIndex(), at);
      assertEquals(e.getPhase(), a.getPhase(), at);
      assertEquals(e.getArousal(), a.getArousal(), at);
      assertEquals(e.getValence(), a.getValence(), at);
      assertEquals(e.getMemorySize(), a.getMemorySize(), at);
      assertEquals(e.getBmuActivation(), a.getBmuActivation(), at);
    }
  }
}
