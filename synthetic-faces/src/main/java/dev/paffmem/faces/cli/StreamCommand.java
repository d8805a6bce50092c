package dev.paffmem.faces.cli;

import dev.paffmem.cli.KafkaOptions;
import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.stream.FaceFrameStream;
import dev.paffmem.faces.stream.StreamOptions;
import dev.paffmem.schema.ImageEncoding;
import java.time.Instant;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "stream", mixinStandardHelpOptions = true,
        description = {"Write FaceFrame records (key = person id, value = Avro single-object encoding) to a Kafka topic.",
            "Persons are evaluation persons (the same as the omg videos), interleaved round-robin."})
final class StreamCommand implements Callable<Integer> {
    @CommandLine.Mixin
    KafkaOptions kafka = new KafkaOptions();
    @Option(names = "--topic", defaultValue = "face-frames", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;
    @Option(names = "--partitions", defaultValue = "4", description = "Partitions when the topic has to be created; 0 = never create it (default: ${DEFAULT-VALUE}).")
    int partitions;
    @Option(names = "--persons", defaultValue = "10", description = "Persons (default: ${DEFAULT-VALUE}).")
    int persons;
    @Option(names = "--first-person", defaultValue = "0", description = "Index of the first evaluation person (default: ${DEFAULT-VALUE}).")
    int firstPerson;
    @Option(names = "--frames-per-person", defaultValue = "1500", description = "Frames per person, 25 per second of video (default: ${DEFAULT-VALUE}).")
    long framesPerPerson;
    @Option(names = "--rate", defaultValue = "0", description = "Records per second over all persons, 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--atypical-share", defaultValue = "0.5", description = "Share of atypical expressers (default: ${DEFAULT-VALUE}).")
    double atypicalShare;
    @Option(names = "--confound-share", defaultValue = "0.0", description = "Share of persons with an identity-level confound (default: ${DEFAULT-VALUE}).")
    double confoundShare;
    @Option(names = "--encoding", defaultValue = "JPEG", description = "PNG, JPEG or RAW_RGB8 (default: ${DEFAULT-VALUE}).")
    ImageEncoding encoding;
    @Option(names = "--jpeg-quality", defaultValue = "90", description = "JPEG quality (default: ${DEFAULT-VALUE}).")
    int jpegQuality;
    @Option(names = "--seed", defaultValue = "" + Population.DEFAULT_SEED, description = "Master seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--start-time", description = "Event time of frame 0, ISO-8601 (default: now).")
    Instant startTime;
    @Option(names = "--loop-frames", defaultValue = "0", description = "0 = render every frame; n > 0 = each person's video loops over its first n frames, rendered once (for rates above the renderer's; default: ${DEFAULT-VALUE}).")
    int loopFrames;
    @Option(names = "--threads", description = "Render threads (default: available processors).")
    Integer threads;
    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() {
        StreamOptions o = new StreamOptions(seed, persons, firstPerson, atypicalShare, confoundShare, framesPerPerson, encoding,
                jpegQuality, startTime != null ? startTime : Instant.ofEpochMilli(System.currentTimeMillis() / 1000 * 1000),
                "synthetic-camera/", loopFrames);
        if (partitions > 0 && FaceFrameStream.ensureTopic(kafka.bootstrapServers(), kafka.kafkaProperties(), topic, partitions)) {
            System.out.printf("created topic %s with %d partitions%n", topic, partitions);
        }
        FaceFrameStream stream = new FaceFrameStream(o).rate(rate);
        if (threads != null) {
            stream.threads(threads);
        }
        ProgressBar bar = quiet ? null : new ProgressBarBuilder().setTaskName(topic).setInitialMax(o.totalFrames())
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        if (bar != null) {
            stream.onProgress(bar::stepTo);
        }
        long t0 = System.nanoTime();
        long sent;
        try {
            sent = stream.run(kafka.bootstrapServers(), kafka.kafkaProperties(), topic);
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "sent %d FaceFrame records (%d persons x %d frames) to %s in %.1f s (%.0f records/s)%n",
                sent, persons, framesPerPerson, topic, s, sent / s);
        return 0;
    }
}
