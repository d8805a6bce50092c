package dev.paffmem.memory;

import dev.paffmem.schema.AffectiveMemoryState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * One person's affective memory: a Growing-When-Required network (Marsland et al. 2002) with
 * associative (arousal, valence) labels, as in P-AffMem (Barros, Parisi &amp; Wermter, ICML 2019,
 * section 2.2). Plain Java over float arrays; not thread-safe (one instance per person, used by
 * one thread at a time).
 *
 * <h2>Use</h2>
 * <ol>
 *   <li>{@code var memory = new AffectiveMemory(MemoryConfig.defaults());}</li>
 *   <li>Per frame: {@code memory.train(samples, AffectiveMemory.seed(personId, frameIndex));} with
 *       the generated faces as {@link Sample#labelled} and the real frame as
 *       {@link Sample#unlabelled}.</li>
 *   <li>{@code Prediction p = memory.predict(z);} reads the best-matching unit's labels.</li>
 *   <li>{@link #toState()} / {@link #fromState} keep it in Flink state; {@link #toBytes()} gives
 *       the Avro binary form.</li>
 * </ol>
 *
 * <h2>Rules, per training sample x (epochs passes over each {@code train} call, shuffled)</h2>
 * <ul>
 *   <li>While the memory has fewer than two neurons, the sample becomes a neuron (w = x, h = 1,
 *       the sample's labels, or (0, 0) if unlabelled); the first two are joined by an edge.</li>
 *   <li>b, s = best and second-best units by Euclidean distance (ties: lower index);
 *       a = exp(-||x - w_b||).</li>
 *   <li><b>Insertion</b> if a &lt; a_T and h_b &lt; h_T and size &lt; maxNeurons: neuron r with
 *       w_r = (w_b + x) / 2, h_r = 1, labels = the sample's if labelled else b's; edge b-s removed,
 *       edges b-r and r-s added with age 0. Nothing else changes in that step: b is neither moved
 *       nor habituated and no label moves. In particular a labelled sample does not also apply
 *       its gamma-update to r or b: r already carries the sample's label exactly, and b did not
 *       represent x (that is why r was inserted), so pulling b's label towards x's would blur it.</li>
 *   <li><b>Adaptation</b> otherwise, with the neighbours N(b) as they were before this step:
 *       w_b += eps_b h_b (1 - a) (x - w_b) (paper eq. 8); for n in N(b):
 *       w_n += eps_n h_n (1 - a_n) (x - w_n), a_n = exp(-||x - w_n||).
 *       Habituation (with the counters from before the step):
 *       h_b += tau_b kappa (1 - h_b) - tau_b, h_n += tau_n kappa (1 - h_n) - tau_n,
 *       clamped to [1 - 1/kappa, 1] against float rounding.
 *       A labelled sample moves b's labels: l_b += gamma (y - l_b) (clamped to [-1, 1]);
 *       an unlabelled one changes no label. Then every edge of b ages by one, edge b-s is
 *       created or reset to age 0, edges of b older than maxEdgeAge are removed, and neurons
 *       left without edges are removed (never below two; b and s always keep their edge).</li>
 * </ul>
 *
 * <h2>Representation</h2>
 * Neurons are dense: weights in one flat {@code float[]} (neuron-major), counters and labels in
 * parallel arrays; removing a neuron moves the last one into its slot (swap-remove) and renames it
 * in its neighbours' lists. Edges live in per-neuron adjacency lists kept sorted by neighbour
 * index, each edge present in both lists with the same age; every change goes through
 * {@code connect}/{@code disconnect}, so symmetry holds by construction and the state (hence the
 * future of training) depends only on the neurons and the edge set, not on history. Training
 * allocates nothing per sample (adjacency lists grow rarely and amortized).
 *
 * <p>Arithmetic is Java float/double (strict IEEE since Java 17) with {@link StrictMath#exp}, so a
 * replay from the same state with the same seed gives bit-identical results on any JVM.
 */
public final class AffectiveMemory {

  private static final int INITIAL_DEGREE_CAPACITY = 4;

  private final MemoryConfig config;
  private final int dim;
  private final float habituationFloor;

  private int size;
  private float[] weights;
  private float[] habituation;
  private float[] arousal;
  private float[] valence;
  /** Per neuron: label minus the PK's reading of the labelled faces it learned (the RESIDUAL read-out). */
  private float[] residualArousal;
  private float[] residualValence;
  /** neighbours[i][0..degree[i]) ascending; edgeAges[i][k] is the age of edge i-neighbours[i][k]. */
  private int[][] neighbours;
  private int[][] edgeAges;
  private int[] degree;
  private long trainingSteps;

  // Scratch reused across calls so that a training step allocates nothing.
  private int[] order = new int[0];
  private int[] dropped = new int[INITIAL_DEGREE_CAPACITY];
  private int bestIndex;
  private int secondIndex;
  private float bestDistance2;
  private int[] nearest = new int[0];
  private float[] nearestDistance2 = new float[0];

  /** An empty memory; its first two training samples become its first two neurons. */
  public AffectiveMemory(MemoryConfig config) {
    this(config, 16);
  }

  private AffectiveMemory(MemoryConfig config, int capacity) {
    this.config = Objects.requireNonNull(config, "config");
    this.dim = config.dimension();
    this.habituationFloor = 1f - 1f / config.kappa();
    allocate(Math.max(2, capacity));
  }

  public MemoryConfig config() {
    return config;
  }

  /** Number of neurons. */
  public int size() {
    return size;
  }

  /** Number of (undirected) edges. */
  public int edgeCount() {
    int twice = 0;
    for (int i = 0; i < size; i++) {
      twice += degree[i];
    }
    return twice / 2;
  }

  /** Single-sample training steps taken so far (samples times epochs), for monitoring. */
  public long trainingSteps() {
    return trainingSteps;
  }

  /**
   * Trains on the samples for {@code config().epochs()} passes, each pass in a fresh Fisher-Yates
   * order drawn from a SplitMix64 stream seeded with {@code seed} (use {@link #seed(String, long)}),
   * so the same memory, samples and seed always give the same result.
   *
   * @throws IllegalArgumentException if a sample's z has the wrong length or is not finite
   *     (checked for all samples before any is used)
   */
  public void train(List<Sample> samples, long seed) {
    Sample[] batch = samples.toArray(new Sample[0]);
    for (int i = 0; i < batch.length; i++) {
      Objects.requireNonNull(batch[i], "sample " + i);
      checkVector(batch[i].z(), "sample " + i);
    }
    int n = batch.length;
    if (order.length < n) {
      order = new int[n];
    }
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplitMix64 random = new SplitMix64(seed);
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      random.shuffle(order, n);
      for (int k = 0; k < n; k++) {
        step(batch[order[k]]);
      }
    }
  }

  /**
   * The best-matching unit's labels for z, its activation and the memory size (the paper's read-out,
   * whatever {@link MemoryConfig#readout()} says). An empty memory predicts (0, 0) with activation 0; a
   * one-neuron memory answers with that neuron.
   *
   * @throws IllegalArgumentException if z has the wrong length or is not finite
   */
  public Prediction predict(float[] z) {
    return predict(z, Float.NaN, Float.NaN, MemoryConfig.Readout.PAPER);
  }

  /**
   * The prediction for z under the configured read-out ({@link MemoryConfig#readout()}), given the PK's
   * own prediction for the same frame (D_em of z), which the BLEND and RESIDUAL read-outs use. An empty memory
   * predicts the PK's values (or (0, 0) without them) with activation 0.
   *
   * @throws IllegalArgumentException if z has the wrong length or is not finite, or the read-out needs the PK's
   *     prediction and it is not finite
   */
  public Prediction predict(float[] z, float pkArousal, float pkValence) {
    return predict(z, pkArousal, pkValence, config.readout());
  }

  /** As {@link #predict(float[], float, float)} with an explicit read-out (offline comparisons of read-outs). */
  public Prediction predict(float[] z, float pkArousal, float pkValence, MemoryConfig.Readout readout) {
    checkVector(z, "z");
    boolean needsPk = readout == MemoryConfig.Readout.BLEND || readout == MemoryConfig.Readout.RESIDUAL;
    if (needsPk && !(Float.isFinite(pkArousal) && Float.isFinite(pkValence))) {
      throw new IllegalArgumentException("the " + readout + " read-out needs the PK's prediction, was ("
          + pkArousal + ", " + pkValence + ")");
    }
    if (size == 0) {
      return needsPk ? new Prediction(clampLabel(pkArousal), clampLabel(pkValence), 0f, 0)
          : new Prediction(0f, 0f, 0f, 0);
    }
    if (readout == MemoryConfig.Readout.PAPER) {
      findBestTwo(z);
      float activation = (float) StrictMath.exp(-Math.sqrt(bestDistance2));
      return new Prediction(arousal[bestIndex], valence[bestIndex], activation, size);
    }
    // one pass over the neurons: the k nearest, the first of them the best-matching unit (same tie rule)
    int k = findNearest(z, Math.min(config.readoutK(), size));
    float activation = (float) StrictMath.exp(-Math.sqrt(nearestDistance2[0]));
    double wSum = 0;
    double la = 0;
    double lv = 0;
    double ra = 0;
    double rv = 0;
    for (int i = 0; i < k; i++) {
      int n = nearest[i];
      double w = StrictMath.exp(-Math.sqrt(nearestDistance2[i]));
      wSum += w;
      la += w * arousal[n];
      lv += w * valence[n];
      ra += w * residualArousal[n];
      rv += w * residualValence[n];
    }
    float a;
    float v;
    switch (readout) {
      case NEAREST -> {
        a = (float) (la / wSum);
        v = (float) (lv / wSum);
      }
      case BLEND -> {
        double w = Math.min(1.0, activation / config.activityThreshold());
        a = (float) (w * la / wSum + (1 - w) * pkArousal);
        v = (float) (w * lv / wSum + (1 - w) * pkValence);
      }
      case RESIDUAL -> {
        a = (float) (pkArousal + ra / wSum);
        v = (float) (pkValence + rv / wSum);
      }
      default -> throw new IllegalStateException("unknown read-out " + readout);
    }
    return new Prediction(clampLabel(a), clampLabel(v), activation, size);
  }

  /** Fills nearest[0..k) with the k nearest neurons (ascending distance, lower index on ties); returns k. */
  private int findNearest(float[] x, int k) {
    if (nearest.length < k) {
      nearest = new int[k];
      nearestDistance2 = new float[k];
    }
    int filled = 0;
    for (int i = 0, off = 0; i < size; i++, off += dim) {
      float d = distance2(x, weights, off, dim);
      if (filled < k || d < nearestDistance2[filled - 1]) {
        int at = filled < k ? filled++ : filled - 1;
        while (at > 0 && nearestDistance2[at - 1] > d) {
          nearest[at] = nearest[at - 1];
          nearestDistance2[at] = nearestDistance2[at - 1];
          at--;
        }
        nearest[at] = i;
        nearestDistance2[at] = d;
      }
    }
    return filled;
  }

  /**
   * A stable training seed for one frame of one person: FNV-1a 64 over the UTF-8 bytes of the
   * person id, xor the SplitMix64 finalizer of (frameIndex + 0x9E3779B97F4A7C15), through the
   * finalizer again. Fixed by this definition, independent of JVM and platform.
   */
  public static long seed(String personId, long frameIndex) {
    long h = 0xcbf29ce484222325L;
    for (byte b : personId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return SplitMix64.mix(h ^ SplitMix64.mix(frameIndex + 0x9E3779B97F4A7C15L));
  }

  // ---------------------------------------------------------------- one training step

  /** One training step on one sample (the rules in the class comment). */
  void step(Sample sample) {
    float[] x = sample.z();
    trainingSteps++;
    if (size < 2) {
      int r = addNeuron(x, 1f, sample.labelled() ? sample.arousal() : 0f, sample.labelled() ? sample.valence() : 0f);
      if (sample.labelled() && sample.hasPkReading()) {
        residualArousal[r] = sample.arousal() - sample.pkArousal();
        residualValence[r] = sample.valence() - sample.pkValence();
      }
      if (size == 2) {
        connect(0, 1, 0);
      }
      return;
    }
    findBestTwo(x);
    int b = bestIndex;
    int s = secondIndex;
    double a = StrictMath.exp(-Math.sqrt(bestDistance2));
    if (a < config.activityThreshold() && habituation[b] < config.habituationThreshold()
        && size < config.maxNeurons() && (sample.labelled() || config.unlabelledInserts())) {
      insertBetween(b, s, x, sample);
    } else {
      adapt(b, s, x, a, sample);
    }
  }

  private void insertBetween(int b, int s, float[] x, Sample sample) {
    ensureCapacity(size + 1);
    int r = size++;
    int wb = b * dim;
    int wr = r * dim;
    for (int i = 0; i < dim; i++) {
      weights[wr + i] = (weights[wb + i] + x[i]) * 0.5f;
    }
    habituation[r] = 1f;
    arousal[r] = sample.labelled() ? sample.arousal() : arousal[b];
    valence[r] = sample.labelled() ? sample.valence() : valence[b];
    boolean residual = sample.labelled() && sample.hasPkReading();
    residualArousal[r] = residual ? sample.arousal() - sample.pkArousal() : residualArousal[b];
    residualValence[r] = residual ? sample.valence() - sample.pkValence() : residualValence[b];
    degree[r] = 0;
    disconnect(b, s);
    connect(b, r, 0);
    connect(r, s, 0);
  }

  private void adapt(int b, int s, float[] x, double a, Sample sample) {
    float hb = habituation[b];
    // real frames move prototypes at unlabelledRate of the paper's rates (1 = the paper)
    double rate = sample.labelled() ? 1.0 : config.unlabelledRate();
    moveTowards(b, x, (float) (rate * config.epsilonB() * hb * (1.0 - a)));
    int[] nb = neighbours[b];
    for (int k = 0, deg = degree[b]; k < deg; k++) {
      int n = nb[k];
      double an = StrictMath.exp(-Math.sqrt(distance2(x, weights, n * dim, dim)));
      float hn = habituation[n];
      moveTowards(n, x, (float) (rate * config.epsilonN() * hn * (1.0 - an)));
      habituation[n] = habituate(hn, config.tauN());
    }
    habituation[b] = habituate(hb, config.tauB());
    if (sample.labelled()) {
      float gamma = config.labelRate();
      arousal[b] = clampLabel(arousal[b] + gamma * (sample.arousal() - arousal[b]));
      valence[b] = clampLabel(valence[b] + gamma * (sample.valence() - valence[b]));
      if (sample.hasPkReading()) {
        residualArousal[b] += gamma * ((sample.arousal() - sample.pkArousal()) - residualArousal[b]);
        residualValence[b] += gamma * ((sample.valence() - sample.pkValence()) - residualValence[b]);
      }
    }
    ageEdgesOf(b);
    connect(b, s, 0);
    removeEdgesOlderThanMaxAge(b);
  }

  private void moveTowards(int neuron, float[] x, float rate) {
    int off = neuron * dim;
    for (int i = 0; i < dim; i++) {
      weights[off + i] += rate * (x[i] - weights[off + i]);
    }
  }

  private float habituate(float h, float tau) {
    float next = h + tau * config.kappa() * (1f - h) - tau;
    return Math.max(habituationFloor, Math.min(1f, next));
  }

  private static float clampLabel(float v) {
    return Math.max(-1f, Math.min(1f, v));
  }

  private void ageEdgesOf(int b) {
    int[] nb = neighbours[b];
    int[] ages = edgeAges[b];
    for (int k = 0, deg = degree[b]; k < deg; k++) {
      ages[k]++;
      int n = nb[k];
      edgeAges[n][indexOf(n, b)]++;
    }
  }

  private void removeEdgesOlderThanMaxAge(int b) {
    int dropCount = 0;
    int k = 0;
    while (k < degree[b]) {
      if (edgeAges[b][k] > config.maxEdgeAge()) {
        int n = neighbours[b][k];
        disconnect(b, n);
        if (dropCount == dropped.length) {
          dropped = Arrays.copyOf(dropped, 2 * dropped.length);
        }
        dropped[dropCount++] = n;
      } else {
        k++;
      }
    }
    // dropped is ascending (b's list is sorted); remove the highest first: a swap-remove only
    // moves the last neuron, so the lower candidates keep their indices.
    for (int i = dropCount - 1; i >= 0; i--) {
      int n = dropped[i];
      if (degree[n] == 0 && size > 2) {
        removeNeuron(n);
      }
    }
  }

  // ---------------------------------------------------------------- best-matching units

  /** Sets bestIndex/bestDistance2 and secondIndex (-1 if size is 1); lower index wins ties. */
  private void findBestTwo(float[] x) {
    int b = -1;
    int s = -1;
    float db = Float.POSITIVE_INFINITY;
    float ds = Float.POSITIVE_INFINITY;
    final float[] w = weights;
    final int d = dim;
    for (int i = 0, off = 0; i < size; i++, off += d) {
      float dist = distance2(x, w, off, d);
      if (dist < db) {
        s = b;
        ds = db;
        b = i;
        db = dist;
      } else if (dist < ds) {
        s = i;
        ds = dist;
      }
    }
    bestIndex = b;
    secondIndex = s;
    bestDistance2 = db;
  }

  /** Squared Euclidean distance; four partial sums break the add dependency chain. */
  static float distance2(float[] x, float[] w, int off, int d) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int i = 0;
    for (; i <= d - 4; i += 4) {
      float e0 = x[i] - w[off + i];
      float e1 = x[i + 1] - w[off + i + 1];
      float e2 = x[i + 2] - w[off + i + 2];
      float e3 = x[i + 3] - w[off + i + 3];
      s0 += e0 * e0;
      s1 += e1 * e1;
      s2 += e2 * e2;
      s3 += e3 * e3;
    }
    for (; i < d; i++) {
      float e = x[i] - w[off + i];
      s0 += e * e;
    }
    return (s0 + s1) + (s2 + s3);
  }

  // ---------------------------------------------------------------- graph, correct by construction

  /** Appends a neuron without edges and returns its index (also the test hook to build networks). */
  int addNeuron(float[] w, float h, float arousalLabel, float valenceLabel) {
    if (w.length != dim) {
      throw new IllegalArgumentException("weight vector has length " + w.length + ", memory dimension is " + dim);
    }
    ensureCapacity(size + 1);
    int i = size++;
    System.arraycopy(w, 0, weights, i * dim, dim);
    habituation[i] = h;
    arousal[i] = arousalLabel;
    valence[i] = valenceLabel;
    residualArousal[i] = 0f;
    residualValence[i] = 0f;
    degree[i] = 0;
    return i;
  }

  /** Creates edge i-j with the given age, or sets the age of the existing edge. */
  void connect(int i, int j, int age) {
    if (i == j || i < 0 || j < 0 || i >= size || j >= size) {
      throw new IllegalArgumentException("no edge " + i + "-" + j + " in a memory of " + size + " neurons");
    }
    int k = indexOf(i, j);
    if (k >= 0) {
      edgeAges[i][k] = age;
      edgeAges[j][indexOf(j, i)] = age;
    } else {
      insertAt(i, -k - 1, j, age);
      insertAt(j, -indexOf(j, i) - 1, i, age);
    }
  }

  /** Removes edge i-j if present. */
  void disconnect(int i, int j) {
    int k = indexOf(i, j);
    if (k >= 0) {
      removeAt(i, k);
      removeAt(j, indexOf(j, i));
    }
  }

  /** Position of j in i's sorted list, or (-(insertion point) - 1). */
  private int indexOf(int i, int j) {
    return Arrays.binarySearch(neighbours[i], 0, degree[i], j);
  }

  private void insertAt(int i, int k, int j, int age) {
    int deg = degree[i];
    if (deg == neighbours[i].length) {
      neighbours[i] = Arrays.copyOf(neighbours[i], 2 * deg);
      edgeAges[i] = Arrays.copyOf(edgeAges[i], 2 * deg);
    }
    System.arraycopy(neighbours[i], k, neighbours[i], k + 1, deg - k);
    System.arraycopy(edgeAges[i], k, edgeAges[i], k + 1, deg - k);
    neighbours[i][k] = j;
    edgeAges[i][k] = age;
    degree[i] = deg + 1;
  }

  private void removeAt(int i, int k) {
    int deg = degree[i];
    System.arraycopy(neighbours[i], k + 1, neighbours[i], k, deg - k - 1);
    System.arraycopy(edgeAges[i], k + 1, edgeAges[i], k, deg - k - 1);
    degree[i] = deg - 1;
  }

  /** Removes neuron i, which must have no edges, by moving the last neuron into its slot. */
  private void removeNeuron(int i) {
    int last = size - 1;
    if (i != last) {
      System.arraycopy(weights, last * dim, weights, i * dim, dim);
      habituation[i] = habituation[last];
      arousal[i] = arousal[last];
      valence[i] = valence[last];
      residualArousal[i] = residualArousal[last];
      residualValence[i] = residualValence[last];
      // Swap the list arrays so both slots keep an allocated array.
      int[] tn = neighbours[i];
      neighbours[i] = neighbours[last];
      neighbours[last] = tn;
      int[] ta = edgeAges[i];
      edgeAges[i] = edgeAges[last];
      edgeAges[last] = ta;
      degree[i] = degree[last];
      degree[last] = 0;
      for (int k = 0; k < degree[i]; k++) {
        int n = neighbours[i][k];
        int at = indexOf(n, last);
        int age = edgeAges[n][at];
        removeAt(n, at);
        insertAt(n, -indexOf(n, i) - 1, i, age);
      }
    }
    size--;
  }

  private void allocate(int capacity) {
    weights = new float[capacity * dim];
    habituation = new float[capacity];
    arousal = new float[capacity];
    valence = new float[capacity];
    residualArousal = new float[capacity];
    residualValence = new float[capacity];
    degree = new int[capacity];
    neighbours = new int[capacity][];
    edgeAges = new int[capacity][];
    for (int i = 0; i < capacity; i++) {
      neighbours[i] = new int[INITIAL_DEGREE_CAPACITY];
      edgeAges[i] = new int[INITIAL_DEGREE_CAPACITY];
    }
  }

  private void ensureCapacity(int needed) {
    int capacity = habituation.length;
    if (needed <= capacity) {
      return;
    }
    int grown = Math.max(needed, Math.min(2 * capacity, config.maxNeurons()));
    weights = Arrays.copyOf(weights, grown * dim);
    habituation = Arrays.copyOf(habituation, grown);
    arousal = Arrays.copyOf(arousal, grown);
    valence = Arrays.copyOf(valence, grown);
    residualArousal = Arrays.copyOf(residualArousal, grown);
    residualValence = Arrays.copyOf(residualValence, grown);
    degree = Arrays.copyOf(degree, grown);
    neighbours = Arrays.copyOf(neighbours, grown);
    edgeAges = Arrays.copyOf(edgeAges, grown);
    for (int i = capacity; i < grown; i++) {
      neighbours[i] = new int[INITIAL_DEGREE_CAPACITY];
      edgeAges[i] = new int[INITIAL_DEGREE_CAPACITY];
    }
  }

  private void checkVector(float[] z, String what) {
    Objects.requireNonNull(z, what);
    if (z.length != dim) {
      throw new IllegalArgumentException(what + " has length " + z.length + ", memory dimension is " + dim);
    }
    for (float v : z) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException(what + " contains a non-finite value: " + v);
      }
    }
  }

  // ---------------------------------------------------------------- views for tests

  float[] weights(int i) {
    return Arrays.copyOfRange(weights, i * dim, (i + 1) * dim);
  }

  float habituation(int i) {
    return habituation[i];
  }

  float arousal(int i) {
    return arousal[i];
  }

  float valence(int i) {
    return valence[i];
  }

  float residualArousal(int i) {
    return residualArousal[i];
  }

  float residualValence(int i) {
    return residualValence[i];
  }

  int[] neighbours(int i) {
    return Arrays.copyOf(neighbours[i], degree[i]);
  }

  /** Age of edge i-j, or -1 if there is none. */
  int edgeAge(int i, int j) {
    int k = indexOf(i, j);
    return k >= 0 ? edgeAges[i][k] : -1;
  }

  /**
   * Checks every structural invariant and throws IllegalStateException on the first broken one:
   * sorted, symmetric, loop-free adjacency between live neurons with equal ages at both ends;
   * size within the cap; finite weights; habituation in [1 - 1/kappa, 1]; labels in [-1, 1];
   * with two or more neurons, none without edges.
   */
  void checkInvariants() {
    if (size > Math.max(config.maxNeurons(), 2)) {
      fail("size " + size + " exceeds the cap " + config.maxNeurons());
    }
    for (int i = 0; i < size; i++) {
      for (int k = 0; k < degree[i]; k++) {
        int j = neighbours[i][k];
        if (j < 0 || j >= size || j == i) {
          fail("neuron " + i + " has an edge to " + j + " (size " + size + ")");
        }
        if (k > 0 && neighbours[i][k - 1] >= j) {
          fail("neighbours of " + i + " not strictly ascending");
        }
        int back = indexOf(j, i);
        if (back < 0 || edgeAges[j][back] != edgeAges[i][k]) {
          fail("edge " + i + "-" + j + " is not symmetric");
        }
        if (edgeAges[i][k] < 0) {
          fail("edge " + i + "-" + j + " has negative age");
        }
      }
      if (size >= 2 && degree[i] == 0) {
        fail("neuron " + i + " has no edges");
      }
      for (int d = 0; d < dim; d++) {
        if (!Float.isFinite(weights[i * dim + d])) {
          fail("neuron " + i + " has a non-finite weight");
        }
      }
      if (!(habituation[i] >= habituationFloor && habituation[i] <= 1f)) {
        fail("neuron " + i + " has habituation " + habituation[i]);
      }
      if (!(arousal[i] >= -1f && arousal[i] <= 1f && valence[i] >= -1f && valence[i] <= 1f)) {
        fail("neuron " + i + " has labels " + arousal[i] + ", " + valence[i]);
      }
    }
  }

  private static void fail(String message) {
    throw new IllegalStateException(message);
  }

  // ---------------------------------------------------------------- state

  /** Current state format written by {@link #toState()}; see AffectiveMemoryState.avsc. */
  public static final int STATE_FORMAT_VERSION = 1;

  // Avro datum readers and writers keep no per-call state and are safe to share.
  private static final SpecificDatumWriter<AffectiveMemoryState> STATE_WRITER =
      new SpecificDatumWriter<>(AffectiveMemoryState.class);
  private static final SpecificDatumReader<AffectiveMemoryState> STATE_READER =
      new SpecificDatumReader<>(AffectiveMemoryState.class);

  /** The memory as its Avro state record (weights, counters and labels packed float32 little-endian). */
  public AffectiveMemoryState toState() {
    List<Integer> sources = new ArrayList<>();
    List<Integer> targets = new ArrayList<>();
    List<Integer> ages = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      for (int k = 0; k < degree[i]; k++) {
        int j = neighbours[i][k];
        if (i < j) {
          sources.add(i);
          targets.add(j);
          ages.add(edgeAges[i][k]);
        }
      }
    }
    return AffectiveMemoryState.newBuilder()
        .setFormatVersion(STATE_FORMAT_VERSION)
        .setDimension(dim)
        .setNeuronCount(size)
        .setWeights(FloatPacking.pack(weights, 0, size * dim))
        .setHabituation(FloatPacking.pack(habituation, 0, size))
        .setLabels(FloatPacking.packPairs(arousal, valence, size))
        .setResiduals(hasResiduals() ? FloatPacking.packPairs(residualArousal, residualValence, size)
            : java.nio.ByteBuffer.allocate(0))
        .setEdgeSources(sources)
        .setEdgeTargets(targets)
        .setEdgeAges(ages)
        .setTrainingSteps(trainingSteps)
        .build();
  }

  /**
   * Restores a memory from its state record. A state holding more neurons than
   * {@code config.maxNeurons()} (written under a larger cap) is kept whole and simply does not grow.
   *
   * @throws IllegalArgumentException if the state's format version or dimension does not match,
   *     or the state is malformed (lengths, indices, duplicate edges, non-finite values)
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
    memory.size = n;
    FloatPacking.unpack(state.getWeights(), memory.weights, 0, n * config.dimension());
    FloatPacking.unpack(state.getHabituation(), memory.habituation, 0, n);
    FloatPacking.unpackPairs(state.getLabels(), memory.arousal, memory.valence, n);
    // states written before residuals existed carry none: every residual is 0 (the PK's reading is trusted)
    if (state.getResiduals().remaining() != 0) {
      requireCount(state.getResiduals().remaining(), 8L * n, "residuals");
      FloatPacking.unpackPairs(state.getResiduals(), memory.residualArousal, memory.residualValence, n);
      for (int i = 0; i < n; i++) {
        if (!(Math.abs(memory.residualArousal[i]) <= 2f && Math.abs(memory.residualValence[i]) <= 2f)) {
          throw new IllegalArgumentException("state residuals of neuron " + i + " are not in [-2, 2]");
        }
      }
    }
    for (int i = 0; i < n * config.dimension(); i++) {
      if (!Float.isFinite(memory.weights[i])) {
        throw new IllegalArgumentException("state weights contain a non-finite value at " + i);
      }
    }
    for (int i = 0; i < n; i++) {
      if (!(memory.habituation[i] >= 0f && memory.habituation[i] <= 1f)) {
        throw new IllegalArgumentException("state habituation of neuron " + i + " is not in [0, 1]");
      }
      if (!(Math.abs(memory.arousal[i]) <= 1f && Math.abs(memory.valence[i]) <= 1f)) {
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
      if (memory.indexOf(i, j) >= 0) {
        throw new IllegalArgumentException("state edge " + i + "-" + j + " is listed twice");
      }
      memory.connect(i, j, age);
    }
    memory.trainingSteps = state.getTrainingSteps();
    return memory;
  }

  /** Whether any neuron carries a non-zero residual (else the state omits them: 8 bytes per neuron saved). */
  private boolean hasResiduals() {
    for (int i = 0; i < size; i++) {
      if (residualArousal[i] != 0f || residualValence[i] != 0f) {
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
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + size * (4 * dim + 20));
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      STATE_WRITER.write(toState(), encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Reads bytes written by {@link #toBytes()} (same schema on both sides). */
  public static AffectiveMemory fromBytes(byte[] bytes, MemoryConfig config) {
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
    try {
      AffectiveMemoryState state = STATE_READER.read(null, decoder);
      return fromState(state, config);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an AffectiveMemoryState in Avro binary: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "AffectiveMemory{size=" + size + ", edges=" + edgeCount() + ", trainingSteps=" + trainingSteps + "}";
  }
}
