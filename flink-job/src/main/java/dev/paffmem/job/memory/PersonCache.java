package dev.paffmem.job.memory;

import dev.paffmem.memory.AffectiveMemory;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The memory operator's per-person values kept on the heap between frames: the person's trained {@link
 * AffectiveMemory} as the object (not its Avro record), the ordinal of the next frame to train and the time of the
 * last frame. Without it every frame read the memory's Avro record from keyed state, decoded it, trained, encoded it
 * and wrote it back (with RocksDB, the default backend, a serialization each way too): about 0.03 ms of CPU per frame
 * at the shipped width, as much as the model's D_em (BENCHMARKS.md, section 10).
 *
 * <p>Keyed state stays the truth at every checkpoint: {@link #flush} writes each changed person back (the operator
 * calls it in {@code snapshotState}, after every upstream operator has drained into this one and before the state
 * backend takes its snapshot), so a checkpoint or savepoint holds exactly what the per-frame writes held, and a
 * restore starts with an empty cache that loads each person from state on its first frame. Beyond {@code capacity}
 * persons the least recently used one is written back (if changed) and dropped; capacity 0 writes every change back
 * at once ({@link #settle} after each element), i.e. the per-frame state round trip.
 *
 * <p>Training a cached object gives the same memory as training one restored from its record each frame: the record
 * holds the whole state bit for bit (AffectiveMemoryCodec) and the graph depends only on its neurons and edge set.
 * Not thread-safe: the task thread only.
 */
final class PersonCache {

  /** One person's values; {@code memory} null = nothing trained yet, {@code nextOrdinal} / {@code lastSeen} null = none. */
  static final class Person {
    AffectiveMemory memory;
    Long nextOrdinal;
    Long lastSeen;
    boolean dirty;
  }

  /** Reads and writes one person's values in keyed state, for the key the operator has set. */
  interface Store {
    /** The current key's values from state (a memory of another model is dropped by the store). */
    Person load(String key) throws Exception;

    /** Writes the current key's values to state (null fields: the state cleared). */
    void write(Person p) throws Exception;
  }

  private final int capacity;
  private final Store store;
  private final LinkedHashMap<String, Person> persons = new LinkedHashMap<>(16, 0.75f, true);
  private Consumer<String> keySetter;
  private java.util.function.Supplier<String> currentKey;

  PersonCache(int capacity, Store store) {
    this.capacity = capacity;
    this.store = store;
  }

  /**
   * Lets the cache write back persons other than the current one (the operator's {@code setCurrentKey} and {@code
   * getCurrentKey}); without it (e.g. a plain {@code KeyedProcessOperator}) every change is written back at once.
   */
  void attach(Consumer<String> setKey, java.util.function.Supplier<String> getKey) {
    this.keySetter = setKey;
    this.currentKey = getKey;
  }

  private int effectiveCapacity() {
    return keySetter == null ? 0 : capacity;
  }

  /** The current key's person, loaded from state on a miss. */
  Person get(String key) throws Exception {
    Person p = persons.get(key);
    if (p == null) {
      p = store.load(key);
      persons.put(key, p);
    }
    return p;
  }

  /** The person if cached, else null (no load). */
  Person peek(String key) {
    return persons.get(key);
  }

  /** Forgets the person without writing it back (its state is being cleared). */
  void remove(String key) {
    persons.remove(key);
  }

  /**
   * After an element or timer of {@code key} (the current key): writes back and drops the least recently used persons
   * beyond the capacity (with capacity 0 the current person itself, at once).
   */
  void settle(String key) throws Exception {
    int cap = effectiveCapacity();
    if (persons.size() <= cap) {
      return;
    }
    Iterator<Map.Entry<String, Person>> it = persons.entrySet().iterator();
    while (persons.size() > cap && it.hasNext()) {
      Map.Entry<String, Person> eldest = it.next();
      it.remove();
      if (eldest.getValue().dirty) {
        writeAs(eldest.getKey(), eldest.getValue(), key);
      }
    }
  }

  /** Writes every changed person back to keyed state (before a checkpoint); they stay cached. */
  void flush() throws Exception {
    if (keySetter == null) {
      return; // nothing is kept: every change was written back at once
    }
    String restore = currentKey == null ? null : currentKey.get();
    for (Map.Entry<String, Person> e : persons.entrySet()) {
      Person p = e.getValue();
      if (p.dirty) {
        keySetter.accept(e.getKey());
        store.write(p);
        p.dirty = false;
      }
    }
    if (restore != null) {
      keySetter.accept(restore);
    }
  }

  private void writeAs(String key, Person p, String current) throws Exception {
    boolean switchKey = !key.equals(current);
    if (switchKey) {
      keySetter.accept(key);
    }
    store.write(p);
    p.dirty = false;
    if (switchKey) {
      keySetter.accept(current);
    }
  }

  int size() {
    return persons.size();
  }
}
