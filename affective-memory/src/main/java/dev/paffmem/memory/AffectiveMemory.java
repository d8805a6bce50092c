// Over 400 lines on purpose: the GWR rules and their specification (the class comment) in one file, as
// giparisi/gwr-tb keeps one network per file; the graph is NeuronGraph, the Avro state AffectiveMemoryCodec.
package dev.paffmem.memory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
 *   <li>Optionally, {@code memory.enrol(z, arousal, valence, pkArousal, pkValence);} for a face of the person
 *       at a known emotion: from then on predictions come from the enrolled faces (below).</li>
 *   <li>{@link AffectiveMemoryCodec#toState} / {@link AffectiveMemoryCodec#fromState} keep it in Flink
 *       state; {@link AffectiveMemoryCodec#toBytes} gives the Avro binary form.</li>
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
 * <h2>Enrolled faces (beyond the paper)</h2>
 * A camera or app may send a few of the person's own faces at known emotions (prompted expressions at sign-up,
 * a labelled moment): {@link #enrol} keeps each as an <em>enrolled face</em> (a copy of z, its label, and its
 * residual = label minus the PK's reading of it). They are not neurons: {@link #train} never sees, moves, merges
 * or removes them. Once a memory has any, <b>every read-out answers from them alone</b> (the GWR's neurons keep
 * training but are not read): {@code RESIDUAL} = PK + the activation-weighted mean residual of the
 * {@link MemoryConfig#enrolledK()} nearest enrolled faces, {@code NEAREST} = the same weighting of their labels,
 * {@code BLEND} = that blended with the PK by the nearest face's activation against a_T, {@code PAPER} = the
 * nearest face's label. With {@link MemoryConfig#enrolledLengthScale()} above 0 (the default) {@code RESIDUAL}
 * instead reads the residual as a smooth function of z through all m enrolled faces e_j with residuals r_j, a
 * Gaussian-kernel ridge regression around their mean residual r&#772;:
 * PK + r&#772; + sum_j exp(-||z - e_j||^2 / (2 l^2)) alpha_j, alpha = (K + ridge I)^-1 (r - r&#772;),
 * K_ij = exp(-||e_i - e_j||^2 / (2 l^2)), l = enrolledLengthScale times the (lower) median distance between enrolled
 * faces that are apart (one face, or all at one point: PK + r&#772;); fitted once per change of the faces, in double.
 * Unlike the k nearest it has no steps where the nearest faces change, and far from every enrolled face it
 * returns the PK plus the mean residual. They are read on their own because mixing the generator's edits into the same
 * nearest-neighbour pool cut the gain measured offline by a fifth to a half (docs/evaluation/RESULTS.md, "With
 * enrolment"). At most
 * {@link MemoryConfig#maxEnrolled()} are kept, oldest replaced first (0 = enrolment off).
 *
 * <h2>Representation</h2>
 * The neurons and edges are a {@link NeuronGraph} (dense arrays, sorted symmetric adjacency lists, correct by
 * construction); this class holds the rules. Training allocates nothing per sample (adjacency lists grow
 * rarely and amortized). The Avro state record is {@link AffectiveMemoryCodec}'s: the rules know no Avro.
 *
 * <p>Arithmetic is Java float/double (strict IEEE since Java 17) with {@link StrictMath#exp}, so a
 * replay from the same state with the same seed gives bit-identical results on any JVM.
 */
public final class AffectiveMemory {

  private static final int INITIAL_DEGREE_CAPACITY = 4;

  private final MemoryConfig config;
  private final int dim;
  private final float habituationFloor;

  /** The neurons and edges this memory's rules train. */
  final NeuronGraph graph;
  /** The enrolled faces, which the rules never touch and the read-outs prefer. */
  final EnrolledFaces enrolled;
  private long trainingSteps;

  // Scratch reused across calls so that a training step allocates nothing.
  private int[] order = new int[0];
  private int[] dropped = new int[INITIAL_DEGREE_CAPACITY];
  private int bestIndex;
  private int secondIndex;
  private float bestDistance2;
  private int[] nearest = new int[0];
  private float[] nearestDistance2 = new float[0];

  /**
   * The distance cache of a one-sample {@link #train} call (an online frame: {@code epochs} passes over the same z):
   * each neuron's squared distance to the sample, measured again only for neurons moved, inserted or moved into
   * another's slot since the last pass, with the same {@link #distance2} arithmetic, so every result is
   * bit-identical to measuring all of them each pass (DistanceCacheTest). False: the reference path, which
   * measures every neuron every pass (tests compare the two).
   */
  boolean distanceCache = true;
  /** True inside a one-sample train call: the cache below describes its sample. */
  private boolean cacheArmed;
  private float[] cachedDistance2 = new float[0];
  private boolean[] cached = new boolean[0];
  /**
   * After a one-sample train call, until the memory changes again: that sample's z (a copy), whose cached distances
   * {@link #predict} then reads for the neurons the last pass did not move (the online frame's train-then-predict);
   * null when no such cache is valid.
   */
  private float[] cacheZ;

  /** An empty memory; its first two training samples become its first two neurons. */
  public AffectiveMemory(MemoryConfig config) {
    this(config, 16);
  }

  /** An empty memory with room for {@code capacity} neurons (the state codec's). */
  AffectiveMemory(MemoryConfig config, int capacity) {
    this.config = Objects.requireNonNull(config, "config");
    this.dim = config.dimension();
    this.habituationFloor = 1f - 1f / config.kappa();
    this.graph = new NeuronGraph(dim, capacity, config.maxNeurons());
    this.enrolled = new EnrolledFaces(dim, config.maxEnrolled());
  }

  public MemoryConfig config() {
    return config;
  }

  /** Number of neurons. */
  public int size() {
    return graph.size;
  }

  /** Number of (undirected) edges. */
  public int edgeCount() {
    return graph.edgeCount();
  }

  /** Single-sample training steps taken so far (samples times epochs), for monitoring. */
  public long trainingSteps() {
    return trainingSteps;
  }

  /** Number of enrolled faces ({@link #enrol}); once it is above 0 every read-out answers from them. */
  public int enrolledCount() {
    return enrolled.count;
  }

  /**
   * Keeps one of the person's own faces at a known emotion as an enrolled face: a copy of z, the label and its
   * residual (label minus the PK's reading of this face). Enrolled faces are not GWR neurons ({@link #train} never
   * sees or changes them); once the memory has any, every read-out answers from them alone (class comment).
   * At most {@link MemoryConfig#maxEnrolled()} are kept: when full, the new face replaces the oldest, so a person
   * who enrols again replaces their old faces in order. With {@code maxEnrolled() == 0} (enrolment off) a valid
   * face is checked and then ignored.
   *
   * @param z the encoder's latent vector of the face; copied
   * @param arousal the emotion the face shows, in [-1, 1]
   * @param valence likewise, in [-1, 1]
   * @param pkArousal the PK's (D_em's) arousal reading of this face, finite
   * @param pkValence the PK's valence reading of this face, finite
   * @throws IllegalArgumentException if z has the wrong length or is not finite, a label is outside [-1, 1] (or
   *     NaN), or a PK reading is not finite; nothing is kept then
   */
  public void enrol(float[] z, float arousal, float valence, float pkArousal, float pkValence) {
    checkVector(z, "enrolled face z");
    if (!(arousal >= -1f && arousal <= 1f && valence >= -1f && valence <= 1f)) {
      throw new IllegalArgumentException("an enrolled face's label must be in [-1, 1], was arousal=" + arousal
          + ", valence=" + valence);
    }
    if (!(Float.isFinite(pkArousal) && Float.isFinite(pkValence))) {
      throw new IllegalArgumentException("an enrolled face needs the PK's (finite) reading of it, was ("
          + pkArousal + ", " + pkValence + ")");
    }
    cacheZ = null;
    enrolled.add(z, arousal, valence, arousal - pkArousal, valence - pkValence);
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
    cacheZ = null; // the neurons move from here on
    cacheArmed = distanceCache && n == 1;
    if (cacheArmed) {
      Arrays.fill(cached, false); // a new sample: nothing measured yet
    }
    boolean completed = false;
    try {
      for (int epoch = 0; epoch < config.epochs(); epoch++) {
        random.shuffle(order, n);
        for (int k = 0; k < n; k++) {
          step(batch[order[k]]);
        }
      }
      completed = true;
    } finally {
      if (cacheArmed && completed && config.epochs() > 0) {
        cacheZ = batch[0].z().clone(); // valid for predict until the next change
      }
      cacheArmed = false;
    }
  }

  /**
   * The best-matching unit's labels for z, its activation and the memory size (the paper's read-out,
   * whatever {@link MemoryConfig#readout()} says). An empty memory predicts (0, 0) with activation 0; a
   * one-neuron memory answers with that neuron. With enrolled faces: the nearest enrolled face's label and
   * activation (and still the neuron count as memory size).
   *
   * @throws IllegalArgumentException if z has the wrong length or is not finite
   */
  public Prediction predict(float[] z) {
    return predict(z, Float.NaN, Float.NaN, MemoryConfig.Readout.PAPER);
  }

  /**
   * The prediction for z under the configured read-out ({@link MemoryConfig#readout()}), given the PK's
   * own prediction for the same frame (D_em of z), which the BLEND and RESIDUAL read-outs use. An empty memory
   * predicts the PK's values (or (0, 0) without them) with activation 0. A memory with enrolled faces
   * ({@link #enrolledCount()} &gt; 0) answers from them alone, over the {@link MemoryConfig#enrolledK()} nearest
   * (class comment); the prediction's activation is then the nearest enrolled face's, exp(-distance), and its
   * memory size stays the number of GWR neurons.
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
    if (enrolled.count > 0) {
      return predictFromEnrolled(z, pkArousal, pkValence, readout);
    }
    if (graph.size == 0) {
      return needsPk ? new Prediction(clampLabel(pkArousal), clampLabel(pkValence), 0f, 0)
          : new Prediction(0f, 0f, 0f, 0);
    }
    boolean trainedOnZ = cacheZ != null && Arrays.equals(cacheZ, z); // its distances are cached: no re-measuring
    if (readout == MemoryConfig.Readout.PAPER) {
      cacheArmed = trainedOnZ; // findBestTwo reads the cache (and keeps it: nothing moves here)
      try {
        findBestTwo(z);
      } finally {
        cacheArmed = false;
      }
      float activation = (float) StrictMath.exp(-Math.sqrt(bestDistance2));
      return new Prediction(graph.arousal[bestIndex], graph.valence[bestIndex], activation, graph.size);
    }
    // one pass over the neurons: the k nearest, the first of them the best-matching unit (same tie rule)
    int k = findNearest(z, graph.weights, graph.size, Math.min(config.readoutK(), graph.size), trainedOnZ);
    return readNearest(readout, k, graph.arousal, graph.valence, graph.residualArousal, graph.residualValence,
        pkArousal, pkValence);
  }

  /** The read-outs over the enrolled faces alone (at least one), the nearest first (same tie rule: the older). */
  private Prediction predictFromEnrolled(float[] z, float pkArousal, float pkValence, MemoryConfig.Readout readout) {
    EnrolledFaces e = enrolled;
    if (readout == MemoryConfig.Readout.PAPER) {
      findNearest(z, e.weights, e.count, 1, false);
      float activation = (float) StrictMath.exp(-Math.sqrt(nearestDistance2[0]));
      return new Prediction(e.arousal[nearest[0]], e.valence[nearest[0]], activation, graph.size);
    }
    if (readout == MemoryConfig.Readout.RESIDUAL && config.enrolledLengthScale() > 0f) {
      return predictFromEnrolledKernel(z, pkArousal, pkValence);
    }
    int k = findNearest(z, e.weights, e.count, Math.min(config.enrolledK(), e.count), false);
    return readNearest(readout, k, e.arousal, e.valence, e.residualArousal, e.residualValence, pkArousal, pkValence);
  }

  /** RESIDUAL over the enrolled faces by kernel regression (class comment); activation = the nearest face's. */
  private Prediction predictFromEnrolledKernel(float[] z, float pkArousal, float pkValence) {
    EnrolledFaces e = enrolled;
    e.fit(config.enrolledLengthScale(), config.enrolledRidge());
    double ra = e.meanArousal;
    double rv = e.meanValence;
    float nearest2 = Float.POSITIVE_INFINITY;
    for (int j = 0, off = 0; j < e.count; j++, off += dim) {
      float d = distance2(z, e.weights, off, dim);
      nearest2 = Math.min(nearest2, d);
      if (e.inverseTwoLengthScale2 > 0) {
        double k = StrictMath.exp(-d * e.inverseTwoLengthScale2);
        ra += k * e.alphaArousal[j];
        rv += k * e.alphaValence[j];
      }
    }
    float activation = (float) StrictMath.exp(-Math.sqrt(nearest2));
    return new Prediction(clampLabel((float) (pkArousal + ra)), clampLabel((float) (pkValence + rv)), activation,
        graph.size);
  }

  /**
   * NEAREST, BLEND or RESIDUAL over the k entries found by {@link #findNearest} (nearest[0] the closest) of the
   * given label and residual arrays (the neurons' or the enrolled faces'); activation = the closest one's.
   */
  private Prediction readNearest(MemoryConfig.Readout readout, int k, float[] arousal, float[] valence,
      float[] residualArousal, float[] residualValence, float pkArousal, float pkValence) {
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
    return new Prediction(clampLabel(a), clampLabel(v), activation, graph.size);
  }

  /**
   * Fills nearest[0..k) with the k nearest of the first {@code count} vectors of {@code weights} (the neurons or
   * the enrolled faces; ascending distance, lower index on ties); returns k. With {@code fromCache} (the neurons,
   * x the sample of the last one-sample train call, nothing changed since) a neuron the distance cache holds is
   * not measured again: the same float, so the same result.
   */
  private int findNearest(float[] x, float[] weights, int count, int k, boolean fromCache) {
    if (nearest.length < k) {
      nearest = new int[k];
      nearestDistance2 = new float[k];
    }
    int filled = 0;
    for (int i = 0, off = 0; i < count; i++, off += dim) {
      float d = fromCache && i < cached.length && cached[i] ? cachedDistance2[i] : distance2(x, weights, off, dim);
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
    cacheZ = null; // train() sets it again after its last pass
    trainingSteps++;
    if (graph.size < 2) {
      int r = graph.addNeuron(x, 1f, sample.labelled() ? sample.arousal() : 0f, sample.labelled() ? sample.valence() : 0f);
      if (sample.labelled() && sample.hasPkReading()) {
        graph.residualArousal[r] = sample.arousal() - sample.pkArousal();
        graph.residualValence[r] = sample.valence() - sample.pkValence();
      }
      uncache(r);
      if (graph.size == 2) {
        graph.connect(0, 1, 0);
      }
      return;
    }
    findBestTwo(x);
    int b = bestIndex;
    int s = secondIndex;
    double a = StrictMath.exp(-Math.sqrt(bestDistance2));
    if (a < config.activityThreshold() && graph.habituation[b] < config.habituationThreshold()
        && graph.size < config.maxNeurons() && (sample.labelled() || config.unlabelledInserts())) {
      insertBetween(b, s, x, sample);
    } else {
      adapt(b, s, x, a, sample);
    }
  }

  private void insertBetween(int b, int s, float[] x, Sample sample) {
    graph.ensureCapacity(graph.size + 1);
    int r = graph.size++;
    int wb = b * dim;
    int wr = r * dim;
    for (int i = 0; i < dim; i++) {
      graph.weights[wr + i] = (graph.weights[wb + i] + x[i]) * 0.5f;
    }
    graph.habituation[r] = 1f;
    graph.arousal[r] = sample.labelled() ? sample.arousal() : graph.arousal[b];
    graph.valence[r] = sample.labelled() ? sample.valence() : graph.valence[b];
    boolean residual = sample.labelled() && sample.hasPkReading();
    graph.residualArousal[r] = residual ? sample.arousal() - sample.pkArousal() : graph.residualArousal[b];
    graph.residualValence[r] = residual ? sample.valence() - sample.pkValence() : graph.residualValence[b];
    graph.degree[r] = 0;
    uncache(r);
    graph.disconnect(b, s);
    graph.connect(b, r, 0);
    graph.connect(r, s, 0);
  }

  private void adapt(int b, int s, float[] x, double a, Sample sample) {
    float hb = graph.habituation[b];
    // real frames move prototypes at unlabelledRate of the paper's rates (1 = the paper)
    double rate = sample.labelled() ? 1.0 : config.unlabelledRate();
    moveTowards(b, x, (float) (rate * config.epsilonB() * hb * (1.0 - a)));
    int[] nb = graph.neighbours[b];
    for (int k = 0, deg = graph.degree[b]; k < deg; k++) {
      int n = nb[k];
      double an = StrictMath.exp(-Math.sqrt(cacheArmed && cached[n] ? cachedDistance2[n]
          : distance2(x, graph.weights, n * dim, dim))); // n has not moved since this step's search
      float hn = graph.habituation[n];
      moveTowards(n, x, (float) (rate * config.epsilonN() * hn * (1.0 - an)));
      graph.habituation[n] = habituate(hn, config.tauN());
    }
    graph.habituation[b] = habituate(hb, config.tauB());
    if (sample.labelled()) {
      float gamma = config.labelRate();
      graph.arousal[b] = clampLabel(graph.arousal[b] + gamma * (sample.arousal() - graph.arousal[b]));
      graph.valence[b] = clampLabel(graph.valence[b] + gamma * (sample.valence() - graph.valence[b]));
      if (sample.hasPkReading()) {
        graph.residualArousal[b] += gamma * ((sample.arousal() - sample.pkArousal()) - graph.residualArousal[b]);
        graph.residualValence[b] += gamma * ((sample.valence() - sample.pkValence()) - graph.residualValence[b]);
      }
    }
    ageEdgesOf(b);
    graph.connect(b, s, 0);
    removeEdgesOlderThanMaxAge(b);
  }

  private void moveTowards(int neuron, float[] x, float rate) {
    uncache(neuron);
    int off = neuron * dim;
    for (int i = 0; i < dim; i++) {
      graph.weights[off + i] += rate * (x[i] - graph.weights[off + i]);
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
    int[] nb = graph.neighbours[b];
    int[] ages = graph.edgeAges[b];
    for (int k = 0, deg = graph.degree[b]; k < deg; k++) {
      ages[k]++;
      int n = nb[k];
      graph.edgeAges[n][graph.indexOf(n, b)]++;
    }
  }

  private void removeEdgesOlderThanMaxAge(int b) {
    int dropCount = 0;
    int k = 0;
    while (k < graph.degree[b]) {
      if (graph.edgeAges[b][k] > config.maxEdgeAge()) {
        int n = graph.neighbours[b][k];
        graph.disconnect(b, n);
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
      if (graph.degree[n] == 0 && graph.size > 2) {
        int last = graph.size - 1;
        graph.removeNeuron(n);
        if (cacheArmed) { // the last neuron's weights now sit, bit for bit, in slot n
          cached[n] = cached[last];
          cachedDistance2[n] = cachedDistance2[last];
          cached[last] = false;
        }
      }
    }
  }

  // ---------------------------------------------------------------- best-matching units

  /**
   * Sets bestIndex/bestDistance2 and secondIndex (-1 if size is 1); lower index wins ties. Inside a one-sample train
   * call it goes through the distance cache: the same distances (each measured by {@link #distance2} from the same
   * weights), compared in the same order, so the same result.
   */
  private void findBestTwo(float[] x) {
    final boolean useCache = cacheArmed;
    if (useCache && cached.length < graph.size) {
      int grown = Math.max(graph.size, graph.habituation.length);
      cached = Arrays.copyOf(cached, grown); // new slots: not measured
      cachedDistance2 = Arrays.copyOf(cachedDistance2, grown);
    }
    int b = -1;
    int s = -1;
    float db = Float.POSITIVE_INFINITY;
    float ds = Float.POSITIVE_INFINITY;
    final float[] w = graph.weights;
    final int d = dim;
    for (int i = 0, off = 0; i < graph.size; i++, off += d) {
      float dist;
      if (useCache && cached[i]) {
        dist = cachedDistance2[i];
      } else {
        dist = distance2(x, w, off, d);
        if (useCache) {
          cachedDistance2[i] = dist;
          cached[i] = true;
        }
      }
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

  /** Neuron i's weights changed (or slot i holds a new neuron): measure it again in the next cached search. */
  private void uncache(int i) {
    if (cacheArmed && i < cached.length) {
      cached[i] = false;
    }
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

  /** Restores the count of training steps (the state codec's). */
  void setTrainingSteps(long steps) {
    trainingSteps = steps;
  }

  /**
   * Checks every structural invariant and throws IllegalStateException on the first broken one (the
   * graph's, with this memory's cap and habituation floor); for tests.
   */
  void checkInvariants() {
    graph.checkInvariants(config.maxNeurons(), habituationFloor);
  }

  @Override
  public String toString() {
    return "AffectiveMemory{size=" + graph.size + ", edges=" + edgeCount() + ", trainingSteps=" + trainingSteps + "}";
  }
}
