package dev.paffmem.faces.cli;

import dev.paffmem.faces.datasets.AffectNetWriter;
import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.render.Images;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "affectnet", mixinStandardHelpOptions = true,
        description = "Write an AffectNet-layout training set (training.csv, validation.csv, images, READY).")
final class AffectNetCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "data/synth-affectnet", description = "Output folder (default: ${DEFAULT-VALUE}); must not hold a finished set.")
    Path out;
    @Option(names = "--seed", defaultValue = "" + Population.DEFAULT_SEED, description = "Master seed (default: ${DEFAULT-VALUE}).")
    long seed;
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
    @Option(names = "--format", defaultValue = "PNG", description = "Image files: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Images.Format format;
    @Option(names = "--nuisance", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Apply pose jitter, blur, noise, lighting and JPEG artefacts (default: on; --no-nuisance for clean faces).")
    boolean nuisance;
    @Option(names = "--threads", description = "Render threads (default: available processors).")
    Integer threads;
    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        AffectNetWriter.Options o = new AffectNetWriter.Options(seed, trainPersons, trainImages, valPersons, valImages,
                atypicalShare, format, nuisance, t, !quiet);
        long t0 = System.nanoTime();
        new AffectNetWriter(o).write(out);
        double s = (System.nanoTime() - t0) / 1e9;
        int total = trainImages + valImages;
        System.out.printf(java.util.Locale.ROOT, "wrote %d training + %d validation images to %s in %.1f s (%.0f images/s)%n",
                trainImages, valImages, out, s, total / s);
        return 0;
    }
}
