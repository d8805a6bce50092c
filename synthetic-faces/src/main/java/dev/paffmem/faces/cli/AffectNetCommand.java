package dev.paffmem.faces.cli;

import dev.paffmem.faces.datasets.AffectNetWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "affectnet", mixinStandardHelpOptions = true,
        description = "Write an AffectNet-layout training set (training.csv, validation.csv, images, READY).")
final class AffectNetCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "data/synth-affectnet", description = "Output folder (default: ${DEFAULT-VALUE}); must not hold a finished set.")
    Path out;
    @Option(names = "--train-persons", defaultValue = "2000", description = "Training persons (default: ${DEFAULT-VALUE}).")
    int trainPersons;
    @Option(names = "--train-images", defaultValue = "50000", description = "Training images (default: ${DEFAULT-VALUE}).")
    int trainImages;
    @Option(names = "--val-persons", defaultValue = "200", description = "Validation persons (default: ${DEFAULT-VALUE}).")
    int valPersons;
    @Option(names = "--val-images", defaultValue = "5000", description = "Validation images (default: ${DEFAULT-VALUE}).")
    int valImages;
    @Option(names = "--atypical-share", defaultValue = "0.0", description = "Share of atypical expressers among training and validation persons (default: ${DEFAULT-VALUE}: a general model learns from typical persons).")
    double atypicalShare;
    @Option(names = "--nuisance", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Apply pose jitter, blur, noise, lighting and JPEG artefacts (default: on; --no-nuisance for clean faces).")
    boolean nuisance;
    @Mixin
    RenderOptions render = new RenderOptions(); // --seed, --format, --threads, --quiet

    @Override
    public Integer call() throws Exception {
        AffectNetWriter.Options o = new AffectNetWriter.Options(render.seed, trainPersons, trainImages, valPersons, valImages,
                atypicalShare, render.format, nuisance, render.threads(), render.progress());
        long t0 = System.nanoTime();
        new AffectNetWriter(o).write(out);
        double s = (System.nanoTime() - t0) / 1e9;
        int total = trainImages + valImages;
        System.out.printf(java.util.Locale.ROOT, "wrote %d training + %d validation images to %s in %.1f s (%.0f images/s)%n",
                trainImages, valImages, out, s, total / s);
        return 0;
    }
}
