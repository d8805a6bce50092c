package dev.paffmem.job.inference.scheduling;

import dev.paffmem.job.records.GenerationWork;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Generation scheduling: frames waiting for their edits, person by person (the person whose first waiting
 * frame came first goes first, its frames in order, so a person's memory is seeded as early as it can be
 * instead of every waiting person's at the end), cut into chunks of at most
 * {@code chunkRows} targets of one frame, and a gate that keeps generation to at most {@code cpuShare}
 * of the time (after a chunk that ran d, the next may start d * (1 - share) / share later).
 *
 * <p><b>Online first.</b> The share in use falls while the online path is behind ({@link #onlineBehind}): an online batch
 * that filled up before its wait ran out means frames were queued behind the model (input arrives faster than it is
 * consumed), and each such batch halves the share in use, down to {@link #FLOOR} of {@code cpuShare}, so onboarding
 * never stops. Without such batches the share climbs back to {@code cpuShare} at a steady pace (from 0 in {@link
 * #RECOVERY_MS}). The per-subtask {@code cpuShare} alone cannot see that all subtasks of a machine generating at once,
 * beside the online path's task threads, network and Kafka clients, may leave the online path less than it needs
 * (BENCHMARKS.md, section 10, "Four new persons at once, traced"). A share of 1 (offline runs, where nobody waits
 * for a prediction) never falls.
 *
 * <p>A frame's chunks are always the same target ranges ([0, c), [c, 2c), ...), so redoing a frame
 * after a restore runs the model on the same rows and gives the same edits. One chunk at a time is
 * handed out ({@link #next}) and recorded ({@link #complete}). Plain Java (the caller supplies the
 * clock, in milliseconds); not thread-safe.
 */
public final class GenerationQueue {

  /** A frame's progress: the edits of its first {@code done} targets. */
  public static final class Pending {
    public final GenerationWork work;
    final float[] z;
    final float[] pk;
    int done;
    long nanos;

    Pending(GenerationWork work, int targets, int zDim) {
      this.work = work;
      this.z = new float[targets * zDim];
      this.pk = new float[2 * targets];
    }

    /** z of each edited face, {@code targets * zDim} values. */
    public float[] editedZ() {
      return z;
    }

    /** D_em's (arousal, valence) of each edited face. */
    public float[] editedPk() {
      return pk;
    }

    /** Model time spent on this frame's edits. */
    public long nanos() {
      return nanos;
    }
  }

  /** Targets {@code [from, from + rows)} of one frame. */
  public record Chunk(Pending pending, int from, int rows) {
    public GenerationWork work() {
      return pending.work;
    }
  }

  private final int targets;
  private final int zDim;
  private final int chunkRows;
  private final double cpuShare;
  /** Each person's waiting frames in order, persons in the order their first waiting frame came. */
  private final java.util.LinkedHashMap<String, ArrayDeque<Pending>> queue = new java.util.LinkedHashMap<>();
  private int size;
  private Chunk handedOut;
  /** End (ms) and model time (ms) of the last chunk; no chunk yet while the end is -infinity. */
  private double lastEndMs = Double.NEGATIVE_INFINITY;
  private double lastRanMs;
  /** The share in use right after the last cut ({@link #onlineBehind}), and when that was (ms). */
  private double cutShare;
  private double cutAtMs = Double.NEGATIVE_INFINITY;

  /** The lowest share in use, as a fraction of {@code cpuShare}. */
  public static final double FLOOR = 1.0 / 16;
  /** How long the share in use takes to climb from 0 to {@code cpuShare} while no online batch fills up (ms). */
  public static final double RECOVERY_MS = 2000;

  public GenerationQueue(int targets, int zDim, int chunkRows, double cpuShare) {
    if (targets < 1 || zDim < 1 || chunkRows < 1 || !(cpuShare > 0 && cpuShare <= 1)) {
      throw new IllegalArgumentException("targets, zDim, chunkRows >= 1 and cpuShare in (0, 1] needed, were "
          + targets + ", " + zDim + ", " + chunkRows + ", " + cpuShare);
    }
    this.targets = targets;
    this.zDim = zDim;
    this.chunkRows = chunkRows;
    this.cpuShare = cpuShare;
  }

  public void add(GenerationWork work) {
    queue.computeIfAbsent(work.personId, k -> new ArrayDeque<>()).addLast(new Pending(work, targets, zDim));
    size++;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Frames waiting (including the one being worked on). */
  public int size() {
    return size;
  }

  /** The frames waiting, in the order they will be worked on (for tests and metrics). */
  public List<GenerationWork> waiting() {
    List<GenerationWork> out = new ArrayList<>(size);
    queue.values().forEach(q -> q.forEach(p -> out.add(p.work)));
    return out;
  }

  /**
   * An online batch filled up at {@code nowMs} (it was cut because it was full, not because its oldest frame had
   * waited long enough): the online path is behind, and the share in use halves.
   */
  public void onlineBehind(long nowMs) {
    if (cpuShare < 1) {
      cutShare = Math.max(FLOOR * cpuShare, share(nowMs) / 2);
      cutAtMs = nowMs;
    }
  }

  /** The share of the time generation may take at {@code nowMs} (at most {@code cpuShare}). */
  public double share(long nowMs) {
    if (cutAtMs == Double.NEGATIVE_INFINITY) {
      return cpuShare;
    }
    return Math.min(cpuShare, cutShare + Math.max(0, nowMs - cutAtMs) * cpuShare / RECOVERY_MS);
  }

  /** Whether the share gate lets a chunk start at {@code nowMs}. */
  public boolean open(long nowMs) {
    return nowMs >= gate(nowMs);
  }

  /**
   * The earliest time (ms) the next chunk may start, with the share in use at {@code nowMs} (the share only climbs
   * until the next full batch, so the gate may open sooner, never later, unless a batch fills up meanwhile).
   */
  public long opensAt(long nowMs) {
    double g = gate(nowMs);
    return g == Double.NEGATIVE_INFINITY ? Long.MIN_VALUE : (long) Math.ceil(g);
  }

  private double gate(long nowMs) {
    if (lastEndMs == Double.NEGATIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    double s = share(nowMs);
    return lastEndMs + lastRanMs * (1 - s) / s;
  }

  /** The next chunk of the oldest frame; one at a time (complete it first). */
  public Chunk next() {
    if (handedOut != null) {
      throw new IllegalStateException("a chunk is still out: complete it first");
    }
    if (size == 0) {
      throw new IllegalStateException("nothing to generate");
    }
    Pending p = queue.values().iterator().next().peekFirst();
    handedOut = new Chunk(p, p.done, Math.min(chunkRows, targets - p.done));
    return handedOut;
  }

  /**
   * Records the chunk's edits ({@code rows * zDim} z values, {@code 2 * rows} D_em values) and the time it
   * ran, ending at {@code endMs}; returns the frame when this was its last chunk (it then leaves the queue),
   * else null.
   */
  public Pending complete(Chunk chunk, float[] z, float[] pk, long nanos, long endMs) {
    if (chunk != handedOut) {
      throw new IllegalStateException("not the chunk handed out");
    }
    handedOut = null;
    Pending p = chunk.pending;
    System.arraycopy(z, 0, p.z, chunk.from * zDim, chunk.rows * zDim);
    System.arraycopy(pk, 0, p.pk, 2 * chunk.from, 2 * chunk.rows);
    p.done += chunk.rows;
    p.nanos += nanos;
    lastEndMs = endMs;
    lastRanMs = nanos / 1e6;
    if (p.done < targets) {
      return null;
    }
    ArrayDeque<Pending> person = queue.get(p.work.personId);
    person.removeFirst();
    if (person.isEmpty()) {
      queue.remove(p.work.personId);
    }
    size--;
    return p;
  }
}
