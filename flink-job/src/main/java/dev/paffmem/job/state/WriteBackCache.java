package dev.paffmem.job.state;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
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
  }

  private final int capacity;
  private final Store<V> store;
  private final LinkedHashMap<String, Entry<V>> entries = new LinkedHashMap<>(16, 0.75f, true);
  private Consumer<String> keySetter;
  private Supplier<String> currentKey;

  public WriteBackCache(int capacity, Store<V> store) {
    this.capacity = capacity;
    this.store = store;
  }

  /** The operator's {@code setCurrentKey} and {@code getCurrentKey}, to write back persons other than the current one. */
  public void attach(Consumer<String> setKey, Supplier<String> getKey) {
    this.keySetter = setKey;
    this.currentKey = getKey;
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

  /** Writes every changed person back to keyed state (before a checkpoint); they stay on the heap. */
  public void flush() throws Exception {
    if (keySetter == null) {
      return; // nothing is kept: every change was written back after its element
    }
    String restore = currentKey.get();
    boolean switched = false;
    for (Map.Entry<String, Entry<V>> e : entries.entrySet()) {
      Entry<V> entry = e.getValue();
      if (entry.dirty) {
        keySetter.accept(e.getKey());
        switched = true;
        store.write(entry.value);
        entry.dirty = false;
      }
    }
    if (switched && restore != null) {
      keySetter.accept(restore);
    }
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
