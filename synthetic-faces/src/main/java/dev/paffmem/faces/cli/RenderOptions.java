package dev.paffmem.faces.cli;

import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.render.Images;
import picocli.CommandLine.Option;

/** The flags every dataset writer shares: seed, image format, render threads, progress (a picocli mixin). */
final class RenderOptions {
    @Option(names = "--seed", defaultValue = "" + Population.DEFAULT_SEED, description = "Master seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--format", defaultValue = "PNG", description = "Image files: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Images.Format format;
    @Option(names = "--threads", description = "Render threads (default: available processors).")
    Integer threads;
    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    /** --threads, or the available processors. */
    int threads() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    boolean progress() {
        return !quiet;
    }
}
