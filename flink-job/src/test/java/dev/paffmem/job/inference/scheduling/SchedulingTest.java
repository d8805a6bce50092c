package dev.paffmem.job.inference.scheduling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.records.GenerationWork;
import dev.paffmem.job.inference.scheduling.GenerationQueue.Chunk;
import dev.paffmem.job.inference.scheduling.GenerationQueue.Pending;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inference operator's plain parts: the online batching policy, generation scheduling, the direct hand-over. */
class SchedulingTest {

  @Test
  void aBatchIsDueWhenFullOrWhenItsOldestItemHasWaited() {
    MicroBatcher<String> b = new MicroBatcher<>(3, 20);
    assertEquals(Long.MAX_VALUE, b.dueAt());
    assertFalse(b.due(1_000));
    assertFalse(b.add("a", 1, 100));
    assertFalse(b.add("b", 1, 115));
    assertEquals(120, b.dueAt(), "the oldest item's arrival plus the wait");
    assertFalse(b.due(119));
    assertTrue(b.due(120));
    assertTrue(b.add("c", 1, 116), "full");
    assertTrue(b.due(116));
    assertEquals(List.of("a", "b", "c"), b.take());
    assertTrue(b.isEmpty());
    b.add("d", 1, 500);
    assertEquals(520, b.dueAt(), "the wait restarts with the next batch");
  }

  static GenerationWork work(String person, long ordinal) {
    return new GenerationWork(person, ordinal, ordinal, new byte[0], new float[] {ordinal});
  }

  @Test
  void generationIsCutIntoFixedChunksOfOneFrameOldestFirst() {
    GenerationQueue q = new GenerationQueue(5, 1, 2, 1.0);
    q.add(work("a", 0));
    q.add(work("b", 0));
    List<String> ranges = new ArrayList<>();
    List<Pending> done = new ArrayList<>();
    while (!q.isEmpty()) {
      Chunk c = q.next();
      ranges.add(c.work().personId + c.from() + "+" + c.rows());
      float[] z = new float[c.rows()];
      float[] pk = new float[2 * c.rows()];
      for (int r = 0; r < c.rows(); r++) {
        z[r] = c.from() + r;
        pk[2 * r] = -(c.from() + r);
      }
      Pending p = q.complete(c, z, pk, 1_000, 0);
      if (p != null) {
        done.add(p);
      }
    }
    assertEquals(List.of("a0+2", "a2+2", "a4+1", "b0+2", "b2+2", "b4+1"), ranges);
    assertEquals(2, done.size());
    assertArrayEquals(new float[] {0, 1, 2, 3, 4}, done.get(0).editedZ(), "each chunk's edits in their target's place");
    assertEquals(-4f, done.get(0).editedPk()[8]);
    assertEquals(3_000, done.get(0).nanos());
  }

  @Test
  void aPersonsFramesGoBeforeTheNextPersonsSoItsMemoryIsSeededFirst() {
    GenerationQueue q = new GenerationQueue(1, 1, 1, 1.0);
    q.add(work("a", 0));
    q.add(work("b", 0));
    q.add(work("a", 1));
    q.add(work("b", 1));
    q.add(work("a", 2));
    List<String> order = new ArrayList<>();
    while (!q.isEmpty()) {
      order.add(q.complete(q.next(), new float[1], new float[2], 1, 0).work.personId
          + q.waiting().size());
    }
    assertEquals(List.of("a4", "a3", "a2", "b1", "b0"), order);
    q.add(work("c", 0));
    q.add(work("a", 3));
    assertEquals(List.of("c", "a"), q.waiting().stream().map(w -> w.personId).toList(), "a person who comes back queues anew");
  }

  @Test
  void oneChunkAtATime() {
    GenerationQueue q = new GenerationQueue(4, 1, 2, 1.0);
    q.add(work("a", 0));
    Chunk c = q.next();
    assertThrows(IllegalStateException.class, q::next);
    assertNull(q.complete(c, new float[2], new float[4], 1, 0));
    Chunk d = q.next();
    assertThrows(IllegalStateException.class, () -> q.complete(c, new float[2], new float[4], 1, 0));
    assertSame(q.waiting().get(0), q.complete(d, new float[2], new float[4], 1, 0).work);
    assertThrows(IllegalStateException.class, q::next);
  }

  @Test
  void theShareGateSpacesChunksOut() {
    GenerationQueue q = new GenerationQueue(10, 1, 1, 0.25);
    q.add(work("a", 0));
    assertTrue(q.open(0));
    q.complete(q.next(), new float[1], new float[2], 10_000_000, 100); // ran 10 ms, ended at 100
    assertEquals(130, q.opensAt(100), "a quarter of the time: 10 ms of generation, then 30 ms for the rest");
    assertFalse(q.open(129));
    assertTrue(q.open(130));
    GenerationQueue all = new GenerationQueue(10, 1, 1, 1.0);
    all.add(work("a", 0));
    all.complete(all.next(), new float[1], new float[2], 10_000_000, 100);
    assertTrue(all.open(100), "share 1: back to back");
  }

  @Test
  void onlineBatchesThatFillUpHalveTheShareDownToItsFloorAndItClimbsBackWithTime() {
    GenerationQueue q = new GenerationQueue(10, 1, 1, 0.5);
    q.add(work("a", 0));
    q.complete(q.next(), new float[1], new float[2], 10_000_000, 100); // ran 10 ms, ended at 100
    assertEquals(110, q.opensAt(100), "half the time at the configured share");
    q.onlineBehind(100);
    assertEquals(0.25, q.share(100), 1e-12);
    assertEquals(130, q.opensAt(100), "the last chunk's gate moves with the share");
    assertFalse(q.open(125), "(by 125 the share has climbed to 0.256: the gate is at 129)");
    for (int i = 0; i < 10; i++) {
      q.onlineBehind(100);
    }
    double floor = 0.5 * GenerationQueue.FLOOR;
    assertEquals(floor, q.share(100), 1e-12, "never below the floor: onboarding goes on");
    assertEquals(100 + Math.round(10 * (1 - floor) / floor), q.opensAt(100));
    long half = 100 + Math.round(GenerationQueue.RECOVERY_MS / 2);
    assertEquals(floor + 0.25, q.share(half), 1e-9, "climbs back at cpuShare per RECOVERY_MS");
    assertTrue(q.open(half), "a later gate check sees the share climbed since");
    assertEquals(0.5, q.share(100 + Math.round(GenerationQueue.RECOVERY_MS)), "and stops at the configured share");
    q.onlineBehind(half);
    assertEquals((floor + 0.25) / 2, q.share(half), 1e-9, "a cut halves the share in use at the time");

    GenerationQueue fresh = new GenerationQueue(10, 1, 1, 0.5);
    fresh.onlineBehind(0);
    assertTrue(fresh.open(0), "no chunk ran yet: the gate is open whatever the share");
    GenerationQueue offline = new GenerationQueue(10, 1, 1, 1.0);
    offline.onlineBehind(0);
    assertEquals(1.0, offline.share(0), "share 1 (offline runs) never falls");
  }

  @Test
  void theDirectHandOverRunsOnTheCallersThread() throws Exception {
    ModelHandOver h = ModelHandOver.direct();
    List<String> seen = new ArrayList<>();
    Thread caller = Thread.currentThread();
    h.submit("call", () -> Thread.currentThread() == caller ? "here" : "elsewhere", seen::add);
    assertEquals(List.of("here"), seen);
    assertFalse(h.busy());
    h.awaitIdle();
    h.close();
  }
}
