package dev.paffmem.job.config;

import dev.paffmem.memory.MemoryConfig;
import java.io.Serializable;
import picocli.CommandLine.Option;

/**
 * The job's {@code --memory-*} flags (a picocli mixin of {@link JobConfig}). Their defaults are not written
 * here: each field starts at {@link #JOB_DEFAULTS}, which is {@link MemoryConfig#defaults()} (the paper's
 * Table 1 and the neuron cap, owned by affective-memory) with the read-out the job chose on tuning persons.
 * picocli shows a field's initial value as its default.
 */
public final class MemoryOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * The job's memory: MemoryConfig's defaults, except the read-out (RESIDUAL) and no neuron inserts from
   * unlabelled frames, both chosen on tuning persons (docs/evaluation/RESULTS.md).
   */
  public static final MemoryConfig JOB_DEFAULTS = MemoryConfig.defaults().toBuilder()
      .readout(MemoryConfig.Readout.RESIDUAL).unlabelledInserts(false).build();

  @Option(names = "--memory-activity-threshold", description = "GWR a_T (default: ${DEFAULT-VALUE}).")
  private float activityThreshold = JOB_DEFAULTS.activityThreshold();

  @Option(names = "--memory-habituation-threshold", description = "GWR h_T (default: ${DEFAULT-VALUE}).")
  private float habituationThreshold = JOB_DEFAULTS.habituationThreshold();

  @Option(names = "--memory-epsilon-b", description = "Learning rate of the best-matching unit (default: ${DEFAULT-VALUE}).")
  private float epsilonB = JOB_DEFAULTS.epsilonB();

  @Option(names = "--memory-epsilon-n", description = "Learning rate of its neighbours (default: ${DEFAULT-VALUE}).")
  private float epsilonN = JOB_DEFAULTS.epsilonN();

  @Option(names = "--memory-tau-b", description = "Habituation rate of the best-matching unit (default: ${DEFAULT-VALUE}).")
  private float tauB = JOB_DEFAULTS.tauB();

  @Option(names = "--memory-tau-n", description = "Habituation rate of its neighbours (default: ${DEFAULT-VALUE}).")
  private float tauN = JOB_DEFAULTS.tauN();

  @Option(names = "--memory-kappa", description = "Habituation kappa (default: ${DEFAULT-VALUE}).")
  private float kappa = JOB_DEFAULTS.kappa();

  @Option(names = "--memory-label-rate", description = "Label learning rate gamma (default: ${DEFAULT-VALUE}).")
  private float labelRate = JOB_DEFAULTS.labelRate();

  @Option(names = "--memory-epochs", description = "Training passes per frame (default: ${DEFAULT-VALUE}).")
  private int epochs = JOB_DEFAULTS.epochs();

  @Option(names = "--memory-max-edge-age", description = "Edge age limit (default: ${DEFAULT-VALUE}).")
  private int maxEdgeAge = JOB_DEFAULTS.maxEdgeAge();

  @Option(names = "--memory-max-neurons", description = "Neuron cap per person (default: ${DEFAULT-VALUE}).")
  private int maxNeurons = JOB_DEFAULTS.maxNeurons();

  @Option(names = "--memory-readout",
      description = "How a prediction is read from the memory: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, "
          + "chosen on tuning persons, docs/evaluation/RESULTS.md; PAPER = the paper's best-matching unit's label).")
  private MemoryConfig.Readout readout = JOB_DEFAULTS.readout();

  @Option(names = "--memory-readout-k",
      description = "Nearest neurons pooled by the NEAREST, BLEND and RESIDUAL read-outs (default: ${DEFAULT-VALUE}).")
  private int readoutK = JOB_DEFAULTS.readoutK();

  @Option(names = "--memory-unlabelled-rate",
      description = "Factor on the learning rates for real (unlabelled) frames; 1 = the paper (default: ${DEFAULT-VALUE}).")
  private float unlabelledRate = JOB_DEFAULTS.unlabelledRate();

  @Option(names = "--memory-unlabelled-inserts", arity = "1",
      description = "Whether real (unlabelled) frames may insert neurons; true = the paper (default: ${DEFAULT-VALUE}, "
          + "chosen on tuning persons).")
  private boolean unlabelledInserts = JOB_DEFAULTS.unlabelledInserts();

  @Option(names = "--memory-enrolled-k",
      description = "Nearest enrolled faces (the person's own faces at known emotions) pooled by every read-out once "
          + "a person has any, except RESIDUAL with a kernel length scale above 0 (default: ${DEFAULT-VALUE}).")
  private int enrolledK = JOB_DEFAULTS.enrolledK();

  @Option(names = "--memory-max-enrolled",
      description = "Enrolled faces kept per person; when full a new one replaces the oldest; 0 = enrolment off "
          + "(default: ${DEFAULT-VALUE}).")
  private int maxEnrolled = JOB_DEFAULTS.maxEnrolled();

  @Option(names = "--memory-enrolled-length-scale",
      description = "RESIDUAL with enrolled faces: kernel regression of the residual over z through all of them, with "
          + "this length scale in median enrolled-face distances; 0 = the k nearest instead (default: "
          + "${DEFAULT-VALUE}, chosen on tuning persons).")
  private float enrolledLengthScale = JOB_DEFAULTS.enrolledLengthScale();

  @Option(names = "--memory-enrolled-ridge",
      description = "Ridge of that kernel regression (default: ${DEFAULT-VALUE}).")
  private float enrolledRidge = JOB_DEFAULTS.enrolledRidge();

  /** The memory configuration for z vectors of the given length (the model's z_dim); throws on invalid values. */
  MemoryConfig toConfig(int dimension) {
    return MemoryConfig.builder()
        .activityThreshold(activityThreshold).habituationThreshold(habituationThreshold)
        .epsilonB(epsilonB).epsilonN(epsilonN).tauB(tauB).tauN(tauN)
        .kappa(kappa).labelRate(labelRate).epochs(epochs).maxEdgeAge(maxEdgeAge)
        .maxNeurons(maxNeurons).dimension(dimension).readout(readout).readoutK(readoutK)
        .unlabelledRate(unlabelledRate).unlabelledInserts(unlabelledInserts)
        .enrolledK(enrolledK).maxEnrolled(maxEnrolled)
        .enrolledLengthScale(enrolledLengthScale).enrolledRidge(enrolledRidge)
        .build();
  }
}
