package dev.paffmem.faces.stream;

import dev.paffmem.faces.datasets.PersonTimeline;
import dev.paffmem.faces.persons.Person;
import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.persons.Split;
import dev.paffmem.faces.render.FaceRenderer;
import dev.paffmem.faces.render.Images;
import dev.paffmem.schema.EnrolmentLabel;
import dev.paffmem.schema.FaceFrame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Kafka-free source of {@link FaceFrame} records with ground truth filled in. Record i is frame
 * i / persons of person i mod persons (round-robin, so every person's frames arrive in order); with an enrolment
 * (second constructor) the persons' enrolment faces come first.
 * {@link #frame(long)} is a pure function of i and thread-safe, so callers may render ahead in parallel.
 */
public final class FaceFrameGenerator implements Iterator<FaceFrame> {
    private final StreamOptions options;
    private final List<PersonTimeline> timelines = new ArrayList<>();
    private final FaceRenderer renderer = new FaceRenderer();
    private final java.util.concurrent.ConcurrentHashMap<Long, byte[]> loopCache = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<double[]> enrolment;
    private long next;

    public FaceFrameGenerator(StreamOptions options) {
        this(options, List.of());
    }

    /**
     * A stream in which each person first shows their face at each of these (arousal, valence) points, labelled as
     * an enrolment (FaceFrame's {@code enrolment}; rendered with the light and camera of the person's frame 0, frame
     * indices 0 .. E - 1, captured just before the video), then their video as frames E, E + 1, ... Records: the
     * persons' enrolment faces round-robin, then the video frames round-robin.
     */
    public FaceFrameGenerator(StreamOptions options, List<double[]> enrolment) {
        this.options = options;
        this.enrolment = List.copyOf(enrolment);
        for (double[] e : this.enrolment) {
            if (e.length != 2 || !(e[0] >= -1 && e[0] <= 1 && e[1] >= -1 && e[1] <= 1)) {
                throw new IllegalArgumentException("an enrolment point is (arousal, valence), each in [-1, 1]");
            }
        }
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

    /** Enrolment faces per person (0 without). */
    public int enrolmentFaces() {
        return enrolment.size();
    }

    /** Records of the whole stream: every person's enrolment faces and video frames. */
    public long totalRecords() {
        return options.totalFrames() + (long) options.persons() * enrolment.size();
    }

    @Override
    public boolean hasNext() {
        return next < totalRecords();
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
        long enrolled = (long) options.persons() * enrolment.size();
        if (i < enrolled) {
            return enrolmentFrame(timelines.get((int) (i % options.persons())), (int) (i / options.persons()));
        }
        i -= enrolled;
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
                .setFrameIndex(frameIndex + enrolment.size())
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

    private FaceFrame enrolmentFrame(PersonTimeline tl, int j) {
        Person p = tl.person();
        double[] e = enrolment.get(j);
        FaceRenderer.Rendered r = p.render(renderer, e[0], e[1], tl.frame(0).nuisance());
        return FaceFrame.newBuilder()
                .setPersonId(p.id())
                .setSourceId(options.sourcePrefix() + p.id())
                .setFrameIndex(j)
                .setEventTime(options.startTime().minusMillis((enrolment.size() - j) * 1000L / tl.fps()))
                .setEncoding(options.encoding())
                .setImage(ByteBuffer.wrap(encode(r)))
                .setWidth(FaceRenderer.SIZE)
                .setHeight(FaceRenderer.SIZE)
                .setEnrolment(new EnrolmentLabel((float) e[0], (float) e[1]))
                .build();
    }

    private byte[] image(Person p, PersonTimeline.FrameSpec s) {
        return encode(p.render(renderer, s.arousal(), s.valence(), s.nuisance()));
    }

    private byte[] encode(FaceRenderer.Rendered r) {
        return switch (options.encoding()) {
            case PNG -> Images.png(Images.toImage(r.rgb(), r.width(), r.height()));
            case JPEG -> Images.jpeg(Images.toImage(r.rgb(), r.width(), r.height()), options.jpegQuality());
            case RAW_RGB8 -> r.rgb();
            default -> throw new IllegalStateException("unsupported encoding " + options.encoding());
        };
    }
}
