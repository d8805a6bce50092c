package dev.paffmem.job.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.TestFrames;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.config.JobConfig.ModelPrecision;
import dev.paffmem.job.inference.scheduling.GenerationQueue;
import dev.paffmem.job.records.EncodedFrame;
import dev.paffmem.job.records.Frame;
import dev.paffmem.job.records.PixelArrays;
import dev.paffmem.job.sequence.FrameSequencerTest;
import dev.paffmem.schema.Phase;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Micro-batching: flush by size, by wait, before the checkpoint barrier; order; generation off the online
 * path (frames first, edits later, in chunks, restored from a checkpoint); shared model.
 * Every behaviour is checked with the model on the task thread and on the operator's inference thread
 * ({@code async}), where a batch's results arrive through the task's mailbox.
 */
class BatchedInferenceOperatorTest {

  static final ModelManifest MODEL = ModelManifest.load(TestFrames.tinyModel());

  static KeyedOneInputStreamOperatorTestHarness<String, Frame, EncodedFrame> harness(int batch, int targets)
      throws Exception {
    return harness(batch, targets, false);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, Frame, EncodedFrame> harness(int batch, int targets,
      boolean async) throws Exception {
    return harness(batch, targets, 5, 1.0, async);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, Frame, EncodedFrame> harness(int batch, int targets, int chunk,
      double share, boolean async) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new BatchedInferenceOperator(MODEL, Device.CPU, ModelPrecision.FP32, 1, batch, Duration.ofMillis(20), targets, chunk, share, async),
        new PAffMemJob.PersonKey(), Types.STRING);
  }

  /**
   * The output once {@code expected} records are out: with async inference, runs the task's mails (the
   * inference thread's emissions) as the task thread would, for at most 30 s; without, the output as it is.
   */
  static List<EncodedFrame> output(OneInputStreamOperatorTestHarness<Frame, EncodedFrame> h, int expected)
      throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (h.extractOutputValues().size() < expected && System.nanoTime() < deadline) {
      Optional<Mail> mail = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY);
      if (mail.isPresent()) {
        mail.get().run();
      } else {
        Thread.sleep(1);
      }
    }
    return h.extractOutputValues();
  }

  static Frame frame(String person, long index, Phase phase) {
    Frame f = FrameSequencerTest.frame(person, index);
    f.phase = phase;
    f.originalKey = null;
    f.originalValue = null;
    return f;
  }

  @Test
  void theRegionsBandReadersReadEveryStrideThFrameOfAPersonBelowTheCap() throws Exception {
    ModelManifest demo = ModelManifest.load(java.nio.file.Path.of("..", "models", "demo-pk"));
    var op = new BatchedInferenceOperator(demo, Device.CPU, ModelPrecision.FP32, 1, 4, Duration.ofMillis(20), 8, 4, 1.0,
        false).regions(true, 2, 5);
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(op, new PAffMemJob.PersonKey(), Types.STRING)) {
      h.open();
      for (long i = 0; i < 8; i++) {
        Frame f = frame("a", i, Phase.ONLINE);
        f.ordinal = i;
        h.processElement(f, i);
      }
      List<EncodedFrame> out = output(h, 8);
      assertEquals(8, out.size());
      for (EncodedFrame e : out) {
        boolean read = e.frame.ordinal % 2 == 0 && e.frame.ordinal < 5; // 0, 2, 4
        assertEquals(read ? 6 : 0, e.bands.length, "ordinal " + e.frame.ordinal);
        for (float v : e.bands) {
          assertTrue(Float.isFinite(v));
        }
      }
    }
    ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> new BatchedInferenceOperator(MODEL,
        Device.CPU, ModelPrecision.FP32, 1, 4, Duration.ofMillis(20), 8, 4, 1.0, false).regions(true, 10, 0));
    assertTrue(e.getMessage().contains("has no models.regions"), e.getMessage());
  }

  @ParameterizedTest(name = "async inference {0}")
  @ValueSource(booleans = {false, true})
  void flushesWhenTheBatchIsFullAndKeepsArrivalOrder(boolean async) throws Exception {
    try (var h = harness(4, 8, async)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(frame("a", 0, Phase.ONLINE), 1);
      h.processElement(frame("b", 0, Phase.ONLINE), 2);
      h.processElement(frame("a", 1, Phase.ONLINE), 3);
      assertEquals(0, h.extractOutputValues().size(), "3 of 4 rows: still buffered");
      h.processElement(frame("c", 0, Phase.ONLINE), 4);
      List<EncodedFrame> out = output(h, 4);
      assertEquals(List.of("a0", "b0", "a1", "c0"), out.stream().map(e -> e.frame.personId + e.frame.frameIndex).toList());
      assertEquals(List.of(1L, 2L, 3L, 4L), h.extractOutputStreamRecords().stream().map(r -> r.getTimestamp()).toList());
      for (EncodedFrame e : out) {
        assertEquals(MODEL.zDim(), e.z.length);
        assertEquals(0, e.generatedCount());
        assertNull(e.frame.rgb, "pixels are dropped after encoding");
      }
    }
  }

  @Test
  void onlineCallsAreOfTheGivenRowsOrOnTheCpuOf16WhenLeftToTheJob() throws Exception {
    for (int[] c : new int[][] {{-1, 64, 64}, {0, 64, BatchedInferenceOperator.CPU_CALL_ROWS}, {0, 8, 8}, {5, 64, 5}}) {
      var op = new BatchedInferenceOperator(MODEL, Device.CPU, ModelPrecision.FP32, 1, c[1], Duration.ofMillis(20), 8, 4,
          1.0, false);
      if (c[0] >= 0) {
        op.onlineCallRows(c[0]); // -1: not called, one call per batch
      }
      try (var h = new KeyedOneInputStreamOperatorTestHarness<>(op, new PAffMemJob.PersonKey(), Types.STRING)) {
        h.open();
        assertEquals(c[2], op.callRows(), java.util.Arrays.toString(c));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new BatchedInferenceOperator(MODEL, Device.CPU,
        ModelPrecision.FP32, 1, 64, Duration.ofMillis(20), 8, 4, 1.0, false).onlineCallRows(-1));
  }

  @ParameterizedTest(name = "async inference {0}")
  @ValueSource(booleans = {false, true})
  void flushesAfterTheMaximumWait(boolean async) throws Exception {
    try (var h = harness(64, 8, async)) {
      h.open();
      h.setProcessingTime(100);
      h.processElement(frame("a", 0, Phase.ONLINE), 1);
      h.setProcessingTime(110);
      assertEquals(0, output(h, 0).size());
      h.setProcessingTime(120);
      assertEquals(1, output(h, 1).size());
    }
  }

  @ParameterizedTest(name = "async inference {0}")
  @ValueSource(booleans = {false, true})
  void flushesBeforeTheCheckpointBarrierSoNoFrameIsInTheSnapshot(boolean async) throws Exception {
    try (var h = harness(64, 8, async)) {
      h.open();
      h.processElement(frame("a", 0, Phase.ONLINE), 1);
      h.processElement(frame("b", 0, Phase.ONLINE), 1);
      h.prepareSnapshotPreBarrier(1L); // returns only when everything buffered or in flight is out
      assertEquals(2, h.extractOutputValues().size());
      h.snapshot(1L, 2L);
    }
  }

  /**
   * Runs generation until {@code expected} records are out: moves processing time on a second at a time
   * (generation timers: the share gate, or each chunk without a model thread) and runs the task's mails.
   */
  static List<EncodedFrame> generated(KeyedOneInputStreamOperatorTestHarness<String, Frame, EncodedFrame> h, int expected)
      throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    long t = h.getProcessingTime();
    while (h.extractOutputValues().size() < expected && System.nanoTime() < deadline) {
      t += 1000;
      h.setProcessingTime(t);
      runMails(h, 5);
    }
    return h.extractOutputValues();
  }

  /** Runs the task's mails as they come for {@code millis}. */
  static void runMails(OneInputStreamOperatorTestHarness<Frame, EncodedFrame> h, long millis) throws Exception {
    long until = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < until) {
      Optional<Mail> mail = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY);
      if (mail.isPresent()) {
        mail.get().run();
      } else {
        Thread.sleep(1);
      }
    }
  }

  @ParameterizedTest(name = "async inference {0}")
  @ValueSource(booleans = {false, true})
  void onlinePixelsGoBackToTheTaskThreadWhileAGenerationFrameKeepsItsOwn(boolean async) throws Exception {
    try (var h = harness(3, 8, 5, 1.0, async)) {
      h.open();
      h.setProcessingTime(0);
      Frame online1 = frame("a", 0, Phase.ONLINE);
      Frame generating = frame("b", 0, Phase.GENERATING);
      Frame online2 = frame("c", 0, Phase.ONLINE);
      byte[] generatingRgb = generating.rgb;
      byte[] generatingCopy = generatingRgb.clone();
      List<byte[]> onlineRgb = List.of(online1.rgb, online2.rgb);
      h.processElement(online1, 1);
      h.processElement(generating, 1);
      h.processElement(online2, 1);
      output(h, 3); // the batch's emission ran here, on the thread that runs the task's mails
      Set<byte[]> pooled = Collections.newSetFromMap(new IdentityHashMap<>());
      for (int i = 0; i < 64; i++) {
        byte[] a = PixelArrays.take(generatingRgb.length);
        pooled.add(a);
        Arrays.fill(a, (byte) 7); // as the decoder would overwrite it
      }
      for (byte[] a : onlineRgb) {
        assertTrue(pooled.contains(a), "an online frame's pixels are given back for the next decoded frame");
      }
      assertFalse(pooled.contains(generatingRgb), "a generation frame's pixels stay with its generation work");
      List<EncodedFrame> out = generated(h, 4);
      assertArrayEquals(generatingCopy, generatingRgb, "pixels the generation still reads are never reused");
      try (PkModel model = PkModel.open(MODEL, Device.CPU, 1)) {
        float[] whole = model.generateAndEncode(generatingCopy, out.get(1).z, GenerationTargets.halton(8), (r, n) -> { });
        assertArrayEquals(whole, out.get(3).generatedZ, 1e-5f);
      }
    }
  }

  @ParameterizedTest(name = "async inference {0}")
  @ValueSource(booleans = {false, true})
  void generatingFramesAreEmittedAtOnceAndTheirEditsLater(boolean async) throws Exception {
    try (var h = harness(3, 8, 5, 1.0, async)) { // 8 targets in chunks of 5 and 3
      h.open();
      h.setProcessingTime(0);
      Frame a = frame("a", 0, Phase.GENERATING);
      Frame b = frame("b", 0, Phase.GENERATING);
      byte[] aRgb = a.rgb.clone();
      h.processElement(a, 1);
      h.processElement(b, 1);
      h.processElement(frame("c", 0, Phase.ONLINE), 1);
      h.prepareSnapshotPreBarrier(1L);
      List<EncodedFrame> frames = h.extractOutputValues();
      assertEquals(3, frames.size(), "the three frames are out before any generation finished");
      for (EncodedFrame e : frames) {
        assertEquals(false, e.edits);
        assertEquals(0, e.generatedCount());
        assertEquals(MODEL.zDim(), e.z.length);
      }
      List<EncodedFrame> out = generated(h, 5);
      assertEquals(5, out.size());
      float[] targets = GenerationTargets.halton(8);
      for (int i = 0; i < 2; i++) {
        EncodedFrame e = out.get(3 + i);
        assertTrue(e.edits);
        assertEquals(i == 0 ? "a" : "b", e.frame.personId);
        assertEquals(0L, e.frame.ordinal);
        assertEquals(8, e.generatedCount());
        assertEquals(8 * MODEL.zDim(), e.generatedZ.length);
        assertEquals(16, e.generatedPk.length);
        assertArrayEquals(targets, e.generatedTargets);
      }
      // the edits in chunks are G + E of the whole frame in one call
      try (PkModel model = PkModel.open(MODEL, Device.CPU, 1)) {
        float[] whole = model.generateAndEncode(aRgb, frames.get(0).z, targets, (r, n) -> { });
        assertArrayEquals(whole, out.get(3).generatedZ, 1e-5f);
      }
      assertEquals(0, h.numKeyedStateEntries(), "no generation work left in state");
    }
  }

  @Test
  void onlineFramesOvertakeAGenerationInProgress() throws Exception {
    try (var h = harness(1, 64, 2, 1.0, true)) { // 32 chunks of generation for one frame
      h.open();
      h.processElement(frame("new", 0, Phase.GENERATING), 1);
      output(h, 1);
      for (int i = 0; i < 5; i++) {
        h.processElement(frame("old", 100 + i, Phase.ONLINE), 2);
      }
      List<EncodedFrame> out = output(h, 6);
      assertEquals(6, out.size());
      for (int i = 1; i < 6; i++) {
        assertEquals("old", out.get(i).frame.personId, "online frames do not wait for the new person's generation");
      }
      assertEquals(true, generated(h, 7).get(6).edits);
    }
  }

  @Test
  void theShareGateHoldsTheNextChunkBack() throws Exception {
    try (var h = harness(1, 6, 2, 0.001, true)) { // after a chunk of d ms the next may start 999 d later
      h.open();
      h.setProcessingTime(0);
      h.processElement(frame("new", 0, Phase.GENERATING), 1);
      output(h, 1);
      var op = (BatchedInferenceOperator) h.getOneInputOperator();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (h.getProcessingTimeService().getNumActiveTimers() == 0 && System.nanoTime() < deadline) {
        runMails(h, 1); // the first chunk runs; when it is done the gate closes and a timer waits for it
      }
      assertEquals(1, h.getProcessingTimeService().getNumActiveTimers());
      runMails(h, 50);
      assertEquals(1, h.extractOutputValues().size(), "no processing time passed: no further chunk ran");
      assertEquals(1, op.generationQueueSize());
      assertEquals(true, generated(h, 2).get(1).edits, "it goes on once processing time passes");
    }
  }

  @Test
  void onlineBatchesThatFillUpHoldGenerationBack() throws Exception {
    try (var h = harness(8, 6, 2, 0.5, true)) {
      h.open();
      h.setProcessingTime(0);
      var op = (BatchedInferenceOperator) h.getOneInputOperator();
      h.processElement(frame("old", 0, Phase.ONLINE), 1);
      h.setProcessingTime(20); // the batch of one is due by its wait: the online path keeps up
      output(h, 1);
      assertEquals(0.5, op.generationShare(), 1e-12);
      for (int i = 1; i <= 8; i++) {
        h.processElement(frame("old", i, Phase.ONLINE), 2); // the eighth fills the batch: frames queue behind the model
      }
      output(h, 9);
      assertEquals(0.25, op.generationShare(), 1e-12);
    }
    try (var h = harness(4, 6, 2, 0.5, true)) {
      h.open();
      h.setProcessingTime(0);
      for (int i = 0; i < 4; i++) {
        h.processElement(frame("old", i, Phase.ONLINE), 1);
      }
      output(h, 4);
      assertEquals(0.5, ((BatchedInferenceOperator) h.getOneInputOperator()).generationShare(), 1e-12,
          "batches this small fill at ordinary rates: no signal");
    }
  }

  @Test
  void aCheckpointHoldsPendingGenerationAndARestoreRedoesItIdentically() throws Exception {
    OperatorSubtaskState snapshot;
    EncodedFrame uninterrupted;
    try (var h = harness(1, 8, 3, 0.5, false)) { // model on the task thread: one chunk per timer
      h.open();
      h.setProcessingTime(0);
      h.processElement(frame("a", 0, Phase.GENERATING), 1);
      assertEquals(1, h.extractOutputValues().size(), "the frame itself is out at once");
      h.setProcessingTime(0); // the first chunk (3 of 8 targets); the gate holds the next until time passes
      assertEquals(1, h.extractOutputValues().size());
      h.prepareSnapshotPreBarrier(1L); // does not wait for the frame's generation
      snapshot = h.snapshot(1L, 1L);
      assertEquals(1, h.numKeyedStateEntries(), "the frame's generation work is in the checkpoint");
      uninterrupted = generated(h, 2).get(1);
      assertEquals(0, h.numKeyedStateEntries(), "done: the work left the state");
    }
    try (var restored = harness(1, 8, 3, 0.5, false)) {
      restored.initializeState(snapshot);
      restored.open();
      List<EncodedFrame> out = generated(restored, 1);
      assertEquals(1, out.size(), "only the edits: the frame itself was emitted before the checkpoint");
      EncodedFrame e = out.get(0);
      assertTrue(e.edits);
      assertEquals("a", e.frame.personId);
      assertArrayEquals(uninterrupted.generatedZ, e.generatedZ, 0f);
      assertArrayEquals(uninterrupted.generatedPk, e.generatedPk, 0f);
      assertEquals(0, restored.numKeyedStateEntries());
    }
  }

  @ParameterizedTest(name = "async inference {0}")
  @ValueSource(booleans = {false, true})
  void endOfInputFinishesEveryPendingGeneration(boolean async) throws Exception {
    try (var h = harness(2, 20, 3, 0.01, async)) {
      h.open();
      h.processElement(frame("a", 0, Phase.GENERATING), 1);
      h.processElement(frame("b", 0, Phase.GENERATING), 1);
      h.getOneInputOperator().finish();
      List<EncodedFrame> out = h.extractOutputValues();
      assertEquals(4, out.size());
      assertEquals(2, out.stream().filter(e -> e.edits).count());
    }
  }

  @ParameterizedTest(name = "skip within {0}")
  @ValueSource(doubles = {0.0, 1e-3})
  void nearDuplicateGenerationFramesAreNotEditedWhenAsked(double skipNearZ) throws Exception {
    var op = new BatchedInferenceOperator(MODEL, Device.CPU, ModelPrecision.FP32, 1, 1, Duration.ofMillis(20), 4, 4,
        1.0, false, 3, skipNearZ);
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(op, new PAffMemJob.PersonKey(), Types.STRING)) {
      h.open();
      Frame f0 = frame("a", 0, Phase.GENERATING);
      Frame f1 = frame("a", 1, Phase.GENERATING);
      f1.ordinal = 1;
      f1.rgb = f0.rgb.clone(); // the same picture again: the same z
      Frame f2 = frame("a", 2, Phase.GENERATING);
      f2.ordinal = 2;
      f2.rgb = TestFrames.rgb("someone else", 7, 96, 96);
      h.processElement(f0, 1);
      h.processElement(f1, 2);
      h.processElement(f2, 3);
      h.getOneInputOperator().finish();
      List<EncodedFrame> edits = h.extractOutputValues().stream().filter(e -> e.edits)
          .sorted(Comparator.comparingLong(e -> e.frame.ordinal)).toList();
      assertEquals(List.of(0L, 1L, 2L), edits.stream().map(e -> e.frame.ordinal).toList(),
          "every generation frame gets its edits record: the memory trains each once they are here");
      boolean skipping = skipNearZ > 0;
      assertEquals(List.of(4, skipping ? 0 : 4, 4), edits.stream().map(EncodedFrame::generatedCount).toList());
      assertEquals(0, h.numKeyedStateEntries(), "the edited z's are cleared after the person's generation frames");
    }
  }

  @ParameterizedTest(name = "skip once enrolled: {0}")
  @ValueSource(booleans = {false, true})
  void generationFramesFromAPersonsFirstEnrolledFaceOnAreNotEditedWhenAsked(boolean skip) throws Exception {
    var op = new BatchedInferenceOperator(MODEL, Device.CPU, ModelPrecision.FP32, 1, 1, Duration.ofMillis(20), 4, 4,
        1.0, false, 4, 0.0).skipGenerationOnceEnrolled(skip);
    try (var h = new KeyedOneInputStreamOperatorTestHarness<>(op, new PAffMemJob.PersonKey(), Types.STRING)) {
      h.open();
      for (int i = 0; i < 4; i++) { // a: frame 1 is an enrolled face; b: never enrolled
        for (String person : List.of("a", "b")) {
          Frame f = frame(person, i, Phase.GENERATING);
          f.ordinal = i;
          if (person.equals("a") && i == 1) {
            f.enrolmentArousal = 0.5f;
            f.enrolmentValence = -0.5f;
          }
          h.processElement(f, i);
        }
      }
      // c enrols at its frame 0, is cut short (say, expired) and starts over at ordinal 0 without enrolling
      int[] ordinals = {0, 0, 1, 2, 3};
      for (int k = 0; k < ordinals.length; k++) {
        Frame f = frame("c", 100 + k, Phase.GENERATING);
        f.ordinal = ordinals[k];
        if (k == 0) {
          f.enrolmentArousal = 0.5f;
          f.enrolmentValence = -0.5f;
        }
        h.processElement(f, 10 + k);
      }
      h.getOneInputOperator().finish();
      List<EncodedFrame> edits = h.extractOutputValues().stream().filter(e -> e.edits)
          .sorted(Comparator.comparing((EncodedFrame e) -> e.frame.personId).thenComparingLong(e -> e.frame.ordinal))
          .toList();
      assertEquals(13, edits.size(), "every generation frame still gets its edits record");
      assertEquals(skip ? List.of(4, 0, 0, 0, 4, 4, 4, 4) : List.of(4, 4, 4, 4, 4, 4, 4, 4),
          edits.subList(0, 8).stream().map(EncodedFrame::generatedCount).toList(),
          "a's frames from its enrolled face on are not edited; b's are");
      assertEquals(skip ? List.of(0, 4, 4, 4, 4) : List.of(4, 4, 4, 4, 4),
          edits.subList(8, 13).stream().sorted(Comparator.comparingLong(e -> e.frame.frameIndex))
              .map(EncodedFrame::generatedCount).toList(),
          "c's enrolled frame is not edited; started over without enrolling, c is edited again");
      assertEquals(0, h.numKeyedStateEntries(), "the flag is cleared after the person's generation frames");
    }
  }

  @Test
  void allSubtasksShareOneModelWhichClosesWithTheLast() throws Exception {
    int before = SharedPkModel.openCount();
    var a = harness(4, 8);
    var b = harness(4, 8);
    a.open();
    b.open();
    assertEquals(before + 1, SharedPkModel.openCount());
    assertEquals(2, SharedPkModel.references(MODEL, Device.CPU, 1));
    a.close();
    assertEquals(before + 1, SharedPkModel.openCount());
    b.close();
    assertEquals(before, SharedPkModel.openCount());
  }

  @Test
  void asyncInferenceEmitsBatchAfterBatchInArrivalOrder() throws Exception {
    try (var h = harness(2, 8, true)) {
      h.open();
      for (int i = 0; i < 10; i++) { // five batches; the task thread waits only while the next one is full
        h.processElement(frame("p" + (i % 3), i, Phase.ONLINE), i);
      }
      h.prepareSnapshotPreBarrier(1L);
      List<EncodedFrame> out = h.extractOutputValues();
      assertEquals(10, out.size());
      for (int i = 0; i < 10; i++) {
        assertEquals("p" + (i % 3) + "/" + i, out.get(i).frame.personId + "/" + out.get(i).frame.frameIndex);
      }
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L),
          h.extractOutputStreamRecords().stream().map(r -> r.getTimestamp()).toList());
    }
  }

  @Test
  void asyncInferenceRunsTheModelOffTheTaskThread() throws Exception {
    try (var h = harness(1, 8, true)) {
      h.open();
      h.processElement(frame("a", 0, Phase.ONLINE), 1);
      // the batch is submitted, not run: its result comes only through the mailbox
      assertEquals(0, h.extractOutputValues().size());
      assertEquals(1, output(h, 1).size());
    }
  }

  @Test
  void anInferenceErrorOnTheInferenceThreadFailsTheTask() throws Exception {
    try (var h = harness(1, 8, true)) {
      h.open();
      Frame bad = frame("a", 0, Phase.ONLINE);
      bad.rgb = new byte[7]; // not an image of the model's size
      h.processElement(bad, 1);
      RuntimeException e = assertThrows(RuntimeException.class, () -> h.prepareSnapshotPreBarrier(1L));
      assertTrue(e.getMessage().contains("PK inference of a batch of 1 frames failed"), e.getMessage());
    }
  }

  @Test
  void haltonTargetsCoverTheSquare() {
    float[] t = GenerationTargets.halton(200);
    int[] quadrants = new int[4];
    for (int i = 0; i < 200; i++) {
      float a = t[2 * i];
      float v = t[2 * i + 1];
      assertEquals(true, a >= -1 && a < 1 && v >= -1 && v < 1);
      quadrants[(a < 0 ? 0 : 1) + (v < 0 ? 0 : 2)]++;
    }
    for (int q : quadrants) {
      assertEquals(50, q, 4);
    }
    assertEquals(0f, t[0]);
  }
}
