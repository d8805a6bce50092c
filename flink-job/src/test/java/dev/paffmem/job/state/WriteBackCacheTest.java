package dev.paffmem.job.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The write-back cache without Flink: a map for keyed state, a settable clock. */
class WriteBackCacheTest {

  /** Keyed state as a map, with every write recorded as "key=value". */
  static final class MapState {
    final Map<String, Integer> values = new HashMap<>();
    final List<String> writes = new ArrayList<>();
    String key;
    long now;

    WriteBackCache<Integer> cache(int capacity) {
      WriteBackCache<Integer> c = new WriteBackCache<>(capacity, new WriteBackCache.Store<>() {
        @Override
        public Integer load(String k) {
          return values.get(k);
        }

        @Override
        public void write(Integer v) {
          values.put(key, v);
          writes.add(key + "=" + v);
        }
      });
      c.attach(k -> key = k, () -> key);
      c.clock(() -> now);
      return c;
    }

    /** One element of {@code person} at {@code time}: its value set to {@code value}. */
    void element(WriteBackCache<Integer> c, String person, long time, int value) throws Exception {
      now = time;
      key = person;
      c.put(person, value);
      c.settle(person);
    }

    void checkpoint(WriteBackCache<Integer> c, long time) throws Exception {
      now = time;
      c.flush();
    }
  }

  @Test
  void aPersonWhoseNextChangeComesAfterTheNextCheckpointIsWrittenAfterItsElement() throws Exception {
    MapState s = new MapState();
    WriteBackCache<Integer> c = s.cache(16);
    s.element(c, "a", 500, 1);
    s.checkpoint(c, 1_000);
    s.element(c, "a", 1_500, 2);
    assertEquals(List.of("a=1"), s.writes, "no interval known after one checkpoint: a waits for the next");
    s.checkpoint(c, 2_000); // interval 1 s; a's gap 1 s
    s.writes.clear();
    s.element(c, "a", 2_500, 3);
    assertEquals(List.of("a=3"), s.writes, "written at once: a's next change (3.5 s) comes after the checkpoint (3 s)");
    s.checkpoint(c, 3_000);
    assertEquals(List.of("a=3"), s.writes, "the checkpoint had nothing left to write");
    assertEquals(3, s.values.get("a"));
    assertEquals(1, c.earlyWrites());
  }

  @Test
  void aPersonChangingOftenIsWrittenOnlyNearTheCheckpoint() throws Exception {
    MapState s = new MapState();
    WriteBackCache<Integer> c = s.cache(16);
    s.checkpoint(c, 1_000);
    s.checkpoint(c, 2_000);
    int v = 0;
    for (long t = 2_050; t < 3_000; t += 100) { // every 100 ms: 2,050 ... 2,950
      s.element(c, "a", t, ++v);
    }
    assertEquals(List.of("a=10"), s.writes, "only the change at 2,950 ms, whose next one comes after 3 s");
    s.checkpoint(c, 3_000);
    assertEquals(List.of("a=10"), s.writes, "nothing at the checkpoint");
  }

  @Test
  void aWrongGuessCostsOneMoreWriteAndTheCheckpointStillHoldsTheLatestValue() throws Exception {
    MapState s = new MapState();
    WriteBackCache<Integer> c = s.cache(16);
    s.element(c, "a", 100, 1);
    s.element(c, "a", 1_100, 2); // a's gap 1 s
    s.checkpoint(c, 1_000);
    s.checkpoint(c, 2_000);
    s.writes.clear();
    s.element(c, "a", 2_200, 3); // written early: the next change was expected at 3.2 s
    s.element(c, "a", 2_210, 4); // it came sooner: a is changed again, and its gap shrinks to 752 ms (not early)
    assertEquals(List.of("a=3"), s.writes);
    s.checkpoint(c, 3_000);
    assertEquals(List.of("a=3", "a=4"), s.writes, "the checkpoint writes the latest value");
    assertEquals(4, s.values.get("a"));
  }

  @Test
  void aChangeAfterTheCheckpointWasDueWaitsForIt() throws Exception {
    MapState s = new MapState();
    WriteBackCache<Integer> c = s.cache(16);
    s.checkpoint(c, 1_000);
    s.checkpoint(c, 2_000);
    s.element(c, "a", 2_000, 1);
    s.element(c, "a", 3_000, 2); // due at 3 s, next change expected at 4 s: early
    s.writes.clear();
    s.element(c, "a", 3_050, 3); // the checkpoint is late: a may change again before it comes
    s.element(c, "b", 3_060, 7); // b's first change: no gap known
    assertEquals(List.of(), s.writes);
    assertEquals(1, c.earlyWritesWasted(), "a's early write at 3 s was one too many");
    s.checkpoint(c, 3_100);
    assertEquals(List.of("a=3", "b=7"), s.writes);
  }

  @Test
  void irregularCheckpointsAskForAMargin() throws Exception {
    MapState s = new MapState();
    WriteBackCache<Integer> c = s.cache(16);
    s.checkpoint(c, 1_000);
    s.checkpoint(c, 2_000);
    s.checkpoint(c, 3_400); // 400 ms later than due: jitter 100 ms; the next is due at 4.8 s
    s.element(c, "a", 1_800, 1);
    s.element(c, "a", 2_800, 2);
    s.writes.clear();
    s.element(c, "a", 3_800, 3);
    assertEquals(List.of(), s.writes, "a's next change, due at 4.8 s, may still come before a late checkpoint");
    s.element(c, "a", 4_200, 4); // gap now 850 ms: the next change (5.05 s) comes after 4.8 s + 100 ms
    assertEquals(List.of("a=4"), s.writes);
  }

  @Test
  void withoutKeyContextEveryChangeIsWrittenAfterItsElement() throws Exception {
    List<Integer> written = new ArrayList<>();
    WriteBackCache<Integer> c = new WriteBackCache<>(16, new WriteBackCache.Store<>() {
      @Override
      public Integer load(String k) {
        return null;
      }

      @Override
      public void write(Integer v) {
        written.add(v);
      }
    });
    c.put("a", 1);
    c.settle("a");
    c.put("a", 2);
    c.settle("a");
    assertEquals(List.of(1, 2), written);
    assertEquals(0, c.flush());
    assertEquals(0, c.earlyWrites());
  }
}
