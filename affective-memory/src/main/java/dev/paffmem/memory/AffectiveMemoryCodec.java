package dev.paffmem.memory;

import dev.paffmem.schema.AffectiveMemoryState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * An {@link AffectiveMemory} as its Avro state record {@link AffectiveMemoryState} (weights, counters, labels
 * and residuals packed float32 little-endian, so a state round-trips bit-exactly), and as that record's Avro
 * binary bytes. The only class of the memory that knows Avro: the Flink job keeps the record in keyed state
 * ({@code toState} / {@code fromState}); benchmarks measure and seed state with {@code toBytes} / {@code fromBytes}.
 */
public final class AffectiveMemoryCodec {

  private AffectiveMemoryCodec() {}

  /** Current state format written by {@link #toState}; see AffectiveMemoryState.avsc. */
  public static final int STATE_FORMAT_VERSION = 1;

  // Avro datum readers and writers keep no per-call state and are safe to share.
  private static final SpecificDatumWriter<AffectiveMemoryState> STATE_WRITER =
      new SpecificDatumWriter<>(AffectiveMemoryState.class);
  private static final SpecificDatumReader<AffectiveMemoryState> STATE_READER =
      new SpecificDatumReader<>(AffectiveMemoryState.class);

  /**
   * The memory as its Avro state record (weights, counters and labels packed float32 little-endian; the enrolled
   * faces oldest first).
   */
  public static AffectiveMemoryState toState(AffectiveMemory memory) {
    NeuronGraph g = memory.graph;
    EnrolledFaces e = memory.enrolled;
    int size = g.size;
    int dim = g.dim;
    List<Integer> sources = new ArrayList<>();
    List<Integer> targets = new ArrayList<>();
    List<Integer> ages = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      for (int k = 0; k < g.degree[i]; k++) {
        int j = g.neighbours[i][k];
        if (i < j) {
          sources.add(i);
          targets.add(j);
          ages.add(g.edgeAges[i][k]);
        }
      }
    }
    return AffectiveMemoryState.newBuilder()
        .setFormatVersion(STATE_FORMAT_VERSION)
        .setDimension(dim)
        .setNeuronCount(size)
        .setWeights(FloatPacking.pack(g.weights, 0, size * dim))
        .setHabituation(FloatPacking.pack(g.habituation, 0, size))
        .setLabels(FloatPacking.packPairs(g.arousal, g.valence, size))
        .setResiduals(hasResiduals(g) ? FloatPacking.packPairs(g.residualArousal, g.residualValence, size)
            : java.nio.ByteBuffer.allocate(0))
        .setEdgeSources(sources)
        .setEdgeTargets(targets)
        .setEdgeAges(ages)
        .setTrainingSteps(memory.trainingSteps())
        .setEnrolledWeights(FloatPacking.pack(e.weights, 0, e.count * dim))
        .setEnrolledLabels(FloatPacking.packPairs(e.arousal, e.valence, e.count))
        .setEnrolledResiduals(FloatPacking.packPairs(e.residualArousal, e.residualValence, e.count))
        .build();
  }

  /**
   * Restores a memory from its state record. A state holding more neurons than
   * {@code config.maxNeurons()} (written under a larger cap) is kept whole and simply does not grow. A state
   * holding more enrolled faces than {@code config.maxEnrolled()} keeps the newest {@code maxEnrolled()} (none
   * with enrolment off); a state without the enrolled fields (written before they existed) has none.
   *
   * @throws IllegalArgumentException if the state's format version or dimension does not match,
   *     or the state is malformed (lengths, indices, duplicate edges, non-finite values, enrolled labels
   *     outside [-1, 1])
   */
  public static AffectiveMemory fromState(AffectiveMemoryState state, MemoryConfig config) {
    Objects.requireNonNull(state, "state");
    if (state.getFormatVersion() != STATE_FORMAT_VERSION) {
      throw new IllegalArgumentException("unsupported state formatVersion " + state.getFormatVersion()
          + " (this build reads " + STATE_FORMAT_VERSION + ")");
    }
    if (state.getDimension() != config.dimension()) {
      throw new IllegalArgumentException("state dimension " + state.getDimension()
          + " does not match the configured dimension " + config.dimension());
    }
    int n = state.getNeuronCount();
    if (n < 0 || (long) n * config.dimension() > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("state neuronCount " + n + " is out of range");
    }
    requireCount(state.getWeights().remaining(), 4L * n * config.dimension(), "weights");
    requireCount(state.getHabituation().remaining(), 4L * n, "habituation");
    requireCount(state.getLabels().remaining(), 8L * n, "labels");
    AffectiveMemory memory = new AffectiveMemory(config, n);
    NeuronGraph g = memory.graph;
    g.size = n;
    FloatPacking.unpack(state.getWeights(), g.weights, 0, n * config.dimension());
    FloatPacking.unpack(state.getHabituation(), g.habituation, 0, n);
    FloatPacking.unpackPairs(state.getLabels(), g.arousal, g.valence, n);
    // states written before residuals existed carry none: every residual is 0 (the PK's reading is trusted)
    if (state.getResiduals().remaining() != 0) {
      requireCount(state.getResiduals().remaining(), 8L * n, "residuals");
      FloatPacking.unpackPairs(state.getResiduals(), g.residualArousal, g.residualValence, n);
      for (int i = 0; i < n; i++) {
        if (!(Math.abs(g.residualArousal[i]) <= 2f && Math.abs(g.residualValence[i]) <= 2f)) {
          throw new IllegalArgumentException("state residuals of neuron " + i + " are not in [-2, 2]");
        }
      }
    }
    for (int i = 0; i < n * config.dimension(); i++) {
      if (!Float.isFinite(g.weights[i])) {
        throw new IllegalArgumentException("state weights contain a non-finite value at " + i);
      }
    }
    for (int i = 0; i < n; i++) {
      if (!(g.habituation[i] >= 0f && g.habituation[i] <= 1f)) {
        throw new IllegalArgumentException("state habituation of neuron " + i + " is not in [0, 1]");
      }
      if (!(Math.abs(g.arousal[i]) <= 1f && Math.abs(g.valence[i]) <= 1f)) {
        throw new IllegalArgumentException("state labels of neuron " + i + " are not in [-1, 1]");
      }
    }
    List<Integer> sources = state.getEdgeSources();
    List<Integer> targets = state.getEdgeTargets();
    List<Integer> ages = state.getEdgeAges();
    if (sources.size() != targets.size() || sources.size() != ages.size()) {
      throw new IllegalArgumentException("state edgeSources, edgeTargets and edgeAges differ in length");
    }
    for (int e = 0; e < sources.size(); e++) {
      int i = sources.get(e);
      int j = targets.get(e);
      int age = ages.get(e);
      if (!(0 <= i && i < j && j < n) || age < 0) {
        throw new IllegalArgumentException("state edge " + e + " (" + i + "-" + j + ", age " + age
            + ") needs 0 <= source < target < neuronCount and age >= 0");
      }
      if (g.indexOf(i, j) >= 0) {
        throw new IllegalArgumentException("state edge " + i + "-" + j + " is listed twice");
      }
      g.connect(i, j, age);
    }
    memory.setTrainingSteps(state.getTrainingSteps());
    restoreEnrolled(state, memory.enrolled);
    return memory;
  }

  /** Reads the enrolled faces (all three fields empty = none), keeping the newest {@code faces.max}. */
  private static void restoreEnrolled(AffectiveMemoryState state, EnrolledFaces faces) {
    int dim = faces.dim;
    int weightBytes = state.getEnrolledWeights().remaining();
    if (weightBytes % (4L * dim) != 0) {
      throw new IllegalArgumentException("state enrolledWeights has " + weightBytes
          + " bytes, not a whole number of " + dim + "-dimensional float32 vectors");
    }
    int count = (int) (weightBytes / (4L * dim));
    requireCount(state.getEnrolledLabels().remaining(), 8L * count, "enrolledLabels (" + count + " enrolled faces)");
    requireCount(state.getEnrolledResiduals().remaining(), 8L * count,
        "enrolledResiduals (" + count + " enrolled faces)");
    float[] weights = new float[count * dim];
    float[] arousal = new float[count];
    float[] valence = new float[count];
    float[] residualArousal = new float[count];
    float[] residualValence = new float[count];
    FloatPacking.unpack(state.getEnrolledWeights(), weights, 0, count * dim);
    FloatPacking.unpackPairs(state.getEnrolledLabels(), arousal, valence, count);
    FloatPacking.unpackPairs(state.getEnrolledResiduals(), residualArousal, residualValence, count);
    for (int i = 0; i < count * dim; i++) {
      if (!Float.isFinite(weights[i])) {
        throw new IllegalArgumentException("state enrolledWeights contain a non-finite value at " + i);
      }
    }
    for (int j = 0; j < count; j++) {
      if (!(Math.abs(arousal[j]) <= 1f && Math.abs(valence[j]) <= 1f)) {
        throw new IllegalArgumentException("state enrolledLabels of enrolled face " + j + " are not in [-1, 1]");
      }
      if (!(Float.isFinite(residualArousal[j]) && Float.isFinite(residualValence[j]))) {
        throw new IllegalArgumentException("state enrolledResiduals of enrolled face " + j + " are not finite");
      }
    }
    // written under a larger maxEnrolled: keep the newest, as enrolling them one by one would have
    int skip = Math.max(0, count - faces.max);
    int kept = count - skip;
    faces.grow(kept);
    System.arraycopy(weights, skip * dim, faces.weights, 0, kept * dim);
    System.arraycopy(arousal, skip, faces.arousal, 0, kept);
    System.arraycopy(valence, skip, faces.valence, 0, kept);
    System.arraycopy(residualArousal, skip, faces.residualArousal, 0, kept);
    System.arraycopy(residualValence, skip, faces.residualValence, 0, kept);
    faces.count = kept;
    faces.changed();
  }

  /** Whether any neuron carries a non-zero residual (else the state omits them: 8 bytes per neuron saved). */
  private static boolean hasResiduals(NeuronGraph g) {
    for (int i = 0; i < g.size; i++) {
      if (g.residualArousal[i] != 0f || g.residualValence[i] != 0f) {
        return true;
      }
    }
    return false;
  }

  private static void requireCount(int bytes, long expected, String field) {
    if (bytes != expected) {
      throw new IllegalArgumentException("state " + field + " has " + bytes + " bytes, expected " + expected);
    }
  }

  /** The state record in Avro binary encoding (no header or schema), e.g. to measure its size. */
  public static byte[] toBytes(AffectiveMemory memory) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + memory.size() * (4 * memory.graph.dim + 20)
        + memory.enrolledCount() * (4 * memory.graph.dim + 16));
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      STATE_WRITER.write(toState(memory), encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Reads bytes written by {@link #toBytes} (same schema on both sides). */
  public static AffectiveMemory fromBytes(byte[] bytes, MemoryConfig config) {
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
    try {
      AffectiveMemoryState state = STATE_READER.read(null, decoder);
      return fromState(state, config);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an AffectiveMemoryState in Avro binary: " + e.getMessage(), e);
    }
  }

}
