package dev.paffmem.producer.pipeline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one camera, read by the progress line and the final summary. */
public final class CameraStats {

  /** A person (track) that ended: its id, how many faces it produced, why it ended. */
  public record Person(String personId, long faces, long firstFrame, long lastFrame, String endReason) {}

  public final AtomicLong decoded = new AtomicLong();
  /** Decoded frames dropped because the detection queue was full (live sources only). */
  public final AtomicLong dropped = new AtomicLong();
  public final AtomicLong processed = new AtomicLong();
  public final AtomicLong detections = new AtomicLong();
  public final AtomicLong faces = new AtomicLong();
  public final AtomicInteger activeTracks = new AtomicInteger();
  public final AtomicLong streamMillis = new AtomicLong();
  public final List<Person> persons = new CopyOnWriteArrayList<>();
  public volatile Exception error;
  public volatile boolean done;
}
