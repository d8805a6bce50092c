package dev.paffmem.e2e;

import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.EnrolmentLabel;
import dev.paffmem.schema.FaceFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The savepoint fixture: a savepoint of the real job (Kafka source, every operator, both Kafka sinks, the
 * shipped model {@code models/demo-pk}) after {@link #FRAMES} frames of each of {@link #PERSONS}, kept in
 * {@code src/test/resources/savepoints/<name>} so that every later release proves it restores what this one
 * wrote ({@link SavepointRestoreTest}): operator uids, state names and state schemas.
 *
 * <p>Regenerate it (for instance after a change that renames operators or changes the job graph, once the
 * restore test has shown what breaks) with one command from the repository root:
 * <pre>./paffmem savepoint-fixture [name]      # default name: current</pre>
 * It starts an embedded broker and a MiniCluster, writes the frames, waits for their committed predictions,
 * stops the job with a canonical savepoint and replaces the fixture folder. Deterministic inputs; a few
 * kilobytes. The restore test writes the same frames into a fresh broker, so the restored Kafka offsets
 * point exactly after them.
 */
public final class SavepointFixture {

  public static final List<String> PERSONS = List.of("ana", "ben", "chloe");
  public static final int FRAMES = 10;
  public static final int GENERATION_FRAMES = 3;
  /**
   * This person's first {@link #ENROLLED_FRAMES} frames carry an enrolment label (their own truth), so the fixture
   * holds enrolled faces in the memory's state and the enrolment flag of the inference operator (since the
   * "current" fixture written after enrolment; "pre-enrolment" has neither). The label is far from anything the PK
   * reads on these test images, so the enrolled faces' residuals (recorded in fixture.properties) are large.
   */
  public static final String ENROLLED_PERSON = "chloe";
  public static final int ENROLLED_FRAMES = 3;
  public static final float ENROLLED_AROUSAL = 0.9f;
  public static final float ENROLLED_VALENCE = -0.9f;
  public static final String INPUT_TOPIC = "face-frames";
  public static final int INPUT_PARTITIONS = 2;

  private SavepointFixture() {}

  /** The repository root (the folder holding {@code models/demo-pk}), found from the working directory up. */
  public static Path repositoryRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("models/demo-pk/manifest.json"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no models/demo-pk/manifest.json above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  /** Where the fixtures live in the repository. */
  public static Path fixturesFolder() {
    return repositoryRoot().resolve("src/test/resources/savepoints");
  }

  /** The job's flags; the restore test uses the same ones (the model directory may differ). */
  public static List<String> jobFlags(String bootstrap, String outputTopic, Path modelDir) {
    return jobFlags(bootstrap, INPUT_TOPIC, outputTopic, "paffmem", modelDir);
  }

  /** The same with another input topic and group id / transactional id prefix (a second job on the same broker). */
  public static List<String> jobFlags(String bootstrap, String inputTopic, String outputTopic, String prefix, Path modelDir) {
    return List.of("--bootstrap-servers", bootstrap, "--input-topic", inputTopic, "--output-topic", outputTopic,
        "--group-id", prefix, "--transactional-id-prefix", prefix,
        "--dead-letter-topic", "face-frames-rejected", "--model-dir", modelDir.toString(), "--device", "cpu",
        "--generation-frames", String.valueOf(GENERATION_FRAMES), "--generation-targets", "8", "--batch-max-size", "16",
        "--memory-epochs", "3", "--checkpoint-interval", "500ms", "--parallelism", "2", "--intra-op-threads", "1",
        // each frame's prediction waits for the memory (the paper's schedule): phases follow the frame index
        // whatever the timing of generation, so the restored persons' phases can be compared frame by frame
        "--predictions-while-seeding", "WAIT");
  }

  /** Frames {@code from} (inclusive) to {@code to} (exclusive) of each person, interleaved, in a fixed order. */
  public static void writeFrames(String bootstrap, List<String> persons, int from, int to) {
    writeFrames(bootstrap, INPUT_TOPIC, persons, from, to);
  }

  public static void writeFrames(String bootstrap, String topic, List<String> persons, int from, int to) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = from; i < to; i++) {
      for (String p : persons) {
        FaceFrame frame = TestStream.frame(p, i);
        if (p.equals(ENROLLED_PERSON) && i < ENROLLED_FRAMES) {
          frame.setEnrolment(new EnrolmentLabel(ENROLLED_AROUSAL, ENROLLED_VALENCE));
        }
        records.add(new ProducerRecord<>(topic, TestStream.key(p), TestStream.bytes(frame)));
      }
    }
    TestStream.sendChecked(bootstrap, records);
  }

  /** The job on a fresh local MiniCluster (127.0.0.1), from {@code savepoint} when given. */
  public static JobClient start(List<String> flags, Optional<Path> savepoint) throws Exception {
    JobConfig cfg = JobConfig.parse(flags.toArray(String[]::new));
    ModelManifest manifest = PAffMemJob.validateModel(cfg);
    Configuration conf = PAffMemJob.localClusterConfiguration();
    savepoint.ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toAbsolutePath().toString()));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
    PAffMemJob.buildKafkaJob(env, cfg, manifest, UnaryOperator.identity());
    return env.executeAsync("savepoint-fixture");
  }

  /** Writes the fixture {@code name} (replacing it) and returns its folder. */
  public static Path write(String name) throws Exception {
    Path target = fixturesFolder().resolve(name);
    Path work = Files.createTempDirectory("paffmem-savepoint-");
    try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
      kafka.createTopic(INPUT_TOPIC, INPUT_PARTITIONS);
      kafka.createTopic("affect-predictions", 2);
      kafka.createTopic("face-frames-rejected", 1);
      writeFrames(kafka.bootstrapServers(), PERSONS, 0, FRAMES);
      JobClient job = start(jobFlags(kafka.bootstrapServers(), "affect-predictions",
          repositoryRoot().resolve("models/demo-pk")), Optional.empty());
      String savepoint;
      java.util.Properties about = new java.util.Properties();
      try {
        int expected = PERSONS.size() * FRAMES;
        List<AffectPrediction> seen = TestStream.predictions(TestStream.readCommitted(kafka.bootstrapServers(),
            "affect-predictions", expected, Duration.ofSeconds(120)));
        if (seen.size() != expected) {
          throw new IllegalStateException("expected " + expected + " committed predictions, saw " + seen.size());
        }
        about.setProperty("model", seen.get(0).getModelId() + " " + seen.get(0).getModelVersion());
        about.setProperty("frames", String.valueOf(FRAMES));
        about.setProperty("persons", String.join(",", PERSONS));
        StringBuilder residuals = new StringBuilder();
        for (AffectPrediction p : seen) {
          if (p.getPersonId().equals(ENROLLED_PERSON) && p.getFrameIndex() < ENROLLED_FRAMES) {
            // what the memory keeps for the enrolled face: label minus the PK's reading of the frame
            residuals.append(residuals.length() == 0 ? "" : ";").append(ENROLLED_AROUSAL - p.getPkArousal()).append(' ')
                .append(ENROLLED_VALENCE - p.getPkValence());
          }
          if (p.getFrameIndex() == FRAMES - 1) {
            about.setProperty("memorySize." + p.getPersonId(), String.valueOf(p.getMemorySize()));
          }
        }
        about.setProperty("enrolledResiduals." + ENROLLED_PERSON, residuals.toString());
        savepoint = job.stopWithSavepoint(false, work.toUri().toString(), SavepointFormatType.CANONICAL).get();
      } catch (Exception e) {
        job.cancel();
        throw e;
      }
      Path written = Path.of(java.net.URI.create(savepoint.startsWith("file:") ? savepoint : "file://" + savepoint));
      deleteRecursively(target);
      Files.createDirectories(target);
      try (Stream<Path> files = Files.walk(written)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Path dest = target.resolve(written.relativize(f).toString());
          Files.createDirectories(dest.getParent());
          Files.copy(f, dest, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      try (var w = Files.newBufferedWriter(target.resolve("fixture.properties"))) {
        about.store(w, "SavepointFixture: the job's state after " + FRAMES + " frames of each person (regenerate: "
            + "./paffmem savepoint-fixture " + name + ")");
      }
      return target;
    } finally {
      deleteRecursively(work);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** {@code ./paffmem savepoint-fixture [name]} runs this (through Maven, on the end-to-end test class path). */
  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : "current";
    Path folder = write(name);
    long bytes;
    List<String> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(folder)) {
      List<Path> all = s.filter(Files::isRegularFile).toList();
      bytes = 0;
      for (Path f : all) {
        bytes += Files.size(f);
        files.add(folder.relativize(f).toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.println("savepoint fixture written to " + folder + ": " + files.size() + " files, " + bytes + " bytes");
  }
}
