// Over 400 lines: the whole embedded default (broker, job, synthetic persons, live summary) in one file a newcomer can
// read top to bottom.
package dev.paffmem.demo;

import dev.paffmem.dashboard.DashboardOptions;
import dev.paffmem.dashboard.DashboardServer;
import dev.paffmem.evaluation.Ccc;
import dev.paffmem.faces.stream.FaceFrameStream;
import dev.paffmem.faces.stream.StreamOptions;
import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.ConfigException;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.config.LocalJobOptions;
import dev.paffmem.job.inference.ModelDirectoryException;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.ImageEncoding;
import dev.paffmem.schema.Phase;
import dev.paffmem.schema.RejectedFrame;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * The P-AffMem demo, end to end on one machine.
 *
 * <ol>
 *   <li>Starts an in-JVM Kafka broker on 127.0.0.1 (or uses {@code --bootstrap-servers}).
 *   <li>Writes a stream of synthetic persons' faces (with ground-truth arousal/valence) to the input topic.
 *   <li>Runs the P-AffMem Flink job (streaming, cancelled once every frame has a committed prediction
 *       or dead letter) on a local MiniCluster (bound to 127.0.0.1) with the shipped PK
 *       model ({@code models/demo-pk}), printing progress
 *       from the committed predictions: frames, persons, phase.
 *   <li>Prints a summary per person: the CCC of the PK alone and of the affective memory against the
 *       synthetic ground truth, over the person's ONLINE frames.
 * </ol>
 *
 * <p>Run: {@code ./paffmem demo [flags]}, or after {@code mvn -q install -DskipTests}
 * {@code java -jar demo/target/paffmem-demo.jar [flags]} (not {@code mvn exec:java}: Flink's MiniCluster loads
 * the job's classes through the system class loader, which exec:java leaves empty; demo/README.md). Any flag
 * the demo does not know is passed to the job
 * (e.g. {@code --generation-frames 10}). With {@code --bootstrap-servers} the input topic should be
 * new or empty: the job reads it from the earliest offset.
 */
@Command(name = "paffmem-demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs the P-AffMem job on synthetic persons and prints PK vs memory CCC per person.")
public final class DemoRunner implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", description = "Use this Kafka instead of starting one in-process.")
  String bootstrapServers;

  @Option(names = "--persons", defaultValue = "4", description = "Synthetic persons (default: ${DEFAULT-VALUE}).")
  int persons;

  @Option(names = "--enrolment", defaultValue = "none", paramLabel = "none|5|3x3|5x5",
      description = {"Each synthetic person first shows their face at these known emotions, sent as enrolled faces",
          "(flink-job/README.md, Enrolment): 3x3 = nine faces; none = the paper's unsupervised memory (default: ${DEFAULT-VALUE})."})
  String enrolment;

  @Option(names = "--frames-per-person", defaultValue = "150",
      description = "Frames per person at 25 fps (default: ${DEFAULT-VALUE}).")
  int framesPerPerson;

  @Option(names = "--encoding", defaultValue = "JPEG", description = "PNG, JPEG or RAW_RGB8 (default: ${DEFAULT-VALUE}).")
  ImageEncoding encoding;

  @Mixin
  LocalJobOptions job = new LocalJobOptions(); // --model-dir, --parallelism

  @Option(names = "--generation-targets", defaultValue = "50",
      description = "Targets per generation frame; the demo uses fewer than the job's 200 to finish in minutes on 2 cores (default: ${DEFAULT-VALUE}).")
  int generationTargets;

  @Option(names = "--dashboard",
      description = "Also serve the live dashboard (on 127.0.0.1) and keep it up after the run until Ctrl-C.")
  boolean dashboard;

  @Option(names = "--dashboard-port", defaultValue = "0", description = "Port of the dashboard; 0 for any free port (default: ${DEFAULT-VALUE}).")
  int dashboardPort;

  @Option(names = "--video", paramLabel = "FILE",
      description = "Run a video (file, image folder, /dev/videoN or stream URL) through the camera producer (face"
          + " detection, tracking, crops) instead of synthetic persons; ends with a summary per tracked person.")
  String video;

  @Option(names = "--crop-scale",
      description = "With --video: face crop side in face-box widths (default: the detector's framing of the synthetic"
          + " training renders, 2.2 for BlazeFace; about 1.3 for a model trained on AffectNet's face boxes).")
  Double cropScale;

  @Unmatched
  List<String> jobArgs = new ArrayList<>();

  public static void main(String[] args) {
    int code = new CommandLine(new DemoRunner()).setCaseInsensitiveEnumValuesAllowed(true)
        .setUnmatchedOptionsArePositionalParams(false).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    int parallelism = job.parallelism();
    Path model = job.modelDir();
    long t0 = System.nanoTime();
    List<double[]> enrolmentPoints;
    try {
      enrolmentPoints = dev.paffmem.evaluation.Enrolment.parse(enrolment).points();
    } catch (IllegalArgumentException e) {
      System.err.println("paffmem-demo: --enrolment: " + e.getMessage());
      return 2;
    }
    if (!enrolmentPoints.isEmpty() && video != null) {
      System.err.println("paffmem-demo: --enrolment works with synthetic persons, not with --video (a video's persons"
          + " have no faces at known emotions)");
      return 2;
    }
    EmbeddedKafkaBroker broker = null;
    DashboardServer board = null;
    try {
      String bootstrap = bootstrapServers;
      if (bootstrap == null) {
        System.out.println("Starting Kafka in-process on 127.0.0.1 ...");
        broker = EmbeddedKafkaBroker.start();
        bootstrap = broker.bootstrapServers();
      }
      String run = UUID.randomUUID().toString().substring(0, 8);
      List<String> args = new ArrayList<>(List.of(
          "--bootstrap-servers", bootstrap, "--group-id", "paffmem-demo-" + run,
          "--transactional-id-prefix", "paffmem-demo-" + run, "--model-dir", model.toString(),
          "--parallelism", String.valueOf(parallelism), "--generation-targets", String.valueOf(generationTargets),
          "--checkpoint-interval", "2s", "--starting-offsets", "EARLIEST",
          // the demo writes each person's frames in one burst: with the live default (the PK answers while the
          // memory is seeded) every frame would be answered before any memory is ready; the paper's schedule
          // (each frame answered once the memory has trained on it) shows what the memory does
          "--predictions-while-seeding", "WAIT", "--generation-cpu-share", "1"));
      args.addAll(jobArgs); // the user's job flags win
      JobConfig cfg;
      ModelManifest manifest;
      try {
        cfg = JobConfig.parse(args.toArray(String[]::new));
        manifest = PAffMemJob.validateModel(cfg);
      } catch (ConfigException | ModelDirectoryException e) {
        System.err.println("paffmem-demo: " + e.getMessage());
        return 2;
      }
      clientProperties = cfg.kafkaProperties();
      createTopics(bootstrap, cfg);
      if (dashboard) {
        board = DashboardServer.start(DashboardOptions.defaults(bootstrap).withKafkaProperties(cfg.kafkaProperties())
            .withTopics(cfg.outputTopic(), cfg.deadLetterTopic(), cfg.inputTopic())
            .withBind(DashboardOptions.DEFAULT_HOST, dashboardPort, null));
        System.out.println("Dashboard: " + board.url());
      }
      long[] endOffsets = outputEndOffsets(bootstrap, cfg.outputTopic());
      long[] deadLetterOffsets = outputEndOffsets(bootstrap, cfg.deadLetterTopic());

      Map<String, String> kinds = new java.util.TreeMap<>();
      long total;
      if (video != null) {
        total = produceVideo(bootstrap, cfg.inputTopic(), run + "-");
        if (total == 0) {
          System.out.println("No face was found in " + video + ": nothing to run the job on.");
          return 1;
        }
      } else {
        // the documented evaluation mix (typical, identity-level confounds, atypical expressers), so the demo shows
        // both what personalization corrects and what it cannot
        StreamOptions options = StreamOptions.defaults().withPersons(persons).withFramesPerPerson(framesPerPerson)
            .withEncoding(encoding).withMix(0.25, 0.5);
        var generator = new dev.paffmem.faces.stream.FaceFrameGenerator(options, enrolmentPoints);
        generator.persons().forEach(p -> kinds.put(p.id(), p.typeLabel()));
        total = generator.totalRecords();
        System.out.printf("Writing %d synthetic persons x %d frames (%s%s) to %s ...%n", persons, framesPerPerson,
            encoding, enrolmentPoints.isEmpty() ? "" : ", after " + enrolmentPoints.size() + " enrolled faces each",
            cfg.inputTopic());
        new FaceFrameStream(generator).run(bootstrap, cfg.kafkaProperties(), cfg.inputTopic());
      }

      System.out.printf("Model %s %s (%s); generation: first %d frames x %d targets per person; parallelism %d%n",
          manifest.modelId(), manifest.modelVersion(), model, cfg.generationFrames(), cfg.generationTargets(), parallelism);
      Configuration cluster = PAffMemJob.localClusterConfiguration();
      StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, cluster);
      PAffMemJob.buildKafkaJob(env, cfg, manifest, s -> s);
      JobClient job = env.executeAsync("paffmem-demo");

      Progress progress = new Progress(bootstrap, cfg.outputTopic(), endOffsets, cfg.deadLetterTopic(), deadLetterOffsets);
      // a streaming job: it runs until every frame has a committed prediction or dead letter, then is cancelled
      var result = job.getJobExecutionResult();
      long nextPrint = 0;
      long seen = -1;
      long lastChange = System.nanoTime();
      while (!result.isDone() && progress.count() + progress.rejected() < total) {
        progress.poll(Duration.ofMillis(500));
        if (progress.count() + progress.rejected() != seen) {
          seen = progress.count() + progress.rejected();
          lastChange = System.nanoTime();
        } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(120)) {
          System.out.println("No new prediction for 2 minutes: cancelling the job (see the missing frames below).");
          break;
        }
        if (System.nanoTime() >= nextPrint) {
          progress.print(total, t0);
          nextPrint = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        }
      }
      if (result.isDone()) {
        result.get(); // the job failed (or finished): say why
      } else {
        progress.poll(Duration.ofSeconds(2)); // anything extra would be a duplicate
        job.cancel().get();
      }
      progress.print(total, t0);
      progress.close();
      System.out.println();
      if (video != null) {
        videoSummary(progress.byPerson());
      } else {
        summary(progress.byPerson(), kinds, enrolmentPoints.size());
      }
      System.out.printf("Done in %.0f s.%n", (System.nanoTime() - t0) / 1e9);
      if (progress.count() + progress.rejected() < total && video == null) {
        System.out.println("Frames without a committed prediction or dead letter: "
            + progress.missing(framesPerPerson + enrolmentPoints.size()));
      }
      if (progress.rejected() > 0) {
        System.out.println("Dead letters by reason: " + progress.rejectedByReason());
      }
      int code = progress.count() + progress.rejected() == total ? 0 : 1;
      if (board != null) {
        lingerWithDashboard(board, broker);
      }
      return code;
    } finally {
      if (board != null) {
        board.close();
      }
      if (broker != null) {
        broker.close();
      }
    }
  }

  /** Runs the video through the camera producer into the input topic; returns the FaceFrames Kafka acknowledged. */
  private long produceVideo(String bootstrap, String topic, String runId) throws Exception {
    System.out.println("Detecting and tracking faces in " + video + " (camera producer) ...");
    dev.paffmem.producer.pipeline.CameraConfig camera =
        dev.paffmem.producer.pipeline.CameraConfig.defaults(video, "video", runId);
    if (cropScale != null) {
      camera = camera.withCropScale(cropScale);
    }
    try (dev.paffmem.producer.kafka.FaceFramePublisher kafka =
        new dev.paffmem.producer.kafka.FaceFramePublisher(bootstrap, topic, Map.of())) {
      dev.paffmem.producer.pipeline.ProducerRun run = new dev.paffmem.producer.pipeline.ProducerRun(List.of(camera),
          kafka::send, System.out, 3000, () -> "kafka: sent " + kafka.sent() + ", acknowledged " + kafka.acked());
      double seconds = run.run();
      kafka.flush();
      run.printSummary(seconds);
      if (run.error() != null) {
        throw run.error();
      }
      if (kafka.failed() > 0) {
        throw new IllegalStateException(kafka.failed() + " FaceFrames could not be sent", kafka.firstError());
      }
      return kafka.acked();
    }
  }

  /** Per tracked person of a video: frames, and the PK's and the memory's mean (s.d.) arousal and valence. */
  static void videoSummary(Map<String, List<AffectPrediction>> byPerson) {
    System.out.println("Per tracked person (no ground truth for a video: means and standard deviations over all frames;"
        + " the shipped model is trained on synthetic faces only, see README 'Real faces'):");
    System.out.printf("%-20s %6s %7s | %15s %15s | %15s %15s%n", "person", "frames", "neurons", "PK arousal",
        "PK valence", "memory arousal", "memory valence");
    for (Map.Entry<String, List<AffectPrediction>> e : byPerson.entrySet()) {
      double[][] c = columns2(e.getValue());
      AffectPrediction last = e.getValue().get(e.getValue().size() - 1);
      System.out.printf("%-20s %6d %7d | %15s %15s | %15s %15s%n", e.getKey(), e.getValue().size(),
          last.getMemorySize(), meanSd(c[0]), meanSd(c[1]), meanSd(c[2]), meanSd(c[3]));
    }
  }

  private static double[][] columns2(List<AffectPrediction> ps) {
    double[][] c = new double[4][ps.size()];
    for (int i = 0; i < ps.size(); i++) {
      c[0][i] = ps.get(i).getPkArousal();
      c[1][i] = ps.get(i).getPkValence();
      c[2][i] = ps.get(i).getArousal();
      c[3][i] = ps.get(i).getValence();
    }
    return c;
  }

  private static String meanSd(double[] xs) {
    double m = 0;
    for (double x : xs) {
      m += x / xs.length;
    }
    double v = 0;
    for (double x : xs) {
      v += (x - m) * (x - m) / Math.max(1, xs.length - 1);
    }
    return String.format(java.util.Locale.ROOT, "%+.2f (%.2f)", m, Math.sqrt(v));
  }

  /** Keeps the dashboard (and the in-process broker it reads) up until Ctrl-C. */
  private static void lingerWithDashboard(DashboardServer board, EmbeddedKafkaBroker broker) throws InterruptedException {
    System.out.println("The dashboard stays up at " + board.url() + " ; Ctrl-C stops it.");
    java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      board.close();
      if (broker != null) {
        broker.close();
      }
      stopped.countDown();
    }, "demo-shutdown"));
    stopped.await();
  }

  /** Kafka client settings of the demo's own clients: the job's --kafka-property settings (SASL/SSL). */
  private static Map<String, String> clientProperties = Map.of();

  private static Properties adminProps(String bootstrap) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return p;
  }

  private void createTopics(String bootstrap, JobConfig cfg) throws Exception {
    try (Admin admin = Admin.create(adminProps(bootstrap))) {
      for (NewTopic t : List.of(new NewTopic(cfg.inputTopic(), job.parallelism(), (short) 1),
          new NewTopic(cfg.outputTopic(), job.parallelism(), (short) 1), new NewTopic(cfg.deadLetterTopic(), 1, (short) 1))) {
        try {
          admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static long[] outputEndOffsets(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      Map<TopicPartition, Long> ends = c.endOffsets(parts);
      long[] out = new long[parts.size()];
      for (TopicPartition tp : parts) {
        out[tp.partition()] = ends.get(tp);
      }
      return out;
    }
  }

  /** Follows the committed predictions and dead letters of this run. */
  static final class Progress implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String deadLetterTopic;
    private final Map<String, List<AffectPrediction>> byPerson = new TreeMap<>();
    private final Map<String, Integer> rejectedByReason = new TreeMap<>();
    private long count;
    private long rejected;

    Progress(String bootstrap, String topic, long[] start, String deadLetterTopic, long[] deadLetterStart) {
      this.deadLetterTopic = deadLetterTopic;
      consumer = consumer(bootstrap);
      Map<TopicPartition, Long> positions = new java.util.HashMap<>();
      for (int p = 0; p < start.length; p++) {
        positions.put(new TopicPartition(topic, p), start[p]);
      }
      for (int p = 0; p < deadLetterStart.length; p++) {
        positions.put(new TopicPartition(deadLetterTopic, p), deadLetterStart[p]);
      }
      consumer.assign(positions.keySet());
      positions.forEach(consumer::seek);
    }

    void poll(Duration d) throws Exception {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(d)) {
        if (r.topic().equals(deadLetterTopic)) {
          RejectedFrame f = RejectedFrame.fromByteBuffer(ByteBuffer.wrap(r.value()));
          rejectedByReason.merge(f.getReason().name(), 1, Integer::sum);
          rejected++;
          continue;
        }
        AffectPrediction p = AffectPrediction.fromByteBuffer(ByteBuffer.wrap(r.value()));
        byPerson.computeIfAbsent(p.getPersonId(), k -> new ArrayList<>()).add(p);
        count++;
      }
    }

    long count() {
      return count;
    }

    /** "person/frameIndex" of every frame below framesPerPerson that has no prediction (at most 50). */
    List<String> missing(long framesPerPerson) {
      List<String> out = new ArrayList<>();
      for (Map.Entry<String, List<AffectPrediction>> e : byPerson.entrySet()) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        e.getValue().forEach(p -> seen.add(p.getFrameIndex()));
        for (long f = 0; f < framesPerPerson && out.size() < 50; f++) {
          if (!seen.contains(f)) {
            out.add(e.getKey() + "/" + f);
          }
        }
      }
      return out;
    }

    long rejected() {
      return rejected;
    }

    Map<String, Integer> rejectedByReason() {
      return rejectedByReason;
    }

    Map<String, List<AffectPrediction>> byPerson() {
      return byPerson;
    }

    void print(long total, long t0) {
      long generating = byPerson.values().stream().filter(l -> l.get(l.size() - 1).getPhase() == Phase.GENERATING).count();
      System.out.printf("[%4.0fs] frames processed %d/%d (predictions %d, dead letters %d) | persons %d: generating %d, online %d%n",
          (System.nanoTime() - t0) / 1e9, count + rejected, total, count, rejected, byPerson.size(), generating,
          byPerson.size() - generating);
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  static void summary(Map<String, List<AffectPrediction>> byPerson, Map<String, String> kinds, int enrolled) {
    System.out.println("CCC against the synthetic ground truth over each person's ONLINE frames (higher is better):");
    System.out.printf("%-14s %-19s %6s %7s | %9s %10s | %9s %10s%n", "person", "kind", "frames", "neurons", "PK aro",
        "memory aro", "PK val", "memory val");
    List<String> notes = new ArrayList<>();
    List<String> levels = new ArrayList<>();
    List<double[]> pooled = new ArrayList<>();
    for (Map.Entry<String, List<AffectPrediction>> e : byPerson.entrySet()) {
      List<AffectPrediction> online = e.getValue().stream()
          .filter(p -> p.getPhase() == Phase.ONLINE && p.getTrueArousal() != null && p.getTrueValence() != null).toList();
      double[][] cols = columns(online);
      online.forEach(p -> pooled.add(new double[] {p.getTrueArousal(), p.getTrueValence(), p.getPkArousal(),
          p.getPkValence(), p.getArousal(), p.getValence()}));
      AffectPrediction last = e.getValue().get(e.getValue().size() - 1);
      System.out.printf("%-14s %-19s %6d %7d | %9.3f %10s | %9.3f %10s%n", e.getKey(),
          kinds.getOrDefault(e.getKey(), "?"), e.getValue().size(), last.getMemorySize(), Ccc.of(cols[0], cols[2]),
          memoryCcc(cols[0], cols[4]), Ccc.of(cols[1], cols[3]), memoryCcc(cols[1], cols[5]));
      levels.add(String.format(java.util.Locale.ROOT, "%-14s %-19s | %+7.3f / %+7.3f | %+7.3f / %+7.3f", e.getKey(),
          kinds.getOrDefault(e.getKey(), "?"), meanError(cols[2], cols[0]), meanError(cols[3], cols[1]),
          meanError(cols[4], cols[0]), meanError(cols[5], cols[1])));
      if (constant(cols[4]) || constant(cols[5])) {
        notes.add(e.getKey() + ": the memory's " + (constant(cols[4]) ? "arousal" : "valence") + " is one value over "
            + "all ONLINE frames (CCC undefined: \"const\"). With --memory-readout PAPER a memory answers with its "
            + "best-matching unit's label, and real frames pull that neuron towards themselves, so it keeps winning "
            + "(label latching; docs/evaluation/RESULTS.md).");
      }
    }
    double[][] all = new double[6][pooled.size()];
    for (int i = 0; i < pooled.size(); i++) {
      for (int c = 0; c < 6; c++) {
        all[c][i] = pooled.get(i)[c];
      }
    }
    System.out.printf("%-14s %-19s %6d %7s | %9.3f %10s | %9.3f %10s%n", "all (pooled)", "", pooled.size(), "",
        Ccc.of(all[0], all[2]), memoryCcc(all[0], all[4]), Ccc.of(all[1], all[3]), memoryCcc(all[1], all[5]));
    System.out.println();
    System.out.println("Each person's level over the same frames, mean error (prediction - truth; 0 is best): the"
        + " person-level bias that personalization is for, and what pooling over persons rewards:");
    System.out.printf("%-14s %-19s | %17s | %17s%n", "person", "kind", "PK aro / val", "memory aro / val");
    levels.forEach(System.out::println);
    System.out.println();
    System.out.println("kinds: typical = a general model reads them well; identity_confound = a face that looks sad, "
        + "angry, tired or alarmed at rest (what enrolled faces correct; without labels the memory corrects a part of it, "
        + "see docs/evaluation/RESULTS.md); anything else = an "
        + "atypical expression style (no unsupervised method can tell it from real emotion). "
        + "CCC over 150 frames is an anecdote: docs/evaluation/RESULTS.md has the evaluation.");
    System.out.println(enrolled > 0
        ? "memory = the PK corrected by each person's " + enrolled + " enrolled faces (their own face at known emotions, "
            + "sent first and not scored; flink-job/README.md, Enrolment); neurons = its GWR's, which is not "
            + "trained once a person has enrolled faces, as nothing reads it."
        : "memory = P-AffMem unsupervised, as the job runs it: the PK corrected by its generator's edits of the person "
            + "and by the person's bias estimated from where the regions of their face disagree (--bias-correction, on "
            + "with the shipped model); on 150 fresh persons of the evaluation that adds +0.03 / +0.00 to the PK's CCC "
            + "(+0.04 / +0.01 for confounded persons), far less than labels would; try --enrolment 3x3 to give each "
            + "person nine faces at known emotions, which corrects the confounded ones. In the levels above, an "
            + "atypical expresser's error can grow: their face shows other emotions than they feel, and the correction, "
            + "fitted on persons whose anatomy differs, is not made for them.");
    notes.forEach(System.out::println);
  }

  /** Mean of prediction - truth; NaN without frames. */
  static double meanError(double[] prediction, double[] truth) {
    double sum = 0;
    for (int i = 0; i < prediction.length; i++) {
      sum += prediction[i] - truth[i];
    }
    return prediction.length == 0 ? Double.NaN : sum / prediction.length;
  }

  /** True when every value is the same (the CCC is then 0 or undefined and says nothing). */
  static boolean constant(double[] xs) {
    for (double x : xs) {
      if (x != xs[0]) {
        return false;
      }
    }
    return true;
  }

  private static String memoryCcc(double[] truth, double[] memory) {
    return memory.length > 0 && constant(memory) ? "const" : String.format(java.util.Locale.ROOT, "%.3f",
        Ccc.of(truth, memory));
  }

  private static double[][] columns(List<AffectPrediction> ps) {
    double[][] c = new double[6][ps.size()];
    for (int i = 0; i < ps.size(); i++) {
      AffectPrediction p = ps.get(i);
      c[0][i] = p.getTrueArousal();
      c[1][i] = p.getTrueValence();
      c[2][i] = p.getPkArousal();
      c[3][i] = p.getPkValence();
      c[4][i] = p.getArousal();
      c[5][i] = p.getValence();
    }
    return c;
  }
}
