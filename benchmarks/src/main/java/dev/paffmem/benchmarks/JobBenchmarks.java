// Over 400 lines: the suite's flags, sizes and the runs every benchmark shares (seeded savepoints, throughput runs,
// warm-up); each benchmark is a class of its own.
package dev.paffmem.benchmarks;

import dev.paffmem.benchmarks.job.Flops;
import dev.paffmem.benchmarks.job.FramePool;
import dev.paffmem.benchmarks.job.JobRunner;
import dev.paffmem.benchmarks.job.JobRunner.Running;
import dev.paffmem.benchmarks.job.JobRunner.Topics;
import dev.paffmem.benchmarks.job.KafkaIo;
import dev.paffmem.benchmarks.job.KafkaIo.Out;
import dev.paffmem.benchmarks.job.Machine;
import dev.paffmem.benchmarks.job.TaskTimes;
import dev.paffmem.benchmarks.job.Profile;
import dev.paffmem.benchmarks.job.Results;
import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.config.LocalJobOptions;
import dev.paffmem.job.inference.ImageTensors;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.inference.PkModel;
import dev.paffmem.job.inference.GenerationTargets;
import dev.paffmem.benchmarks.job.StateSeeding;
import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.memory.AffectiveMemory;
import dev.paffmem.memory.AffectiveMemoryCodec;
import dev.paffmem.memory.Sample;
import dev.paffmem.schema.ImageEncoding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The job's benchmarks, in-process: an embedded Kafka broker, the job on a local MiniCluster
 * (127.0.0.1 only) as {@code PAffMemJob.buildKafkaJob} wires it, pre-rendered faces, and bare
 * ONNX Runtime baselines through the same session options in the same JVM. Ratios are measured
 * within one run, because absolute times on a shared machine drift.
 *
 * <ol>
 *   <li>Build: {@code mvn -q -pl benchmarks -am package -DskipTests}
 *   <li>Run all (12-20 minutes): {@code java -Xmx8g -cp benchmarks/target/benchmarks.jar dev.paffmem.benchmarks.JobBenchmarks all}
 *   <li>Smoke run (under 2 minutes): add {@code --quick}. One benchmark: name it ({@code peak steady
 *       onboarding latency state scale}).
 * </ol>
 *
 * <p>Benchmarks: {@code peak} (SGEMM peak of the machine, ORT MatMul), {@code steady} (online
 * throughput of persons past onboarding vs bare E + D_em), {@code onboarding} (a new person's
 * generation phase vs bare G + E, shipped and full width, GFLOP and GFLOP/s), {@code latency}
 * (Kafka in to Kafka out at 50 % and 90 % of the steady rate, exactly-once and at-least-once),
 * {@code state} (bytes per person, checkpoint size and time), {@code scale} (1, 100, 10,000 persons).
 * The affective memory's share of CPU time is reported by {@code steady} and {@code onboarding}.
 * Results: {@code --out} (results.md, details.txt).
 *
 * <p>Each benchmark is a class of its own ({@link PeakBenchmark}, {@link SteadyBenchmark}, {@link StagesBenchmark},
 * {@link OnboardingBenchmark}, {@link LatencyBenchmark}, {@link StateBenchmark}, {@link ScaleBenchmark},
 * {@link MixedBenchmark}, {@link BackendsBenchmark}); this class (about 580 lines, for its reason: the suite's
 * 30-odd flags) holds the flags, the sizes, the broker and frame pool, and the runs several benchmarks share
 * (the onboarded memory, seeded savepoints, throughput runs, JVM warm-up).
 */
@Command(name = "job-benchmarks", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Benchmarks of the P-AffMem job against bare ONNX Runtime, in one JVM.")
public final class JobBenchmarks implements Callable<Integer> {

  /** What {@code all} runs. */
  static final List<String> ALL = List.of("peak", "steady", "stages", "onboarding", "latency", "state", "scale");
  /** Run only when named: {@code mixed} (25-40 minutes) and {@code backends} (state backends at 10,000 or 1,000,000
   * persons) are not part of {@code all}. */
  static final List<String> KNOWN = List.of("peak", "steady", "stages", "onboarding", "latency", "state", "scale", "mixed",
      "backends", "quantized");

  @Parameters(arity = "0..*", description = "all (default: every one but mixed, backends and quantized) or any of: peak steady stages onboarding latency state scale mixed backends quantized")
  List<String> benchmarks = new ArrayList<>(List.of("all"));

  @Option(names = "--quick", description = "CI-scale smoke run: tiny sizes, short windows (under 2 minutes).")
  boolean quick;

  @Mixin
  LocalJobOptions job = new LocalJobOptions(); // --model-dir, --parallelism

  /** The model of the runs: --model-dir, or the shipped one (set by {@link #call}). */
  Path modelDir;

  @Option(names = "--full-width-model-dir", defaultValue = "data/pk-random-w1",
      description = "Paper-width (1.0) random model for onboarding; skipped when absent (default: ${DEFAULT-VALUE}).")
  Path fullWidthModelDir;

  /** Job parallelism: --parallelism (set by {@link #call}). */
  int parallelism;

  @Option(names = "--intra-op-threads", defaultValue = "1", description = "ORT intra-op threads, job and baseline (default: ${DEFAULT-VALUE}, the job's).")
  int intraOpThreads;

  @Option(names = "--batch-max-size", defaultValue = "64", description = "Job and baseline batch (default: ${DEFAULT-VALUE}, the job's).")
  int batchMaxSize;

  @Option(names = "--online-call-rows", defaultValue = "0",
      description = "Rows per E and D_em call of the job's online batches, and of bare ORT's; 0 as the job reads it on"
          + " the CPU (default: ${DEFAULT-VALUE}, the job's).")
  int onlineCallRows;

  /** The rows of one online E / D_em call, the job's (on the CPU) and bare ORT's. */
  int onlineCall() {
    return dev.paffmem.job.inference.BatchedInferenceOperator.callRowsOnCpu(onlineCallRows, batchMaxSize);
  }

  @Option(names = "--scale-persons", split = ",", description = "Persons for scale (default: 1,100,10000; quick: 1,10,200).")
  List<Integer> scalePersons;

  @Option(names = "--state-backends", split = ",", defaultValue = "hashmap,rocksdb,forst",
      description = "State backends the backends benchmark compares (default: ${DEFAULT-VALUE}).")
  List<String> stateBackends;

  @Option(names = "--backend-persons", description = "Persons past onboarding held by the job in the backends "
      + "benchmark: checkpoint size and time, memory (default: 10000; quick: 200; the 1M run: 1000000).")
  Integer backendPersons;

  @Option(names = "--backend-throughput-persons", description = "Persons of the backends benchmark's steady "
      + "throughput run per backend; 0 skips it (default: 10000; quick: 200).")
  Integer backendThroughputPersons;

  @Option(names = "--buffer-timeout", description = "The job's --buffer-timeout (Flink's network buffer timeout) for the job runs (default: the job's, 10ms), e.g. 100ms (Flink's default) to measure its effect on latency.")
  String bufferTimeout;

  @Option(names = "--job-flag", paramLabel = "FLAG", description = "A job flag added to every job run, e.g. "
      + "--job-flag=--checkpoint-interval=60s (repeatable; see the job's --help).")
  List<String> extraJobFlags;

  @Option(names = "--cluster-option", paramLabel = "KEY=VALUE", description = "A Flink configuration entry for the "
      + "MiniCluster of the steady and mixed runs, e.g. taskmanager.network.memory.floating-buffers-per-gate=128 (repeatable).")
  Map<String, String> clusterOptions = new LinkedHashMap<>();

  @Option(names = "--steady-variants", split = ",", defaultValue = "jpeg,raw,full", description = "Runs of the steady "
      + "benchmark: jpeg (shipped model, JPEG frames), raw (shipped model, RAW_RGB8 frames), full (paper-width "
      + "model); default: ${DEFAULT-VALUE} (quick: jpeg).")
  List<String> steadyVariants;

  @Option(names = "--mixed-established-rate", description = "mixed: frames/s of established persons (default: 50 %% of "
      + "the steady benchmark's rate, which it then runs first).")
  Double mixedEstablishedRate;

  @Option(names = "--mixed-capacity", description = "mixed: onboarding capacity (persons/min) the arrival rates are "
      + "fractions of, instead of measuring it: the burst case then runs for --mixed-window only (its new persons' first "
      + "predictions are still measured).")
  Double mixedCapacity;

  @Option(names = "--steady-profile", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Job runs: record JFR samples and poll Flink's REST API for task times in the measurement window "
          + "(default: ${DEFAULT-VALUE}); --no-steady-profile measures CPU without these instruments, whose own CPU "
          + "(JFR's sampler and recorder, the REST handlers) otherwise counts as the job's.")
  boolean steadyProfile;

  @Option(names = "--mixed-reference", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "mixed: run each delivery's case with no one arriving (default: ${DEFAULT-VALUE}).")
  boolean mixedReference;

  @Option(names = "--mixed-quiet-jit", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "mixed: start each case's window only once the JIT compiler, under the established load, takes less "
          + "than a tenth of a core (at most 120 s; default: ${DEFAULT-VALUE}).")
  boolean mixedQuietJit;

  @Option(names = "--mixed-burst", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "mixed: run the burst case (new persons at once); needs --mixed-capacity when off (default: ${DEFAULT-VALUE}).")
  boolean mixedBurst;

  @Option(names = "--mixed-window", defaultValue = "90", description = "mixed: seconds measured per case (default: ${DEFAULT-VALUE}; quick: 15).")
  double mixedWindow;

  @Option(names = "--mixed-arrivals", split = ",", defaultValue = "0.25,0.5,1.0",
      description = "mixed: new persons' arrival rates as fractions of the measured onboarding capacity (default: ${DEFAULT-VALUE}).")
  List<Double> mixedArrivals;

  @Option(names = "--mixed-deliveries", split = ",", defaultValue = "AT_LEAST_ONCE,EXACTLY_ONCE",
      description = "mixed: deliveries of the arrival cases (default: ${DEFAULT-VALUE}).")
  List<String> mixedDeliveries;

  @Option(names = "--mixed-checkpoint-intervals", split = ",", defaultValue = "1s,2s,10s",
      description = "mixed: checkpoint intervals of the exactly-once sweep with --mixed-state-persons (default: ${DEFAULT-VALUE}).")
  List<String> mixedIntervals;

  @Option(names = "--mixed-checkpoint-interval", defaultValue = "1s",
      description = "mixed: checkpoint interval of the exactly-once arrival cases (default: ${DEFAULT-VALUE}).")
  String mixedInterval;

  @Option(names = "--mixed-alo-checkpoint-interval", defaultValue = "10s",
      description = "mixed: checkpoint interval of the at-least-once cases (default: ${DEFAULT-VALUE}; the job's own default"
          + " is 1s, chosen for exactly-once).")
  String mixedAloInterval;

  @Option(names = "--mixed-state-persons", defaultValue = "10000",
      description = "mixed: persons' state in the checkpoint-interval sweep (default: ${DEFAULT-VALUE}; quick: 200).")
  int mixedStatePersons;

  @Option(names = "--out", defaultValue = "data/bench-results", description = "Results folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--work-dir", defaultValue = "data/bench-work",
      description = "Scratch: checkpoints, savepoints, JFR recordings (default: ${DEFAULT-VALUE}).")
  Path workDir;

  /** The figures of the last run (for tests). */
  public final Results results = new Results();

  EmbeddedKafkaBroker broker;
  FramePool pool;
  ModelManifest manifest;
  Flops flops;
  private byte[] onboardedMemory; // the memory after 1,000 frames, built as the job builds it
  final Map<Integer, String> savepoints = new LinkedHashMap<>();
  double steadyRate = Double.NaN;
  boolean jvmWarm;
  final List<String> failed = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new JobBenchmarks()).execute(args));
  }

  // ---- sizes: full suite vs --quick ------------------------------------------------------------

  int targets() {
    return quick ? 10 : 200;
  }

  int generationFrames() {
    return quick ? 3 : 25;
  }

  /**
   * Persons in the steady-state runs. A thousand, not a hundred: with 100 keys Flink's key groups give the two
   * inference subtasks an uneven share (about 53/47), and in a backlog run the lighter one then idles, which is
   * key skew of a small test, not the job's cost (the scale benchmark shows the same: 100 persons run slower
   * than 10,000).
   */
  int steadyPersons() {
    return quick ? 10 : 1000;
  }

  /** Length of a throughput run (the window is its last 55 %). */
  double windowSeconds() {
    return quick ? 3 : 40;
  }

  /** Job flags every run shares (the job's defaults except where the benchmark must differ). */
  List<String> jobFlags() {
    List<String> flags = new ArrayList<>(List.of("--intra-op-threads", String.valueOf(intraOpThreads),
        "--batch-max-size", String.valueOf(batchMaxSize), "--online-call-rows", String.valueOf(onlineCallRows),
        "--generation-frames", String.valueOf(generationFrames()),
        "--generation-targets", String.valueOf(targets())));
    if (bufferTimeout != null) {
      flags.addAll(List.of("--buffer-timeout", bufferTimeout));
    }
    if (extraJobFlags != null) {
      flags.addAll(extraJobFlags);
    }
    return flags;
  }

  @Override
  public Integer call() throws Exception {
    List<String> which = benchmarks.contains("all") ? ALL : benchmarks;
    for (String b : which) {
      if (!KNOWN.contains(b)) {
        throw new CommandLine.ParameterException(new CommandLine(this), "unknown benchmark " + b + "; known: " + KNOWN);
      }
    }
    for (String v : steadyVariants) {
      if (!List.of("jpeg", "raw", "full").contains(v)) {
        throw new CommandLine.ParameterException(new CommandLine(this), "unknown --steady-variants " + v + "; known: jpeg, raw, full");
      }
    }
    modelDir = job.modelDir();
    parallelism = job.parallelism();
    if (scalePersons == null) {
      scalePersons = quick ? List.of(1, 10, 200) : List.of(1, 100, 10_000);
    }
    Files.createDirectories(workDir);
    deleteClaimedCopies();
    long t0 = System.nanoTime();
    StringBuilder header = new StringBuilder("# JobBenchmarks " + String.join(" ", which) + (quick ? " --quick" : "") + "\n\n");
    Machine.describe().forEach((k, v) -> header.append("- ").append(k).append(": ").append(v).append('\n'));
    manifest = ModelManifest.load(modelDir);
    flops = Flops.of(modelDir);
    header.append(String.format("- model: %s (%s, width %s): E %.4f GFLOP, G %.4f GFLOP per image%n", modelDir,
        manifest.modelId(), flops.width(), flops.encoder() / 1e9, flops.generator() / 1e9));
    header.append(String.format("- job: parallelism %d, %d intra-op thread(s), batch %d in model calls of %d rows, generation %d frames x %d targets%s%n",
        parallelism, intraOpThreads, batchMaxSize, onlineCall(), generationFrames(), targets(),
        ", buffer timeout " + JobConfig.parse(jobFlags().toArray(String[]::new)).bufferTimeout().toMillis() + " ms"));
    results.detail(header.toString());
    broker = EmbeddedKafkaBroker.builder().property("transaction.max.timeout.ms", "900000").start();
    Profile.markBrokerThreads();
    try {
      pool = new FramePool(8, quick ? 8 : 32, ImageEncoding.JPEG);
      for (String b : which) {
        long tb = System.nanoTime();
        results.detail("\n## " + b + " (load average " + Machine.loadAverage() + ")");
        try {
        switch (b) {
          case "peak" -> new PeakBenchmark(this).run();
          case "steady" -> new SteadyBenchmark(this).run();
          case "stages" -> new StagesBenchmark(this).run();
          case "onboarding" -> new OnboardingBenchmark(this).run();
          case "latency" -> new LatencyBenchmark(this).run();
          case "state" -> new StateBenchmark(this).run();
          case "scale" -> new ScaleBenchmark(this).run();
          case "mixed" -> new MixedBenchmark(this).run();
          case "backends" -> new BackendsBenchmark(this).run();
          case "quantized" -> new QuantizedBenchmark(this).run();
          default -> throw new IllegalStateException(b);
        }
        } catch (Exception e) { // one failed benchmark must not lose the others' figures
          failed.add(b);
          java.io.StringWriter sw = new java.io.StringWriter();
          e.printStackTrace(new java.io.PrintWriter(sw));
          results.detail("  FAILED: " + sw);
        }
        results.detail(String.format("  (%s took %.0f s, load average %s)", b, (System.nanoTime() - tb) / 1e9, Machine.loadAverage()));
        results.write(out, header.toString());
      }
    } finally {
      broker.close();
    }
    results.detail(String.format("%nSuite took %.0f s; load average at the end %s%n%n%s", (System.nanoTime() - t0) / 1e9,
        Machine.loadAverage(), results.markdown()));
    results.write(out, header.toString());
    if (!failed.isEmpty()) {
      System.err.println("failed: " + failed);
      return 1;
    }
    return 0;
  }

  // ---- peak ------------------------------------------------------------------------------------

  double peak1 = Double.NaN;
  double peakAll = Double.NaN;
  double peakCpu = Double.NaN;

  // ---- the memory the job would hold after onboarding and after 1,000 frames ------------------

  /**
   * One person through the job's computation outside Flink: E on each frame; in the first
   * generation frames G to every target and E on the edited faces; the memory trained with the
   * job's samples and seeds ({@code AffectiveMemoryFunction}). Records the memory's Avro bytes.
   */
  byte[] onboardedMemory() throws Exception {
    if (onboardedMemory != null) {
      return onboardedMemory;
    }
    int total = quick ? 60 : 1000;
    JobConfig cfg = JobConfig.parse(jobFlags().toArray(String[]::new));
    List<byte[]> frames = pool.rgbOfLook(0, total);
    float[] targetsAv = GenerationTargets.halton(targets());
    int zDim = manifest.zDim();
    AffectiveMemory memory = new AffectiveMemory(cfg.memoryConfig(zDim));
    String person = FramePool.personId(0);
    long tStart = System.nanoTime();
    double onboardingSeconds = 0;
    try (PkModel model = PkModel.open(manifest, JobConfig.Device.CPU, intraOpThreads)) {
      float[] image = new float[manifest.imageSize()];
      for (int i = 0; i < total; i++) {
        ImageTensors.write(frames.get(i), manifest, image, 0);
        float[] z = model.encode(image, 1);
        List<Sample> samples = new ArrayList<>();
        if (i < cfg.generationFrames()) {
          int t = targets();
          for (int start = 0; start < t; start += batchMaxSize) {
            int rows = Math.min(batchMaxSize, t - start);
            // the generator's conditioning rows: the frame's z, or the frame itself for a frame editor
            float[] row = manifest.generatorConditioning() == ModelManifest.Conditioning.LATENT ? z : image;
            float[] zs = new float[rows * row.length];
            for (int r = 0; r < rows; r++) {
              System.arraycopy(row, 0, zs, r * row.length, row.length);
            }
            float[] tg = Arrays.copyOfRange(targetsAv, 2 * start, 2 * (start + rows));
            float[] gz = model.generateAndEncode(zs, tg, rows); // as the job does
            for (int r = 0; r < rows; r++) {
              samples.add(Sample.labelled(Arrays.copyOfRange(gz, r * zDim, (r + 1) * zDim), tg[2 * r], tg[2 * r + 1]));
            }
          }
        }
        samples.add(Sample.unlabelled(z));
        memory.train(samples, AffectiveMemory.seed(person, i));
        if (i + 1 == cfg.generationFrames()) {
          onboardingSeconds = (System.nanoTime() - tStart) / 1e9;
          int bytes = AffectiveMemoryCodec.toBytes(memory).length;
          results.detail(String.format("  memory after onboarding (%d frames): %d neurons, %d edges, %d bytes (Avro)",
              i + 1, memory.size(), memory.edgeCount(), bytes));
          results.add("state", "memory bytes per person after onboarding (" + memory.size() + " neurons)", bytes, "B");
        }
      }
    }
    onboardedMemory = AffectiveMemoryCodec.toBytes(memory);
    results.detail(String.format("  memory after %d frames: %d neurons, %d edges, %d bytes (Avro); replica took %.0f s (onboarding %.0f s)",
        total, memory.size(), memory.edgeCount(), onboardedMemory.length, (System.nanoTime() - tStart) / 1e9, onboardingSeconds));
    results.add("state", "memory bytes per person after " + total + " frames (" + memory.size() + " neurons)",
        onboardedMemory.length, "B");
    return onboardedMemory;
  }

  /** A savepoint holding {@code persons} persons past onboarding, each with {@link #onboardedMemory()}. */
  String seededSavepoint(int persons) throws Exception {
    String existing = savepoints.get(persons);
    if (existing != null) {
      return existing;
    }
    byte[] memory = onboardedMemory();
    long t0 = System.nanoTime();
    String topic = "seed-ids-" + persons + "-" + System.nanoTime();
    broker.createTopic(topic, parallelism);
    try (Producer<byte[], byte[]> p = KafkaIo.producer(broker.bootstrapServers(), "bench-seed")) {
      for (int i = 0; i < persons; i++) {
        byte[] id = FramePool.personId(i).getBytes(StandardCharsets.UTF_8);
        p.send(new ProducerRecord<>(topic, id, id));
      }
      p.flush();
    }
    JobConfig cfg = JobConfig.parse(jobFlags().toArray(String[]::new));
    Configuration conf = PAffMemJob.localClusterConfiguration();
    conf.setString("rest.port", "0");
    // file checkpoint storage: the JobManager's memory storage refuses state over 5 MB, savepoints included
    conf.setString("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
    if (persons > 100_000) { // a million memories do not fit the heap: seed into RocksDB (a canonical savepoint is the same)
      conf.setString("state.backend.type", "rocksdb");
      conf.setString("state.backend.rocksdb.localdir", workDir.resolve("seed-state").toAbsolutePath().toString());
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    KafkaSource<String> ids = KafkaSource.<String>builder().setBootstrapServers(broker.bootstrapServers())
        .setTopics(topic).setGroupId(topic).setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(KafkaRecordDeserializationSchema.valueOnly(StringDeserializer.class)).build();
    long before = StateSeeding.SEEDED.get();
    StateSeeding.build(env, ids, cfg, memory, manifest.zDim(), dev.paffmem.job.inference.ModelIdentity.of(manifest));
    JobClient job = env.executeAsync("seed-" + persons);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(persons > 100_000 ? 60 : 10);
    while (StateSeeding.SEEDED.get() - before < persons) {
      if (System.nanoTime() > deadline || job.getJobStatus().get().isGloballyTerminalState()) {
        throw new IllegalStateException("seeding " + persons + " persons did not finish");
      }
      Thread.sleep(50);
    }
    Path dir = workDir.resolve("savepoints");
    Files.createDirectories(dir);
    String path = job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL).get(60, TimeUnit.MINUTES);
    results.detail(String.format("  seeded %d persons past onboarding in %.1f s: %s (%s)", persons, (System.nanoTime() - t0) / 1e9,
        path, human(du(Path.of(java.net.URI.create(path))))));
    savepoints.put(persons, path);
    return path;
  }

  // ---- steady state ----------------------------------------------------------------------------

  /**
   * The job on {@code topics} restored from {@code savepoint} (a seeded one: its unclaimed state ignored),
   * checkpointing into the scratch folder, with {@code cluster} settings on top.
   */
  Running startFromSavepoint(Topics topics, Path model, List<String> flags, String savepoint, Map<String, String> cluster)
      throws Exception {
    // the changelog (on by default where the storage is durable, as here) cannot restore in NO_CLAIM mode: such a run
    // claims a copy of the shared savepoint
    boolean claim = JobConfig.parse(flags.toArray(String[]::new)).changelog() != JobConfig.Changelog.FALSE
        || "CLAIM".equalsIgnoreCase(cluster.get("execution.state-recovery.claim-mode"));
    String from = claim ? claimableCopy(savepoint) : savepoint;
    return JobRunner.start(broker, topics, model, parallelism, flags, c -> {
      c.setString("execution.state-recovery.path", from);
      if (claim) {
        c.setString("execution.state-recovery.claim-mode", "CLAIM");
      }
      c.setString("execution.state-recovery.ignore-unclaimed-state", "true");
      c.setString("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
      cluster.forEach(c::setString);
      return c;
    });
  }

  /** Earlier suites' claimed savepoint copies ({@link #claimableCopy}): their runs are over, nothing refers to them. */
  private void deleteClaimedCopies() throws java.io.IOException {
    Path dir = workDir.resolve("savepoints");
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var copies = Files.list(dir)) {
      for (Path copy : copies.filter(p -> p.getFileName().toString().startsWith("claimed-")).toList()) {
        try (var files = Files.walk(copy)) {
          for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(f);
          }
        }
      }
    }
  }

  /**
   * A copy of a seeded savepoint for one run that restores in CLAIM mode (the job then owns the snapshot and deletes
   * it once later checkpoints subsume it; the seeded one is shared by the runs).
   */
  private String claimableCopy(String savepoint) throws java.io.IOException {
    Path source = Path.of(java.net.URI.create(savepoint));
    Path copy = Files.createTempDirectory(workDir.resolve("savepoints"), "claimed-");
    try (var files = Files.walk(source)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(source.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return copy.toUri().toString();
  }

  /** Outcome of one bounded throughput run. */
  record Throughput(double framesPerSecond, int frames, Profile.Result profile, List<Out> outs, String taskTimes) {}

  /**
   * A run of the job restored from a savepoint of {@code persons} persons past onboarding,
   * over frames {@code 25..} of each; the measurement window is from 40 % to 95 % of the predictions.
   */
  Throughput throughputRun(String name, Path model, int persons, long framesPerPerson, List<String> extraFlags,
      Map<String, String> cluster) throws Exception {
    String savepoint = seededSavepoint(persons);
    Topics topics = Topics.fresh(name);
    topics.create(broker, parallelism);
    long first = generationFrames();
    long total = KafkaIo.preload(broker.bootstrapServers(), topics.input(), pool, persons, first, first + framesPerPerson);
    List<String> flags = jobFlags(); // unbounded, as in production (a bounded run must be at-least-once)
    flags.addAll(extraFlags);
    Path jfr = workDir.resolve(name + ".jfr");
    try (KafkaIo.OutputFollower follower = new KafkaIo.OutputFollower(broker.bootstrapServers(), topics.output(), parallelism, false)) {
      Running job = startFromSavepoint(topics, model, flags, savepoint, cluster);
      try (job) {
        long timeout = 600;
        // warm-up (JIT of Flink, Kafka, Avro, ImageIO paths) until 40 % of the predictions
        if (!follower.awaitCount((long) (0.4 * total), Duration.ofSeconds(timeout))) {
          throw new IllegalStateException(name + ": no progress");
        }
        int startCount = follower.count();
        Profile profile = Profile.start(steadyProfile ? jfr : null);
        TaskTimes taskTimes = steadyProfile ? TaskTimes.start(job) : null;
        follower.awaitCount((long) (0.95 * total), Duration.ofSeconds(timeout));
        int endCount = follower.count();
        Profile.Result prof = profile.stop();
        String tasks = taskTimes == null ? "    task times: not polled (--no-steady-profile)\n"
            : TaskTimes.table(taskTimes.stop(), taskTimes.failure());
        follower.awaitCount(total, Duration.ofSeconds(timeout));
        List<Out> outs = follower.snapshot();
        if (outs.size() < total) {
          throw new IllegalStateException(name + ": " + outs.size() + " predictions for " + total + " frames");
        }
        long[] times = outs.stream().mapToLong(Out::processingTimeMs).sorted().toArray();
        double seconds = (times[endCount - 1] - times[startCount]) / 1000.0;
        double rate = (endCount - 1 - startCount) / seconds;
        return new Throughput(rate, endCount - startCount, prof, outs, tasks);
      }
    }
  }

  /**
   * Waits (at most 30 s) until the JIT compiler has less than 5 % of a core's work left, so that a bare ORT
   * loop is not timed while the compiler threads still work off the queue a job run left behind (right after a
   * job the "before" loop ran about a third slower than the "after" loop at the same CPU time per frame;
   * BENCHMARKS.md, "Fixes made from these measurements").
   */
  static void awaitQuietJit() throws InterruptedException {
    if (Double.isNaN(awaitQuietJit(30, 0.05, 1))) {
      Thread.sleep(2000);
    }
  }

  /**
   * Waits (at most {@code maxSeconds}) until the JIT compiler's time over the last {@code windowSeconds} is below
   * {@code share} of one core's; returns the seconds waited, NaN when the JVM does not report compilation time or
   * the compiler was still busy at the deadline.
   */
  static double awaitQuietJit(double maxSeconds, double share, int windowSeconds) throws InterruptedException {
    java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return Double.NaN;
    }
    long start = System.nanoTime();
    long deadline = start + (long) (maxSeconds * 1e9);
    java.util.ArrayDeque<Long> samples = new java.util.ArrayDeque<>(); // total compilation ms, one per second
    samples.add(jit.getTotalCompilationTime());
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
      samples.add(jit.getTotalCompilationTime());
      if (samples.size() > windowSeconds + 1) {
        samples.removeFirst();
      }
      if (samples.size() == windowSeconds + 1 && samples.getLast() - samples.getFirst() < share * windowSeconds * 1000) {
        return (System.nanoTime() - start) / 1e9;
      }
    }
    return Double.NaN;
  }

  /**
   * A discarded run of the job before the first measured one. The first job of a JVM compiles Flink's,
   * Kafka's, Avro's and the job's code while it runs: in a fresh JVM on 2 busy cores the JIT compiler took
   * a quarter of the process's CPU for a whole minute, well into a measurement window (25.9 of 101.8 CPU
   * seconds in the window of the first steady run, against 0.3-1.0 s in the runs after it). A job that
   * runs for days pays this once; a benchmark must not count it.
   */
  void warmUpJvm() throws Exception {
    if (jvmWarm || quick) {
      return;
    }
    jvmWarm = true;
    long t0 = System.nanoTime();
    Throughput t = throughputRun("warm-up", modelDir, steadyPersons(), 60, List.of(), Map.of());
    results.detail(String.format("  JVM warm-up: a discarded steady run, %.0f frames/s, %.0f s; JIT in its last window %.1f CPU-s",
        t.framesPerSecond(), (System.nanoTime() - t0) / 1e9, t.profile().category("JVM JIT")));
  }

  void memoryShare(String phase, Profile.Result p, int frames) {
    double jobCpu = p.jobCpuSeconds() - p.category("JVM JIT"); // JIT compilation is warm-up, not per-frame work
    double memory = p.memoryCpuSeconds();
    double state = p.category("memory task") * (p.jfr() == null ? Double.NaN : p.jfr().stateConversionShareOfMemoryTask());
    results.add("memory share", phase + ": job CPU per frame (without JIT)", 1000 * jobCpu / frames, "ms");
    results.add("memory share", phase + ": affective memory CPU per frame", 1000 * memory / frames, "ms");
    results.add("memory share", phase + ": affective memory share of job CPU", 100 * memory / jobCpu, "%");
    results.add("memory share", phase + ": of which state conversion (fromState/toState)", 100 * state / jobCpu, "%");
  }

  // ---- onboarding ------------------------------------------------------------------------------

  static void waitRunning(Running job) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      var vertices = job.rest("");
      boolean all = vertices.path("vertices").size() > 0;
      for (var v : vertices.path("vertices")) {
        all &= v.path("status").asText().equals("RUNNING");
      }
      if (all) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("job not running after 5 minutes");
  }

  static String ms(long v) {
    return v == Long.MAX_VALUE ? "> drain" : String.valueOf(v);
  }

  static long pct(long[] sorted, double p) {
    return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
  }

  static double pct(double[] sorted, double p) {
    return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
  }

  // ---- state and scale -------------------------------------------------------------------------

  // ---- helpers ---------------------------------------------------------------------------------

  static long du(Path p) {
    try (var s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  static String human(long bytes) {
    return bytes >= 1 << 20 ? String.format("%.1f MB", bytes / 1e6) : String.format("%.1f kB", bytes / 1e3);
  }

  static String summary(Map<String, Double> m) {
    return m.entrySet().stream().map(e -> e.getKey() + "=" + String.format("%.2f", e.getValue())).collect(Collectors.joining(", "));
  }
}
