package dev.paffmem.benchmarks.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The tail's attribution: which of the slowest frames were sent during, or just before, a span. */
class TailCausesTest {

  @Test
  void theSlowestFramesSentDuringOrJustBeforeASpanAreCountedAgainstTheShareOfAllFrames() {
    // 100 frames, one every 10 ms from t = 0; those sent at 500-550 ms are slow
    long[] sent = new long[100];
    long[] latency = new long[100];
    for (int i = 0; i < 100; i++) {
      sent[i] = i * 10L;
      latency[i] = sent[i] >= 500 && sent[i] <= 550 ? 200 : 30;
    }
    // a checkpoint from 520 to 600 ms, counted from 20 ms before its start: frames at 500-600 ms are near it
    TailCauses.Share s = TailCauses.share("checkpoint", sent, latency, List.of(new TailCauses.Span(520, 600)), 20, 0, 95);
    assertEquals(6, s.tailFrames(), "the frames at or above p95: the six slow ones");
    assertEquals(6, s.tailNear());
    assertEquals(11, s.allNear(), "frames at 500, 510, ..., 600 ms");
    assertEquals(1.0, s.tailShare(), 1e-9);
    assertEquals(0.11, s.allShare(), 1e-9);

    TailCauses.Share later = TailCauses.share("late span", sent, latency, List.of(new TailCauses.Span(900, 950)), 0, 0, 95);
    assertEquals(0, later.tailNear(), "a span after the slow frames explains none of them");
  }

  @Test
  void framesBeforeTheFirstKnownSpanAreLeftOutOfThePercentileToo() {
    long[] sent = {0, 10, 20, 30, 100, 110, 120, 130};
    long[] latency = {900, 900, 900, 900, 10, 10, 10, 50};
    TailCauses.Share s = TailCauses.share("checkpoint", sent, latency, List.of(new TailCauses.Span(125, 140)), 0, 100, 80);
    assertEquals(4, s.allFrames());
    assertEquals(1, s.tailFrames(), "p80 of the four frames from 100 ms on is the 50 ms one");
    assertEquals(1, s.tailNear());
  }
}
