package dev.paffmem.benchmarks.job;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * What was going on when the slowest frames were sent: which of them were sent while a checkpoint was under way or
 * while the JVM (job, broker and harness share one) was stopped for garbage collection, against the share of all
 * frames sent in those spans. A cause whose share of the tail is far above its share of all frames is one the tail
 * waits for; one that holds no more of the tail than of everything is not.
 */
public final class TailCauses {

  /** A span of wall-clock time, {@code [fromMs, toMs]}. */
  public record Span(long fromMs, long toMs) {
    /** Whether {@code t} falls in the span or within {@code leadMs} before it. */
    boolean holds(long t, long leadMs) {
      return t >= fromMs - leadMs && t <= toMs;
    }
  }

  /** One cause's shares: of the frames at or above the percentile, and of all frames. */
  public record Share(String cause, int tailFrames, int tailNear, int allFrames, int allNear) {
    public double tailShare() {
      return tailFrames == 0 ? Double.NaN : (double) tailNear / tailFrames;
    }

    public double allShare() {
      return allFrames == 0 ? Double.NaN : (double) allNear / allFrames;
    }

    @Override
    public String toString() {
      return String.format("%s: %.1f %% of the tail (%d of %d frames), %.1f %% of all frames", cause,
          100 * tailShare(), tailNear, tailFrames, 100 * allShare());
    }
  }

  private TailCauses() {}

  /**
   * For frames sent at {@code sentMs[i]} and seen {@code latencyMs[i]} later: the share of those at or above the
   * {@code percentile}-th latency that were sent within {@code leadMs} before a span or during it, and the same share
   * of all frames. Frames sent before {@code fromMs} (where the spans are not known) are left out, of the percentile
   * too.
   */
  public static Share share(String cause, long[] sentMs, long[] latencyMs, List<Span> spans, long leadMs, long fromMs,
      double percentile) {
    long[] sorted = java.util.stream.IntStream.range(0, sentMs.length).filter(i -> sentMs[i] >= fromMs)
        .mapToLong(i -> latencyMs[i]).sorted().toArray();
    long threshold = sorted.length == 0 ? Long.MAX_VALUE
        : sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100 * sorted.length) - 1)];
    int tail = 0;
    int tailNear = 0;
    int all = 0;
    int allNear = 0;
    for (int i = 0; i < sentMs.length; i++) {
      if (sentMs[i] < fromMs) {
        continue;
      }
      boolean near = false;
      for (Span s : spans) {
        if (s.holds(sentMs[i], leadMs)) {
          near = true;
          break;
        }
      }
      all++;
      allNear += near ? 1 : 0;
      if (latencyMs[i] >= threshold) {
        tail++;
        tailNear += near ? 1 : 0;
      }
    }
    return new Share(cause, tail, tailNear, all, allNear);
  }

  /** Records the JVM's garbage-collection pauses (wall clock) from now until {@link #close()}. */
  public static final class GcPauses implements AutoCloseable {
    private final List<Span> pauses = new ArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final NotificationListener listener = this::onGc;

    public GcPauses() {
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof NotificationEmitter e && !gc.getName().contains("Concurrent")) { // G1's concurrent cycle stops nobody
          e.addNotificationListener(listener, null, null);
          emitters.add(e);
        }
      }
    }

    private void onGc(Notification n, Object handback) {
      if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
        return;
      }
      var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
      synchronized (pauses) {
        pauses.add(new Span(jvmStart + info.getStartTime(), jvmStart + info.getEndTime()));
      }
    }

    /** The pauses so far that lasted at least {@code minMs}. */
    public List<Span> pauses(long minMs) {
      synchronized (pauses) {
        return pauses.stream().filter(p -> p.toMs() - p.fromMs() >= minMs).toList();
      }
    }

    /** All pauses so far, longest first, as "n pauses, longest a, b, c ms". */
    public String summary() {
      synchronized (pauses) {
        long[] d = pauses.stream().mapToLong(p -> p.toMs() - p.fromMs()).sorted().toArray();
        StringBuilder sb = new StringBuilder(d.length + " pauses, longest");
        for (int i = d.length - 1; i >= Math.max(0, d.length - 5); i--) {
          sb.append(' ').append(d[i]);
        }
        return sb.append(" ms").toString();
      }
    }

    @Override
    public void close() {
      for (NotificationEmitter e : emitters) {
        try {
          e.removeNotificationListener(listener);
        } catch (javax.management.ListenerNotFoundException ignored) {
          // already gone
        }
      }
    }
  }
}
