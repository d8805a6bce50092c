package dev.paffmem.faces.cli;

import dev.paffmem.faces.datasets.OmgWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "omg", mixinStandardHelpOptions = true,
        description = "Write an OMG-Emotion-layout evaluation set: one 25 fps video per evaluation person, utterance labels, per-frame ground truth.")
final class OmgCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "data/synth-omg", description = "Output folder (default: ${DEFAULT-VALUE}); must not hold a finished set.")
    Path out;
    @Option(names = "--persons", defaultValue = "40", description = "Evaluation persons = videos (default: ${DEFAULT-VALUE}).")
    int persons;
    @Option(names = "--seconds", defaultValue = "60", description = "Seconds per video (default: ${DEFAULT-VALUE}).")
    double seconds;
    @Option(names = "--atypical-share", defaultValue = "0.2", description = "Share of atypical expressers, the five atypical kinds in turn (default: ${DEFAULT-VALUE}).")
    double atypicalShare;
    @Option(names = "--confound-share", defaultValue = "0.4", description = "Share of typical expressers with an identity-level confound, person type identity_confound (default: ${DEFAULT-VALUE}; the rest are typical).")
    double confoundShare;
    @Option(names = "--calibration-grid", defaultValue = "9", description = "Per person, render a GxG arousal/valence grid of known emotions (0 = none; default: ${DEFAULT-VALUE}).")
    int calibrationGrid;
    @Option(names = "--calibration-conditions", defaultValue = "FIRST_FRAME",
            description = "${COMPLETION-CANDIDATES}: the calibration faces under the video's first frame's capture conditions, or one other random session per person (pose, light, colour, blur, noise, compression: an enrolment elsewhere) (default: ${DEFAULT-VALUE}).")
    OmgWriter.CalibrationConditions calibrationConditions;
    @Mixin
    RenderOptions render = new RenderOptions(); // --seed, --format, --threads, --quiet

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        new OmgWriter(new OmgWriter.Options(render.seed, persons, seconds, atypicalShare, confoundShare, calibrationGrid,
                render.format, render.threads(), render.progress(), calibrationConditions))
                .write(out);
        System.out.printf(java.util.Locale.ROOT, "wrote %d videos of %.0f s to %s in %.1f s%n", persons, seconds, out,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
