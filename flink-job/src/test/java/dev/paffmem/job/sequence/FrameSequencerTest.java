package dev.paffmem.job.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.TestFrames;
import dev.paffmem.job.ingest.Rejections;
import dev.paffmem.job.records.Frame;
import dev.paffmem.schema.Phase;
import dev.paffmem.schema.RejectReason;
import dev.paffmem.schema.RejectedFrame;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import dev.paffmem.job.state.WriteBackOperator;
import org.junit.jupiter.api.Test;

/** The per-person sequencer: phase switch, duplicate and out-of-order handling, TTL, snapshot and restore. */
public class FrameSequencerTest {

  static final Duration TTL = Duration.ofMinutes(10);

  public static Frame frame(String person, long index) {
    Frame f = new Frame();
    f.personId = person;
    f.sourceId = "cam";
    f.frameIndex = index;
    f.eventTime = 1000 + index;
    f.width = 96;
    f.height = 96;
    f.rgb = TestFrames.rgb(person, index, 96, 96);
    f.sourceTopic = "face-frames";
    f.sourceOffset = index;
    f.originalKey = person.getBytes();
    f.originalValue = new byte[] {42};
    return f;
  }

  static final String MODEL = "tiny|1|aa";

  static KeyedOneInputStreamOperatorTestHarness<String, Frame, Frame> harness(int generationFrames) throws Exception {
    return harness(generationFrames, MODEL);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, Frame, Frame> harness(int generationFrames, String model)
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new WriteBackOperator<>(new FrameSequencer(generationFrames, TTL, model, 4096)), new PAffMemJob.PersonKey(),
        Types.STRING);
  }

  /** Keyed state entries once the progress kept on the heap is written (as before every checkpoint). */
  static int entries(KeyedOneInputStreamOperatorTestHarness<String, Frame, Frame> h) throws Exception {
    ((WriteBackOperator<?, ?>) h.getOperator()).flush();
    return h.numKeyedStateEntries();
  }

  @Test
  void thePhaseSwitchesFromGeneratingToOnlineAtFrame25() throws Exception {
    try (var h = harness(25)) {
      h.open();
      for (long i = 0; i < 30; i++) {
        h.processElement(frame("alice", i), i);
        if (i < 3) {
          h.processElement(frame("bob", 100 + i), i);
        }
      }
      List<Frame> alice = h.extractOutputValues().stream().filter(f -> f.personId.equals("alice")).toList();
      assertEquals(30, alice.size());
      for (Frame f : alice) {
        assertEquals(f.frameIndex < 25 ? Phase.GENERATING : Phase.ONLINE, f.phase, "frame " + f.frameIndex);
        assertEquals(f.frameIndex, f.ordinal);
        assertEquals(null, f.originalValue, "accepted frames drop their original bytes");
      }
      List<Frame> bob = h.extractOutputValues().stream().filter(f -> f.personId.equals("bob")).toList();
      assertEquals(List.of(Phase.GENERATING, Phase.GENERATING, Phase.GENERATING), bob.stream().map(f -> f.phase).toList());
      assertEquals(2, entries(h), "one progress entry per person");
    }
  }

  @Test
  void duplicatesAndOlderFramesGoToTheDeadLetterWithTheirOriginalBytes() throws Exception {
    try (var h = harness(2)) {
      h.open();
      h.processElement(frame("p", 0), 0);
      h.processElement(frame("p", 5), 0); // a gap is fine
      h.processElement(frame("p", 5), 0); // duplicate
      h.processElement(frame("p", 3), 0); // older
      h.processElement(frame("p", 6), 0);
      assertEquals(List.of(0L, 5L, 6L), h.extractOutputValues().stream().map(f -> f.frameIndex).toList());
      assertEquals(List.of(Phase.GENERATING, Phase.GENERATING, Phase.ONLINE),
          h.extractOutputValues().stream().map(f -> f.phase).toList());
      List<RejectedFrame> rejected = h.getSideOutput(Rejections.TAG).stream().map(StreamRecord::getValue)
          .collect(Collectors.toList());
      assertEquals(List.of(RejectReason.DUPLICATE_FRAME, RejectReason.OUT_OF_ORDER_FRAME),
          rejected.stream().map(RejectedFrame::getReason).toList());
      assertEquals(42, rejected.get(0).getOriginalValue().get(0));
      assertEquals(5L, rejected.get(0).getFrameIndex());
      assertEquals("p", rejected.get(1).getPersonId());
    }
  }

  @Test
  void idlePersonsAreClearedAfterTheTtl() throws Exception {
    try (var h = harness(2)) {
      h.open();
      h.setProcessingTime(0);
      h.processElement(frame("a", 0), 0);
      h.processElement(frame("b", 0), 0);
      h.setProcessingTime(TTL.toMillis() / 2);
      h.processElement(frame("b", 1), 0); // b stays active
      assertEquals(2, entries(h));
      h.setProcessingTime(TTL.toMillis() + TTL.toMillis() / 5);
      assertEquals(1, entries(h), "a expired, b not yet");
      assertTrue(h.numProcessingTimeTimers() > 0, "b's idle timer is still pending");
      h.setProcessingTime(2 * TTL.toMillis());
      assertEquals(0, entries(h));
      assertEquals(0, h.numProcessingTimeTimers(), "no timer outlives the state it guards");
      // a person who comes back starts over, generation phase included
      h.processElement(frame("a", 7), 0);
      Frame again = h.extractOutputValues().get(h.extractOutputValues().size() - 1);
      assertEquals(Phase.GENERATING, again.phase);
      assertEquals(0, again.ordinal);
    }
  }

  @Test
  void progressSurvivesSnapshotAndRestore() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness(3)) {
      h.open();
      h.processElement(frame("p", 0), 0);
      h.processElement(frame("p", 1), 0);
      snapshot = h.snapshot(1L, 10L);
    }
    try (var restored = harness(3)) {
      restored.initializeState(snapshot);
      restored.open();
      restored.processElement(frame("p", 1), 0); // already seen before the snapshot
      restored.processElement(frame("p", 2), 0);
      restored.processElement(frame("p", 3), 0);
      assertEquals(List.of(2L, 3L), restored.extractOutputValues().stream().map(f -> f.frameIndex).toList());
      assertEquals(List.of(Phase.GENERATING, Phase.ONLINE), restored.extractOutputValues().stream().map(f -> f.phase).toList());
      assertEquals(1, restored.getSideOutput(Rejections.TAG).size());
    }
  }

  @Test
  void aPersonOnboardedWithAnotherModelIsOnboardedAgainAndDuplicatesStayDuplicates() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness(2, "model-a|1|aa")) {
      h.open();
      for (long i = 0; i < 4; i++) {
        h.processElement(frame("p", i), 0);
      }
      h.processElement(frame("q", 0), 0);
      h.processElement(frame("q", 1), 0);
      h.processElement(frame("q", 2), 0);
      snapshot = h.snapshot(1L, 10L);
    }
    try (var sameModel = harness(2, "model-a|1|aa")) {
      sameModel.initializeState(snapshot);
      sameModel.open();
      sameModel.processElement(frame("p", 4), 0);
      assertEquals(Phase.ONLINE, sameModel.extractOutputValues().get(0).phase, "the same model: the person continues");
    }
    try (var upgraded = harness(2, "model-b|1|bb")) {
      upgraded.initializeState(snapshot);
      upgraded.open();
      upgraded.processElement(frame("p", 3), 0); // seen before the model change: still a duplicate
      upgraded.processElement(frame("p", 4), 0);
      upgraded.processElement(frame("p", 5), 0);
      upgraded.processElement(frame("p", 6), 0);
      upgraded.processElement(frame("q", 3), 0);
      List<Frame> out = upgraded.extractOutputValues();
      assertEquals(List.of(4L, 5L, 6L, 3L), out.stream().map(f -> f.frameIndex).toList());
      assertEquals(List.of(Phase.GENERATING, Phase.GENERATING, Phase.ONLINE, Phase.GENERATING),
          out.stream().map(f -> f.phase).toList(), "onboarded again from the first frame after the model change");
      assertEquals(List.of(0L, 1L, 2L, 0L), out.stream().map(f -> f.ordinal).toList());
      assertEquals(List.of(RejectReason.DUPLICATE_FRAME), upgraded.getSideOutput(Rejections.TAG).stream()
          .map(r -> r.getValue().getReason()).toList());
    }
  }
}
