package dev.paffmem.job.state;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A keyed operator's per-person values kept on the heap between frames, written to keyed state at checkpoints
 * instead of after every frame. With RocksDB (the default backend) each frame's state read and write is a
 * serialization and a JNI call each way, and the memory's was an Avro round trip of the whole memory too
 * (BENCHMARKS.md, section 10).
 *
 * <p>Keyed state stays the truth at every checkpoint: {@link #flush} writes each changed person back, called by
 * {@link WriteBackOperator#snapshotState} after every operator of the chain has run {@code prepareSnapshotPreBarrier}
 * and before the state backend takes its snapshot; so a checkpoint or savepoint holds what per-frame writes held,
 * and a restored operator starts with an empty cache that loads each person from state on first use. Beyond
 * {@code capacity} persons the least recently used are written back (if changed) and dropped ({@link #settle},
 * after each element); capacity 0, or no key context ({@link #attach}: e.g. a plain {@code KeyedProcessOperator}),
 * writes every change back after the element, i.e. the per-frame round trip. Only the task thread uses it.
 *
 * <p>Early write-back: everything written at a checkpoint holds the task thread (frames wait behind it), and a person
 * who sends about once per checkpoint interval is written once per checkpoint whether that happens at the checkpoint or
 * after the person's last frame before it. So after each element the cache writes the current person back at once
 * when the change came before the next checkpoint is due and the person's next one is expected only after it, even
 * if the checkpoint comes as late as checkpoints lately have (the person's gap between changes, smoothed; the due
 * time from the last interval between {@link #flush}es; their lateness, smoothed; nothing before two flushes or a
 * person's second change). A guess that proves wrong costs one more write of that person (the next change makes it
 * dirty again; counted in {@link #earlyWritesWasted}), never correctness: a written person is the same value in state
 * as on the heap. With persons at about one frame per second and checkpoints every second this takes the memory's
 * write-back out of the checkpoint's pause (BENCHMARKS.md, section 7, "Early write-back"); persons sending many frames
 * per interval are still written once, at the checkpoint or just before it.
 *
 * <p>The {@link Store} must write a value the operator will not change afterwards (a copy, or a new record): the
 * heap backend keeps the written object, and its asynchronous snapshots read it.
 */
public final class WriteBackCache<V> {

  /** Reads and writes one person's value in keyed state, for the key the operator has set. */
  public interface Store<V> {
    /** The current key's value from state; null when there is none. */
    V load(String key) throws Exception;

    /** Writes the current key's value to state (null: clears it). */
    void write(V value) throws Exception;
  }

  private static final class Entry<V> {
    V value;
    boolean dirty;
    /** When the value last changed (the clock's milliseconds; 0: never since loaded). */
    long changed;
    /** Smoothed gap between the value's changes, ms (0: unknown). */
    long gap;
    /** Written early since the last flush. */
    boolean early;
  }

  private final int capacity;
  private final Store<V> store;
  private final LinkedHashMap<String, Entry<V>> entries = new LinkedHashMap<>(16, 0.75f, true);
  private Consumer<String> keySetter;
  private Supplier<String> currentKey;
  private LongSupplier clock = System::currentTimeMillis;
  /** The clock at the last two flushes (0: none yet). */
  private long lastFlush;
  private long flushInterval;
  /** Smoothed distance between a flush and when the last interval predicted it, ms. */
  private long flushJitter;
  private long earlyWrites;
  private long earlyWritesWasted;

  public WriteBackCache(int capacity, Store<V> store) {
    this.capacity = capacity;
    this.store = store;
  }

  /** The operator's {@code setCurrentKey} and {@code getCurrentKey}, to write back persons other than the current one. */
  public void attach(Consumer<String> setKey, Supplier<String> getKey) {
    this.keySetter = setKey;
    this.currentKey = getKey;
  }

  /** The operator's processing-time clock in milliseconds, for the early write-back (default: the wall clock). */
  public void clock(LongSupplier millis) {
    this.clock = millis;
  }

  /** The current key's value (loaded from state the first time); null when there is none. */
  public V get(String key) throws Exception {
    return entry(key).value;
  }

  /** Sets the current key's value (written to state at the next checkpoint, or when dropped). */
  public void put(String key, V value) throws Exception {
    Entry<V> e = entry(key);
    e.value = value;
    e.dirty = true;
    if (e.early) { // changed again before the checkpoint: the early write was one too many
      earlyWritesWasted++;
      e.early = false;
    }
    long now = clock.getAsLong();
    if (e.changed != 0 && now > e.changed) { // several changes in one element, or a clock that stood still: no gap
      long gap = now - e.changed;
      e.gap = e.gap == 0 ? gap : (3 * e.gap + gap) / 4;
    }
    e.changed = now;
  }

  /** Whether the person's value is on the heap ({@link #peek} then returns it without touching state). */
  public boolean contains(String key) {
    return entries.containsKey(key);
  }

  public V peek(String key) {
    Entry<V> e = entries.get(key);
    return e == null ? null : e.value;
  }

  /** Forgets the person without writing it back (its state is being cleared). */
  public void remove(String key) {
    entries.remove(key);
  }

  /** After an element or timer of {@code key} (the current key): writes back and drops persons beyond the capacity. */
  public void settle(String key) throws Exception {
    int cap = keySetter == null ? 0 : capacity;
    Entry<V> current = entries.get(key);
    if (current != null && current.dirty && cap > 0 && writeEarly(current)) {
      store.write(current.value);
      current.dirty = false;
      current.early = true;
      earlyWrites++;
    }
    Iterator<Map.Entry<String, Entry<V>>> it = entries.entrySet().iterator();
    while (entries.size() > cap && it.hasNext()) {
      Map.Entry<String, Entry<V>> eldest = it.next();
      it.remove();
      if (eldest.getValue().dirty) {
        boolean other = !eldest.getKey().equals(key);
        if (other) {
          keySetter.accept(eldest.getKey());
        }
        store.write(eldest.getValue().value);
        if (other) {
          keySetter.accept(key);
        }
      }
    }
  }

  /**
   * Whether the flush would write this change anyway: it came before the next flush is due, and the person's next
   * change is expected after it even if the flush comes as late as flushes have lately come.
   */
  private boolean writeEarly(Entry<V> e) {
    long due = lastFlush + flushInterval;
    return flushInterval > 0 && e.gap > 0 && e.changed <= due && e.changed + e.gap >= due + flushJitter;
  }

  /** Persons written back early since the cache was made. */
  public long earlyWrites() {
    return earlyWrites;
  }

  /** Early writes that proved one too many: the person changed again before the flush. */
  public long earlyWritesWasted() {
    return earlyWritesWasted;
  }

  /** Writes every changed person back to keyed state (before a checkpoint); they stay on the heap. Returns how many. */
  public int flush() throws Exception {
    if (keySetter == null) {
      return 0; // nothing is kept: every change was written back after its element
    }
    long now = clock.getAsLong();
    if (lastFlush != 0 && now > lastFlush) {
      if (flushInterval > 0) {
        flushJitter = (3 * flushJitter + Math.abs(now - lastFlush - flushInterval)) / 4;
      }
      flushInterval = now - lastFlush;
    }
    lastFlush = now;
    String restore = currentKey.get();
    boolean switched = false;
    int written = 0;
    for (Map.Entry<String, Entry<V>> e : entries.entrySet()) {
      Entry<V> entry = e.getValue();
      entry.early = false;
      if (entry.dirty) {
        keySetter.accept(e.getKey());
        switched = true;
        store.write(entry.value);
        entry.dirty = false;
        written++;
      }
    }
    if (switched && restore != null) {
      keySetter.accept(restore);
    }
    return written;
  }

  public int size() {
    return entries.size();
  }

  private Entry<V> entry(String key) throws Exception {
    Entry<V> e = entries.get(key);
    if (e == null) {
      e = new Entry<>();
      e.value = store.load(key);
      entries.put(key, e);
    }
    return e;
  }
}
