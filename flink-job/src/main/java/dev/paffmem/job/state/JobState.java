package dev.paffmem.job.state;

import dev.paffmem.job.operators.PersonProgress;
import dev.paffmem.job.records.EncodedFrame;
import dev.paffmem.job.records.GenerationWork;
import dev.paffmem.schema.AffectiveMemoryState;
import java.time.Duration;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * The job's keyed state, per person: every state's name, type and time-to-live in one place, used by the
 * operators, by the benchmarks' state seeding and by the tests.
 *
 * <p>Savepoints map state to operators by uid ({@code PAffMemJob.UID_*}) and to these names; the value
 * classes are written into them too (Flink's POJO serializer records {@code PersonProgress}'s class name).
 * Never rename either (flink-job/README.md, "Job upgrades").
 *
 * <p>The sequencer's and the memory's states expire after {@code --state-ttl} without a frame ({@link
 * IdleTimers}); the inference operator's pending generation is cleared when a frame's edits are done.
 */
public final class JobState {

  /** Sequencer: the person's {@link PersonProgress}. */
  public static final String PROGRESS = "progress";
  /** Memory: the person's affective memory as its Avro record. */
  public static final String MEMORY = "affective-memory";
  /** Memory: processing time of the person's last frame, for the idle TTL. */
  public static final String LAST_SEEN = "last-seen";
  /** Memory: generation time spent on the person so far (the metric generationTimePerPersonMs). */
  public static final String GENERATION_NANOS = "generation-nanos";
  /** Memory: the ordinal of the next frame to train, in the person's order. */
  public static final String NEXT_ORDINAL = "next-ordinal";
  /** Memory: encoded frames waiting for an earlier frame's edits, by ordinal. */
  public static final String PENDING_FRAMES = "pending-frames";
  /** Memory: a generation frame's edits that arrived before its turn, by ordinal. */
  public static final String PENDING_EDITS = "pending-edits";
  /** Memory: the regions' running sums of the person's band - PK disagreements ({@code --bias-correction regions}). */
  public static final String REGIONS_SUMS = "regions-sums";
  /** Inference: a person's frames waiting for their edits, by ordinal. */
  public static final String PENDING_GENERATION = "pending-generation";
  /** Inference: the edited z's of the person's generation frames (near-duplicate ones are skipped against them). */
  public static final String EDITED_Z = "edited-z";
  /** Inference: the person sent an enrolled face during their generation frames (the rest are not edited). */
  public static final String ENROLLED_IN_GENERATION = "enrolled-in-generation";

  private JobState() {}

  public static ValueStateDescriptor<PersonProgress> progress(Duration ttl) {
    return expiring(new ValueStateDescriptor<>(PROGRESS, TypeInformation.of(PersonProgress.class)), ttl);
  }

  /** The person's memory: its Avro record, so the state evolves with the schema. */
  public static ValueStateDescriptor<AffectiveMemoryState> memory(Duration ttl) {
    return expiring(new ValueStateDescriptor<>(MEMORY, new AvroTypeInfo<>(AffectiveMemoryState.class)), ttl);
  }

  public static ValueStateDescriptor<Long> lastSeen(Duration ttl) {
    return expiring(new ValueStateDescriptor<>(LAST_SEEN, Types.LONG), ttl);
  }

  public static ValueStateDescriptor<Long> generationNanos(Duration ttl) {
    return expiring(new ValueStateDescriptor<>(GENERATION_NANOS, Types.LONG), ttl);
  }

  public static ValueStateDescriptor<Long> nextOrdinal(Duration ttl) {
    return expiring(new ValueStateDescriptor<>(NEXT_ORDINAL, Types.LONG), ttl);
  }

  public static MapStateDescriptor<Long, EncodedFrame> pendingFrames(Duration ttl) {
    return expiring(new MapStateDescriptor<>(PENDING_FRAMES, Types.LONG, TypeInformation.of(EncodedFrame.class)), ttl);
  }

  public static MapStateDescriptor<Long, EncodedFrame> pendingEdits(Duration ttl) {
    return expiring(new MapStateDescriptor<>(PENDING_EDITS, Types.LONG, TypeInformation.of(EncodedFrame.class)), ttl);
  }

  public static MapStateDescriptor<Long, GenerationWork> pendingGeneration() {
    return new MapStateDescriptor<>(PENDING_GENERATION, Types.LONG, TypeInformation.of(GenerationWork.class));
  }

  public static ValueStateDescriptor<double[]> regionsSums(Duration ttl) {
    return expiring(new ValueStateDescriptor<>(REGIONS_SUMS, PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO),
        ttl);
  }

  public static ListStateDescriptor<float[]> editedZ() {
    return new ListStateDescriptor<>(EDITED_Z, PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO);
  }

  public static ValueStateDescriptor<Boolean> enrolledInGeneration() {
    return new ValueStateDescriptor<>(ENROLLED_IN_GENERATION, Types.BOOLEAN);
  }

  private static <D extends StateDescriptor<?, ?>> D expiring(D descriptor, Duration ttl) {
    descriptor.enableTimeToLive(IdleTimers.ttlConfig(ttl));
    return descriptor;
  }
}
