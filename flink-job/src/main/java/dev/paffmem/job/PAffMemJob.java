package dev.paffmem.job;

import dev.paffmem.job.config.ConfigException;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.config.JobConfig.Delivery;
import dev.paffmem.job.inference.ModelDirectoryException;
import dev.paffmem.job.inference.ModelIdentity;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.ingest.FrameDecoder;
import dev.paffmem.job.ingest.FrameValidator;
import dev.paffmem.job.ingest.RawRecordDeserializer;
import dev.paffmem.job.ingest.Rejections;
import dev.paffmem.job.ingest.RoutingKey;
import dev.paffmem.job.records.EncodedFrame;
import dev.paffmem.job.records.Frame;
import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.job.memory.AffectiveMemoryFunction;
import dev.paffmem.job.state.WriteBackOperator;
import dev.paffmem.job.inference.BatchedInferenceOperator;
import dev.paffmem.job.sequence.FrameSequencer;
import dev.paffmem.job.sink.DeadLetters;
import dev.paffmem.job.sink.PredictionSerializer;
import dev.paffmem.job.sink.RejectedFrameSerializer;
import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.RejectedFrame;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.changelog.fs.FsStateChangelogOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The P-AffMem Flink job.
 *
 * <pre>
 * KafkaSource(FaceFrame bytes) -> keyBy(person) -> validate -> [forward] sequence (order, phase)
 *   -> [forward] batched PK inference (E, D_em; G+E off the online path) -> [forward] affective memory
 *   -> KafkaSink(AffectPrediction, exactly once);   rejects -> KafkaSink(RejectedFrame)
 * </pre>
 *
 * <p>{@link #buildPipeline} takes any input stream and returns the output streams, so tests swap
 * the Kafka source and sinks; {@link #buildKafkaJob} wires the Kafka source and sinks; {@link #main}
 * parses flags, validates the model directory and runs it (on a cluster under {@code flink run},
 * or locally bound to 127.0.0.1 on a plain class path with Flink, e.g. {@code ./paffmem run}).
 */
public final class PAffMemJob {

  private static final Logger LOG = LoggerFactory.getLogger(PAffMemJob.class);

  /** Operator uids: keep them stable, savepoints map state by them. */
  public static final String UID_SOURCE = "kafka-face-frames";
  public static final String UID_VALIDATE = "validate";
  public static final String UID_SEQUENCE = "sequence";
  public static final String UID_INFERENCE = "pk-inference";
  public static final String UID_MEMORY = "affective-memory";
  public static final String UID_PREDICTION_SINK = "kafka-predictions";
  public static final String UID_DEAD_LETTER_SINK = "kafka-dead-letters";

  private PAffMemJob() {}

  /** The job's two outputs. */
  public record Outputs(DataStream<AffectPrediction> predictions, DataStream<RejectedFrame> rejected) {}

  /** Key of every keyed operator: the person id. */
  public static final class PersonKey implements KeySelector<Frame, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(Frame f) {
      return f.personId;
    }
  }

  /** Key of the memory operator: the person id. */
  public static final class EncodedPersonKey implements KeySelector<EncodedFrame, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(EncodedFrame e) {
      return e.frame.personId;
    }
  }

  /** Validation, sequencing, inference and memory on any stream of raw records. */
  public static Outputs buildPipeline(DataStream<KafkaRecordBytes> input, JobConfig cfg, ModelManifest manifest) {
    FrameDecoder decoder = new FrameDecoder(cfg.maxRecordBytes(), cfg.maxImagePixels(), cfg.minImageSide(),
        manifest.imageWidth(), manifest.imageHeight());
    // routed by person before validation: raw records (about the JPEG's size) cross the network, not decoded pixels
    SingleOutputStreamOperator<Frame> valid = input
        .keyBy(new RoutingKey(), Types.STRING)
        .process(new FrameValidator(decoder), TypeInformation.of(Frame.class))
        .name("validate FaceFrame").uid(UID_VALIDATE);

    // a valid frame's routing key is its person id: still partitioned by person, chained
    ModelIdentity model = ModelIdentity.of(manifest); // recorded in each person's state: z-spaces are never mixed
    SingleOutputStreamOperator<Frame> sequenced = DataStreamUtils
        .reinterpretAsKeyedStream(valid, new PersonKey(), Types.STRING)
        .transform("sequence per person", TypeInformation.of(Frame.class), new WriteBackOperator<>(
            new FrameSequencer(cfg.generationFrames(), cfg.stateTtl(), model.key(), cfg.stateCachePersons())))
        .uid(UID_SEQUENCE);

    // --bias-correction: REGIONS needs the model's models.regions (the operator refuses a model without them)
    boolean regions = cfg.biasCorrection().regions(manifest.regionsCorrection() != null);
    // the sequencer's output is still partitioned by person (a forward edge, chained): reinterpreted as keyed
    // so the inference operator keeps pending generation in keyed state, which moves with its person
    BatchedInferenceOperator inference = new BatchedInferenceOperator(manifest, cfg.device(), cfg.modelPrecision(), cfg.intraOpThreads(),
        cfg.batchMaxSize(), cfg.batchMaxWait(), cfg.generationTargets(), cfg.generationChunk(),
        cfg.generationCpuShare(), cfg.asyncInference(), cfg.generationFrames(), cfg.generationSkipNearZ())
        .skipGenerationOnceEnrolled(cfg.memoryConfig(manifest.zDim()).maxEnrolled() > 0)
        .generationEdits(cfg.generationEdits())
        .regions(regions, cfg.biasCorrectionStride(), cfg.biasCorrectionFrames())
        .onlineCallRows(cfg.onlineCallRows());
    SingleOutputStreamOperator<EncodedFrame> encoded = DataStreamUtils
        .reinterpretAsKeyedStream(sequenced, new PersonKey(), Types.STRING)
        .transform("PK inference (batched)", TypeInformation.of(EncodedFrame.class), inference)
        .uid(UID_INFERENCE);

    // everything the inference subtask emits is of persons it owns: the memory is chained to it, no keyBy
    // (its operator writes the persons' memories to keyed state at each checkpoint, not after every frame)
    SingleOutputStreamOperator<AffectPrediction> predictions = DataStreamUtils
        .reinterpretAsKeyedStream(encoded, new EncodedPersonKey(), Types.STRING)
        .transform("affective memory", new AvroTypeInfo<>(AffectPrediction.class),
            new WriteBackOperator<>(new AffectiveMemoryFunction(cfg, manifest.zDim(), model,
                regions ? manifest.regionsCorrection() : null)))
        .uid(UID_MEMORY);

    DataStream<RejectedFrame> rejected = valid.getSideOutput(Rejections.TAG)
        .union(sequenced.getSideOutput(Rejections.TAG));
    return new Outputs(predictions, rejected);
  }

  /**
   * The whole job on Kafka. {@code inputHook} may wrap the raw input stream (tests inject
   * failures there); pass {@code UnaryOperator.identity()} otherwise.
   */
  public static void buildKafkaJob(StreamExecutionEnvironment env, JobConfig cfg, ModelManifest manifest,
      UnaryOperator<DataStream<KafkaRecordBytes>> inputHook) {
    // wrong credentials or an untrusted certificate fail here, with a message that says so
    KafkaAccessCheck.check(cfg.bootstrapServers(), cfg.kafkaProperties());
    configure(env, cfg);
    DataStream<KafkaRecordBytes> raw = env
        .fromSource(kafkaSource(cfg), WatermarkStrategy.noWatermarks(), "Kafka " + cfg.inputTopic())
        .uid(UID_SOURCE);
    Outputs out = buildPipeline(inputHook.apply(raw), cfg, manifest);
    out.predictions().sinkTo(predictionSink(cfg)).name("Kafka " + cfg.outputTopic()).uid(UID_PREDICTION_SINK);
    out.rejected().sinkTo(deadLetterSink(cfg, DeadLetters.capForTopic(cfg.deadLetterMaxOriginalBytes(),
            cfg.deadLetterTopic(), adminProperties(cfg)))).name("Kafka " + cfg.deadLetterTopic()).uid(UID_DEAD_LETTER_SINK);
  }

  /**
   * Parallelism, the state backend ({@code --state-backend}, incremental checkpoints), checkpointing (retained on failure and cancellation unless {@code --retain-checkpoints false}),
   * the restart strategy when {@code --restart-strategy} asks for one ({@link RestartPolicy}), and the network
   * buffer timeout, from the config.
   */
  public static void configure(StreamExecutionEnvironment env, JobConfig cfg) {
    if (cfg.parallelism() > 0) {
      env.setParallelism(cfg.parallelism());
    }
    env.setMaxParallelism(cfg.maxParallelism());
    env.enableCheckpointing(cfg.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    Configuration conf = new Configuration();
    RestartPolicy.apply(cfg, conf); // CLUSTER (the default): the cluster's strategy applies
    conf.set(PipelineOptions.GENERIC_TYPES, false); // no silent Kryo fallback: every type has a real serializer
    // chained operators hand records on without a serializer copy: no operator changes a record after emitting
    // it or keeps one it was given and changes it (the inference buffer and the memory's pending state hold
    // records nobody touches again)
    conf.set(PipelineOptions.OBJECT_REUSE, true);
    // --state-backend (BENCHMARKS.md, "State backends"): the job's choice overrides the cluster's state.backend.type
    conf.set(StateBackendOptions.STATE_BACKEND, cfg.stateBackend().flinkName());
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, cfg.incrementalCheckpoints());
    if (!cfg.checkpointDir().isBlank()) {
      // a directory switches checkpoint storage from JobManager memory (5 MB per subtask) to the file system
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointUri(cfg.checkpointDir()));
    }
    conf.set(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG, changelog(env.getConfiguration(), cfg));
    // Flink deletes checkpoints when a job fails for good or is cancelled: every person's memory with them
    conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, cfg.retainCheckpoints()
        ? ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION
        : ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS);
    env.configure(conf);
    // execution.buffer-timeout.interval: Flink's 100 ms default doubled at-least-once latency (BENCHMARKS.md)
    env.setBufferTimeout(cfg.bufferTimeout().toMillis());
  }

  /**
   * {@code --changelog}: whether Flink's changelog state backend wraps the chosen one. Two things it needs are checked
   * on the configuration the job is submitted with ({@code cluster}: a cluster's own for {@code flink run}), because
   * without them the job would run and fail later or lose state:
   * <ul>
   *   <li>Durable change storage. The TaskManagers create it from their own configuration, not the job's, and
   *       Flink's default keeps the changes in memory, lost with a TaskManager: {@code state.changelog.storage:
   *       filesystem} and a {@code state.changelog.dstl.dfs.base-path} must be set ({@link #localChangelogStorage}
   *       sets both for a local run, {@code paffmem cluster} in its configuration).
   *   <li>A start from a savepoint or checkpoint must claim it: the changelog backend cannot take the full first
   *       checkpoint that Flink's NO_CLAIM mode asks for, so every checkpoint would fail and the job restart for ever.
   * </ul>
   * {@code auto} turns it on where both hold and says why not otherwise; {@code true} refuses to start without them.
   */
  static boolean changelog(ReadableConfig cluster, JobConfig cfg) {
    if (cfg.changelog() == JobConfig.Changelog.FALSE) {
      return false;
    }
    String storage = cluster.get(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE);
    String basePath = cluster.getOptional(FsStateChangelogOptions.BASE_PATH).orElse(null);
    boolean durable = "filesystem".equalsIgnoreCase(storage) && basePath != null;
    boolean unclaimed = cluster.getOptional(StateRecoveryOptions.SAVEPOINT_PATH).isPresent()
        && cluster.get(StateRecoveryOptions.RESTORE_MODE) != RecoveryClaimMode.CLAIM;
    if (cfg.changelog() == JobConfig.Changelog.TRUE) {
      if (!durable) {
        throw new ConfigException("--changelog needs the state changes written durably by every TaskManager: set "
            + "state.changelog.storage: filesystem and state.changelog.dstl.dfs.base-path: <a directory every "
            + "TaskManager reaches, as for checkpoints> in the cluster's configuration (was: storage " + storage
            + ", base path " + (basePath == null ? "none" : basePath) + ")");
      }
      if (unclaimed) {
        throw new ConfigException("--changelog cannot start from " + cluster.get(StateRecoveryOptions.SAVEPOINT_PATH)
            + " in " + cluster.get(StateRecoveryOptions.RESTORE_MODE) + " mode (every checkpoint would fail): start it "
            + "in CLAIM mode (flink run -claimMode CLAIM -s ..., or execution.state-recovery.claim-mode: CLAIM), which "
            + "lets the job delete that snapshot once newer checkpoints replace it; copy it first to keep it");
      }
      return true;
    }
    String off = cfg.stateBackend() == JobConfig.StateBackend.FORST ? "--state-backend forst does not support it"
        : !durable ? "the TaskManagers' change storage is not durable (state.changelog.storage: " + storage
            + ", state.changelog.dstl.dfs.base-path: " + (basePath == null ? "none" : basePath)
            + "; set filesystem and a directory every TaskManager reaches)"
        : unclaimed ? "the job starts from " + cluster.get(StateRecoveryOptions.SAVEPOINT_PATH) + " in "
            + cluster.get(StateRecoveryOptions.RESTORE_MODE) + " mode (CLAIM mode would allow it)"
        : null;
    if (off != null) {
      LOG.info("--changelog auto: off (each checkpoint takes {}'s own snapshot): {}", cfg.stateBackend().flinkName(), off);
      return false;
    }
    LOG.info("--changelog auto: on, state changes logged to {} between {}'s materializations", basePath,
        cfg.stateBackend().flinkName());
    return true;
  }

  /**
   * For a local MiniCluster ({@code ./paffmem run}, tests, benchmarks) of a job whose {@code --changelog} is not
   * {@code false}: the changes go to the {@code changelog} folder of the checkpoint directory {@code conf} names, unless
   * {@code conf} has a base path already. A no-op with {@code --changelog false} or without a checkpoint directory.
   */
  public static Configuration localChangelogStorage(Configuration conf, JobConfig cfg) {
    if (cfg.changelog() != JobConfig.Changelog.FALSE && conf.getOptional(FsStateChangelogOptions.BASE_PATH).isEmpty()) {
      String checkpoints = !cfg.checkpointDir().isBlank() ? checkpointUri(cfg.checkpointDir())
          : conf.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).orElse(null);
      if (checkpoints != null) {
        conf.set(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE, "filesystem");
        conf.set(FsStateChangelogOptions.BASE_PATH, checkpoints.replaceAll("/+$", "") + "/" + LocalCheckpoints.CHANGELOG);
      }
    }
    return conf;
  }

  public static KafkaSource<KafkaRecordBytes> kafkaSource(JobConfig cfg) {
    OffsetsInitializer start = switch (cfg.startingOffsets()) {
      case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
      case EARLIEST -> OffsetsInitializer.earliest();
      case LATEST -> OffsetsInitializer.latest();
    };
    Properties props = kafkaProperties(cfg);
    props.putIfAbsent("isolation.level", "read_committed"); // upstream may write transactionally
    var builder = KafkaSource.<KafkaRecordBytes>builder()
        .setBootstrapServers(cfg.bootstrapServers())
        .setTopics(cfg.inputTopic())
        .setGroupId(cfg.groupId())
        .setStartingOffsets(start)
        .setDeserializer(new RawRecordDeserializer())
        .setProperties(props);
    if (cfg.stopAtLatest()) {
      builder.setBounded(OffsetsInitializer.latest());
    }
    return builder.build();
  }

  public static KafkaSink<AffectPrediction> predictionSink(JobConfig cfg) {
    return KafkaSink.<AffectPrediction>builder()
        .setBootstrapServers(cfg.bootstrapServers())
        .setRecordSerializer(new PredictionSerializer(cfg.outputTopic()))
        .setDeliveryGuarantee(guarantee(cfg))
        .setTransactionalIdPrefix(cfg.transactionalIdPrefix() + "-predictions")
        .setKafkaProducerConfig(producerProperties(cfg))
        .build();
  }

  /**
   * The dead-letter sink, its dead letters carrying at most {@code maxOriginalBytes} of a rejected value;
   * refuses (ConfigException) a cap whose largest dead letter the producer would reject.
   */
  public static KafkaSink<RejectedFrame> deadLetterSink(JobConfig cfg, int maxOriginalBytes) {
    DeadLetters.checkFits(maxOriginalBytes, cfg.kafkaProperties());
    return KafkaSink.<RejectedFrame>builder()
        .setBootstrapServers(cfg.bootstrapServers())
        .setRecordSerializer(new RejectedFrameSerializer(cfg.deadLetterTopic(), maxOriginalBytes))
        .setDeliveryGuarantee(guarantee(cfg))
        .setTransactionalIdPrefix(cfg.transactionalIdPrefix() + "-dead-letters")
        .setKafkaProducerConfig(producerProperties(cfg))
        .build();
  }

  private static DeliveryGuarantee guarantee(JobConfig cfg) {
    return cfg.delivery() == Delivery.EXACTLY_ONCE ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE;
  }

  /** Exactly-once sinks' {@code linger.ms} unless {@code --kafka-property linger.ms=...} sets another. */
  static final String EXACTLY_ONCE_LINGER_MS = "100";

  /**
   * The sinks' producer settings: the user's {@code --kafka-property} values, then the transaction timeout and,
   * with exactly-once, {@code linger.ms} {@value #EXACTLY_ONCE_LINGER_MS}: a transaction's records become visible
   * to {@code read_committed} readers when the checkpoint commits it, not when they are sent, and the checkpoint
   * flushes what is still lingering, so batching them for 100 ms costs no latency and sends a producer's records in
   * far fewer requests (Kafka's default, 5 ms, stays for at-least-once, whose records are visible once sent).
   */
  static Properties producerProperties(JobConfig cfg) {
    Properties props = kafkaProperties(cfg);
    props.putIfAbsent("transaction.timeout.ms", String.valueOf(cfg.transactionTimeout().toMillis()));
    if (cfg.delivery() == Delivery.EXACTLY_ONCE) {
      props.putIfAbsent("linger.ms", EXACTLY_ONCE_LINGER_MS);
    }
    return props;
  }

  /**
   * {@code --checkpoint-dir} as Flink needs it, with a scheme: a URI ({@code file:///…}, {@code s3://…}) as it is,
   * a plain path (which Flink refuses: "The scheme … is null") as the {@code file:} URI of its absolute path.
   */
  static String checkpointUri(String dir) {
    try {
      if (java.net.URI.create(dir).getScheme() != null) {
        return dir;
      }
    } catch (IllegalArgumentException notAUri) {
      // a path with characters a URI cannot hold, e.g. a space
    }
    return java.nio.file.Path.of(dir).toAbsolutePath().normalize().toUri().toString();
  }

  private static Properties adminProperties(JobConfig cfg) {
    Properties props = kafkaProperties(cfg);
    props.put("bootstrap.servers", cfg.bootstrapServers());
    props.putIfAbsent("client.id", cfg.transactionalIdPrefix() + "-start-up-check");
    return props;
  }

  private static Properties kafkaProperties(JobConfig cfg) {
    Properties props = new Properties();
    props.putAll(cfg.kafkaProperties());
    return props;
  }

  /**
   * Cluster settings for a local run: everything binds and advertises 127.0.0.1 only, and the
   * restart strategy is {@link RestartPolicy#localDefault()} (the job itself sets none by default).
   */
  public static Configuration localClusterConfiguration() {
    Configuration conf = RestartPolicy.localDefault();
    conf.setString("jobmanager.bind-host", "127.0.0.1");
    conf.setString("jobmanager.rpc.address", "127.0.0.1");
    conf.setString("rest.bind-address", "127.0.0.1");
    conf.setString("rest.address", "127.0.0.1");
    conf.setString("taskmanager.bind-host", "127.0.0.1");
    conf.setString("taskmanager.host", "127.0.0.1");
    return conf;
  }

  /**
   * Checks the model directory against its manifest (every file present with the sha256 the manifest
   * records; tensor names, shapes and image geometry well formed) so that a wrong directory fails
   * before the job is submitted. It does not load ONNX Runtime: {@code main} runs in the
   * {@code flink run} client, or in the JobManager for a REST submission, and neither should need the
   * native library. Each TaskManager opens the ONNX sessions, re-checks the digests against this
   * manifest and checks the graphs' tensors against it when the inference operator starts.
   */
  public static ModelManifest validateModel(JobConfig cfg) {
    ModelManifest manifest = ModelManifest.load(cfg.modelDir());
    LOG.info("Model directory OK: {}", manifest);
    return manifest;
  }

  public static void main(String[] args) throws Exception {
    // under flink run: the cluster's environment; Flink on the class path, no cluster (./paffmem run): LocalRunner
    boolean local = StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment;
    JobConfig cfg;
    ModelManifest manifest;
    try {
      cfg = JobConfig.parse(args);
      manifest = validateModel(cfg);
      DeadLetters.checkFits(cfg.deadLetterMaxOriginalBytes(), cfg.kafkaProperties());
      if (local) {
        LocalRunner.checkpointFolder(cfg);
      }
    } catch (JobConfig.HelpRequested help) {
      return;
    } catch (ConfigException | ModelDirectoryException e) {
      System.err.println("paffmem-job: " + e.getMessage());
      System.exit(2);
      return;
    }
    LOG.info("Starting {}", cfg);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    try {
      if (local) {
        // a MiniCluster bound to loopback, checkpoints in a local folder, resumed after a restart of the process
        LocalRunner.run(cfg, manifest);
        return;
      }
      buildKafkaJob(env, cfg, manifest, UnaryOperator.identity());
    } catch (ConfigException e) { // e.g. Kafka refused the credentials (KafkaAccessCheck)
      System.err.println("paffmem-job: " + e.getMessage());
      System.exit(2);
      return;
    }
    JobExecutionResult result = env.execute(cfg.jobName());
    // `flink run -d` and REST /jars/:id/run submit detached: the result holds only the job id, and reading
    // its runtime throws, which made the client exit 1 and the REST call fail although the job was running
    if (result.isJobExecutionResult()) {
      LOG.info("Job {} finished after {} ms", result.getJobID(), result.getNetRuntime());
    } else {
      LOG.info("Job {} submitted (detached)", result.getJobID());
    }
  }
}
