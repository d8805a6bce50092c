package dev.paffmem.benchmarks;

import dev.paffmem.benchmarks.job.Arrivals;
import dev.paffmem.benchmarks.job.BareOrt;
import dev.paffmem.benchmarks.job.Flops;
import dev.paffmem.benchmarks.job.FramePool;
import dev.paffmem.benchmarks.job.JobRunner;
import dev.paffmem.benchmarks.job.JobRunner.Running;
import dev.paffmem.benchmarks.job.JobRunner.Topics;
import dev.paffmem.benchmarks.job.KafkaIo;
import dev.paffmem.benchmarks.job.KafkaIo.Out;
import dev.paffmem.benchmarks.job.Machine;
import dev.paffmem.benchmarks.job.PeakFlops;
import dev.paffmem.benchmarks.job.TaskTimes;
import dev.paffmem.benchmarks.job.Profile;
import dev.paffmem.benchmarks.job.Quantized;
import dev.paffmem.benchmarks.job.Results;
import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ImageTensors;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.inference.PkModel;
import dev.paffmem.job.operators.GenerationTargets;
import dev.paffmem.job.operators.StateSeeding;
import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.memory.AffectiveMemory;
import dev.paffmem.memory.Sample;
import dev.paffmem.schema.ImageEncoding;
import dev.paffmem.schema.Phase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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

  @Option(names = "--model-dir", description = "The model (default: the shipped models/demo-pk).")
  Path modelDir;

  @Option(names = "--full-width-model-dir", defaultValue = "data/pk-random-w1",
      description = "Paper-width (1.0) random model for onboarding; skipped when absent (default: ${DEFAULT-VALUE}).")
  Path fullWidthModelDir;

  @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default: ${DEFAULT-VALUE}, the cores).")
  int parallelism;

  @Option(names = "--intra-op-threads", defaultValue = "1", description = "ORT intra-op threads, job and baseline (default: ${DEFAULT-VALUE}, the job's).")
  int intraOpThreads;

  @Option(names = "--batch-max-size", defaultValue = "64", description = "Job and baseline batch (default: ${DEFAULT-VALUE}, the job's).")
  int batchMaxSize;

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
      + "MiniCluster of the steady runs, e.g. taskmanager.network.memory.floating-buffers-per-gate=128 (repeatable).")
  Map<String, String> clusterOptions = new LinkedHashMap<>();

  @Option(names = "--steady-variants", split = ",", defaultValue = "jpeg,raw,full", description = "Runs of the steady "
      + "benchmark: jpeg (shipped model, JPEG frames), raw (shipped model, RAW_RGB8 frames), full (paper-width "
      + "model); default: ${DEFAULT-VALUE} (quick: jpeg).")
  List<String> steadyVariants;

  @Option(names = "--mixed-established-rate", description = "mixed: frames/s of established persons (default: 50 % of "
      + "the steady benchmark's rate, which it then runs first).")
  Double mixedEstablishedRate;

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

  @Option(names = "--mixed-checkpoint-interval", defaultValue = "2s",
      description = "mixed: checkpoint interval of the exactly-once arrival cases (default: ${DEFAULT-VALUE}).")
  String mixedInterval;

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

  private EmbeddedKafkaBroker broker;
  private FramePool pool;
  private ModelManifest manifest;
  private Flops flops;
  private byte[] onboardedMemory; // the memory after 1,000 frames, built as the job builds it
  private final Map<Integer, String> savepoints = new LinkedHashMap<>();
  private double steadyRate = Double.NaN;
  private boolean jvmWarm;
  private final List<String> failed = new ArrayList<>();

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
        "--batch-max-size", String.valueOf(batchMaxSize), "--generation-frames", String.valueOf(generationFrames()),
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
    if (modelDir == null) {
      modelDir = defaultModel();
    }
    if (scalePersons == null) {
      scalePersons = quick ? List.of(1, 10, 200) : List.of(1, 100, 10_000);
    }
    Files.createDirectories(workDir);
    long t0 = System.nanoTime();
    StringBuilder header = new StringBuilder("# JobBenchmarks " + String.join(" ", which) + (quick ? " --quick" : "") + "\n\n");
    Machine.describe().forEach((k, v) -> header.append("- ").append(k).append(": ").append(v).append('\n'));
    manifest = ModelManifest.load(modelDir);
    flops = Flops.of(modelDir);
    header.append(String.format("- model: %s (%s, width %s): E %.4f GFLOP, G %.4f GFLOP per image%n", modelDir,
        manifest.modelId(), flops.width(), flops.encoder() / 1e9, flops.generator() / 1e9));
    header.append(String.format("- job: parallelism %d, %d intra-op thread(s), batch %d, generation %d frames x %d targets%s%n",
        parallelism, intraOpThreads, batchMaxSize, generationFrames(), targets(),
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
          case "peak" -> peak();
          case "steady" -> steady();
          case "stages" -> stages();
          case "onboarding" -> onboarding();
          case "latency" -> latency();
          case "state" -> state();
          case "scale" -> scale();
          case "mixed" -> mixed();
          case "backends" -> backends();
          case "quantized" -> quantized();
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

  static Path defaultModel() {
    return dev.paffmem.job.config.ShippedModel.directory();
  }

  // ---- peak ------------------------------------------------------------------------------------

  double peak1 = Double.NaN;
  double peakAll = Double.NaN;
  double peakCpu = Double.NaN;

  void peak() throws Exception {
    int n = quick ? 512 : 2048;
    int calls = quick ? 3 : 9;
    PeakFlops.Peak one = PeakFlops.measure(n, 1, calls);
    int cores = Runtime.getRuntime().availableProcessors();
    PeakFlops.Peak all = PeakFlops.measure(n, cores, calls);
    peak1 = one.bestGflops();
    peakAll = all.bestGflops();
    peakCpu = one.gflopsPerCpuSecond();
    results.detail(String.format("  ORT MatMul %dx%d fp32: 1 thread best %.1f (median %.1f) GFLOP/s, %.1f GFLOP per CPU-second; %d threads best %.1f (median %.1f) GFLOP/s, %.1f per CPU-second",
        n, n, one.bestGflops(), one.medianGflops(), one.gflopsPerCpuSecond(), cores, all.bestGflops(), all.medianGflops(),
        all.gflopsPerCpuSecond()));
    results.add("peak", "SGEMM, 1 thread, per CPU-second (load-independent)", peakCpu, "GFLOP/CPU-s");
    results.add("peak", "SGEMM (ORT MatMul " + n + "²), 1 thread", peak1, "GFLOP/s");
    results.add("peak", "SGEMM (ORT MatMul " + n + "²), " + cores + " threads", peakAll, "GFLOP/s");
  }

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
          int bytes = memory.toBytes().length;
          results.detail(String.format("  memory after onboarding (%d frames): %d neurons, %d edges, %d bytes (Avro)",
              i + 1, memory.size(), memory.edgeCount(), bytes));
          results.add("state", "memory bytes per person after onboarding (" + memory.size() + " neurons)", bytes, "B");
        }
      }
    }
    onboardedMemory = memory.toBytes();
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
      Running job = JobRunner.start(broker, topics, model, parallelism, flags, c -> {
        c.setString("execution.state-recovery.path", savepoint);
        c.setString("execution.state-recovery.ignore-unclaimed-state", "true");
        c.setString("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
        cluster.forEach(c::setString);
        return c;
      });
      try (job) {
        long timeout = 600;
        // warm-up (JIT of Flink, Kafka, Avro, ImageIO paths) until 40 % of the predictions
        if (!follower.awaitCount((long) (0.4 * total), Duration.ofSeconds(timeout))) {
          throw new IllegalStateException(name + ": no progress");
        }
        int startCount = follower.count();
        Profile profile = Profile.start(jfr);
        TaskTimes taskTimes = TaskTimes.start(job);
        follower.awaitCount((long) (0.95 * total), Duration.ofSeconds(timeout));
        int endCount = follower.count();
        Profile.Result prof = profile.stop();
        String tasks = TaskTimes.table(taskTimes.stop(), taskTimes.failure());
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

  void steady() throws Exception {
    warmUpJvm();
    if (steadyVariants.contains("jpeg")) {
      steady("shipped", modelDir, manifest, 0.5);
    }
    if (!quick && steadyVariants.contains("raw")) {
      // The same run with frames sent as RAW_RGB8 (27 KB each instead of a ~1-3 KB JPEG): what the job costs
      // when cameras send decoded crops, i.e. without the JPEG decode the bare ORT loop never does.
      FramePool jpeg = pool;
      pool = new FramePool(8, 32, ImageEncoding.RAW_RGB8);
      try {
        steady("shipped, RAW_RGB8 frames", modelDir, manifest, 0.15);
      } finally {
        pool = jpeg;
      }
    }
    if (!quick && steadyVariants.contains("full") && fullWidthModelDir != null
        && Files.isRegularFile(fullWidthModelDir.resolve("manifest.json"))) {
      steady("full width", fullWidthModelDir, ModelManifest.load(fullWidthModelDir), 1.5);
    }
  }

  /**
   * Waits (at most 30 s) until the JIT compiler has less than 5 % of a core's work left, so that a bare ORT
   * loop is not timed while the compiler threads still work off the queue a job run left behind: right after
   * a job the "before" loop of the shipped model ran at 8,700-9,100 frames/s, the "after" loop at
   * 12,700-13,300, at the same CPU time per frame.
   */
  static void awaitQuietJit() throws InterruptedException {
    java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      Thread.sleep(2000);
      return;
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    long last = jit.getTotalCompilationTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(1000);
      long now = jit.getTotalCompilationTime();
      if (now - last < 50) {
        return;
      }
      last = now;
    }
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

  /**
   * One steady-state run. {@code backlog}: frames preloaded, as a fraction of what bare ORT would process in
   * the run's length: 0.5 for JPEG frames; 0.15 for RAW_RGB8 frames (27 KB each: keeps the broker's log under
   * 2 GB, and the job is several times slower than bare ORT anyway); 1.5 at full width (a longer run, so that
   * JIT compilation is a small part of the window).
   */
  void steady(String label, Path model, ModelManifest m, double backlog) throws Exception {
    int persons = steadyPersons();
    float[] images = pool.modelImages(m, 256);
    double seconds = quick ? 2 : 8;
    String w = label + " (w " + Flops.of(model).width() + ")";
    try (BareOrt bare = new BareOrt(m, intraOpThreads)) {
      awaitQuietJit();
      BareOrt.Rate before = bare.onlineFramesPerSecond(images, batchMaxSize, parallelism, seconds);
      long framesPerPerson = Math.max(5, Math.round(before.framesPerSecond() * backlog * windowSeconds() / persons));
      Throughput job = throughputRun("steady", model, persons, framesPerPerson, List.of(), clusterOptions);
      awaitQuietJit();
      BareOrt.Rate after = bare.onlineFramesPerSecond(images, batchMaxSize, parallelism, seconds);
      double bareRate = (before.framesPerSecond() + after.framesPerSecond()) / 2;
      double bareCpu = (before.cpuSecondsPerFrame() + after.cpuSecondsPerFrame()) / 2;
      Profile.Result p = job.profile();
      double jobCpu = p.jobCpuSeconds() / job.frames();
      double jit = p.category("JVM JIT") / job.frames();
      if (label.equals("shipped")) {
        steadyRate = job.framesPerSecond();
      }
      results.detail(String.format("  %s: bare ORT E + D_em, batch %d, %d threads x %d intra-op: %.1f frames/s before, %.1f after; %.3f / %.3f ms CPU per frame",
          w, batchMaxSize, parallelism, intraOpThreads, before.framesPerSecond(), after.framesPerSecond(),
          1000 * before.cpuSecondsPerFrame(), 1000 * after.cpuSecondsPerFrame()));
      results.detail(String.format("  %s: job (%d persons past onboarding, %d online frames each): %.1f frames/s over %d frames, %.3f ms job CPU per frame (%.3f of it JIT)",
          w, persons, framesPerPerson, job.framesPerSecond(), job.frames(), 1000 * jobCpu, 1000 * jit));
      results.detail(p.table());
      results.detail(job.taskTimes());
      results.add("steady", w + ": job throughput, online phase (" + persons + " persons past onboarding)", job.framesPerSecond(), "frames/s");
      results.add("steady", w + ": bare ORT E + D_em, same batch and threads", bareRate, "frames/s");
      results.addRatio("steady", w + ": job / bare ORT throughput (wall)", job.framesPerSecond() / bareRate, 0.9);
      results.add("steady", w + ": job CPU per frame (without JIT compilation)", 1000 * (jobCpu - jit), "ms");
      results.add("steady", w + ": bare ORT CPU per frame", 1000 * bareCpu, "ms");
      results.addRatio("steady", w + ": bare / job CPU per frame (load-independent)", bareCpu / (jobCpu - jit), 0.9);
      memoryShare(w + " online phase", p, job.frames());
    }
  }

  /** CPU per frame of the job's work around ONNX Runtime, one stage at a time, with prototypes of fixes. */
  void stages() throws Exception {
    JobConfig cfg = JobConfig.parse(jobFlags().toArray(String[]::new));
    Map<String, Double> us = dev.paffmem.benchmarks.job.Stages.measure(pool, manifest, batchMaxSize, onboardedMemory(),
        cfg.memoryConfig(manifest.zDim()), quick ? 200 : 2000);
    us.forEach((k, v) -> {
      results.detail(String.format("  %-95s %8.1f us", k, v));
      results.add("stages", k, v, "µs CPU/frame");
    });
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

  void onboarding() throws Exception {
    if (Double.isNaN(peak1)) {
      peak();
    }
    onboarding("shipped", modelDir, quick ? 3 : generationFrames());
    if (!quick && fullWidthModelDir != null && Files.isRegularFile(fullWidthModelDir.resolve("manifest.json"))) {
      onboarding("full width", fullWidthModelDir, 2);
    } else if (!quick) {
      results.detail("  full width skipped: no model at " + fullWidthModelDir);
    }
  }

  /**
   * A new person's generation phase in a running job. A warm-up person's first frame goes first
   * (ONNX Runtime's first runs and JIT); then the new person's first {@code frames} frames are sent
   * at once: time per generation frame = (emission of the last - sending of the first) / frames,
   * and a person's onboarding = generation frames x that.
   */
  void onboarding(String label, Path model, int frames) throws Exception {
    ModelManifest m = ModelManifest.load(model);
    Flops f = Flops.of(model);
    int t = targets();
    Topics topics = Topics.fresh("onboarding");
    topics.create(broker, parallelism);
    Path jfr = workDir.resolve("onboarding-" + label.replace(' ', '-') + ".jfr");
    String person = FramePool.personId(0);
    BareOrt.FrameTime bareBefore;
    try (BareOrt bare = new BareOrt(m, intraOpThreads)) { // before and after the job: the machine's load drifts
      awaitQuietJit();
      bareBefore = bare.generationSecondsPerFrame(pool.modelImages(m, 1), t, batchMaxSize, frames);
    }
    double jobPerFrame;
    Profile.Result prof;
    try (KafkaIo.OutputFollower follower = new KafkaIo.OutputFollower(broker.bootstrapServers(), topics.output(), parallelism, false);
         Running job = JobRunner.start(broker, topics, model, parallelism, onboardingFlags(), c -> c)) {
      KafkaIo.preload(broker.bootstrapServers(), topics.input(), pool, 1000, 1, 0, 1); // warm-up person
      if (!follower.awaitCount(1, Duration.ofMinutes(10))) {
        throw new IllegalStateException("onboarding: no prediction for the warm-up person");
      }
      Profile profile = Profile.start(jfr);
      long sent = System.currentTimeMillis();
      KafkaIo.preload(broker.bootstrapServers(), topics.input(), pool, 0, 1, 0, frames);
      follower.awaitCount(1 + frames, Duration.ofMinutes(30));
      prof = profile.stop();
      List<Out> outs = follower.snapshot().stream().filter(o -> o.personId().equals(person))
          .sorted(Comparator.comparingLong(Out::frameIndex)).toList();
      if (outs.size() != frames || outs.stream().anyMatch(o -> o.phase() != Phase.GENERATING)) {
        throw new IllegalStateException("onboarding: expected " + frames + " GENERATING predictions, got " + outs);
      }
      jobPerFrame = (outs.get(frames - 1).processingTimeMs() - sent) / 1000.0 / frames;
    }
    BareOrt.FrameTime bareAfter;
    try (BareOrt bare = new BareOrt(m, intraOpThreads)) {
      awaitQuietJit();
      bareAfter = bare.generationSecondsPerFrame(pool.modelImages(m, 1), t, batchMaxSize, frames);
    }
    BareOrt.FrameTime bareTime = new BareOrt.FrameTime((bareBefore.wallSeconds() + bareAfter.wallSeconds()) / 2,
        (bareBefore.cpuSeconds() + bareAfter.cpuSeconds()) / 2);
    results.detail(String.format("  %s: bare ORT %.2f s (%.2f s CPU) per frame before the job, %.2f s (%.2f s CPU) after", label,
        bareBefore.wallSeconds(), bareBefore.cpuSeconds(), bareAfter.wallSeconds(), bareAfter.cpuSeconds()));
    double barePerFrame = bareTime.wallSeconds();
    double jobCpuPerFrame = (prof.jobCpuSeconds() - prof.category("JVM JIT")) / frames; // JIT is warm-up
    int g = generationFrames();
    double gflopPerPerson = g * f.generationFrame(t) / 1e9;
    double jobPerson = g * jobPerFrame;
    results.detail(String.format("  %s (%s, width %s): job %.2f s per generation frame (%.2f s job CPU without JIT), bare ORT %.2f s (%.2f s CPU); %d x %d targets = %.1f GFLOP per person",
        label, m.modelId(), f.width(), jobPerFrame, jobCpuPerFrame, barePerFrame, bareTime.cpuSeconds(), g, t, gflopPerPerson));
    results.detail(prof.table());
    String w = label + " (w " + f.width() + ")";
    results.add("onboarding", w + ": job time per new person (" + g + " frames x " + t + " targets)", jobPerson, "s");
    results.add("onboarding", w + ": bare ORT time, same G and E batches", g * barePerFrame, "s");
    results.addRatio("onboarding", w + ": bare / job time (wall)", barePerFrame / jobPerFrame, 0.9);
    results.addRatio("onboarding", w + ": bare / job CPU per frame (load-independent)", bareTime.cpuSeconds() / jobCpuPerFrame, 0.9);
    results.add("onboarding", w + ": GFLOP per person", gflopPerPerson, "GFLOP");
    results.add("onboarding", w + ": achieved GFLOP/s (job)", gflopPerPerson / jobPerson, "GFLOP/s");
    results.add("onboarding", w + ": achieved / 1-thread SGEMM peak", 100 * gflopPerPerson / jobPerson / peak1, "%");
    double perCpu = f.generationFrame(t) / 1e9 / jobCpuPerFrame;
    results.add("onboarding", w + ": achieved GFLOP per job CPU-second", perCpu, "GFLOP/CPU-s");
    results.add("onboarding", w + ": achieved per CPU-second / SGEMM per CPU-second", 100 * perCpu / peakCpu, "%");
    if (label.equals("shipped")) {
      memoryShare("generation phase", prof, frames);
    }
  }

  /**
   * Generation as fast as the job can: all of the model thread's time (share 1), and each generation frame's
   * prediction held until its edits are trained (WAIT), so the last prediction marks the end of generation.
   */
  /**
   * Generation at FP32 against INT8 (the model directory's quantized files, {@code --model-precision}), shipped
   * width and, when its directory has quantized files, paper width: CPU and wall time per generation frame in the
   * job's chunks, and how the INT8 edits read (BENCHMARKS.md, quantization).
   */
  void quantized() throws Exception {
    int chunk = JobConfig.parse(jobFlags().toArray(String[]::new)).generationChunk();
    quantized("shipped", modelDir, chunk, quick ? 2 : 12);
    if (!quick && fullWidthModelDir != null && Files.isRegularFile(fullWidthModelDir.resolve("manifest.json"))) {
      quantized("full width", fullWidthModelDir, chunk, 2);
    }
  }

  void quantized(String label, Path model, int chunk, int rounds) throws Exception {
    ModelManifest m = ModelManifest.load(model);
    awaitQuietJit();
    Quantized.Figures f = Quantized.measure(m, pool.rgbOfLook(0, 4), targets(), chunk, rounds, intraOpThreads);
    if (f == null) {
      results.detail("  " + label + " skipped: " + model + " declares no quantized generator (python3 -m "
          + "paffmem_pk.quantize " + model + " --data <training set>, in model-export/)");
      return;
    }
    String w = label + " (w " + Flops.of(model).width() + ")";
    results.detail("  " + w + ", chunks of " + chunk + " targets, " + intraOpThreads + " intra-op thread(s): "
        + Quantized.describe(f));
    results.add("quantized", w + ": FP32 G + E CPU per generation frame (" + targets() + " targets)", f.fp32CpuMs(), "ms");
    results.add("quantized", w + ": INT8 G + E CPU per generation frame", f.int8CpuMs(), "ms");
    results.add("quantized", w + ": INT8 speed-up, CPU", f.fp32CpuMs() / f.int8CpuMs(), "x");
    results.add("quantized", w + ": INT8 speed-up, wall", f.fp32WallMs() / f.int8WallMs(), "x");
    results.add("quantized", w + ": CCC(target, D_em of the edits), arousal, INT8 - FP32",
        f.int8Ccc()[0] - f.fp32Ccc()[0], "difference");
    results.add("quantized", w + ": CCC(target, D_em of the edits), valence, INT8 - FP32",
        f.int8Ccc()[1] - f.fp32Ccc()[1], "difference");
  }

  List<String> onboardingFlags() {
    List<String> flags = jobFlags();
    // the bare-ORT baseline runs the exported FP32 files; quantized generation has its own benchmark (quantized)
    flags.addAll(List.of("--model-precision", "FP32"));
    flags.addAll(List.of("--generation-cpu-share", "1", "--predictions-while-seeding", "WAIT"));
    return flags;
  }

  // ---- mixed: established persons plus new persons arriving --------------------------------------

  /** What one mixed case measured. */
  record Mixed(long[] established, long[] firstPrediction, long[] memoryReady, int arrived, int notReady,
      double maxCheckpointMs, long missing, double windowSeconds) {}

  /**
   * Established persons (past onboarding, from a seeded savepoint) at 50 % of the steady rate, plus new persons
   * arriving: first a burst (onboarding capacity: persons made memory-ready per minute while the established load
   * runs), then arrivals at fractions of that capacity, at-least-once and exactly-once, and with nobody arriving
   * (the reference); then exactly-once at several checkpoint intervals with many persons' state.
   */
  void mixed() throws Exception {
    double rate;
    if (mixedEstablishedRate != null) {
      rate = mixedEstablishedRate;
    } else {
      if (Double.isNaN(steadyRate)) {
        steady();
      }
      rate = 0.5 * steadyRate;
    }
    int persons = steadyPersons();
    String savepoint = seededSavepoint(persons);
    double window = quick && mixedWindow == 90 ? 15 : mixedWindow;
    results.detail(String.format("  established: %d persons at %.0f frames/s; new persons stream at 25 frames/s from"
        + " their arrival; window %.0f s per case", persons, rate, window));

    // onboarding capacity: a burst of new persons under the established load, at-least-once
    int burst = quick ? 2 : 4;
    Mixed cap = mixedCase("AT_LEAST_ONCE", "10s", persons, savepoint, rate, 0, burst, Math.max(window, quick ? 60 : 240),
        true);
    double capacity = cap.memoryReady().length == burst
        ? 60.0 * burst / (cap.memoryReady()[burst - 1] / 1000.0)
        : 60.0 * cap.memoryReady().length / cap.windowSeconds(); // not all ready: those that were, over the run
    results.detail(String.format("  capacity: %d new persons at once, memory-ready after %s ms (first prediction %s ms);"
        + " %.2f persons/min", burst, Arrays.toString(cap.memoryReady()), Arrays.toString(cap.firstPrediction()), capacity));
    results.add("mixed", "onboarding capacity under the established load (" + burst + " at once)", capacity, "persons/min");
    results.add("mixed", "burst: max checkpoint duration", cap.maxCheckpointMs(), "ms");
    if (!(capacity > 0)) {
      results.detail("  no new person became memory-ready during the burst: arrival cases skipped");
    }

    for (String delivery : capacity > 0 ? mixedDeliveries : List.<String>of()) {
      String interval = delivery.equals("EXACTLY_ONCE") ? mixedInterval : "10s";
      String d = delivery.equals("EXACTLY_ONCE") ? "exactly-once (checkpoint " + interval + ")" : "at-least-once";
      List<Double> fractions = new ArrayList<>(List.of(0.0));
      fractions.addAll(mixedArrivals);
      for (double fraction : fractions) {
        double perMin = fraction * capacity;
        double intervalMs = perMin > 0 ? 60_000 / perMin : 0;
        int arrivals = perMin > 0 ? (int) Math.max(1, Math.ceil(window * 1000 / intervalMs)) : 0;
        Mixed m = mixedCase(delivery, interval, persons, savepoint, rate, intervalMs, arrivals, window, false);
        String name = String.format("%s, new persons at %.2f x capacity (%.2f/min)", d, fraction, perMin);
        results.detail(String.format("  %s: established p50 %s / p99 %s ms (%d frames, %d not out); %d new persons:"
            + " first prediction p50 %s / max %s ms, memory-ready p50 %s / max %s ms (%d not ready by the end);"
            + " max checkpoint %.0f ms", name, ms(pct(m.established(), 50)), ms(pct(m.established(), 99)),
            m.established().length, m.missing(), m.arrived(), ms(pct(m.firstPrediction(), 50)),
            ms(pct(m.firstPrediction(), 100)), ms(pct(m.memoryReady(), 50)), ms(pct(m.memoryReady(), 100)),
            m.notReady(), m.maxCheckpointMs()));
        results.add("mixed", name + ": established p50", pct(m.established(), 50), "ms");
        results.add("mixed", name + ": established p99", pct(m.established(), 99), "ms");
        if (m.arrived() > 0) {
          results.add("mixed", name + ": new persons' first prediction, max", pct(m.firstPrediction(), 100), "ms");
          results.add("mixed", name + ": new persons' memory-ready, p50", pct(m.memoryReady(), 50), "ms");
          results.add("mixed", name + ": new persons not memory-ready by the end of the window", m.notReady(), "");
        }
        results.add("mixed", name + ": max checkpoint duration", m.maxCheckpointMs(), "ms");
      }
    }

    int statePersons = quick ? 200 : mixedStatePersons;
    String big = seededSavepoint(statePersons);
    for (String interval : mixedIntervals) {
      Mixed m = mixedCase("EXACTLY_ONCE", interval, statePersons, big, rate, 0, 0, window, false);
      String name = String.format("exactly-once, checkpoint %s, %d persons' state, no one onboarding", interval, statePersons);
      results.detail(String.format("  %s: p50 %s / p99 %s ms (%d frames); max checkpoint %.0f ms", name,
          ms(pct(m.established(), 50)), ms(pct(m.established(), 99)), m.established().length, m.maxCheckpointMs()));
      results.add("mixed", name + ": p50", pct(m.established(), 50), "ms");
      results.add("mixed", name + ": p99", pct(m.established(), 99), "ms");
      results.add("mixed", name + ": max checkpoint duration", m.maxCheckpointMs(), "ms");
    }
  }

  /**
   * One mixed run: the job from {@code savepoint}, established persons at {@code rate} frames/s, and
   * {@code arrivals} new persons arriving every {@code intervalMs} (all at once when 0). With {@code untilReady}
   * the run goes on until every new person is memory-ready (at most {@code window} seconds).
   */
  Mixed mixedCase(String delivery, String interval, int persons, String savepoint, double rate, double intervalMs,
      int arrivals, double window, boolean untilReady) throws Exception {
    Topics topics = Topics.fresh("mixed");
    topics.create(broker, parallelism);
    List<String> flags = jobFlags();
    flags.addAll(List.of("--delivery", delivery, "--checkpoint-interval", interval));
    boolean eo = delivery.equals("EXACTLY_ONCE");
    int first = 100_000; // new persons' indices: nobody in the savepoint
    try (KafkaIo.OutputFollower follower = new KafkaIo.OutputFollower(broker.bootstrapServers(), topics.output(), parallelism, eo);
         Running job = JobRunner.start(broker, topics, modelDir, parallelism, flags, conf -> {
           conf.setString("execution.state-recovery.path", savepoint);
           conf.setString("execution.state-recovery.ignore-unclaimed-state", "true");
           conf.setString("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
           return conf;
         })) {
      waitRunning(job);
      KafkaIo.PacedProducer established = new KafkaIo.PacedProducer(broker.bootstrapServers(), topics.input(), pool,
          persons, generationFrames(), rate);
      Thread.sleep(quick ? 2000 : 5000); // warm-up
      long windowStart = System.currentTimeMillis();
      Arrivals newcomers = arrivals == 0 ? null
          : new Arrivals(broker.bootstrapServers(), topics.input(), pool, first, intervalMs, arrivals, 40);
      long end = windowStart + (long) (window * 1000);
      while (System.currentTimeMillis() < end) {
        Thread.sleep(500);
        if (untilReady && newcomers != null && newcomers.started().size() == arrivals
            && readyPersons(follower.snapshot(), first) >= arrivals) {
          break;
        }
      }
      long windowEnd = System.currentTimeMillis();
      established.close();
      if (newcomers != null) {
        newcomers.close();
      }
      long sent = established.sent() + (newcomers == null ? 0 : newcomers.sent());
      follower.awaitCount(sent, Duration.ofSeconds(quick ? 20 : 60));
      double maxCheckpoint = job.rest("/checkpoints").path("summary").path("end_to_end_duration").path("max").asDouble(Double.NaN);
      Map<String, Out> byKey = new java.util.HashMap<>();
      Map<String, Out> firstOut = new java.util.HashMap<>();
      Map<String, Out> firstOnline = new java.util.HashMap<>();
      for (Out o : follower.snapshot()) {
        byKey.put(KafkaIo.PacedProducer.key(o.personId(), o.frameIndex()), o);
        firstOut.merge(o.personId(), o, (a, b) -> a.frameIndex() <= b.frameIndex() ? a : b);
        if (o.phase() == Phase.ONLINE) {
          firstOnline.merge(o.personId(), o, (a, b) -> a.receivedMs() <= b.receivedMs() ? a : b);
        }
      }
      List<Long> est = new ArrayList<>();
      long missing = 0;
      for (Map.Entry<String, Long> e : established.sentTimes().entrySet()) {
        if (e.getValue() < windowStart || e.getValue() >= windowEnd) {
          continue;
        }
        Out o = byKey.get(e.getKey());
        if (o == null) {
          missing++;
          est.add(Long.MAX_VALUE);
        } else {
          est.add(o.receivedMs() - e.getValue());
        }
      }
      List<Long> firstPrediction = new ArrayList<>();
      List<Long> ready = new ArrayList<>();
      int notReady = 0;
      Map<Integer, Long> started = newcomers == null ? Map.of() : newcomers.started();
      for (Map.Entry<Integer, Long> e : started.entrySet()) {
        String id = FramePool.personId(e.getKey());
        Out f = firstOut.get(id);
        firstPrediction.add(f == null ? Long.MAX_VALUE : f.receivedMs() - e.getValue());
        Out r = firstOnline.get(id);
        if (r == null) {
          notReady++;
        } else {
          ready.add(r.receivedMs() - e.getValue());
        }
      }
      return new Mixed(est.stream().mapToLong(Long::longValue).sorted().toArray(),
          firstPrediction.stream().mapToLong(Long::longValue).sorted().toArray(),
          ready.stream().mapToLong(Long::longValue).sorted().toArray(), started.size(), notReady, maxCheckpoint, missing,
          (windowEnd - windowStart) / 1000.0);
    }
  }

  static int readyPersons(List<Out> outs, int first) {
    java.util.Set<String> ready = new java.util.HashSet<>();
    for (Out o : outs) {
      if (o.phase() == Phase.ONLINE && o.personId().compareTo(FramePool.personId(first)) >= 0) {
        ready.add(o.personId());
      }
    }
    return ready.size();
  }

  // ---- latency ---------------------------------------------------------------------------------

  void latency() throws Exception {
    if (Double.isNaN(steadyRate)) {
      steady();
    }
    int persons = steadyPersons();
    String savepoint = seededSavepoint(persons);
    double warm = quick ? 2 : 5;
    double window = quick ? 4 : 30;
    String eoInterval = quick ? "1s" : JobConfig.defaults().checkpointInterval().toSeconds() + "s";
    record Case(String delivery, String interval) {}
    List<Case> cases = quick ? List.of(new Case("EXACTLY_ONCE", "1s"), new Case("AT_LEAST_ONCE", "1s"))
        : List.of(new Case("EXACTLY_ONCE", eoInterval), new Case("AT_LEAST_ONCE", eoInterval));
    for (Case c : cases) {
      for (double load : List.of(0.5, 0.9)) {
        double rate = load * steadyRate;
        Topics topics = Topics.fresh("latency");
        topics.create(broker, parallelism);
        List<String> flags = jobFlags();
        flags.addAll(List.of("--delivery", c.delivery(), "--checkpoint-interval", c.interval()));
        long[] latencies;
        double[] processing;
        long sent;
        long missing;
        try (KafkaIo.OutputFollower follower = new KafkaIo.OutputFollower(broker.bootstrapServers(), topics.output(), parallelism, true);
             Running job = JobRunner.start(broker, topics, modelDir, parallelism, flags, conf -> {
               conf.setString("execution.state-recovery.path", savepoint);
               conf.setString("execution.state-recovery.ignore-unclaimed-state", "true");
               conf.setString("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
               return conf;
             })) {
          waitRunning(job);
          KafkaIo.PacedProducer producer = new KafkaIo.PacedProducer(broker.bootstrapServers(), topics.input(), pool,
              persons, generationFrames(), rate);
          long windowStart = System.currentTimeMillis() + (long) (warm * 1000);
          Thread.sleep((long) ((warm + window) * 1000));
          long windowEnd = System.currentTimeMillis();
          producer.close(); // then drain: every frame sent must come out (one checkpoint interval plus slack)
          sent = producer.sent();
          follower.awaitCount(sent, Duration.ofSeconds(quick ? 20 : 60));
          Map<String, Out> byKey = new java.util.HashMap<>();
          for (Out o : follower.snapshot()) {
            byKey.put(KafkaIo.PacedProducer.key(o.personId(), o.frameIndex()), o);
          }
          List<long[]> l = new ArrayList<>();
          for (Map.Entry<String, Long> e : producer.sentTimes().entrySet()) {
            long s = e.getValue();
            if (s < windowStart || s >= windowEnd) {
              continue;
            }
            Out o = byKey.get(e.getKey());
            // a frame not out by the end of the drain counts as infinitely late
            l.add(o == null ? new long[] {Long.MAX_VALUE, Long.MAX_VALUE} : new long[] {o.receivedMs() - s, o.processingTimeMs() - s});
          }
          missing = l.stream().filter(a -> a[0] == Long.MAX_VALUE).count();
          latencies = l.stream().mapToLong(a -> a[0]).sorted().toArray();
          processing = l.stream().mapToDouble(a -> a[1] == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : a[1]).sorted().toArray();
        }
        String name = String.format("%s (checkpoint %s) at %.0f%% of steady rate (%.0f frames/s)",
            c.delivery().equals("EXACTLY_ONCE") ? "exactly-once" : "at-least-once", c.interval(), 100 * load, rate);
        results.detail(String.format("  %s: %d frames sent in the %.0f s window (%d not out %d s after it); Kafka-to-Kafka p50 %s ms, p99 %s ms; to emission p50 %.0f ms, p99 %.0f ms",
            name, latencies.length, window, missing, quick ? 20 : 60, ms(pct(latencies, 50)), ms(pct(latencies, 99)),
            pct(processing, 50), pct(processing, 99)));
        results.add("latency", name + ": p50", pct(latencies, 50) == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : pct(latencies, 50), "ms");
        results.add("latency", name + ": p99", pct(latencies, 99) == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : pct(latencies, 99), "ms");
        results.add("latency", name + ": frames not delivered within the drain", missing, "");
        results.add("latency", name + ": p99 to emission (before the sink)", pct(processing, 99), "ms");
      }
    }
  }

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

  void state() throws Exception {
    onboardedMemory();
    int persons = scalePersons.get(scalePersons.size() - 1);
    checkpointRun(persons);
  }

  /** Checkpoint size and time of the job holding {@code persons} persons past onboarding. */
  void checkpointRun(int persons) throws Exception {
    String savepoint = seededSavepoint(persons);
    Topics topics = Topics.fresh("checkpoint");
    topics.create(broker, parallelism);
    List<String> flags = jobFlags();
    flags.addAll(List.of("--checkpoint-interval", quick ? "1s" : "10s"));
    Path ckpt = workDir.resolve("checkpoints");
    try (Running job = JobRunner.start(broker, topics, modelDir, parallelism, flags, conf -> {
      conf.setString("execution.state-recovery.path", savepoint);
      conf.setString("execution.state-recovery.ignore-unclaimed-state", "true");
      conf.setString("execution.checkpointing.dir", ckpt.toUri().toString());
      return conf;
    })) {
      waitRunning(job);
      KafkaIo.preload(broker.bootstrapServers(), topics.input(), pool, Math.min(persons, 100), generationFrames(),
          generationFrames() + 1);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(quick ? 1 : 4);
      var latest = job.rest("/checkpoints");
      while (latest.path("counts").path("completed").asInt() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(500);
        latest = job.rest("/checkpoints");
      }
      var done = latest.path("latest").path("completed");
      if (done.isMissingNode() || done.isNull()) {
        throw new IllegalStateException("no completed checkpoint: " + latest);
      }
      long size = done.path("checkpointed_size").asLong(done.path("state_size").asLong());
      long fullSize = done.path("state_size").asLong();
      long duration = done.path("end_to_end_duration").asLong();
      String detail = job.rest("/checkpoints/details/" + done.path("id").asLong()).toString();
      results.detail(String.format("  checkpoint %d of %d persons: state size %s, %d ms end to end (%s)", done.path("id").asLong(),
          persons, human(fullSize), duration, detail.length() > 600 ? detail.substring(0, 600) + "..." : detail));
      results.add("state", "checkpoint size, " + persons + " persons past onboarding", fullSize / 1e6, "MB");
      results.add("state", "checkpoint size per person", fullSize / (double) persons, "B");
      results.add("state", "checkpoint time (end to end), " + persons + " persons", duration / 1000.0, "s");
      if (size != fullSize) {
        results.add("state", "checkpointed size (incremental)", size / 1e6, "MB");
      }
    }
  }

  /**
   * State backends: for each of {@code --state-backends}, the job restored from a savepoint of
   * {@code --backend-persons} persons past onboarding with {@code --state-backend <b>} (incremental checkpoints on):
   * time from submission to all tasks running (the restore), the first checkpoint (for RocksDB and ForSt a full
   * upload of every file) and the third (incremental: what 100 persons' frames changed), the process's resident
   * memory and heap in use (the MiniCluster runs in this JVM), the backend's local disk; then the steady throughput
   * at {@code --backend-throughput-persons}.
   */
  void backends() throws Exception {
    onboardedMemory();
    int persons = backendPersons != null ? backendPersons : quick ? 200 : 10_000;
    int tpPersons = backendThroughputPersons != null ? backendThroughputPersons : quick ? 200 : 10_000;
    for (String backend : stateBackends) {
      List<String> backendFlags = List.of("--state-backend", backend, "--incremental-checkpoints", "true");
      String savepoint = seededSavepoint(persons);
      Topics topics = Topics.fresh("backend-" + backend);
      topics.create(broker, parallelism);
      List<String> flags = jobFlags();
      flags.addAll(backendFlags);
      flags.addAll(List.of("--checkpoint-interval", quick ? "2s" : "10s"));
      Path ckpt = workDir.resolve("checkpoints-" + backend);
      Path local = workDir.resolve("state-" + backend);
      long t0 = System.nanoTime();
      try (Running job = JobRunner.start(broker, topics, modelDir, parallelism, flags, conf -> {
        conf.setString("execution.state-recovery.path", savepoint);
        conf.setString("execution.state-recovery.ignore-unclaimed-state", "true");
        conf.setString("execution.checkpointing.dir", ckpt.toUri().toString());
        conf.setString("state.backend.rocksdb.localdir", local.toAbsolutePath().toString());
        conf.setString("state.backend.forst.local-dir", local.toAbsolutePath().toString());
        return conf;
      })) {
        waitRunning(job);
        double restoreSeconds = (System.nanoTime() - t0) / 1e9;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(quick ? 2 : 30);
        var history = job.rest("/checkpoints");
        int sentRounds = 0;
        while (history.path("counts").path("completed").asInt() < 3 && System.nanoTime() < deadline) {
          if (history.path("counts").path("completed").asInt() > sentRounds) { // some frames between checkpoints
            KafkaIo.preload(broker.bootstrapServers(), topics.input(), pool, Math.min(persons, 100),
                generationFrames() + sentRounds, generationFrames() + sentRounds + 1);
            sentRounds++;
          }
          Thread.sleep(500);
          history = job.rest("/checkpoints");
        }
        List<com.fasterxml.jackson.databind.JsonNode> completed = new ArrayList<>();
        for (var c : history.path("history")) {
          if (c.path("status").asText().equals("COMPLETED")) {
            completed.add(c);
          }
        }
        completed.sort(java.util.Comparator.comparingLong(c -> c.path("id").asLong()));
        if (completed.isEmpty()) {
          throw new IllegalStateException(backend + ": no completed checkpoint: " + history);
        }
        String label = backend + ", " + String.format("%,d", persons) + " persons";
        results.add("backends", label + ": restore from the savepoint (submit to all tasks running)", restoreSeconds, "s");
        var first = completed.get(0);
        var last = completed.get(completed.size() - 1);
        results.add("backends", label + ": first checkpoint, uploaded", first.path("checkpointed_size").asLong() / 1e6, "MB");
        results.add("backends", label + ": first checkpoint, end to end", first.path("end_to_end_duration").asLong() / 1000.0, "s");
        results.add("backends", label + ": checkpoint " + last.path("id").asLong() + ", uploaded (incremental)",
            last.path("checkpointed_size").asLong() / 1e6, "MB");
        results.add("backends", label + ": checkpoint " + last.path("id").asLong() + ", end to end",
            last.path("end_to_end_duration").asLong() / 1000.0, "s");
        results.add("backends", label + ": full state size", last.path("state_size").asLong() / 1e6, "MB");
        System.gc();
        var heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        results.add("backends", label + ": heap in use after GC (JVM of broker + MiniCluster)", heap.getUsed() / 1e6, "MB");
        results.add("backends", label + ": process resident memory (VmRSS)", Machine.residentBytes() / 1e6, "MB");
        results.add("backends", label + ": local state on disk", Math.max(0, du(local)) / 1e6, "MB");
        results.detail(String.format("  %s: checkpoints %s", label, completed));
      }
      if (tpPersons > 0) {
        long perPerson = Math.max(quick ? 2 : 3, Math.round((Double.isNaN(steadyRate) ? 2000 : steadyRate) * windowSeconds() / tpPersons));
        Throughput t = throughputRun("backend-" + backend + "-" + tpPersons, modelDir, tpPersons, perPerson, backendFlags, Map.of());
        results.detail(String.format("  %s, %d persons x %d frames: %.1f frames/s", backend, tpPersons, perPerson, t.framesPerSecond()));
        results.add("backends", backend + ", " + String.format("%,d", tpPersons) + " persons: steady throughput", t.framesPerSecond(), "frames/s");
      }
      results.write(out, "");
    }
  }

  void scale() throws Exception {
    warmUpJvm();
    for (int persons : scalePersons) {
      double expect = Double.isNaN(steadyRate) ? 100 : steadyRate;
      long perPerson = Math.max(quick ? 2 : 3, Math.round(expect * windowSeconds() / persons));
      Throughput t = throughputRun("scale-" + persons, modelDir, persons, perPerson, List.of(), Map.of());
      results.detail(String.format("  %d persons x %d frames: %.1f frames/s", persons, perPerson, t.framesPerSecond()));
      results.detail(t.profile().table());
      results.add("scale", persons + " concurrent persons (past onboarding)", t.framesPerSecond(), "frames/s");
    }
  }

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
