package dev.paffmem.job.sequence;

import dev.paffmem.job.ingest.FrameValidator.RejectCounters;
import dev.paffmem.job.ingest.Rejections;
import dev.paffmem.job.operators.PersonProgress;
import dev.paffmem.job.records.Frame;
import dev.paffmem.job.state.IdleTimers;
import dev.paffmem.job.state.JobState;
import dev.paffmem.job.state.WriteBackCache;
import dev.paffmem.job.state.WriteBackOperator;
import dev.paffmem.job.state.WritesBack;
import dev.paffmem.schema.Phase;
import dev.paffmem.schema.RejectReason;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per person (keyed by person id): enforces increasing frame indices and decides the phase.
 *
 * <ul>
 *   <li>A frame index equal to the last accepted one is a DUPLICATE_FRAME, a smaller one an
 *       OUT_OF_ORDER_FRAME; both go to the dead-letter topic with their original bytes (so a
 *       producer's retry never trains the memory twice). Gaps are accepted: a face tracker may drop
 *       frames.
 *   <li>The person's first {@code generationFrames} accepted frames are GENERATING (the generator
 *       edits them), later ones ONLINE. The count is of accepted frames, not of frame indices.
 *   <li>After {@code stateTtl} without a frame the person's progress is cleared (see
 *       {@link IdleTimers}); a person who comes back starts over, generation phase included.
 *   <li>A person onboarded with another model (its progress records another {@code ModelIdentity}, or none:
 *       a state from before it was recorded) is onboarded again: the count of accepted frames starts over, so
 *       the next {@code generationFrames} frames are GENERATING, and the memory operator drops the old model's
 *       memory (flink-job/README.md, "Model upgrades"). Duplicate detection keeps the last frame index.
 * </ul>
 */
public final class FrameSequencer extends KeyedProcessFunction<String, Frame, Frame> implements WritesBack {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FrameSequencer.class);

  private final int generationFrames;
  private final Duration stateTtl;
  private final String model;
  private final int cachePersons;
  private transient ValueState<PersonProgress> progress;
  /** The persons' progress on the heap between checkpoints, written to {@link #progress} at each one. */
  private transient WriteBackCache<PersonProgress> persons;
  private transient RejectCounters rejected;
  private transient Counter reonboarded;

  /** {@code model}: {@code ModelIdentity.key()} of the job's model. Every frame reads and writes the person's state. */
  public FrameSequencer(int generationFrames, Duration stateTtl, String model) {
    this(generationFrames, stateTtl, model, 0);
  }

  /**
   * As above, keeping up to {@code cachePersons} persons' progress on the heap between checkpoints when run in a {@link
   * WriteBackOperator} ({@code --state-cache-persons}).
   */
  public FrameSequencer(int generationFrames, Duration stateTtl, String model, int cachePersons) {
    this.generationFrames = generationFrames;
    this.stateTtl = stateTtl;
    this.model = model;
    this.cachePersons = cachePersons;
  }

  @Override
  public void open(OpenContext openContext) {
    progress = getRuntimeContext().getState(JobState.progress(stateTtl));
    persons = new WriteBackCache<>(cachePersons, new WriteBackCache.Store<>() {
      @Override
      public PersonProgress load(String person) throws Exception {
        PersonProgress stored = progress.value();
        return stored == null ? null : copy(stored); // changed in place below: never the heap backend's own object
      }

      @Override
      public void write(PersonProgress p) throws Exception {
        if (p == null) {
          progress.clear();
        } else {
          progress.update(copy(p)); // the cached one changes with the next frame; the heap backend keeps this one
        }
      }
    });
    rejected = new RejectCounters(getRuntimeContext().getMetricGroup());
    reonboarded = getRuntimeContext().getMetricGroup().counter("personsReonboardedAfterModelChange");
  }

  @Override
  public void processElement(Frame frame, Context ctx, Collector<Frame> out) throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    String person = ctx.getCurrentKey();
    PersonProgress p = persons.get(person);
    if (p == null) {
      p = new PersonProgress();
      p.model = model;
    }
    if (frame.frameIndex <= p.lastFrameIndex) {
      persons.settle(person);
      RejectReason reason = frame.frameIndex == p.lastFrameIndex ? RejectReason.DUPLICATE_FRAME : RejectReason.OUT_OF_ORDER_FRAME;
      rejected.inc(reason);
      ctx.output(Rejections.TAG, Rejections.of(reason, "frameIndex " + frame.frameIndex + " of person " + frame.personId
          + " is not after the last accepted frameIndex " + p.lastFrameIndex, frame.source(), frame.personId,
          frame.frameIndex, now));
      return;
    }
    if (!model.equals(p.model)) {
      // onboarded with another model (or an unrecorded one): its memory lives in another z-space
      if (reonboarded.getCount() == 0) {
        LOG.warn("Person {} was onboarded with model {} but this job runs {}: onboarding again from this frame"
            + " (so is every other such person; counted in personsReonboardedAfterModelChange)", frame.personId,
            p.model == null ? "(not recorded)" : p.model, model);
      }
      reonboarded.inc();
      p.acceptedFrames = 0;
      p.model = model;
    }
    frame.phase = p.acceptedFrames < generationFrames ? Phase.GENERATING : Phase.ONLINE;
    frame.ordinal = p.acceptedFrames;
    frame.originalKey = null; // accepted: the original bytes are no longer needed downstream
    frame.originalValue = null;
    long timer = IdleTimers.nextTimer(now, stateTtl);
    boolean timerMoves = p.lastSeen == 0 || IdleTimers.nextTimer(p.lastSeen, stateTtl) != timer;
    p.lastFrameIndex = frame.frameIndex;
    p.acceptedFrames++;
    p.lastSeen = now;
    persons.put(person, p);
    if (timerMoves) { // the timer registered with the last frame is still pending: it is rounded to a tenth of the TTL
      ctx.timerService().registerProcessingTimeTimer(timer);
    }
    persons.settle(person);
    out.collect(frame);
  }

  private static PersonProgress copy(PersonProgress p) {
    PersonProgress c = new PersonProgress();
    c.lastFrameIndex = p.lastFrameIndex;
    c.acceptedFrames = p.acceptedFrames;
    c.lastSeen = p.lastSeen;
    c.model = p.model;
    return c;
  }

  @Override
  public WriteBackCache<?> writeBackCache() {
    return persons;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Frame> out) throws Exception {
    String person = ctx.getCurrentKey();
    PersonProgress p = persons.contains(person) ? persons.peek(person) : progress.value();
    if (p == null || IdleTimers.expired(p.lastSeen, timestamp, stateTtl)) {
      persons.remove(person);
      progress.clear();
    }
  }
}
