package dev.paffmem.producer.cli;

import dev.paffmem.cli.KafkaOptions;
import dev.paffmem.producer.crop.FaceCropper;
import dev.paffmem.producer.detect.CascadeFaceDetector;
import dev.paffmem.producer.detect.DetectorConfig;
import dev.paffmem.producer.kafka.FaceFramePublisher;
import dev.paffmem.producer.pipeline.CameraConfig;
import dev.paffmem.producer.pipeline.OnePerson;
import dev.paffmem.producer.pipeline.ProducerRun;
import dev.paffmem.producer.track.TrackerConfig;
import dev.paffmem.schema.FaceBox;
import dev.paffmem.schema.FaceFrame;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./paffmem produce [options] INPUT...}: video files, image folders, V4L2 devices or stream URLs to FaceFrames
 * on Kafka, one camera per input.
 */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Decodes videos, image folders, V4L2 devices (/dev/videoN) or streams (rtsp://, http://, ...), detects"
        + " and tracks faces and sends one FaceFrame per tracked face and frame to Kafka (key = person id ="
        + " <camera id>/<run id><track id>).", ""},
    subcommands = {RenderVideoCommand.class, EvaluateDetectorsCommand.class, DetectImagesCommand.class,
        BenchCommand.class, CommandLine.HelpCommand.class})
public final class ProduceCommand implements Callable<Integer> {

  @Parameters(arity = "0..*", paramLabel = "INPUT", description = "one per camera: a video file, a folder of images,"
      + " /dev/videoN, or a URL")
  List<String> inputs = new ArrayList<>();

  @Option(names = "--topic", defaultValue = "face-frames", description = "default: ${DEFAULT-VALUE}")
  String topic;

  @CommandLine.Mixin
  KafkaOptions kafkaOptions = new KafkaOptions();

  @Option(names = "--dry-run", description = "decode, detect, track and encode, but send nothing (no Kafka needed)")
  boolean dryRun;

  @CommandLine.Mixin
  CameraOptions camera = new CameraOptions();

  @Option(names = "--progress-seconds", defaultValue = "2", description = "progress line interval (default: ${DEFAULT-VALUE})")
  double progressSeconds;

  @Option(names = "--person", paramLabel = "ID",
      description = {"one known person in view (one INPUT): of each frame's faces the largest is sent as person ID, its",
          "frame index the frame's event time in epoch ms (a later run for the same person continues above it)"})
  String person;

  @Option(names = "--enrolment-script", paramLabel = "FILE",
      description = {"with --person: CSV of start_s,end_s,arousal,valence; faces in a window (seconds from the stream's",
          "first frame) are sent as enrolled faces at that emotion (a sign-up clip recorded while the person follows",
          "prompts; flink-job/README.md, Enrolment)"})
  Path enrolmentScript;

  @Option(names = "--faces-csv", paramLabel = "FILE",
      description = "also write one line per FaceFrame: source_id, person_id, frame_index, event_time (epoch ms),"
          + " the face box x, y, width, height and detected (to check a video's faces frame by frame)")
  Path facesCsv;

  /** The per-camera options, shared with the benchmark and the demo. */
  public static final class CameraOptions {
    @Option(names = "--camera-id", paramLabel = "ID", description = "one per input, in order (default cam0, cam1, ...)")
    List<String> cameraIds = new ArrayList<>();

    @Option(names = "--run-id", description = "part of every person id, so a restarted producer does not reuse ids"
        + " (default: the start time, yyyyMMdd'T'HHmmss-)")
    String runId;

    @Option(names = "--start-time", description = "event time of each input's first frame, ISO-8601"
        + " (default: the recording's creation_time, else now)")
    Instant startTime;

    @Option(names = "--realtime", description = "read files at their frame rate, like a camera (live drop policy)")
    boolean realtime;

    @Option(names = "--folder-fps", defaultValue = "25", description = "frame rate of image folders (default: ${DEFAULT-VALUE})")
    double folderFps;

    @Option(names = "--detector", defaultValue = "BLAZEFACE",
        description = "${COMPLETION-CANDIDATES}: BLAZEFACE is MediaPipe's CNN (full-range model, OpenCV DNN), the"
            + " others OpenCV's cascades (default: ${DEFAULT-VALUE})")
    DetectorConfig.Kind detector;

    @Option(names = "--min-confidence", defaultValue = "0.5",
        description = "BlazeFace: the score (0-1) a face needs (default: ${DEFAULT-VALUE})")
    double minConfidence;

    @Option(names = "--tiles", defaultValue = "2",
        description = "BlazeFace: 1 runs the model on the whole frame; n (2-4) also on n x n overlapping parts, for"
            + " faces narrower than about a ninth of the frame's width (default: ${DEFAULT-VALUE})")
    int tiles;

    @Option(names = "--contrast", defaultValue = "CLAHE",
        description = "cascades: ${COMPLETION-CANDIDATES}, the grey frame's contrast normalization before detection"
            + " (default: ${DEFAULT-VALUE})")
    CascadeFaceDetector.Contrast contrast;

    @Option(names = "--min-face-size",
        description = "smallest face width in the frame's pixels (default: 24 for BlazeFace, 40 for the cascades)")
    Integer minFaceSize;

    @Option(names = "--min-neighbors", defaultValue = "3",
        description = "cascades' confidence: overlapping hits needed (default: ${DEFAULT-VALUE})")
    int minNeighbors;

    @Option(names = "--detect-width", defaultValue = "640",
        description = "cascades: frames are scaled down to this width for detection (default: ${DEFAULT-VALUE})")
    int detectWidth;

    @Option(names = "--detect-every", defaultValue = "5",
        description = "detect on every n-th frame, track in between (default: ${DEFAULT-VALUE})")
    int detectEvery;

    @Option(names = "--min-iou", defaultValue = "0.3", description = "default: ${DEFAULT-VALUE}")
    double minIou;

    @Option(names = "--min-hits", defaultValue = "2",
        description = "detections in a row before a track becomes a person (default: ${DEFAULT-VALUE})")
    int minHits;

    @Option(names = "--max-lost-frames", defaultValue = "25",
        description = "a lost person is taken back within this many frames, then ends (default: ${DEFAULT-VALUE})")
    int maxLostFrames;

    @Option(names = "--crop-size", defaultValue = "96", description = "the model's input size (default: ${DEFAULT-VALUE})")
    int cropSize;

    @Option(names = "--crop-scale",
        description = "crop side in face-box widths (default: the detector's framing of the training renders:"
            + " 2.2 for BlazeFace, 2.0 for the cascades)")
    Double cropScale;

    @Option(names = "--crop-offset-y",
        description = "crop centre below the box centre, in box widths (default: the detector's; BlazeFace -0.10,"
            + " cascades -0.03)")
    Double cropOffsetY;

    @Option(names = "--jpeg-quality", defaultValue = "90", description = "default: ${DEFAULT-VALUE}")
    int jpegQuality;

    @Option(names = "--queue-capacity", defaultValue = "16",
        description = "decoded frames waiting for detection per camera; live sources drop the oldest beyond it"
            + " (default: ${DEFAULT-VALUE})")
    int queueCapacity;

    public DetectorConfig detector() {
      return new DetectorConfig(detector, minFaceSize != null ? minFaceSize : detector.defaultMinFaceSize(),
          minConfidence, tiles, minNeighbors, contrast, detectWidth);
    }

    public List<CameraConfig> configs(List<String> inputs) {
      if (!cameraIds.isEmpty() && cameraIds.size() != inputs.size()) {
        throw new IllegalArgumentException("give one --camera-id per input (" + inputs.size() + "), or none");
      }
      String run = runId != null ? runId
          : DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now()) + "-";
      TrackerConfig tracker = new TrackerConfig(minIou, minHits, maxLostFrames, 0.5, 0.5);
      List<CameraConfig> out = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        String id = cameraIds.isEmpty() ? "cam" + i : cameraIds.get(i);
        out.add(new CameraConfig(inputs.get(i), id, run, startTime, realtime, folderFps, detector(), detectEvery,
            tracker, cropSize, cropScale != null ? cropScale : detector.cropScale(), FaceCropper.DEFAULT_OFFSET_X,
            cropOffsetY != null ? cropOffsetY : detector.cropOffsetY(), jpegQuality, queueCapacity));
      }
      return out;
    }
  }

  @Override
  public Integer call() throws Exception {
    if (inputs.isEmpty()) {
      throw new CommandLine.ParameterException(new CommandLine(this), "give at least one INPUT (or a subcommand)");
    }
    List<CameraConfig> configs = camera.configs(inputs);
    if (person != null && inputs.size() != 1) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--person takes one INPUT (one camera)");
    }
    if (enrolmentScript != null && person == null) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--enrolment-script needs --person");
    }
    List<OnePerson.Window> script = enrolmentScript == null ? List.of() : OnePerson.readScript(enrolmentScript);
    long progressMillis = Math.round(progressSeconds * 1000);
    try (PrintWriter csv = facesCsv == null ? null : new PrintWriter(Files.newBufferedWriter(facesCsv))) {
      if (csv != null) {
        csv.println("source_id,person_id,frame_index,event_time_ms,x,y,width,height,detected");
      }
      return produce(configs, progressMillis, csv, script);
    }
  }

  private int produce(List<CameraConfig> configs, long progressMillis, PrintWriter csv, List<OnePerson.Window> script)
      throws Exception {
    if (dryRun) {
      AtomicLong bytes = new AtomicLong();
      Consumer<FaceFrame> sink = logged(f -> bytes.addAndGet(f.getImage().remaining()), csv);
      OnePerson one = onePerson(sink, script);
      ProducerRun run = new ProducerRun(configs, one != null ? one : sink, System.out, progressMillis,
          () -> "dry run: " + bytes.get() / 1024 + " KiB of JPEG crops, nothing sent");
      double seconds = run.run();
      flush(one);
      return finish(run, seconds, null);
    }
    try (FaceFramePublisher kafka = new FaceFramePublisher(kafkaOptions.bootstrapServers(), topic,
        kafkaOptions.kafkaProperties())) {
      Consumer<FaceFrame> sink = logged(kafka::send, csv);
      OnePerson one = onePerson(sink, script);
      ProducerRun run = new ProducerRun(configs, one != null ? one : sink, System.out,
          progressMillis, () -> String.format("kafka %s: sent %d, acknowledged %d, failed %d, %.1f MiB", topic,
              kafka.sent(), kafka.acked(), kafka.failed(), kafka.bytes() / 1048576.0));
      double seconds = run.run();
      flush(one);
      kafka.flush();
      return finish(run, seconds, kafka);
    }
  }

  /** With --person: the sink that keeps one face per frame as that person (null without). */
  private OnePerson onePerson(Consumer<FaceFrame> sink, List<OnePerson.Window> script) {
    return person == null ? null : new OnePerson(person, script, sink);
  }

  private void flush(OnePerson one) {
    if (one != null) {
      one.flush();
      System.out.printf("person %s: %d faces sent as enrolled faces%s%n", person, one.enrolled(),
          enrolmentScript == null ? "" : " (" + enrolmentScript + ")");
    }
  }

  /** The sink, also writing each FaceFrame's line to {@code csv} (if not null; the cameras' threads share it). */
  private static Consumer<FaceFrame> logged(Consumer<FaceFrame> sink, PrintWriter csv) {
    if (csv == null) {
      return sink;
    }
    return f -> {
      FaceBox b = f.getFaceBox();
      synchronized (csv) {
        csv.printf(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%d,%d,%b%n", f.getSourceId(), f.getPersonId(), f.getFrameIndex(),
            f.getEventTime().toEpochMilli(), b.getX(), b.getY(), b.getWidth(), b.getHeight(), b.getDetected());
      }
      sink.accept(f);
    };
  }

  private static int finish(ProducerRun run, double seconds, FaceFramePublisher kafka) {
    run.printSummary(seconds);
    if (kafka != null) {
      System.out.printf("kafka: %d FaceFrames sent, %d acknowledged, %d failed%s%n", kafka.sent(), kafka.acked(),
          kafka.failed(), kafka.firstError() == null ? "" : " (first error: " + kafka.firstError() + ")");
    }
    boolean failed = run.error() != null || (kafka != null && kafka.failed() > 0);
    return failed ? 1 : 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ProduceCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }
}
