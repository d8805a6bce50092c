package dev.paffmem.faces.datasets;

import dev.paffmem.faces.persons.Person;
import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.persons.Split;
import dev.paffmem.faces.render.FaceRenderer;
import dev.paffmem.faces.render.Images;
import dev.paffmem.faces.render.Nuisance;
import dev.paffmem.faces.render.Rng;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an evaluation set in OMG-Emotion's layout, one video per evaluation person:
 * <pre>
 *   out/omg_TestVideos_WithLabels.csv  link,start,end,video,utterance,arousal,valence,EmotionMaxVote
 *                                      (per utterance; arousal in [0, 1] = (a + 1) / 2, valence in [-1, 1])
 *   out/frames.csv                     video,utterance,frame,file,arousal,valence,arousal_omg,person_id,person_type
 *                                      (per frame, arousal and valence in [-1, 1] as in FaceFrame)
 *   out/frames/&lt;video&gt;/&lt;utterance without .mp4&gt;/&lt;frame&gt;.png   25 fps frames
 *   out/calibration.csv, out/calibration/&lt;video&gt;/...  optional: the person's face at a grid of known
 *                                      (arousal, valence), the capture conditions of the video's first frame
 *                                      (an oracle for "the person's own faces edited to known emotions")
 *   out/persons.csv, out/manifest.json, out/READY
 * </pre>
 */
public final class OmgWriter {
    public static final String VIDEOS_HEADER = "link,start,end,video,utterance,arousal,valence,EmotionMaxVote";
    public static final String FRAMES_HEADER = "video,utterance,frame,file,arousal,valence,arousal_omg,person_id,person_type";
    public static final String CALIBRATION_HEADER = "video,file,arousal,valence,person_id,person_type";
    public static final String VIDEOS_CSV = "omg_TestVideos_WithLabels.csv";

    /**
     * @param atypicalShare share of atypical expressers (the five atypical kinds in turn)
     * @param confoundShare share of typical expressers with identity-level confounds ({@code identity_confound})
     */
    public record Options(long seed, int persons, double seconds, double atypicalShare, double confoundShare,
                          int calibrationGrid, Images.Format format, int threads, boolean progress,
                          CalibrationConditions calibrationConditions) {

        /** The calibration faces under the video's first frame's capture conditions. */
        public Options(long seed, int persons, double seconds, double atypicalShare, double confoundShare,
                       int calibrationGrid, Images.Format format, int threads, boolean progress) {
            this(seed, persons, seconds, atypicalShare, confoundShare, calibrationGrid, format, threads, progress,
                    CalibrationConditions.FIRST_FRAME);
        }

        /** The documented evaluation mix: 40 % typical, 40 % identity confound, 20 % atypical expressers. */
        public static final double MIX_ATYPICAL = 0.2;
        public static final double MIX_CONFOUND = 0.4;

        public static Options defaults() {
            return new Options(Population.DEFAULT_SEED, 40, 60, MIX_ATYPICAL, MIX_CONFOUND, 9, Images.Format.PNG,
                    Runtime.getRuntime().availableProcessors(), true);
        }
    }

    /**
     * Under which capture conditions the calibration grid is rendered: the video's first frame's ({@code FIRST_FRAME},
     * the faces as the video's camera shows them), or one other random session per person ({@code OTHER_SESSION}:
     * other pose, light, colour, blur, noise and compression, as a sign-up elsewhere would give them).
     */
    public enum CalibrationConditions { FIRST_FRAME, OTHER_SESSION }

    private final Options options;
    private final FaceRenderer renderer = new FaceRenderer();

    public OmgWriter(Options options) {
        this.options = options;
    }

    /** Maps internal arousal in [-1, 1] to OMG-Emotion's [0, 1]. */
    public static double toOmgArousal(double arousal) {
        return (arousal + 1) / 2;
    }

    public void write(Path out) throws IOException {
        if (Files.exists(out.resolve("READY"))) {
            throw new IOException(out + " holds a finished dataset (READY exists); write into a new folder");
        }
        Files.createDirectories(out);
        Population population = new Population(options.seed(), Split.EVAL, options.atypicalShare(), options.confoundShare());
        List<Person> persons = population.persons(options.persons());
        PersonsCsv.write(out.resolve("persons.csv"), persons);
        long framesPerVideo = Math.round(options.seconds() * PersonTimeline.FPS);
        List<PersonTimeline> timelines = new ArrayList<>();
        for (Person p : persons) {
            timelines.add(new PersonTimeline(p, options.seed()));
        }
        writeVideosCsv(out, timelines, framesPerVideo);
        try (Writer w = Files.newBufferedWriter(out.resolve("frames.csv"), StandardCharsets.UTF_8)) {
            w.write(FRAMES_HEADER);
            w.write('\n');
            int total = (int) (framesPerVideo * persons.size());
            ParallelJobs.run("omg frames", total, options.threads(), options.progress(), i -> {
                PersonTimeline tl = timelines.get((int) (i / framesPerVideo));
                return renderFrame(out, tl, i % framesPerVideo);
            }, row -> write(w, row));
        }
        int grid = options.calibrationGrid();
        if (grid > 1) {
            try (Writer w = Files.newBufferedWriter(out.resolve("calibration.csv"), StandardCharsets.UTF_8)) {
                w.write(CALIBRATION_HEADER);
                w.write('\n');
                int per = grid * grid;
                ParallelJobs.run("calibration", per * persons.size(), options.threads(), options.progress(),
                        i -> renderCalibration(out, timelines.get(i / per), i % per, grid), row -> write(w, row));
            }
        }
        Manifest.write(out.resolve("manifest.json"), new String[][] {
            {"generator", "paffmem-synthetic-faces"},
            {"face_model", FaceRenderer.FACE_MODEL},
            {"layout", "OMG-Emotion (" + VIDEOS_CSV + ") plus per-frame ground truth (frames.csv)"},
            {"seed", Long.toString(options.seed())},
            {"persons", Integer.toString(options.persons())},
            {"seconds_per_video", Double.toString(options.seconds())},
            {"fps", Integer.toString(PersonTimeline.FPS)},
            {"atypical_share", Double.toString(options.atypicalShare())},
            {"confound_share", Double.toString(options.confoundShare())},
            {"anatomy_spread_ordinary", Double.toString(Population.NARROW_ANATOMY)},
            {"calibration_grid", Integer.toString(grid)},
            {"calibration_conditions", options.calibrationConditions().name().toLowerCase(java.util.Locale.ROOT)},
            {"arousal_scale", "omg csv and arousal_omg: (a+1)/2 in [0,1]; frames.csv arousal: [-1,1]"},
            {"image_format", options.format().name()}});
        Files.writeString(out.resolve("READY"), "complete\n");
    }

    private static void write(Writer w, String row) {
        try {
            w.write(row);
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeVideosCsv(Path out, List<PersonTimeline> timelines, long framesPerVideo) throws IOException {
        try (Writer w = Files.newBufferedWriter(out.resolve(VIDEOS_CSV), StandardCharsets.UTF_8)) {
            w.write(VIDEOS_HEADER);
            w.write('\n');
            for (PersonTimeline tl : timelines) {
                String video = tl.person().id();
                for (PersonTimeline.Utterance u : tl.utterancesUntil(framesPerVideo)) {
                    double sumA = 0;
                    double sumV = 0;
                    for (long f = u.startFrame(); f < u.endFrame(); f++) {
                        PersonTimeline.FrameSpec s = tl.frame(f);
                        sumA += s.arousal();
                        sumV += s.valence();
                    }
                    long n = u.endFrame() - u.startFrame();
                    double a = sumA / n;
                    double v = sumV / n;
                    write(w, Csv.row("https://synthetic.invalid/" + video,
                            Csv.f((double) u.startFrame() / tl.fps(), 2), Csv.f((double) u.endFrame() / tl.fps(), 2),
                            video, PersonTimeline.utteranceName(u.index()), Csv.f(toOmgArousal(a), 6), Csv.f(v, 6),
                            Integer.toString(AffectNetCategory.omgMaxVote(a, v))));
                }
            }
        }
    }

    private String renderFrame(Path out, PersonTimeline tl, long frame) {
        Person p = tl.person();
        PersonTimeline.FrameSpec s = tl.frame(frame);
        FaceRenderer.Rendered r = p.render(renderer, s.arousal(), s.valence(), s.nuisance());
        String utt = s.utteranceId();
        String rel = "frames/" + p.id() + "/" + utt.replace(".mp4", "") + "/"
                + String.format("%06d.%s", frame, options.format().extension);
        save(out.resolve(rel), r);
        return Csv.row(p.id(), utt, Long.toString(frame), rel, Csv.f(s.arousal(), 6), Csv.f(s.valence(), 6),
                Csv.f(toOmgArousal(s.arousal()), 6), p.id(), p.typeLabel());
    }

    private String renderCalibration(Path out, PersonTimeline tl, int k, int grid) {
        Person p = tl.person();
        double a = 1 - 2.0 * (k / grid) / (grid - 1);
        double v = -1 + 2.0 * (k % grid) / (grid - 1);
        Nuisance n = options.calibrationConditions() == CalibrationConditions.FIRST_FRAME ? tl.frame(0).nuisance()
                : Nuisance.random(Rng.of(options.seed(), 0x5E55_1011L ^ p.id().hashCode())); // one session per person
        FaceRenderer.Rendered r = p.render(renderer, a, v, n);
        String rel = "calibration/" + p.id() + "/" + String.format("%03d.%s", k, options.format().extension);
        save(out.resolve(rel), r);
        return Csv.row(p.id(), rel, Csv.f(a, 6), Csv.f(v, 6), p.id(), p.typeLabel());
    }

    private void save(Path file, FaceRenderer.Rendered r) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, Images.encode(r.rgb(), r.width(), r.height(), options.format()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
