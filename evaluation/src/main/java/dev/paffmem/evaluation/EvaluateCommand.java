package dev.paffmem.evaluation;

import dev.paffmem.evaluation.Scoring.GroupScores;
import dev.paffmem.evaluation.Scoring.Results;
import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.ConfigException;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.config.LocalJobOptions;
import dev.paffmem.job.inference.ModelDirectoryException;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.AffectPrediction;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code paffmem evaluate}: an OMG-Emotion-layout dataset through the P-AffMem job, scored like the paper's
 * Table 3.
 *
 * <ol>
 *   <li>Reads the dataset ({@link OmgDataset}): the utterance CSV, the frames and their ground truth;
 *       optionally a subset of videos and whole utterances.
 *   <li>Starts Kafka in-process on 127.0.0.1 (or uses {@code --bootstrap-servers}) and writes every frame as a
 *       FaceFrame (key = video id, frame order, video and utterance ids, ground truth).
 *   <li>Runs the job bounded ({@code --stop-at-latest}) on a local MiniCluster and reads every prediction back
 *       with read_committed.
 *   <li>Writes to {@code --out}: {@code results.json}, {@code results.md}, {@code predictions_paffmem.csv} and
 *       {@code predictions_pk.csv} (the official script's format), {@code labels.csv} (the matching rows of
 *       the dataset), {@code frame_predictions.csv.gz}, {@code per_video_ccc.png} and
 *       {@code running_ccc_<video>.png} (the paper's Figure 3).
 * </ol>
 *
 * <p>Run: {@code java -jar evaluation/target/paffmem-evaluation.jar --dataset data/synth-omg --out DIR}.
 * Flags it does not know go to the job (e.g. {@code --generation-targets 100 --memory-epochs 5}).
 */
@Command(name = "paffmem evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs an OMG-Emotion-layout dataset through the P-AffMem job (in-process Kafka + Flink MiniCluster)",
        "and writes CCCs of the PK alone and of P-AffMem (official utterance-pooled, frame-level, mean per video),",
        "prediction CSVs for the official script, and plots. Unknown flags are passed to the job (see its --help).",
        "`paffmem evaluate pool --out DIR RUN_DIR...` scores finished runs together as one set of persons."})
public final class EvaluateCommand implements Callable<Integer> {

  @Option(names = "--dataset", required = true, paramLabel = "DIR",
      description = "OMG-Emotion-layout dataset folder (utterance CSV, frames/ and optionally frames.csv).")
  Path dataset;

  @Option(names = "--labels", defaultValue = OmgDataset.DEFAULT_LABELS_CSV, paramLabel = "CSV",
      description = "Utterance CSV inside the dataset (or an absolute path) (default: ${DEFAULT-VALUE}).")
  String labels;

  @Option(names = "--out", defaultValue = "evaluation-results", paramLabel = "DIR",
      description = "Output folder, created if needed; files in it are overwritten (default: ${DEFAULT-VALUE}).")
  Path out;

  @Mixin
  LocalJobOptions job = new LocalJobOptions(); // --model-dir, --parallelism

  @Option(names = "--videos", defaultValue = "0", paramLabel = "N",
      description = "Evaluate the first N videos of the utterance CSV (0 = all) (default: ${DEFAULT-VALUE}).")
  int maxVideos;

  @Option(names = "--video", paramLabel = "ID", description = "Evaluate this video (repeatable; default: all).")
  List<String> videoIds = new ArrayList<>();

  @Option(names = "--max-seconds", defaultValue = "0", paramLabel = "S",
      description = "Per video, only the whole utterances that end by S seconds (0 = all) (default: ${DEFAULT-VALUE}).")
  double maxSeconds;

  @Option(names = "--fps", defaultValue = "25", description = "Frame rate of the videos (default: ${DEFAULT-VALUE}).")
  double fps;

  @Option(names = "--face-box", defaultValue = "auto", paramLabel = "auto|none|X,Y,W,H",
      description = {"Crop frames to the face before sending them (the face-detection step of an OMG pipeline):",
          "auto = frames.csv's face_x,face_y,face_width,face_height when present, else none; or a fixed box (default: ${DEFAULT-VALUE})."})
  String faceBox;

  @Option(names = "--figure-video", paramLabel = "ID",
      description = "Video of the running-CCC plot (repeatable; default: the first typical video, and the first atypical one if any).")
  List<String> figureVideos = new ArrayList<>();

  @Option(names = "--enrolment", defaultValue = "none", paramLabel = "none|5|3x3|5x5",
      description = {"Before each video, send the person's own face at these known emotions as enrolled faces (taken",
          "from the dataset's calibration.csv; not scored): none (the paper's unsupervised setting), 5, 3x3 (nine",
          "faces, arousal and valence in -0.75/0/0.75) or 5x5 (default: ${DEFAULT-VALUE})."})
  String enrolment;

  @Option(names = "--bootstrap-servers", description = "Use this Kafka instead of starting one in-process (topics get a unique run suffix).")
  String bootstrapServers;

  @Option(names = "--timeout", defaultValue = "2h", description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Unmatched
  List<String> jobArgs = new ArrayList<>();

  private final PrintStream log;
  private String commandLine = "";

  public EvaluateCommand() {
    this(System.out);
  }

  EvaluateCommand(PrintStream log) {
    this.log = log;
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Parses and runs; returns the exit code (0 = every frame has a prediction). */
  public static int execute(String... args) {
    if (args.length > 0 && args[0].equals("pool")) {
      return PoolCommand.execute(java.util.Arrays.copyOfRange(args, 1, args.length));
    }
    EvaluateCommand cmd = new EvaluateCommand();
    cmd.commandLine = "paffmem evaluate " + String.join(" ", args);
    return new CommandLine(cmd).setUnmatchedOptionsArePositionalParams(false).execute(args);
  }

  @Override
  public Integer call() throws Exception {
    int parallelism = job.parallelism();
    if (commandLine.isEmpty()) {
      commandLine = "paffmem evaluate --dataset " + dataset + " --out " + out + " " + String.join(" ", withoutSecrets(jobArgs));
    }
    long t0 = System.nanoTime();
    String startedAt = Instant.now().toString();
    Path model = job.modelDir();
    FaceCrop crop;
    try {
      crop = FaceCrop.parse(faceBox);
    } catch (IllegalArgumentException e) {
      System.err.println("paffmem evaluate: --face-box: " + e.getMessage());
      return 2;
    }
    OmgDataset ds = OmgDataset.load(dataset, labels).select(videoIds, maxVideos, maxSeconds);
    if (ds.videos().isEmpty()) {
      System.err.println("paffmem evaluate: no video with frames in " + dataset);
      return 2;
    }
    Map<String, List<Enrolment.Face>> enrolled;
    try {
      enrolled = Enrolment.parse(enrolment).faces(ds.root(), ds.videos().stream().map(OmgDataset.Video::id).toList());
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println("paffmem evaluate: --enrolment: " + e.getMessage());
      return 2;
    }
    int offset = JobRun.frameOffset(enrolled);
    String subset = subsetDescription();
    log.printf(Locale.ROOT, "Dataset %s (%s): %d videos, %d utterances, %d frames%n", dataset, subset, ds.videos().size(),
        ds.utterances().size(), ds.frameCount());

    EmbeddedKafkaBroker broker = null;
    Path checkpoints = null;
    try {
      String bootstrap = bootstrapServers;
      if (bootstrap == null) {
        log.println("Starting Kafka in-process on 127.0.0.1 ...");
        broker = EmbeddedKafkaBroker.start();
        bootstrap = broker.bootstrapServers();
      }
      String run = UUID.randomUUID().toString().substring(0, 8);
      List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap,
          "--input-topic", "evaluation-frames-" + run, "--output-topic", "evaluation-predictions-" + run,
          "--dead-letter-topic", "evaluation-rejected-" + run, "--group-id", "paffmem-evaluation-" + run,
          "--transactional-id-prefix", "paffmem-evaluation-" + run, "--model-dir", model.toString(),
          "--parallelism", String.valueOf(parallelism), "--checkpoint-interval", "5s",
          "--starting-offsets", "EARLIEST", "--job-name", "paffmem-evaluation",
          // a bounded run needs it (the job refuses --stop-at-latest with EXACTLY_ONCE: the last transaction
          // may stay uncommitted); duplicates after a restart are dropped when joining with the dataset
          "--delivery", "AT_LEAST_ONCE",
          // the paper's schedule: each frame is predicted by the memory once it has trained on it (delayed by
          // generation), not by the PK while the memory is seeded
          "--predictions-while-seeding", "WAIT",
          "--generation-cpu-share", "1")); // offline: nobody waits for online predictions
      if (jobArgs.stream().noneMatch(a -> a.equals("--checkpoint-dir") || a.startsWith("--checkpoint-dir="))) {
        // checkpoints in files: JobManager memory takes 5 MB per subtask, less than 50 persons' pending generation
        // (each queued generation frame keeps its pixels in state until its edits are out)
        checkpoints = Files.createTempDirectory("paffmem-evaluation-checkpoints-");
        args.addAll(List.of("--checkpoint-dir", checkpoints.toString(), "--retain-checkpoints", "false"));
      }
      args.addAll(jobArgs); // the user's job flags win
      args.add("--stop-at-latest"); // always bounded: the job ends after the frames written below
      JobConfig cfg;
      ModelManifest manifest;
      try {
        cfg = JobConfig.parse(args.toArray(String[]::new));
        manifest = PAffMemJob.validateModel(cfg);
      } catch (JobConfig.HelpRequested help) {
        return 0;
      } catch (ConfigException | ModelDirectoryException e) {
        System.err.println("paffmem evaluate: " + e.getMessage());
        return 2;
      }
      createTopics(bootstrap, cfg, broker);
      long sent = JobRun.feed(bootstrap, cfg.kafkaProperties(), cfg.inputTopic(), ds, fps, crop, enrolled, log);
      log.printf("Model %s %s (%s); generation: first %d frames x %d targets per video; parallelism %d%n",
          manifest.modelId(), manifest.modelVersion(), model, cfg.generationFrames(), cfg.generationTargets(), parallelism);
      JobRun.Outcome outcome = JobRun.run(cfg, manifest, parallelism, sent, dev.paffmem.job.config.Durations.parse(timeout), log);

      List<FramePrediction> predictions = framePredictions(ds, outcome.predictions(), offset);
      Results results = Scoring.score(predictions);
      Files.createDirectories(out);
      List<String> missing = PredictionCsv.write(out.resolve("predictions_paffmem.csv"), ds, predictions,
          FramePrediction.Model.PAFFMEM);
      PredictionCsv.write(out.resolve("predictions_pk.csv"), ds, predictions, FramePrediction.Model.PK);
      PredictionCsv.writeLabels(out.resolve("labels.csv"), ds, predictions);
      PredictionCsv.writeFrames(out.resolve("frame_predictions.csv.gz"), predictions);
      String mix = "atypical_share " + RunInfo.datasetField(dataset, "atypical_share") + ", confound_share "
          + RunInfo.datasetField(dataset, "confound_share") + ", face_model " + faceModel(dataset);
      RunInfo info = new RunInfo(commandLine, RunInfo.gitCommit(), dataset.toString(), RunInfo.datasetField(dataset, "seed"),
          mix, labels, subset, ds.videos().size(),
          ds.utterances().size(), ds.frameCount(), ds.framesFromCsv(), model.toString(), manifest.modelId(),
          manifest.modelVersion(), jobFlags(cfg, manifest), RunInfo.thisMachine(), startedAt, (System.nanoTime() - t0) / 1e9,
          outcome.sent(), outcome.predictions().size(), outcome.rejectedByReason(), missing,
          missingFrames(ds, predictions));
      ResultsJson.write(out.resolve("results.json"), info, results);
      ResultsMarkdown.write(out.resolve("results.md"), info, results);
      Plots.perVideo(out.resolve("per_video_ccc.png"), results.videos());
      for (String video : figureVideos(ds)) {
        List<FramePrediction> vs = predictions.stream().filter(p -> p.video().equals(video)).toList();
        if (!vs.isEmpty()) {
          Plots.runningCcc(out.resolve("running_ccc_" + video + ".png"), video, ds.video(video).personType(), vs, fps);
        }
      }
      printSummary(results);
      log.printf(Locale.ROOT, "Wrote %s (results.json, results.md, prediction CSVs, plots) in %.0f s%n", out,
          (System.nanoTime() - t0) / 1e9);
      if (!missing.isEmpty()) {
        log.printf("%d utterances have no prediction (see results.json missing_utterances)%n", missing.size());
      }
      return outcome.predictions().size() == ds.frameCount() + (long) offset * ds.videos().size() ? 0 : 1;
    } finally {
      if (broker != null) {
        broker.close();
      }
      if (checkpoints != null) {
        org.apache.flink.util.FileUtils.deleteDirectoryQuietly(checkpoints.toFile()); // a leftover is no failure
      }
    }
  }

  private String subsetDescription() {
    List<String> parts = new ArrayList<>();
    parts.add(videoIds.isEmpty() ? (maxVideos > 0 ? "first " + maxVideos + " videos" : "all videos")
        : "videos " + String.join(" ", videoIds));
    parts.add(maxSeconds > 0 ? "whole utterances ending by " + fmt(maxSeconds) + " s" : "whole videos");
    parts.add("face box " + FaceCrop.parse(faceBox));
    Enrolment e = Enrolment.parse(enrolment);
    if (e.size() > 0) {
      parts.add("enrolment " + e);
    }
    return String.join(", ", parts);
  }

  /** The dataset's face model (synthetic-faces' FaceRenderer.FACE_MODEL); sets written before it was recorded are 1. */
  static String faceModel(Path dataset) {
    String recorded = RunInfo.datasetField(dataset, "face_model");
    return recorded.isEmpty() ? "1" : recorded;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private List<String> figureVideos(OmgDataset ds) {
    if (!figureVideos.isEmpty()) {
      return figureVideos;
    }
    List<String> out = new ArrayList<>();
    // the first typical person, the first with an identity-level confound, the first atypical expresser
    ds.videos().stream().filter(OmgDataset.Video::typical).findFirst().ifPresent(v -> out.add(v.id()));
    ds.videos().stream().filter(v -> Scoring.CONFOUND.equals(v.personType())).findFirst().ifPresent(v -> out.add(v.id()));
    ds.videos().stream().filter(v -> !v.typical() && !Scoring.CONFOUND.equals(v.personType())
        && !OmgDataset.UNKNOWN_TYPE.equals(v.personType())).findFirst().ifPresent(v -> out.add(v.id()));
    if (out.isEmpty()) {
      out.add(ds.videos().get(0).id());
    }
    return out;
  }

  /**
   * Joins the job's predictions with the dataset's frames; in dataset video order, each video in frame order. The
   * video's frame f was sent as frame index f + {@code offset} (after the person's enrolled faces, which are not
   * scored).
   */
  static List<FramePrediction> framePredictions(OmgDataset ds, List<AffectPrediction> predictions, int offset) {
    Map<String, Map<Long, OmgDataset.FrameRef>> frames = new HashMap<>();
    for (OmgDataset.Video v : ds.videos()) {
      Map<Long, OmgDataset.FrameRef> m = new HashMap<>();
      v.frames().forEach(f -> m.put(f.frame(), f));
      frames.put(v.id(), m);
    }
    Map<String, Map<Long, FramePrediction>> byVideo = new LinkedHashMap<>();
    ds.videos().forEach(v -> byVideo.put(v.id(), new HashMap<>()));
    for (AffectPrediction p : predictions) {
      String video = p.getVideoId() != null ? p.getVideoId() : p.getPersonId();
      OmgDataset.FrameRef f = frames.getOrDefault(video, Map.of()).get(p.getFrameIndex() - offset);
      if (f == null) {
        continue; // an enrolled face, or not ours (a shared external topic)
      }
      byVideo.get(video).put(f.frame(), new FramePrediction(video, f.utterance(), f.frame(),
          ds.video(video).personType(), p.getPhase().name(), p.getMemorySize(), p.getBmuActivation(), f.arousal(),
          f.valence(), p.getPkArousal(), p.getPkValence(), p.getArousal(), p.getValence()));
    }
    List<FramePrediction> out = new ArrayList<>();
    for (Map<Long, FramePrediction> m : byVideo.values()) {
      m.values().stream().sorted(Comparator.comparingLong(FramePrediction::frame)).forEach(out::add);
    }
    return out;
  }

  /** "video#frame" of the frames without a prediction (at most 100 listed). */
  static List<String> missingFrames(OmgDataset ds, List<FramePrediction> predictions) {
    java.util.Set<String> have = new java.util.HashSet<>();
    predictions.forEach(p -> have.add(p.video() + "#" + p.frame()));
    List<String> out = new ArrayList<>();
    for (OmgDataset.Video v : ds.videos()) {
      for (OmgDataset.FrameRef f : v.frames()) {
        if (!have.contains(v.id() + "#" + f.frame()) && out.size() < 100) {
          out.add(v.id() + "#" + f.frame());
        }
      }
    }
    return out;
  }

  private static String jobFlags(JobConfig cfg, ModelManifest manifest) {
    int zDim = manifest.zDim();
    String bias = cfg.biasCorrection() + (cfg.biasCorrection().regions(manifest.regionsCorrection() != null)
        ? String.format(Locale.ROOT, " (regions on: --bias-correction-stride %d --bias-correction-frames %d)",
            cfg.biasCorrectionStride(), cfg.biasCorrectionFrames())
        : " (off)");
    return String.format(Locale.ROOT, "--generation-frames %d --generation-targets %d --memory-max-neurons %d "
        + "--memory-epochs %d (all memory flags: %s) --generation-edits %s --bias-correction %s --batch-max-size %d "
        + "--parallelism %d",
        cfg.generationFrames(), cfg.generationTargets(), cfg.memoryConfig(zDim).maxNeurons(),
        cfg.memoryConfig(zDim).epochs(), cfg.memoryConfig(zDim), cfg.generationEdits(), bias,
        cfg.batchMaxSize(), cfg.parallelism());
  }

  private void printSummary(Results results) {
    log.println();
    log.println("Official CCC (utterance-pooled), PK alone -> P-AffMem:");
    log.printf("%-32s %6s | %7s %8s %7s | %7s %8s %7s%n", "group", "videos", "PK aro", "AffMem", "delta", "PK val",
        "AffMem", "delta");
    for (GroupScores g : results.groups()) {
      double pa = g.pk().arousal().utterancePooled();
      double ma = g.paffmem().arousal().utterancePooled();
      double pv = g.pk().valence().utterancePooled();
      double mv = g.paffmem().valence().utterancePooled();
      log.printf(Locale.ROOT, "%-32s %6d | %7.3f %8.3f %+7.3f | %7.3f %8.3f %+7.3f%n", g.group(), g.videos(), pa, ma,
          ma - pa, pv, mv, mv - pv);
    }
  }

  private static void createTopics(String bootstrap, JobConfig cfg, EmbeddedKafkaBroker broker) throws Exception {
    int partitions = Math.max(1, cfg.parallelism());
    if (broker != null) {
      broker.createTopic(cfg.inputTopic(), partitions);
      broker.createTopic(cfg.outputTopic(), partitions);
      broker.createTopic(cfg.deadLetterTopic(), 1);
      return;
    }
    java.util.Properties p = new java.util.Properties();
    p.putAll(cfg.kafkaProperties()); // --kafka-property (SASL/SSL)
    p.put("bootstrap.servers", bootstrap);
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(cfg.inputTopic(), partitions, (short) 1),
          new org.apache.kafka.clients.admin.NewTopic(cfg.outputTopic(), partitions, (short) 1),
          new org.apache.kafka.clients.admin.NewTopic(cfg.deadLetterTopic(), 1, (short) 1))).all().get();
    }
  }

  /** The job flags as written into the results: values of password and JAAS settings replaced by {@code ***}. */
  static List<String> withoutSecrets(List<String> args) {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      String key = eq < 0 ? "" : a.substring(0, eq).toLowerCase(Locale.ROOT);
      out.add(key.contains("password") || key.contains("jaas") ? a.substring(0, eq + 1) + "***" : a);
    }
    return out;
  }

}
