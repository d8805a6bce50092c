// Over 400 lines: every flag of the job, its default and its validation in one class, the one place that owns them
// (durations, config files, memory and Kafka flags are in classes of their own).
package dev.paffmem.job.config;

import dev.paffmem.cli.KafkaOptions;
import dev.paffmem.job.inference.GenerationEdits;
import dev.paffmem.memory.MemoryConfig;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Every setting of the job and its default, in one place.
 *
 * <p>Built from command-line flags ({@link #parse(String...)}); {@code --config FILE} reads a
 * properties file whose keys are the flag names without the leading dashes (for example
 * {@code bootstrap-servers=broker:9092}, {@code kafka-property.security.protocol=SASL_SSL});
 * flags given on the command line win over the file. Invalid values fail in {@link #parse} with a
 * {@link ConfigException} that names the flag and what to fix. Instances are immutable after
 * parsing and serializable, so operators receive them as they are.
 */
@Command(name = "paffmem-job", mixinStandardHelpOptions = true, sortOptions = false,
    description = "P-AffMem: personalized affective memory over a Kafka stream of face frames.")
public final class JobConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Default of --dead-letter-max-original-bytes: a dead letter of it fits Kafka's 1 MiB default max.request.size. */
  public static final int DEFAULT_DEAD_LETTER_ORIGINAL_BYTES = 1_000_000;

  private boolean restartAttemptsGiven;

  /** Device on which ONNX Runtime runs the PK model. */
  public enum Device { AUTO, CPU, CUDA }

  /**
   * Precision of the networks that generation runs (G and the E that encodes its edits): FP32, the exported files;
   * INT8, the manifest's quantized variants ({@code models.<network>.quantized}, model-export's
   * {@code paffmem_pk.quantize}) where it declares them, FP32 otherwise.
   */
  public enum ModelPrecision { FP32, INT8 }

  /** Where the Kafka source starts when the consumer group has no committed offset. */
  public enum StartingOffsets { COMMITTED_OR_EARLIEST, EARLIEST, LATEST }

  /** Delivery guarantee of the two Kafka sinks. */
  public enum Delivery { EXACTLY_ONCE, AT_LEAST_ONCE }

  /**
   * What a frame gets while its person's memory is being seeded (generation runs off the online path): PK, the
   * PK's own prediction at once (phase GENERATING); WAIT, the memory's prediction once the memory has trained on
   * every frame up to it (the paper's schedule, for offline evaluation: predictions are delayed by generation).
   */
  public enum SeedingPredictions { PK, WAIT }

  /**
   * Whether predictions are corrected for the person's PK bias estimated without labels: NONE; REGIONS, from where
   * the regions of the person's face disagree (the model directory's {@code models.regions}, required; {@code
   * dev.paffmem.memory.BiasCorrection}); AUTO, REGIONS when the model directory has them, NONE otherwise.
   */
  public enum BiasCorrectionMode {
    AUTO, NONE, REGIONS;

    /** Whether a model directory whose manifest has ({@code hasRegions}) or lacks the regions runs them. */
    public boolean regions(boolean hasRegions) {
      return this == REGIONS || (this == AUTO && hasRegions);
    }
  }

  /**
   * Restart strategy the job asks for. {@code CLUSTER} (the default) sets none, so the cluster's own
   * ({@code restart-strategy.*} in its config.yaml; a local run's is {@code RestartPolicy.localDefault()}) applies.
   */
  public enum RestartStrategy { CLUSTER, EXPONENTIAL_DELAY, FIXED_DELAY, NONE }

  /** {@code --changelog}: Flink's changelog state backend where the cluster supports it, always, or never. */
  public enum Changelog { AUTO, TRUE, FALSE }

  /** Where keyed state lives: Flink's {@code state.backend.type} (BENCHMARKS.md, "State backends"). */
  public enum StateBackend {
    HASHMAP("hashmap"), ROCKSDB("rocksdb"), FORST("forst");

    private final String flinkName;

    StateBackend(String flinkName) {
      this.flinkName = flinkName;
    }

    /** The value of Flink's {@code state.backend.type}. */
    public String flinkName() {
      return flinkName;
    }
  }

  // ---- Kafka ---------------------------------------------------------------------------------

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file with flag names as keys (without dashes); flags win over it.")
  private String configFile; // Strings, not Paths: the config is serialized to the operators

  @Mixin // --bootstrap-servers, --kafka-property (for the source and both sinks)
  private KafkaOptions kafka = new KafkaOptions();

  @Option(names = "--input-topic", defaultValue = "face-frames",
      description = "Topic of FaceFrame records (default: ${DEFAULT-VALUE}).")
  private String inputTopic;

  @Option(names = "--output-topic", defaultValue = "affect-predictions",
      description = "Topic of AffectPrediction records (default: ${DEFAULT-VALUE}).")
  private String outputTopic;

  @Option(names = "--dead-letter-topic", defaultValue = "face-frames-rejected",
      description = "Topic of RejectedFrame records (default: ${DEFAULT-VALUE}).")
  private String deadLetterTopic;

  @Option(names = "--group-id", defaultValue = "paffmem",
      description = "Kafka consumer group of the source (default: ${DEFAULT-VALUE}).")
  private String groupId;

  @Option(names = "--starting-offsets", defaultValue = "COMMITTED_OR_EARLIEST",
      description = "Where to start without a checkpoint: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  private StartingOffsets startingOffsets;

  @Option(names = "--stop-at-latest", defaultValue = "false",
      description = "Bounded run: read up to the input topic's latest offsets at start-up, then finish (backfills, tests) (default: ${DEFAULT-VALUE}).")
  private boolean stopAtLatest;

  @Option(names = "--delivery", defaultValue = "EXACTLY_ONCE",
      description = "Sink guarantee: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  private Delivery delivery;

  @Option(names = "--transactional-id-prefix", defaultValue = "paffmem",
      description = "Prefix of the sinks' Kafka transactional ids; unique per job on a cluster (default: ${DEFAULT-VALUE}).")
  private String transactionalIdPrefix;

  @Option(names = "--transaction-timeout", defaultValue = "10min", converter = Durations.Converter.class,
      description = "transaction.timeout.ms of the sinks; must not exceed the broker's transaction.max.timeout.ms (15min by default) and must exceed the checkpoint interval (default: ${DEFAULT-VALUE}).")
  private Duration transactionTimeout;

  // ---- Input validation ------------------------------------------------------------------------

  @Option(names = "--max-record-bytes", defaultValue = "1048576",
      description = "Largest accepted Kafka record value, in bytes (default: ${DEFAULT-VALUE}).")
  private int maxRecordBytes;

  @Option(names = "--max-image-pixels", defaultValue = "1048576",
      description = "Largest accepted width*height, checked from the image header before decoding (decompression bombs) (default: ${DEFAULT-VALUE}).")
  private long maxImagePixels;

  @Option(names = "--dead-letter-max-original-bytes", defaultValue = "" + DEFAULT_DEAD_LETTER_ORIGINAL_BYTES,
      description = "Most bytes of a rejected record's value a dead letter carries; a longer value is cut to this "
          + "prefix and the dead letter records its full length and sha256 (the original stays in the input topic). "
          + "Checked at start-up against the producer's max.request.size (default: ${DEFAULT-VALUE}).")
  private int deadLetterMaxOriginalBytes;

  @Option(names = "--min-image-side", defaultValue = "16",
      description = "Smallest accepted image width or height in pixels; larger images are resized to the model's input size (default: ${DEFAULT-VALUE}).")
  private int minImageSide;

  // ---- Model and inference -------------------------------------------------------------------

  @Option(names = "--model-dir", defaultValue = "models/demo-pk",
      description = "Directory of the PK model (manifest.json, encoder/generator/dem ONNX files), present on every TaskManager (default: ${DEFAULT-VALUE}).")
  private String modelDir;

  @Option(names = "--device", defaultValue = "AUTO",
      description = "ONNX Runtime device: AUTO (CUDA, else CPU with a warning), CPU, CUDA (fail if unavailable) (default: ${DEFAULT-VALUE}).")
  private Device device;

  @Option(names = "--model-precision", defaultValue = "INT8",
      description = "Precision of generation's networks (the generator and the encoder of its edits): INT8 runs the "
          + "model directory's quantized files where its manifest declares them (else FP32), FP32 the exported ones; "
          + "online frames always use the FP32 encoder (default: ${DEFAULT-VALUE}; BENCHMARKS.md, quantization).")
  private ModelPrecision modelPrecision;

  @Option(names = "--intra-op-threads", defaultValue = "1",
      description = "ONNX Runtime intra-op threads per model session; budget cores / slots per TaskManager (default: ${DEFAULT-VALUE}).")
  private int intraOpThreads;

  @Option(names = "--batch-max-size", defaultValue = "64",
      description = "Most rows (faces) per model call; a batch is flushed when this many are buffered (default: ${DEFAULT-VALUE}).")
  private int batchMaxSize;

  @Option(names = "--online-call-rows", defaultValue = "0",
      description = "A micro-batch's frames go through E and D_em in ONNX Runtime calls of at most this many rows; 0: 16"
          + " when the model runs on the CPU (the shipped model's E ran about 8 %% faster per frame in calls of 16 than"
          + " of 64 on a 2-core x86 machine, whose caches hold a call of 16 frames' tensors: BENCHMARKS.md, section 10),"
          + " the whole batch on CUDA (default: ${DEFAULT-VALUE}).")
  private int onlineCallRows;

  @Option(names = "--batch-max-wait", defaultValue = "20ms", converter = Durations.Converter.class,
      description = "Longest a frame waits in the micro-batch buffer before the batch is flushed (default: ${DEFAULT-VALUE}).")
  private Duration batchMaxWait;

  @Option(names = "--async-inference", defaultValue = "true", arity = "1", paramLabel = "true|false",
      description = "Run each subtask's model calls on an inference thread of its own, so the task keeps reading input "
          + "into the next batch meanwhile (at most one batch in flight; order and checkpoints as without); false runs "
          + "them on the task thread (default: ${DEFAULT-VALUE}).")
  private boolean asyncInference;

  // ---- Generation (paper 2.2) ----------------------------------------------------------------

  @Option(names = "--generation-frames", defaultValue = "25",
      description = "A person's first N accepted frames are edited by the generator (default: ${DEFAULT-VALUE}).")
  private int generationFrames;

  @Option(names = "--generation-targets", defaultValue = "200",
      description = "Arousal/valence targets per generation frame, a Halton (2,3) set over [-1,1]^2 (default: ${DEFAULT-VALUE}).")
  private int generationTargets;

  @Option(names = "--generation-chunk", defaultValue = "4",
      description = "Generation runs off the online path in chunks of this many edited faces (rows of G + E) of one frame,"
          + " interleaved between online batches: an online batch waits at most one chunk (default: ${DEFAULT-VALUE}).")
  private int generationChunk;

  @Option(names = "--generation-skip-near-z", defaultValue = "0.1",
      description = "Skip editing a generation frame whose z is within this Euclidean distance of a frame already "
          + "edited for the person (consecutive video frames are near-identical; z lies in [-1, 1]^50 for every model"
          + " model-export makes); the memory then trains on the frame alone. 0.1 about halves a new person's"
          + " generation with the shipped model, Table 3 within 0.01 on fresh persons; 0 = off, every generation frame"
          + " edited as in the paper (default: ${DEFAULT-VALUE}; BENCHMARKS.md, near-duplicate generation).")
  private double generationSkipNearZ;

  @Option(names = "--generation-edits", defaultValue = "G",
      description = "What the memory learns from a generation frame: G (the generator's edits E(G(z, y)), the paper's) "
          + "or DELTA_Z (the frame's own z moved by G's change of expression, z + E(G(z, y)) - E(G(z, D_em(z))): "
          + "the person's own offset in z stays; one more generator row per chunk; measured no better on tuning persons, "
          + "docs/evaluation/RESULTS.md) (default: ${DEFAULT-VALUE}).")
  private GenerationEdits generationEdits;

  @Option(names = "--generation-cpu-share", defaultValue = "0.5",
      description = "Largest share of each inference subtask's time spent generating, in (0, 1]; the rest is kept for"
          + " online frames, and while online batches fill up (frames queue behind the model) the share in use falls"
          + " to as little as a sixteenth of it; 1 (offline runs) never falls (default: ${DEFAULT-VALUE}).")
  private double generationCpuShare;

  @Option(names = "--predictions-while-seeding", defaultValue = "PK", paramLabel = "PK|WAIT",
      description = "While a person's memory is seeded: PK predicts each frame at once (phase GENERATING); WAIT holds"
          + " each frame until the memory has trained on every frame up to it and predicts it then, as the paper's"
          + " schedule does (offline evaluation) (default: ${DEFAULT-VALUE}).")
  private SeedingPredictions predictionsWhileSeeding;

  @Option(names = "--bias-correction", defaultValue = "AUTO", paramLabel = "AUTO|NONE|REGIONS",
      description = "REGIONS subtracts from every prediction the person's PK bias as estimated, without labels, from"
          + " where the regions of their face disagree over their frames so far (needs the model directory's"
          + " models.regions; one more small network on the frames --bias-correction-stride and -frames say; chosen on"
          + " tuning persons, docs/evaluation/RESULTS.md);"
          + " NONE does not; AUTO: REGIONS when the model directory has models.regions (the shipped model does),"
          + " else NONE (default: ${DEFAULT-VALUE}).")
  private BiasCorrectionMode biasCorrection;

  @Option(names = "--bias-correction-stride", defaultValue = "25", paramLabel = "N",
      description = "The regions' band readers read every Nth frame of a person (their estimate is a running mean of"
          + " a person-level trait: every 25th frame, one a second at 25 fps, gave the same estimates as every frame"
          + " on tuning persons, at a 25th of the cost) (default: ${DEFAULT-VALUE}).")
  private int biasCorrectionStride;

  @Option(names = "--bias-correction-frames", defaultValue = "1500", paramLabel = "N",
      description = "The band readers read a person's first N frames (with the stride); later frames keep the"
          + " estimate of those, at no cost; 0 = all frames (default: ${DEFAULT-VALUE}: a minute at 25 fps).")
  private long biasCorrectionFrames;

  // ---- Affective memory: the --memory-* flags, their defaults taken from MemoryConfig ------------

  @Mixin
  private MemoryOptions memory = new MemoryOptions();

  @Option(names = "--state-ttl", defaultValue = "24h", converter = Durations.Converter.class,
      description = "A person's state (frame counter and memory) is dropped after this long without a frame (default: ${DEFAULT-VALUE}).")
  private Duration stateTtl;

  @Option(names = "--state-cache-persons", defaultValue = "4096",
      description = "Persons whose progress and memory each subtask keeps on the heap between frames (the least"
          + " recently used beyond that are written to state), written to keyed state at every checkpoint instead of"
          + " after every frame. 0 = none: every frame reads and writes the person's state (default: ${DEFAULT-VALUE}).")
  private int stateCachePersons;

  // ---- Flink ---------------------------------------------------------------------------------

  @Option(names = "--checkpoint-interval", converter = Durations.Converter.class,
      description = "Checkpoint interval (default: 1s with --delivery EXACTLY_ONCE, 10s with AT_LEAST_ONCE). Exactly-once"
          + " predictions become visible to read_committed consumers at each checkpoint, so it bounds their latency (p99"
          + " about the interval; 1s is what a live dashboard needs; longer intervals commit fewer Kafka transactions)."
          + " At-least-once predictions are visible at once: the interval only bounds the frames read again after a"
          + " failure, and each checkpoint holds the task thread for a moment (BENCHMARKS.md, section 7), so it is longer.")
  private Duration checkpointInterval;

  @Option(names = "--checkpoint-dir", defaultValue = "",
      description = "Durable checkpoint directory: a URI (e.g. file:///var/paffmem/checkpoints, s3://bucket/paffmem) or a "
          + "local path; "
          + "empty keeps the cluster's setting. Without one, Flink keeps checkpoints in JobManager memory, which "
          + "refuses more than 5 MB per subtask: about 3,500 persons (default: none).")
  private String checkpointDir;

  @Option(names = "--state-backend", defaultValue = "rocksdb", converter = StateBackendConverter.class,
      paramLabel = "hashmap|rocksdb|forst",
      description = "Where the persons' state lives: rocksdb (local disk, off-heap; millions of persons, incremental "
          + "checkpoints), hashmap (JVM heap; every checkpoint is full) or "
          + "forst (Flink 2's RocksDB fork, experimental: with flink-statebackend-forst 2.2.0 the job did not start here, see BENCHMARKS.md). Overrides the cluster's "
          + "state.backend.type; BENCHMARKS.md has the measurements behind the default (default: ${DEFAULT-VALUE}).")
  private StateBackend stateBackend;

  @Option(names = "--incremental-checkpoints", defaultValue = "true", arity = "1", paramLabel = "true|false",
      description = "rocksdb and forst: each checkpoint uploads only the files written since the last one; hashmap "
          + "ignores it (default: ${DEFAULT-VALUE}).")
  private boolean incrementalCheckpoints;

  @Option(names = "--changelog", defaultValue = "auto", paramLabel = "auto|true|false",
      description = "Log state changes to files between the state backend's own snapshots (Flink's changelog state "
          + "backend): a checkpoint then persists only what changed, and RocksDB's native checkpoint (a memtable flush "
          + "and hard links, 71-105 ms of the task thread per checkpoint on a 2-core machine) runs at each materialization "
          + "(state.changelog.periodic-materialize.interval, 10 min by default) instead of at every checkpoint, which "
          + "shortens the latency tail that checkpoints cause (BENCHMARKS.md section 7). It needs the TaskManagers to "
          + "write the changes durably (state.changelog.storage: filesystem and state.changelog.dstl.dfs.base-path in "
          + "the cluster's configuration; a local run and `paffmem cluster` put them beside their checkpoints) and a "
          + "start from a savepoint or checkpoint to claim it (flink run -claimMode CLAIM). auto: on where both hold, "
          + "off otherwise (the job logs which and why); true: refuse to start where they do not; false: off "
          + "(default: ${DEFAULT-VALUE}).")
  private Changelog changelog;

  @Option(names = "--buffer-timeout", defaultValue = "10ms", converter = Durations.Converter.class,
      description = "Flink network buffer timeout: longest a partly filled network buffer waits before it is sent "
          + "downstream, in whole milliseconds; 0 sends after every record (most flushes). 10ms instead of Flink's "
          + "100ms halved at-least-once latency at 50 %% load (BENCHMARKS.md) (default: ${DEFAULT-VALUE}).")
  private Duration bufferTimeout;

  @Option(names = "--parallelism", defaultValue = "0",
      description = "Job parallelism; 0 keeps the cluster's default (default: ${DEFAULT-VALUE}).")
  private int parallelism;

  @Option(names = "--max-parallelism", defaultValue = "128",
      description = "Key groups; fixes how far the job can be rescaled from a savepoint (default: ${DEFAULT-VALUE}).")
  private int maxParallelism;

  @Option(names = "--restart-strategy", defaultValue = "CLUSTER", converter = RestartStrategyConverter.class,
      description = "CLUSTER keeps the cluster's restart strategy (a local run's: exponential delay 1s doubling to 30s, "
          + "20 attempts, about 8 minutes, which outlasts a TaskManager's 15-18s heartbeat timeout); EXPONENTIAL_DELAY "
          + "(the same, with --restart-attempts), FIXED_DELAY (--restart-attempts x 1s) or NONE set the job's own "
          + "(default: ${DEFAULT-VALUE}).")
  private RestartStrategy restartStrategy;

  @Option(names = "--restart-attempts", defaultValue = "20",
      description = "Attempts of --restart-strategy EXPONENTIAL_DELAY or FIXED_DELAY before the job fails (default: ${DEFAULT-VALUE}).")
  private int restartAttempts;

  @Option(names = "--retain-checkpoints", defaultValue = "true", arity = "1", paramLabel = "true|false",
      description = "Keep the latest checkpoint when the job fails or is cancelled, to resume from it (local runs do "
          + "so by themselves; on a cluster: flink run -s <checkpoint>); needs a checkpoint directory (default: ${DEFAULT-VALUE}).")
  private boolean retainCheckpoints;

  @Option(names = "--local-resume", defaultValue = "true", arity = "1", paramLabel = "true|false",
      description = "Local runs only (./paffmem run, not flink run): start from the newest retained checkpoint in the "
          + "checkpoint directory (default for local runs: checkpoints/<job-name>), so persons keep their memories "
          + "across a restart of the process; false starts empty (default: ${DEFAULT-VALUE}).")
  private boolean localResume;

  @Option(names = "--job-name", defaultValue = "paffmem",
      description = "Flink job name (default: ${DEFAULT-VALUE}).")
  private String jobName;

  private JobConfig() {}

  /** The defaults, as if no flag were given. */
  public static JobConfig defaults() {
    return parse();
  }

  /**
   * Parses flags (and the {@code --config} file they name), then validates.
   *
   * @throws ConfigException naming the flag and what to fix
   * @throws HelpRequested when {@code --help} or {@code --version} was given (usage already printed)
   */
  public static JobConfig parse(String... args) {
    List<String> all = new ArrayList<>(ConfigFile.arguments(args));
    Collections.addAll(all, args);
    JobConfig config = new JobConfig();
    CommandLine cli = commandLine(config);
    try {
      CommandLine.ParseResult result = cli.parseArgs(all.toArray(String[]::new));
      if (CommandLine.printHelpIfRequested(result)) {
        throw new HelpRequested();
      }
      config.restartAttemptsGiven = result.hasMatchedOption("--restart-attempts");
    } catch (CommandLine.ParameterException e) {
      throw new ConfigException(e.getMessage() + " (run with --help for every flag and its default)", e);
    }
    config.validate();
    return config;
  }

  /** Usage text with every flag and its default. */
  public static String usage() {
    return commandLine(new JobConfig()).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  private static CommandLine commandLine(JobConfig config) {
    CommandLine cli = new CommandLine(config);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setOverwrittenOptionsAllowed(true); // the last value wins: --config file first, then the command line
    return cli;
  }

  /** The checkpoint interval when none is given: 1 s for exactly-once, 10 s for at-least-once (--checkpoint-interval). */
  public static Duration defaultCheckpointInterval(Delivery delivery) {
    return delivery == Delivery.EXACTLY_ONCE ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
  }

  private void validate() {
    if (changelog == Changelog.TRUE && stateBackend == StateBackend.FORST) {
      throw new ConfigException("--changelog true applies to --state-backend rocksdb or hashmap, not forst");
    }
    if (checkpointInterval == null) {
      checkpointInterval = defaultCheckpointInterval(delivery);
    }
    requireText("--bootstrap-servers", kafka.bootstrapServers());
    requireText("--input-topic", inputTopic);
    requireText("--output-topic", outputTopic);
    requireText("--dead-letter-topic", deadLetterTopic);
    requireText("--group-id", groupId);
    requireText("--transactional-id-prefix", transactionalIdPrefix);
    if (inputTopic.equals(outputTopic) || inputTopic.equals(deadLetterTopic) || outputTopic.equals(deadLetterTopic)) {
      throw new ConfigException("--input-topic, --output-topic and --dead-letter-topic must be three different topics, were "
          + inputTopic + ", " + outputTopic + ", " + deadLetterTopic);
    }
    requireAtLeast("--max-record-bytes", maxRecordBytes, 1);
    requireAtLeast("--max-image-pixels", maxImagePixels, 1);
    requireAtLeast("--min-image-side", minImageSide, 1);
    requireAtLeast("--intra-op-threads", intraOpThreads, 1);
    requireAtLeast("--batch-max-size", batchMaxSize, 1);
    requireAtLeast("--online-call-rows", onlineCallRows, 0);
    requireAtLeast("--generation-frames", generationFrames, 0);
    requireAtLeast("--generation-targets", generationTargets, 1);
    requireAtLeast("--generation-chunk", generationChunk, 1);
    requireAtLeast("--bias-correction-stride", biasCorrectionStride, 1);
    requireAtLeast("--bias-correction-frames", biasCorrectionFrames, 0);
    if (!(generationSkipNearZ >= 0)) {
      throw new ConfigException("--generation-skip-near-z must be >= 0 (0 = off), was " + generationSkipNearZ);
    }
    if (!(generationCpuShare > 0 && generationCpuShare <= 1)) {
      throw new ConfigException("--generation-cpu-share must be in (0, 1], was " + generationCpuShare);
    }
    requireAtLeast("--parallelism", parallelism, 0);
    requireAtLeast("--max-parallelism", maxParallelism, 1);
    requireAtLeast("--restart-attempts", restartAttempts, 0);
    if (restartAttemptsGiven && (restartStrategy == RestartStrategy.CLUSTER || restartStrategy == RestartStrategy.NONE)) {
      throw new ConfigException("--restart-attempts applies to --restart-strategy EXPONENTIAL_DELAY or FIXED_DELAY, "
          + "not " + restartStrategy + "; add --restart-strategy or drop --restart-attempts");
    }
    requireAtLeast("--dead-letter-max-original-bytes", deadLetterMaxOriginalBytes, 0);
    if (parallelism > maxParallelism) {
      throw new ConfigException("--parallelism " + parallelism + " must not exceed --max-parallelism " + maxParallelism);
    }
    requirePositive("--batch-max-wait", batchMaxWait);
    requirePositive("--state-ttl", stateTtl);
    requireAtLeast("--state-cache-persons", stateCachePersons, 0);
    requirePositive("--checkpoint-interval", checkpointInterval);
    if (bufferTimeout.isNegative() || bufferTimeout.getNano() % 1_000_000 != 0) {
      throw new ConfigException("--buffer-timeout must be zero or more whole milliseconds (e.g. 10ms; 0 sends after"
          + " every record), was " + bufferTimeout);
    }
    requirePositive("--transaction-timeout", transactionTimeout);
    if (delivery == Delivery.EXACTLY_ONCE && transactionTimeout.compareTo(checkpointInterval) <= 0) {
      throw new ConfigException("--transaction-timeout " + transactionTimeout + " must be longer than --checkpoint-interval "
          + checkpointInterval + ": a transaction stays open from one checkpoint to the next");
    }
    for (String key : List.of("bootstrap.servers", "group.id", "transactional.id", "key.serializer",
        "value.serializer", "key.deserializer", "value.deserializer")) {
      if (kafka.kafkaProperties().containsKey(key)) {
        throw new ConfigException("--kafka-property " + key + " is set by the job; use the dedicated flag instead"
            + " (--bootstrap-servers, --group-id, --transactional-id-prefix) or drop it");
      }
    }
    try {
      memoryConfig(50);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("affective memory (--memory-*): " + e.getMessage(), e);
    }
  }

  private static void requireText(String flag, String v) {
    if (v == null || v.isBlank()) {
      throw new ConfigException(flag + " must not be empty");
    }
  }

  private static void requireAtLeast(String flag, long v, long min) {
    if (v < min) {
      throw new ConfigException(flag + " must be at least " + min + ", was " + v);
    }
  }

  private static void requirePositive(String flag, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException(flag + " must be a positive duration (e.g. 250ms, 10s, 5min, 24h), was " + d);
    }
  }

  /** The memory configuration for z vectors of the given length (the model's z_dim). */
  public MemoryConfig memoryConfig(int dimension) {
    return memory.toConfig(dimension);
  }

  public String bootstrapServers() { return kafka.bootstrapServers(); }
  public String inputTopic() { return inputTopic; }
  public String outputTopic() { return outputTopic; }
  public String deadLetterTopic() { return deadLetterTopic; }
  public String groupId() { return groupId; }
  public StartingOffsets startingOffsets() { return startingOffsets; }
  public boolean stopAtLatest() { return stopAtLatest; }
  /** Pass-through Kafka client properties (SASL/SSL and the like). */
  public Map<String, String> kafkaProperties() { return kafka.kafkaProperties(); }
  public Delivery delivery() { return delivery; }
  public String transactionalIdPrefix() { return transactionalIdPrefix; }
  public Duration transactionTimeout() { return transactionTimeout; }
  public int maxRecordBytes() { return maxRecordBytes; }
  public long maxImagePixels() { return maxImagePixels; }
  public int minImageSide() { return minImageSide; }
  public Path modelDir() { return Path.of(modelDir); }
  public Device device() { return device; }
  public ModelPrecision modelPrecision() { return modelPrecision; }
  public int intraOpThreads() { return intraOpThreads; }
  public int batchMaxSize() { return batchMaxSize; }
  public int onlineCallRows() { return onlineCallRows; }
  public Duration batchMaxWait() { return batchMaxWait; }
  public boolean asyncInference() { return asyncInference; }
  public int generationFrames() { return generationFrames; }
  public int generationTargets() { return generationTargets; }
  public int generationChunk() { return generationChunk; }
  public double generationCpuShare() { return generationCpuShare; }
  public double generationSkipNearZ() { return generationSkipNearZ; }
  public GenerationEdits generationEdits() { return generationEdits; }
  public SeedingPredictions predictionsWhileSeeding() { return predictionsWhileSeeding; }
  public BiasCorrectionMode biasCorrection() { return biasCorrection; }
  public int biasCorrectionStride() { return biasCorrectionStride; }
  public long biasCorrectionFrames() { return biasCorrectionFrames; }
  public Duration stateTtl() { return stateTtl; }
  public int stateCachePersons() { return stateCachePersons; }
  public Duration checkpointInterval() { return checkpointInterval; }
  public StateBackend stateBackend() { return stateBackend; }
  public boolean incrementalCheckpoints() { return incrementalCheckpoints; }
  public Changelog changelog() { return changelog; }
  public int parallelism() { return parallelism; }
  public int maxParallelism() { return maxParallelism; }
  public int restartAttempts() { return restartAttempts; }
  public RestartStrategy restartStrategy() { return restartStrategy; }
  public boolean retainCheckpoints() { return retainCheckpoints; }
  public boolean localResume() { return localResume; }
  public int deadLetterMaxOriginalBytes() { return deadLetterMaxOriginalBytes; }
  public String jobName() { return jobName; }

  /** Flink's network buffer timeout; zero sends every record at once. */
  public Duration bufferTimeout() { return bufferTimeout; }

  /** The durable checkpoint directory URI, or empty to keep the cluster's setting. */
  public String checkpointDir() { return checkpointDir; }

  @Override
  public String toString() {
    return "JobConfig{bootstrapServers=" + kafka.bootstrapServers() + ", inputTopic=" + inputTopic + ", outputTopic=" + outputTopic
        + ", deadLetterTopic=" + deadLetterTopic + ", groupId=" + groupId + ", delivery=" + delivery
        + ", modelDir=" + modelDir + ", device=" + device + ", modelPrecision=" + modelPrecision
        + ", batchMaxSize=" + batchMaxSize + ", onlineCallRows=" + onlineCallRows
        + ", batchMaxWait=" + batchMaxWait + ", asyncInference=" + asyncInference + ", generationFrames=" + generationFrames
        + ", generationTargets=" + generationTargets + ", generationChunk=" + generationChunk
        + ", generationCpuShare=" + generationCpuShare + ", generationSkipNearZ=" + generationSkipNearZ + ", generationEdits=" + generationEdits + ", predictionsWhileSeeding=" + predictionsWhileSeeding + ", biasCorrection=" + biasCorrection + ", biasCorrectionStride=" + biasCorrectionStride + ", biasCorrectionFrames=" + biasCorrectionFrames + ", stateTtl=" + stateTtl
        + ", stateCachePersons=" + stateCachePersons
        + ", checkpointInterval=" + checkpointInterval + ", checkpointDir=" + checkpointDir
        + ", retainCheckpoints=" + retainCheckpoints + ", restartStrategy=" + restartStrategy
        + ", deadLetterMaxOriginalBytes=" + deadLetterMaxOriginalBytes + ", bufferTimeout=" + bufferTimeout + ", parallelism=" + parallelism
        + ", kafkaPropertyKeys=" + kafka.kafkaProperties().keySet() + "}";
  }

  /** A restart strategy by name, in either spelling: {@code FIXED_DELAY} or Flink's {@code fixed-delay}. */
  public static final class RestartStrategyConverter implements CommandLine.ITypeConverter<RestartStrategy> {
    @Override
    public RestartStrategy convert(String value) {
      String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      try {
        return RestartStrategy.valueOf(v);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a restart strategy; use one of "
            + java.util.Arrays.toString(RestartStrategy.values()));
      }
    }
  }

  public static final class StateBackendConverter implements CommandLine.ITypeConverter<StateBackend> {
    @Override
    public StateBackend convert(String value) {
      try {
        return StateBackend.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a state backend; use hashmap, rocksdb or forst");
      }
    }
  }

  /** Thrown by {@link #parse} when --help or --version was asked for; usage has been printed. */
  public static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;
    HelpRequested() {
      super("help requested");
    }
  }
}
