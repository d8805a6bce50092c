package dev.paffmem.faces.stream;

import dev.paffmem.faces.datasets.PersonTimeline;
import dev.paffmem.faces.persons.Person;
import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.persons.Split;
import dev.paffmem.faces.render.FaceRenderer;
import dev.paffmem.faces.render.Images;
import dev.paffmem.schema.FaceFrame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Kafka-free source of {@link FaceFrame} records with ground truth filled in. Record i is frame
 * i / persons of person i mod persons (round-robin, so every person's frames arrive in order).
 * {@link #frame(long)} is a pure function of i and thread-safe, so callers may render ahead in parallel.
 */
public final class FaceFrameGenerator implements Iterator<FaceFrame> {
    private final StreamOptions options;
    private final List<PersonTimeline> timelines = new ArrayList<>();
    private final FaceRenderer renderer = new FaceRenderer();
    private final java.util.concurrent.ConcurrentHashMap<Long, byte[]> loopCache = new java.util.concurrent.ConcurrentHashMap<>();
    private long next;

    public FaceFrameGenerator(StreamOptions options) {
        this.options = options;
        Population population = new Population(options.seed(), Split.EVAL, options.atypicalShare(), options.confoundShare());
        for (int i = 0; i < options.persons(); i++) {
            timelines.add(new PersonTimeline(population.person(options.firstPerson() + i), options.seed()));
        }
    }

    public StreamOptions options() {
        return options;
    }

    public List<Person> persons() {
        return timelines.stream().map(PersonTimeline::person).toList();
    }

    @Override
    public boolean hasNext() {
        return next < options.totalFrames();
    }

    @Override
    public FaceFrame next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return frame(next++);
    }

    /** Record i of the stream. */
    public FaceFrame frame(long i) {
        PersonTimeline tl = timelines.get((int) (i % options.persons()));
        long frameIndex = i / options.persons();
        Person p = tl.person();
        int loop = options.loopFrames();
        long videoFrame = loop > 0 ? frameIndex % loop : frameIndex;
        PersonTimeline.FrameSpec s = tl.frame(videoFrame);
        byte[] image = loop > 0
                ? loopCache.computeIfAbsent((i % options.persons()) * (long) loop + videoFrame, k -> image(p, s))
                : image(p, s);
        return FaceFrame.newBuilder()
                .setPersonId(p.id())
                .setSourceId(options.sourcePrefix() + p.id())
                .setFrameIndex(frameIndex)
                .setEventTime(options.startTime().plusMillis(frameIndex * 1000L / tl.fps()))
                .setEncoding(options.encoding())
                .setImage(ByteBuffer.wrap(image))
                .setWidth(FaceRenderer.SIZE)
                .setHeight(FaceRenderer.SIZE)
                .setArousal((float) s.arousal())
                .setValence((float) s.valence())
                .setVideoId(p.id())
                .setUtteranceId(s.utteranceId())
                .build();
    }

    private byte[] image(Person p, PersonTimeline.FrameSpec s) {
        FaceRenderer.Rendered r = p.render(renderer, s.arousal(), s.valence(), s.nuisance());
        return switch (options.encoding()) {
            case PNG -> Images.png(Images.toImage(r.rgb(), r.width(), r.height()));
            case JPEG -> Images.jpeg(Images.toImage(r.rgb(), r.width(), r.height()), options.jpegQuality());
            case RAW_RGB8 -> r.rgb();
            default -> throw new IllegalStateException("unsupported encoding " + options.encoding());
        };
    }
}
