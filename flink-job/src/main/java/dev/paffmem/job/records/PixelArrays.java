package dev.paffmem.job.records;

import java.util.ArrayDeque;

/**
 * Frames' pixel arrays ({@link Frame#rgb}) used again on the thread that gave them back, instead of a new 27 KB
 * array per decoded 96x96 face: at several thousand frames a second those arrays were most of the job's allocation
 * (young collections, and fresh memory the decoder writes through the cache). The job's chain runs decoding and
 * inference on one task thread; the inference operator gives a frame's array back once the model has read it and
 * nothing keeps it, and the decoder of the same thread takes it for a later frame. When decoding and inference are on
 * different threads (a chain split by configuration), the decoder's pool stays empty and it allocates as before.
 *
 * <p>The rule that makes this safe: only an array that nothing will read again is given back, and the giver drops its
 * reference at once ({@code frame.rgb = null}). A taken array holds an earlier frame's pixels until the decoder
 * overwrites all of it; {@link #take} never hands out an array of another length, and an array given back twice is
 * pooled once.
 */
public final class PixelArrays {

  /** At most this many arrays wait per thread (a batch's worth: about 1.8 MB of 96x96 faces). */
  static final int CAPACITY = 64;

  private static final ThreadLocal<ArrayDeque<byte[]>> POOL = ThreadLocal.withInitial(() -> new ArrayDeque<>(CAPACITY));

  private PixelArrays() {}

  /** An array of exactly {@code length} bytes, one this thread gave back if it has one (its contents are stale). */
  public static byte[] take(int length) {
    ArrayDeque<byte[]> pool = POOL.get();
    byte[] a = pool.pollLast();
    if (a != null && a.length == length) {
      return a;
    }
    return new byte[length]; // none, or a size this thread no longer decodes (that one is dropped)
  }

  /** Gives {@code a} back to this thread's pool; the caller must not use it again. Null is ignored. */
  public static void giveBack(byte[] a) {
    if (a == null) {
      return;
    }
    ArrayDeque<byte[]> pool = POOL.get();
    if (pool.size() >= CAPACITY) {
      return;
    }
    for (byte[] p : pool) {
      if (p == a) {
        return; // given back twice (one array in two frames): pooled once, or two frames would share it
      }
    }
    pool.addLast(a);
  }

  /** How many arrays this thread's pool holds (tests). */
  static int pooled() {
    return POOL.get().size();
  }
}
