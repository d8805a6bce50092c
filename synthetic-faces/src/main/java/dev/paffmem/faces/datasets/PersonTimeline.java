package dev.paffmem.faces.datasets;

import dev.paffmem.faces.persons.Person;
import dev.paffmem.faces.render.Nuisance;
import dev.paffmem.faces.render.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * One person's video as a deterministic function of the frame index: utterances of a few seconds,
 * arousal/valence moving smoothly between per-utterance targets (gradual emotional behaviour, as in
 * OMG-Emotion), and capture conditions that drift smoothly (pose, gaze, light) or stay fixed per
 * video (blur, noise level, JPEG quality). The OMG writer and the Kafka stream use the same
 * timeline, so stream person eval-00003 replays video eval-00003 and continues it.
 */
public final class PersonTimeline {
    public static final int FPS = 25;

    /** One frame's ground truth and capture conditions. */
    public record FrameSpec(long frame, int utterance, double arousal, double valence, Nuisance nuisance) {
        public String utteranceId() {
            return utteranceName(utterance);
        }
    }

    /** An utterance: frames [startFrame, endFrame) heading for (arousal, valence). */
    public record Utterance(int index, long startFrame, long endFrame, double arousal, double valence) {
    }

    private final Person person;
    private final int fps;
    private final double minSeconds;
    private final double maxSeconds;
    private final Rng scriptRng;
    private final List<Utterance> utterances = new ArrayList<>();
    // per video capture settings
    private final double blur;
    private final double noise;
    private final int jpegQuality;
    private final double gain;
    private final double gradientX;
    private final double gradientY;
    private final double tintR;
    private final double tintB;
    private final Wave rot;
    private final Wave shiftX;
    private final Wave shiftY;
    private final Wave zoom;
    private final Wave gazeX;
    private final Wave gazeY;
    private final Wave light;
    private final Wave brightness;
    private final Wave wobbleA;
    private final Wave wobbleV;
    private final long noiseSeed;

    public PersonTimeline(Person person, long seed) {
        this(person, seed, FPS, 3.0, 8.0);
    }

    public PersonTimeline(Person person, long seed, int fps, double minUtteranceSeconds, double maxUtteranceSeconds) {
        this.person = person;
        this.fps = fps;
        this.minSeconds = minUtteranceSeconds;
        this.maxSeconds = maxUtteranceSeconds;
        Rng rng = Rng.of(seed, person.seed());
        this.scriptRng = rng.fork(1);
        Rng cap = rng.fork(2);
        this.blur = cap.chance(0.5) ? cap.uniform(0.3, 0.9) : 0;
        this.noise = cap.uniform(0.5, 6);
        this.jpegQuality = cap.chance(0.8) ? 35 + cap.nextInt(60) : 0;
        this.gain = cap.uniform(0.82, 1.12);
        this.gradientX = cap.uniform(-0.15, 0.15);
        this.gradientY = cap.uniform(-0.1, 0.1);
        this.tintR = cap.uniform(0.94, 1.06);
        this.tintB = cap.uniform(0.94, 1.06);
        this.rot = new Wave(cap, 4.0);
        this.shiftX = new Wave(cap, 2.2);
        this.shiftY = new Wave(cap, 1.6);
        this.zoom = new Wave(cap, 0.04);
        this.gazeX = new Wave(cap, 0.3);
        this.gazeY = new Wave(cap, 0.15);
        this.light = new Wave(cap, 0.4);
        this.brightness = new Wave(cap, 0.06);
        this.wobbleA = new Wave(cap, 0.05);
        this.wobbleV = new Wave(cap, 0.05);
        this.noiseSeed = cap.nextLong();
    }

    public Person person() {
        return person;
    }

    public int fps() {
        return fps;
    }

    public static String utteranceName(int index) {
        return "utterance_" + (index + 1) + ".mp4";
    }

    /** Utterances covering frames [0, frames): the last one ends exactly at frames. */
    public synchronized List<Utterance> utterancesUntil(long frames) {
        extendTo(frames);
        List<Utterance> out = new ArrayList<>();
        for (Utterance u : utterances) {
            if (u.startFrame() >= frames) {
                break;
            }
            out.add(u.endFrame() > frames ? new Utterance(u.index(), u.startFrame(), frames, u.arousal(), u.valence()) : u);
        }
        return out;
    }

    public FrameSpec frame(long f) {
        Utterance u;
        Utterance prev;
        synchronized (this) {
            extendTo(f + 1);
            int i = find(f);
            u = utterances.get(i);
            prev = i > 0 ? utterances.get(i - 1) : u;
        }
        double t = (double) f / fps;
        // ease from the previous target to this one over the first second of the utterance
        double ease = Math.min(1.0, (f - u.startFrame()) / (double) fps);
        double s = 0.5 - 0.5 * StrictMath.cos(StrictMath.PI * ease);
        double a = prev.arousal() + (u.arousal() - prev.arousal()) * s + wobbleA.at(t);
        double v = prev.valence() + (u.valence() - prev.valence()) * s + wobbleV.at(t);
        a = Math.max(-1, Math.min(1, a));
        v = Math.max(-1, Math.min(1, v));
        Nuisance n = new Nuisance(rot.at(t), shiftX.at(t), shiftY.at(t), 1 + zoom.at(t), gazeX.at(t), gazeY.at(t),
                gain + brightness.at(t), gradientX, gradientY, tintR, 1, tintB, light.at(t), blur, noise, jpegQuality,
                Rng.derive(noiseSeed, f));
        return new FrameSpec(f, u.index(), a, v, n);
    }

    private int find(long f) {
        int lo = 0;
        int hi = utterances.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (utterances.get(mid).startFrame() <= f) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private void extendTo(long frames) {
        while (utterances.isEmpty() || utterances.get(utterances.size() - 1).endFrame() < frames) {
            long start = utterances.isEmpty() ? 0 : utterances.get(utterances.size() - 1).endFrame();
            long len = Math.round(scriptRng.uniform(minSeconds, maxSeconds) * fps);
            double a;
            double v;
            if (utterances.isEmpty() || scriptRng.chance(0.35)) {
                // a new emotional episode anywhere in the space
                a = scriptRng.uniform(-0.9, 0.9);
                v = scriptRng.uniform(-0.9, 0.9);
            } else {
                // gradual drift from the previous target
                Utterance last = utterances.get(utterances.size() - 1);
                a = clamp(last.arousal() + scriptRng.gaussian() * 0.35);
                v = clamp(last.valence() + scriptRng.gaussian() * 0.35);
            }
            utterances.add(new Utterance(utterances.size(), start, start + len, a, v));
        }
    }

    private static double clamp(double x) {
        return Math.max(-0.9, Math.min(0.9, x));
    }

    /** A smooth zero-mean signal: three sinusoids with random periods of 3-40 s. */
    private static final class Wave {
        private final double[] amp = new double[3];
        private final double[] freq = new double[3];
        private final double[] phase = new double[3];

        Wave(Rng rng, double amplitude) {
            for (int k = 0; k < 3; k++) {
                amp[k] = amplitude * rng.uniform(0.2, 0.5);
                freq[k] = 2 * StrictMath.PI / rng.uniform(3, 40);
                phase[k] = rng.uniform(0, 2 * StrictMath.PI);
            }
        }

        double at(double t) {
            double s = 0;
            for (int k = 0; k < 3; k++) {
                s += amp[k] * StrictMath.sin(freq[k] * t + phase[k]);
            }
            return s;
        }
    }
}
