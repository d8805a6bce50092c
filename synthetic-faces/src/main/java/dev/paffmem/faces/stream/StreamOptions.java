package dev.paffmem.faces.stream;

import dev.paffmem.faces.persons.Population;
import dev.paffmem.schema.ImageEncoding;
import java.time.Instant;

/**
 * What a synthetic face stream contains.
 *
 * @param seed             master seed (same as the datasets: person eval-00003 is the same face everywhere)
 * @param persons          number of persons, interleaved round-robin
 * @param firstPerson      index of the first evaluation person
 * @param atypicalShare    share of atypical expressers among them
 * @param confoundShare    share of typical expressers with identity-level confounds (person type identity_confound)
 * @param framesPerPerson  frames per person (25 fps of video); the stream has persons * framesPerPerson records
 * @param encoding         PNG, JPEG or RAW_RGB8
 * @param jpegQuality      1..100 for JPEG encoding
 * @param startTime        event time of every person's frame 0; frame k is at startTime + k / 25 s
 * @param sourcePrefix     sourceId = sourcePrefix + personId
 * @param loopFrames       0: every frame is rendered; n &gt; 0: each person's video loops over its first n frames
 *                         (rendered once, then replayed with increasing frameIndex and eventTime, ground truth
 *                         repeating with the images), for streams faster than the renderer
 */
public record StreamOptions(long seed, int persons, int firstPerson, double atypicalShare, double confoundShare,
                            long framesPerPerson,
                            ImageEncoding encoding, int jpegQuality, Instant startTime, String sourcePrefix,
                            int loopFrames) {

    public StreamOptions {
        if (persons <= 0) {
            throw new IllegalArgumentException("persons must be positive");
        }
        if (framesPerPerson <= 0) {
            throw new IllegalArgumentException("framesPerPerson must be positive");
        }
        if (encoding == ImageEncoding.UNKNOWN) {
            throw new IllegalArgumentException("encoding must be PNG, JPEG or RAW_RGB8");
        }
        if (loopFrames < 0) {
            throw new IllegalArgumentException("loopFrames must be 0 (off) or positive");
        }
    }

    /** 10 persons (half atypical, no identity confounds), one minute of video each, JPEG, event time from 2026-01-01. */
    public static StreamOptions defaults() {
        return new StreamOptions(Population.DEFAULT_SEED, 10, 0, 0.5, 0.0, 1500, ImageEncoding.JPEG, 90,
                Instant.parse("2026-01-01T00:00:00Z"), "synthetic-camera/", 0);
    }

    public StreamOptions withPersons(int n) {
        return new StreamOptions(seed, n, firstPerson, atypicalShare, confoundShare, framesPerPerson, encoding, jpegQuality, startTime,
                sourcePrefix, loopFrames);
    }

    public StreamOptions withFramesPerPerson(long n) {
        return new StreamOptions(seed, persons, firstPerson, atypicalShare, confoundShare, n, encoding, jpegQuality, startTime,
                sourcePrefix, loopFrames);
    }

    public StreamOptions withEncoding(ImageEncoding e) {
        return new StreamOptions(seed, persons, firstPerson, atypicalShare, confoundShare, framesPerPerson, e, jpegQuality, startTime,
                sourcePrefix, loopFrames);
    }

    public StreamOptions withStartTime(Instant t) {
        return new StreamOptions(seed, persons, firstPerson, atypicalShare, confoundShare, framesPerPerson, encoding, jpegQuality, t,
                sourcePrefix, loopFrames);
    }

    public StreamOptions withLoopFrames(int n) {
        return new StreamOptions(seed, persons, firstPerson, atypicalShare, confoundShare, framesPerPerson, encoding, jpegQuality,
                startTime, sourcePrefix, n);
    }

    /** The same stream with these shares of atypical expressers and identity-confound persons. */
    public StreamOptions withMix(double atypical, double confound) {
        return new StreamOptions(seed, persons, firstPerson, atypical, confound, framesPerPerson, encoding, jpegQuality,
                startTime, sourcePrefix, loopFrames);
    }

    /** The same stream starting at another evaluation person. */
    public StreamOptions withFirstPerson(int first) {
        return new StreamOptions(seed, persons, first, atypicalShare, confoundShare, framesPerPerson, encoding,
                jpegQuality, startTime, sourcePrefix, loopFrames);
    }

    public long totalFrames() {
        return persons * framesPerPerson;
    }
}
