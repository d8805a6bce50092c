package dev.paffmem.evaluation;

import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.EnrolmentLabel;
import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import dev.paffmem.schema.RejectedFrame;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One pass of a dataset through the P-AffMem job: write every frame to the input topic as a
 * {@link FaceFrame} (key = video id, in frame order, videos interleaved as concurrent streams), run the job
 * bounded ({@code --stop-at-latest}) on a local MiniCluster, and read the predictions and dead letters back
 * with {@code isolation.level=read_committed}.
 */
final class JobRun {

  /** Capture time of frame 0 of every video: fixed, so runs are reproducible. */
  static final Instant EPOCH = Instant.parse("2019-06-09T00:00:00Z");

  record Outcome(List<AffectPrediction> predictions, Map<String, Integer> rejectedByReason, long sent) {}

  private JobRun() {}

  /**
   * Writes the dataset's frames to {@code topic}: frame i of every video, then frame i + 1, ...; returns the count.
   * With enrolled faces ({@code enrolled}: per video, the same number for every video), each video's enrolled faces
   * go first, as frame indices 0 .. E - 1 captured just before the video, and the video's frame f is sent as frame
   * index f + E ({@link #frameOffset}).
   */
  static long feed(String bootstrap, java.util.Map<String, String> clientProperties, String topic, OmgDataset dataset,
      double fps, FaceCrop crop, Map<String, List<Enrolment.Face>> enrolled, PrintStream log)
      throws Exception {
    Properties p = new Properties();
    p.putAll(clientProperties); // the job's --kafka-property settings (SASL/SSL)
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"); // retries never duplicate or reorder a video's frames
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
    List<OmgDataset.Video> videos = dataset.videos();
    int longest = videos.stream().mapToInt(v -> v.frames().size()).max().orElse(0);
    long sent = 0;
    long t0 = System.nanoTime();
    List<CompletableFuture<Void>> acks = new ArrayList<>();
    int offset = frameOffset(enrolled);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (OmgDataset.Video v : videos) {
        List<Enrolment.Face> faces = enrolled.getOrDefault(v.id(), List.of());
        for (int j = 0; j < faces.size(); j++) {
          acks.add(send(producer, topic, v.id(), enrolmentFrame(v.id(), faces.get(j), j, offset, fps)));
          sent++;
        }
      }
      for (int i = 0; i < longest; i++) {
        for (OmgDataset.Video v : videos) {
          if (i >= v.frames().size()) {
            continue;
          }
          acks.add(send(producer, topic, v.id(), faceFrame(v.frames().get(i), fps, crop, offset)));
          sent++;
        }
      }
      producer.flush();
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    log.printf(Locale.ROOT, "Wrote %d frames of %d videos to %s in %.1f s%n", sent, videos.size(), topic,
        (System.nanoTime() - t0) / 1e9);
    return sent;
  }

  /** The frame index offset of the videos' frames: the number of enrolled faces per person (0 without). */
  static int frameOffset(Map<String, List<Enrolment.Face>> enrolled) {
    return enrolled.values().stream().mapToInt(List::size).max().orElse(0);
  }

  private static CompletableFuture<Void> send(KafkaProducer<byte[], byte[]> producer, String topic, String key,
      FaceFrame frame) {
    CompletableFuture<Void> ack = new CompletableFuture<>();
    producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
            dev.paffmem.schema.WireFormat.encode(frame::toByteBuffer)),
        (md, e) -> {
          if (e != null) {
            ack.completeExceptionally(e);
          } else {
            ack.complete(null);
          }
        });
    return ack;
  }

  /**
   * Enrolled face {@code j} (0 .. {@code offset} - 1) of a video's person: frame index j, captured {@code offset - j}
   * frames before the video's frame 0, labelled with the emotion it shows; no truth, utterance or video id
   * (it is no frame of the video, so the scoring never sees its prediction).
   */
  static FaceFrame enrolmentFrame(String video, Enrolment.Face face, int j, int offset, double fps) throws IOException {
    String name = face.file().getFileName().toString().toLowerCase(Locale.ROOT);
    return FaceFrame.newBuilder()
        .setPersonId(video)
        .setSourceId("omg-evaluation-enrolment")
        .setFrameIndex(j)
        .setEventTime(EPOCH.plusMillis(Math.round((j - offset) * 1000.0 / fps)))
        .setEncoding(name.endsWith(".png") ? ImageEncoding.PNG : ImageEncoding.JPEG)
        .setImage(ByteBuffer.wrap(Files.readAllBytes(face.file())))
        .setEnrolment(new EnrolmentLabel((float) face.arousal(), (float) face.valence()))
        .build();
  }

  /**
   * The FaceFrame of one dataset frame: the image file's bytes as they are, the truth, video and utterance ids; frame
   * index {@code f.frame() + offset}.
   */
  static FaceFrame faceFrame(OmgDataset.FrameRef f, double fps, FaceCrop crop, int offset) throws IOException {
    String name = f.file().getFileName().toString().toLowerCase(Locale.ROOT);
    ImageEncoding encoding = name.endsWith(".png") ? ImageEncoding.PNG : ImageEncoding.JPEG;
    byte[] image = Files.readAllBytes(f.file());
    OmgDataset.FaceBox box = crop.boxOf(f);
    if (box != null) {
      image = FaceCrop.crop(image, box);
      encoding = ImageEncoding.PNG;
    }
    return FaceFrame.newBuilder()
        .setPersonId(f.video())
        .setSourceId("omg-evaluation")
        .setFrameIndex(f.frame() + offset)
        .setEventTime(EPOCH.plusMillis(Math.round(f.frame() * 1000.0 / fps)))
        .setEncoding(encoding)
        .setImage(ByteBuffer.wrap(image))
        .setArousal((float) f.arousal())
        .setValence((float) f.valence())
        .setVideoId(f.video())
        .setUtteranceId(f.utterance())
        .build();
  }

  /** Runs the job (already configured by {@code cfg}) on a local MiniCluster and collects its output. */
  static Outcome run(JobConfig cfg, ModelManifest manifest, int parallelism, long sent, Duration timeout, PrintStream log)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
        PAffMemJob.localClusterConfiguration());
    PAffMemJob.buildKafkaJob(env, cfg, manifest, UnaryOperator.identity());
    long t0 = System.nanoTime();
    JobClient job = env.executeAsync(cfg.jobName());
    CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
    List<AffectPrediction> predictions = new ArrayList<>();
    Map<String, Integer> rejected = new TreeMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(cfg.bootstrapServers(), cfg.kafkaProperties())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : List.of(cfg.outputTopic(), cfg.deadLetterTopic())) {
        consumer.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long nextReport = System.nanoTime();
      long doneAt = 0;
      while (true) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.topic().equals(cfg.deadLetterTopic())) {
            RejectedFrame f = RejectedFrame.fromByteBuffer(ByteBuffer.wrap(r.value()));
            rejected.merge(f.getReason().name(), 1, Integer::sum);
          } else {
            predictions.add(AffectPrediction.fromByteBuffer(ByteBuffer.wrap(r.value())));
          }
        }
        long rejectedCount = rejected.values().stream().mapToLong(Integer::longValue).sum();
        long seen = predictions.size() + rejectedCount;
        if (System.nanoTime() >= nextReport || seen >= sent) {
          double s = (System.nanoTime() - t0) / 1e9;
          log.printf(Locale.ROOT, "[%5.0fs] %d/%d frames done (%d predictions, %d dead letters), %.1f frames/s%n",
              s, seen, sent, predictions.size(), rejectedCount, seen / Math.max(s, 1e-9));
          nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        }
        if (seen >= sent) {
          break;
        }
        if (result.isDone()) {
          result.get(); // throws if the job failed
          if (doneAt == 0) {
            doneAt = System.nanoTime();
          } else if (System.nanoTime() - doneAt > TimeUnit.SECONDS.toNanos(15)) {
            log.printf("The job finished, but %d of %d frames have no output%n", sent - seen, sent);
            break;
          }
        }
        if (System.nanoTime() > deadline) {
          job.cancel().get(30, TimeUnit.SECONDS);
          throw new IllegalStateException("timed out after " + timeout + " with " + seen + " of " + sent + " frames done");
        }
      }
    }
    if (!result.isDone()) {
      // every frame has its output; the bounded job is finishing its last checkpoint
      result.get(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())), TimeUnit.SECONDS);
    }
    if (predictions.size() + rejected.values().stream().mapToLong(Integer::longValue).sum() < sent) {
      diagnoseUncommitted(cfg, predictions, log);
    }
    return new Outcome(predictions, rejected, sent);
  }

  /** When frames have no committed output: were their predictions written in aborted transactions, or never? */
  static void diagnoseUncommitted(JobConfig cfg, List<AffectPrediction> committed, PrintStream log) {
    java.util.Set<String> have = new java.util.HashSet<>();
    committed.forEach(p -> have.add(p.getPersonId() + "#" + p.getFrameIndex()));
    Properties p = new Properties();
    p.putAll(cfg.kafkaProperties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<String> aborted = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(cfg.outputTopic()).forEach(i -> parts.add(new TopicPartition(cfg.outputTopic(), i.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          AffectPrediction a = AffectPrediction.fromByteBuffer(ByteBuffer.wrap(r.value()));
          String key = a.getPersonId() + "#" + a.getFrameIndex();
          if (!have.contains(key)) {
            aborted.add(key + "@" + r.partition() + ":" + r.offset());
          }
        }
      }
    } catch (Exception e) {
      log.println("Could not read the output topic uncommitted: " + e);
      return;
    }
    log.printf("Diagnosis: %d predictions of frames without committed output are in the output topic outside committed "
        + "transactions (aborted or never committed): %s%n", aborted.size(),
        aborted.size() > 30 ? aborted.subList(0, 30) + " ..." : aborted);
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, java.util.Map<String, String> clientProperties) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // only what the job committed, exactly once
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(4 << 20));
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
