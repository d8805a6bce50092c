package dev.paffmem.memory;

import java.util.Objects;

/**
 * Every constant of the affective memory, in one immutable object.
 *
 * <p>Defaults are Table 1 of Barros, Parisi &amp; Wermter (ICML 2019) and the authors' code
 * (affective-memory/README.md says how the two were read together):
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>getter</th><th>paper</th><th>default</th><th>allowed</th></tr>
 *   <tr><td>{@link #activityThreshold()}</td><td>a_T</td><td>0.4</td><td>(0, 1]</td></tr>
 *   <tr><td>{@link #habituationThreshold()}</td><td>h_T</td><td>0.2</td><td>(0, 1]</td></tr>
 *   <tr><td>{@link #epsilonB()}</td><td>eps_b</td><td>0.087</td><td>[0, 1]</td></tr>
 *   <tr><td>{@link #epsilonN()}</td><td>eps_n</td><td>0.032</td><td>[0, 1]</td></tr>
 *   <tr><td>{@link #tauB()}</td><td>tau_b</td><td>0.3</td><td>(0, 1/kappa]</td></tr>
 *   <tr><td>{@link #tauN()}</td><td>tau_n</td><td>0.1</td><td>(0, 1/kappa]</td></tr>
 *   <tr><td>{@link #kappa()}</td><td>kappa</td><td>1.05</td><td>[1, 100]</td></tr>
 *   <tr><td>{@link #labelRate()}</td><td>gamma</td><td>0.4</td><td>[0, 1]</td></tr>
 *   <tr><td>{@link #epochs()}</td><td>epochs</td><td>10</td><td>[1, 10000]</td></tr>
 *   <tr><td>{@link #maxEdgeAge()}</td><td>max age</td><td>600</td><td>[1, 1000000000]</td></tr>
 *   <tr><td>{@link #maxNeurons()}</td><td>(none)</td><td>{@value #DEFAULT_MAX_NEURONS}</td>
 *       <td>[2, 1000000], and maxNeurons * dimension &lt;= 2^31 - 16</td></tr>
 *   <tr><td>{@link #dimension()}</td><td>n (size of z)</td><td>50</td><td>[1, 65536]</td></tr>
 *   <tr><td>{@link #readout()}</td><td>(BMU label)</td><td>PAPER</td><td>{@link Readout}</td></tr>
 *   <tr><td>{@link #readoutK()}</td><td>(none)</td><td>5</td><td>[1, 1000]</td></tr>
 *   <tr><td>{@link #unlabelledRate()}</td><td>(none)</td><td>1</td><td>[0, 1]</td></tr>
 *   <tr><td>{@link #unlabelledInserts()}</td><td>(none)</td><td>true</td><td>true, false</td></tr>
 *   <tr><td>{@link #enrolledK()}</td><td>(none)</td><td>{@value #DEFAULT_ENROLLED_K}</td><td>[1, 1000]</td></tr>
 *   <tr><td>{@link #maxEnrolled()}</td><td>(none)</td><td>{@value #DEFAULT_MAX_ENROLLED}</td>
 *       <td>[0, 100000] (0 = enrolment off), and maxEnrolled * dimension &lt;= 2^31 - 16</td></tr>
 *   <tr><td>{@link #enrolledLengthScale()}</td><td>(none)</td><td>{@value #DEFAULT_ENROLLED_LENGTH_SCALE}</td>
 *       <td>[0, 100] (0 = the k nearest instead of the kernel); above 0, maxEnrolled &lt;=
 *       {@value #MAX_KERNEL_ENROLLED}</td></tr>
 *   <tr><td>{@link #enrolledRidge()}</td><td>(none)</td><td>{@value #DEFAULT_ENROLLED_RIDGE}</td><td>(0, 100]</td></tr>
 * </table>
 *
 * <p><b>Reading of Table 1.</b> The paper lists "habituation modulation (tau_i and kappa) 0.087,
 * 0.032". In the authors' code these two numbers are the learning rates of the best-matching
 * unit and of its neighbours, so they are {@code epsilonB} and {@code epsilonN} here; tau_b, tau_n
 * and kappa take the code's values 0.3, 0.1 and 1.05.
 *
 * <p><b>Why the neuron cap is {@value #DEFAULT_MAX_NEURONS}.</b> The paper's network has no cap
 * (its code capped at the number of samples of one call), but a streaming memory per person needs
 * one. It was chosen by {@code CapSweep} (benchmarks): beyond a few hundred neurons a memory only grows on
 * real frames, whose neurons copy their best-matching unit's labels, so accuracy falls while state and
 * training cost grow linearly; 300 measured best on synthetic persons. The figures are in BENCHMARKS.md
 * (section 3b) and affective-memory/README.md, "The neuron cap".
 *
 * <p>Habituation stays in [1 - 1/kappa, 1] only if tau * kappa &lt;= 1, hence the bound on tau.
 *
 * <p><b>Beyond the paper: read-out and adaptation</b> (defaults = the paper's rules; see
 * {@link Readout} and {@code affective-memory/README.md}): {@link #readout()} chooses how a prediction
 * is read from the neurons, {@link #readoutK()} how many nearest neurons the non-paper read-outs pool,
 * {@link #unlabelledRate()} scales the learning rates for unlabelled (real) frames (1 = the paper; below
 * 1 real frames drag label-carrying prototypes less) and {@link #unlabelledInserts()} whether real
 * frames may insert neurons (the paper: yes, with the best-matching unit's label).
 *
 * <p><b>Beyond the paper: enrolled faces</b> ({@link AffectiveMemory#enrol}): {@link #maxEnrolled()} is how many
 * of the person's own faces at known emotions a memory keeps (the oldest is replaced when full; 0 turns enrolment
 * off) and {@link #enrolledK()} how many of the nearest of them every read-out pools once a memory has any, except
 * {@link Readout#RESIDUAL} with {@link #enrolledLengthScale()} above 0: that one reads the residual as a smooth
 * function of z fitted through all enrolled faces (a Gaussian-kernel ridge regression around their mean residual,
 * length scale = {@link #enrolledLengthScale()} times the median distance between enrolled faces, ridge
 * {@link #enrolledRidge()}; {@link AffectiveMemory}'s class comment has the formula).
 */
public final class MemoryConfig {

  /** Default neuron cap; see the class comment for the measurements behind it. */
  public static final int DEFAULT_MAX_NEURONS = 300;

  /** Default number of nearest enrolled faces the read-outs pool (the 3 of the offline measurement). */
  public static final int DEFAULT_ENROLLED_K = 3;

  /** Default number of enrolled faces kept per person (room for several 3x3 enrolment lattices). */
  public static final int DEFAULT_MAX_ENROLLED = 64;

  /** Default kernel length scale of the enrolled faces' RESIDUAL read-out, in median enrolled-face distances (chosen
   *  on the tuning seeds: docs/evaluation/RESULTS.md, "The current read-out: a kernel regression over the enrolled
   *  faces"). */
  public static final float DEFAULT_ENROLLED_LENGTH_SCALE = 1f;

  /** Default ridge of that kernel regression (the same measurement). */
  public static final float DEFAULT_ENROLLED_RIDGE = 0.1f;

  /** Most enrolled faces a memory may keep with the kernel read-out: each new face costs a refit of about
   *  maxEnrolled^3 / 3 multiply-adds on the next frame (5 ms at 256, 0.2 ms at the default 64: benchmarks'
   *  EnrolmentBenchmark). */
  public static final int MAX_KERNEL_ENROLLED = 256;

  private static final MemoryConfig DEFAULTS = builder().build();

  private final float activityThreshold;
  private final float habituationThreshold;
  private final float epsilonB;
  private final float epsilonN;
  private final float tauB;
  private final float tauN;
  private final float kappa;
  private final float labelRate;
  private final int epochs;
  private final int maxEdgeAge;
  private final int maxNeurons;
  private final int dimension;
  private final Readout readout;
  private final int readoutK;
  private final float unlabelledRate;
  private final boolean unlabelledInserts;
  private final int enrolledK;
  private final int maxEnrolled;
  private final float enrolledLengthScale;
  private final float enrolledRidge;

  /**
   * How {@link AffectiveMemory#predict(float[], float, float)} turns the neurons into (arousal, valence).
   * "Weighted" means by activation exp(-distance) over the {@link #readoutK()} nearest neurons.
   */
  public enum Readout {
    /** The paper: the best-matching unit's labels. */
    PAPER,
    /** Activation-weighted mean of the labels of the k nearest neurons. */
    NEAREST,
    /** The nearest-neurons read-out blended with the PK's prediction by the BMU's activation against a_T:
     *  w = min(1, a_b / a_T), prediction = w * memory + (1 - w) * PK. */
    BLEND,
    /** The PK's prediction plus the activation-weighted mean of the k nearest neurons' residuals (each neuron's
     *  label minus the PK's reading of the labelled faces it learned): the memory corrects the PK by how the PK
     *  misreads this person's own (edited) faces, and adds nothing where the PK reads them right. */
    RESIDUAL
  }

  private MemoryConfig(Builder b) {
    this.activityThreshold = b.activityThreshold;
    this.habituationThreshold = b.habituationThreshold;
    this.epsilonB = b.epsilonB;
    this.epsilonN = b.epsilonN;
    this.tauB = b.tauB;
    this.tauN = b.tauN;
    this.kappa = b.kappa;
    this.labelRate = b.labelRate;
    this.epochs = b.epochs;
    this.maxEdgeAge = b.maxEdgeAge;
    this.maxNeurons = b.maxNeurons;
    this.dimension = b.dimension;
    this.readout = b.readout;
    this.readoutK = b.readoutK;
    this.unlabelledRate = b.unlabelledRate;
    this.unlabelledInserts = b.unlabelledInserts;
    this.enrolledK = b.enrolledK;
    this.maxEnrolled = b.maxEnrolled;
    this.enrolledLengthScale = b.enrolledLengthScale;
    this.enrolledRidge = b.enrolledRidge;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The configuration of Table 1 with the default cap and 50 dimensions. */
  public static MemoryConfig defaults() {
    return DEFAULTS;
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder()
        .activityThreshold(activityThreshold).habituationThreshold(habituationThreshold)
        .epsilonB(epsilonB).epsilonN(epsilonN).tauB(tauB).tauN(tauN).kappa(kappa)
        .labelRate(labelRate).epochs(epochs).maxEdgeAge(maxEdgeAge)
        .maxNeurons(maxNeurons).dimension(dimension).readout(readout).readoutK(readoutK)
        .unlabelledRate(unlabelledRate).unlabelledInserts(unlabelledInserts)
        .enrolledK(enrolledK).maxEnrolled(maxEnrolled)
        .enrolledLengthScale(enrolledLengthScale).enrolledRidge(enrolledRidge);
  }

  /** a_T: a neuron is inserted when the best-matching unit's activation exp(-distance) is below this. */
  public float activityThreshold() { return activityThreshold; }

  /** h_T: ... and the best-matching unit's habituation counter is below this (it has fired enough). */
  public float habituationThreshold() { return habituationThreshold; }

  /** eps_b: learning rate of the best-matching unit (Table 1's 0.087). */
  public float epsilonB() { return epsilonB; }

  /** eps_n: learning rate of the best-matching unit's neighbours (Table 1's 0.032). */
  public float epsilonN() { return epsilonN; }

  /** tau_b: habituation rate of the best-matching unit. */
  public float tauB() { return tauB; }

  /** tau_n: habituation rate of the best-matching unit's neighbours. */
  public float tauN() { return tauN; }

  /** kappa: habituation recovery; counters decay towards 1 - 1/kappa. */
  public float kappa() { return kappa; }

  /** gamma: how far a labelled sample moves its best-matching unit's labels towards its own. */
  public float labelRate() { return labelRate; }

  /** Passes over the samples of one {@code train} call. */
  public int epochs() { return epochs; }

  /** Edges older than this (in wins of an end without renewal) are removed. */
  public int maxEdgeAge() { return maxEdgeAge; }

  /** No neuron is inserted once the memory holds this many. */
  public int maxNeurons() { return maxNeurons; }

  /** Length of the weight vectors (the encoder's z). */
  public int dimension() { return dimension; }

  /** How predictions are read from the neurons (the paper: {@link Readout#PAPER}). */
  public Readout readout() { return readout; }

  /** Nearest neurons pooled by the {@link Readout#NEAREST}, {@link Readout#BLEND} and {@link Readout#RESIDUAL} read-outs. */
  public int readoutK() { return readoutK; }

  /** Factor on eps_b and eps_n for unlabelled (real) frames; 1 = the paper. */
  public float unlabelledRate() { return unlabelledRate; }

  /** Whether an unlabelled (real) frame may insert a neuron; the paper: true. */
  public boolean unlabelledInserts() { return unlabelledInserts; }

  /** Nearest enrolled faces pooled by every read-out once the memory has enrolled faces (capped at their count). */
  public int enrolledK() { return enrolledK; }

  /** Enrolled faces kept per person; when full, a new one replaces the oldest. 0 = enrolment off. */
  public int maxEnrolled() { return maxEnrolled; }

  /** Kernel length scale of the enrolled faces' {@link Readout#RESIDUAL} read-out, as a multiple of the median
   *  distance between enrolled faces; 0 = the activation-weighted {@link #enrolledK()} nearest instead. */
  public float enrolledLengthScale() { return enrolledLengthScale; }

  /** Ridge of the enrolled faces' kernel regression (how much it smooths rather than interpolates). */
  public float enrolledRidge() { return enrolledRidge; }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MemoryConfig c)) {
      return false;
    }
    return Float.compare(activityThreshold, c.activityThreshold) == 0
        && Float.compare(habituationThreshold, c.habituationThreshold) == 0
        && Float.compare(epsilonB, c.epsilonB) == 0 && Float.compare(epsilonN, c.epsilonN) == 0
        && Float.compare(tauB, c.tauB) == 0 && Float.compare(tauN, c.tauN) == 0
        && Float.compare(kappa, c.kappa) == 0 && Float.compare(labelRate, c.labelRate) == 0
        && epochs == c.epochs && maxEdgeAge == c.maxEdgeAge && maxNeurons == c.maxNeurons
        && dimension == c.dimension && readout == c.readout && readoutK == c.readoutK
        && Float.compare(unlabelledRate, c.unlabelledRate) == 0 && unlabelledInserts == c.unlabelledInserts
        && enrolledK == c.enrolledK && maxEnrolled == c.maxEnrolled
        && Float.compare(enrolledLengthScale, c.enrolledLengthScale) == 0
        && Float.compare(enrolledRidge, c.enrolledRidge) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(activityThreshold, habituationThreshold, epsilonB, epsilonN, tauB, tauN,
        kappa, labelRate, epochs, maxEdgeAge, maxNeurons, dimension, readout, readoutK, unlabelledRate,
        unlabelledInserts, enrolledK, maxEnrolled, enrolledLengthScale, enrolledRidge);
  }

  @Override
  public String toString() {
    return "MemoryConfig{activityThreshold=" + activityThreshold
        + ", habituationThreshold=" + habituationThreshold
        + ", epsilonB=" + epsilonB + ", epsilonN=" + epsilonN
        + ", tauB=" + tauB + ", tauN=" + tauN + ", kappa=" + kappa
        + ", labelRate=" + labelRate + ", epochs=" + epochs + ", maxEdgeAge=" + maxEdgeAge
        + ", maxNeurons=" + maxNeurons + ", dimension=" + dimension + ", readout=" + readout
        + ", readoutK=" + readoutK + ", unlabelledRate=" + unlabelledRate
        + ", unlabelledInserts=" + unlabelledInserts + ", enrolledK=" + enrolledK
        + ", maxEnrolled=" + maxEnrolled + ", enrolledLengthScale=" + enrolledLengthScale
        + ", enrolledRidge=" + enrolledRidge + "}";
  }

  /** Mutable builder; {@link #build()} validates every field. */
  public static final class Builder {
    private float activityThreshold = 0.4f;
    private float habituationThreshold = 0.2f;
    private float epsilonB = 0.087f;
    private float epsilonN = 0.032f;
    private float tauB = 0.3f;
    private float tauN = 0.1f;
    private float kappa = 1.05f;
    private float labelRate = 0.4f;
    private int epochs = 10;
    private int maxEdgeAge = 600;
    private int maxNeurons = DEFAULT_MAX_NEURONS;
    private int dimension = 50;
    private Readout readout = Readout.PAPER;
    private int readoutK = 5;
    private float unlabelledRate = 1f;
    private boolean unlabelledInserts = true;
    private int enrolledK = DEFAULT_ENROLLED_K;
    private int maxEnrolled = DEFAULT_MAX_ENROLLED;
    private float enrolledLengthScale = DEFAULT_ENROLLED_LENGTH_SCALE;
    private float enrolledRidge = DEFAULT_ENROLLED_RIDGE;

    private Builder() {}

    public Builder activityThreshold(float v) { activityThreshold = v; return this; }
    public Builder habituationThreshold(float v) { habituationThreshold = v; return this; }
    public Builder epsilonB(float v) { epsilonB = v; return this; }
    public Builder epsilonN(float v) { epsilonN = v; return this; }
    public Builder tauB(float v) { tauB = v; return this; }
    public Builder tauN(float v) { tauN = v; return this; }
    public Builder kappa(float v) { kappa = v; return this; }
    public Builder labelRate(float v) { labelRate = v; return this; }
    public Builder epochs(int v) { epochs = v; return this; }
    public Builder maxEdgeAge(int v) { maxEdgeAge = v; return this; }
    public Builder maxNeurons(int v) { maxNeurons = v; return this; }
    public Builder dimension(int v) { dimension = v; return this; }
    public Builder readout(Readout v) { readout = Objects.requireNonNull(v, "readout"); return this; }
    public Builder readoutK(int v) { readoutK = v; return this; }
    public Builder unlabelledRate(float v) { unlabelledRate = v; return this; }
    public Builder unlabelledInserts(boolean v) { unlabelledInserts = v; return this; }
    public Builder enrolledK(int v) { enrolledK = v; return this; }
    public Builder maxEnrolled(int v) { maxEnrolled = v; return this; }
    public Builder enrolledLengthScale(float v) { enrolledLengthScale = v; return this; }
    public Builder enrolledRidge(float v) { enrolledRidge = v; return this; }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first invalid field and its allowed range
     */
    public MemoryConfig build() {
      openClosed("activityThreshold", activityThreshold, 0f, 1f);
      openClosed("habituationThreshold", habituationThreshold, 0f, 1f);
      closed("epsilonB", epsilonB, 0f, 1f);
      closed("epsilonN", epsilonN, 0f, 1f);
      closed("kappa", kappa, 1f, 100f);
      // h' = h (1 - tau kappa) + tau (kappa - 1) stays in [1 - 1/kappa, 1] only if tau kappa <= 1
      openClosed("tauB", tauB, 0f, 1f / kappa);
      openClosed("tauN", tauN, 0f, 1f / kappa);
      closed("labelRate", labelRate, 0f, 1f);
      closed("epochs", epochs, 1, 10_000);
      closed("maxEdgeAge", maxEdgeAge, 1, 1_000_000_000);
      closed("dimension", dimension, 1, 65_536);
      closed("maxNeurons", maxNeurons, 2, 1_000_000);
      closed("readoutK", readoutK, 1, 1_000);
      closed("unlabelledRate", unlabelledRate, 0f, 1f);
      closed("enrolledK", enrolledK, 1, 1_000);
      closed("maxEnrolled", maxEnrolled, 0, 100_000);
      closed("enrolledLengthScale", enrolledLengthScale, 0f, 100f);
      openClosed("enrolledRidge", enrolledRidge, 0f, 100f);
      if ((long) maxNeurons * dimension > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("maxNeurons * dimension must be <= " + (Integer.MAX_VALUE - 16)
            + " (one float array holds all weights), was " + maxNeurons + " * " + dimension);
      }
      if (enrolledLengthScale > 0f && maxEnrolled > MAX_KERNEL_ENROLLED) {
        throw new IllegalArgumentException("maxEnrolled must be <= " + MAX_KERNEL_ENROLLED
            + " with the kernel read-out of enrolled faces (enrolledLengthScale > 0: each new face costs a refit of "
            + "maxEnrolled^3 / 3 operations), was " + maxEnrolled + "; set enrolledLengthScale 0 (the k nearest) to "
            + "keep more");
      }
      if ((long) maxEnrolled * dimension > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("maxEnrolled * dimension must be <= " + (Integer.MAX_VALUE - 16)
            + " (one float array holds all enrolled faces), was " + maxEnrolled + " * " + dimension);
      }
      return new MemoryConfig(this);
    }

    private static void openClosed(String field, float v, float lo, float hi) {
      if (!(v > lo && v <= hi)) { // also rejects NaN
        throw new IllegalArgumentException(field + " must be in (" + lo + ", " + hi + "], was " + v);
      }
    }

    private static void closed(String field, float v, float lo, float hi) {
      if (!(v >= lo && v <= hi)) {
        throw new IllegalArgumentException(field + " must be in [" + lo + ", " + hi + "], was " + v);
      }
    }

    private static void closed(String field, int v, int lo, int hi) {
      if (v < lo || v > hi) {
        throw new IllegalArgumentException(field + " must be in [" + lo + ", " + hi + "], was " + v);
      }
    }
  }
}
