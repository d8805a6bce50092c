package dev.paffmem.job.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.TestFrames;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.inference.SharedPkModel;
import dev.paffmem.job.model.EncodedFrame;
import dev.paffmem.job.model.Frame;
import dev.paffmem.schema.Phase;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Micro-batching: flush by size, by wait, before the checkpoint barrier; order; generation rows; shared model.
 * Every behaviour is checked with the model on the task thread and on the operator's inference thread
 * ({@code async}), where a batch's results arrive through the task's mailbox.
 */
class BatchedInferenceOperatorTest {

  static final ModelManifest MODEL = ModelManifest.load(TestFrames.tinyModel());

  static OneInputStreamOperatorTestHarness<Frame, EncodedFrame> harness(int batch, int targets) throws Exception {
    return harness(batch, targets, false);
  }

  static OneInputStreamOperatorTestHarness<Frame, EncodedFrame> harness(int batch, int targets, boolean async)
      throws Exception {
    return new OneInputStreamOperatorTestHarness<>(
        new BatchedInferenceOperator(MODEL, Device.CPU, 1, batch, Duration.ofMillis(20), targets, async));
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

  @ParameterizedTest(name = "async inference {0}")
  @ValueSource(booleans = {false, true})
  void generatingFramesCarryTheEncodedEditedFacesAndTheirTargets(boolean async) throws Exception {
    try (var h = harness(5, 8, async)) { // 8 targets in chunks of 5 rows, across two frames
      h.open();
      h.processElement(frame("a", 0, Phase.GENERATING), 1);
      h.processElement(frame("b", 0, Phase.GENERATING), 1);
      h.processElement(frame("c", 0, Phase.ONLINE), 1);
      h.prepareSnapshotPreBarrier(1L);
      List<EncodedFrame> out = h.extractOutputValues();
      assertEquals(3, out.size());
      float[] targets = GenerationTargets.halton(8);
      for (int i = 0; i < 2; i++) {
        EncodedFrame e = out.get(i);
        assertEquals(8, e.generatedCount());
        assertEquals(8 * MODEL.zDim(), e.generatedZ.length);
        assertArrayEquals(targets, e.generatedTargets);
      }
      assertEquals(0, out.get(2).generatedCount());
    }
  }

  @ParameterizedTest(name = "async inference {0}")
  @ValueSource(booleans = {false, true})
  void sameFramesGiveSameOutputsWhateverTheBatching(boolean async) throws Exception {
    float[] alone;
    try (var h = harness(1, 4, async)) {
      h.open();
      h.processElement(frame("x", 3, Phase.GENERATING), 1);
      alone = output(h, 1).get(0).generatedZ;
    }
    try (var h = harness(64, 4, async)) {
      h.open();
      h.processElement(frame("w", 1, Phase.ONLINE), 1);
      h.processElement(frame("x", 3, Phase.GENERATING), 1);
      h.prepareSnapshotPreBarrier(1);
      float[] batched = h.extractOutputValues().get(1).generatedZ;
      for (int i = 0; i < alone.length; i++) {
        assertEquals(alone[i], batched[i], 1e-5);
      }
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
