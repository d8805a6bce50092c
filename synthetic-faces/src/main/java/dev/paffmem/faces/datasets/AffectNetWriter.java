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
 * Writes a still-image training set in AffectNet's layout:
 * <pre>
 *   out/training.csv, out/validation.csv          AffectNet columns (see {@link #HEADER})
 *   out/Manually_Annotated_Images/&lt;subdir&gt;/&lt;file&gt;   96x96 images; subDirectory_filePath is relative to this folder
 *   out/persons_training.csv, out/persons_validation.csv   who is in each split and how they express
 *   out/manifest.json                              generator settings and counts
 *   out/READY                                      written last, when everything else is complete
 * </pre>
 * Each image shows one person of the split at an (arousal, valence) drawn uniformly from [-1, 1]^2,
 * with random capture conditions. Training and validation persons come from disjoint populations.
 */
public final class AffectNetWriter {
    public static final String HEADER =
            "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal";
    public static final String IMAGES_DIR = "Manually_Annotated_Images";

    /** Settings; the defaults are the dataset the project trains on. */
    public record Options(long seed, int trainPersons, int trainImages, int valPersons, int valImages,
                          double trainAtypicalShare, Images.Format format, boolean nuisance, int threads,
                          boolean progress) {
        public static Options defaults() {
            return new Options(Population.DEFAULT_SEED, 2000, 50_000, 200, 5_000, 0.0, Images.Format.PNG, true,
                    Runtime.getRuntime().availableProcessors(), true);
        }
    }

    private final Options options;
    private final FaceRenderer renderer = new FaceRenderer();

    public AffectNetWriter(Options options) {
        this.options = options;
    }

    public void write(Path out) throws IOException {
        if (Files.exists(out.resolve("READY"))) {
            throw new IOException(out + " holds a finished dataset (READY exists); write into a new folder");
        }
        Files.createDirectories(out.resolve(IMAGES_DIR));
        Population train = new Population(options.seed(), Split.TRAIN, options.trainAtypicalShare());
        Population val = new Population(options.seed(), Split.VALIDATION, options.trainAtypicalShare());
        long t0 = System.nanoTime();
        writeSplit(out, "training", train, options.trainPersons(), options.trainImages());
        writeSplit(out, "validation", val, options.valPersons(), options.valImages());
        double seconds = (System.nanoTime() - t0) / 1e9;
        Manifest.write(out.resolve("manifest.json"), new String[][] {
            {"generator", "paffmem-synthetic-faces"},
            {"face_model", FaceRenderer.FACE_MODEL},
            {"layout", "AffectNet (Manually_Annotated_file_lists columns); images relative to " + IMAGES_DIR},
            {"seed", Long.toString(options.seed())},
            {"image_size", "96x96 RGB"},
            {"image_format", options.format().name()},
            {"train_persons", Integer.toString(options.trainPersons())},
            {"train_images", Integer.toString(options.trainImages())},
            {"validation_persons", Integer.toString(options.valPersons())},
            {"validation_images", Integer.toString(options.valImages())},
            {"atypical_share", Double.toString(options.trainAtypicalShare())},
            {"anatomy_spread", Double.toString(Population.NARROW_ANATOMY)},
            {"nuisance", Boolean.toString(options.nuisance())},
            {"label_distribution", "arousal, valence uniform in [-1,1]^2 per image"},
            {"expression_codes", "0 neutral (r<0.2), 3 surprise (a>0.5,|v|<0.25), 1 happy (v>=0), 6 anger (v<0,a>=0), 2 sad (v<0,a<0)"},
            {"seconds", String.format(java.util.Locale.ROOT, "%.1f", seconds)}});
        Files.writeString(out.resolve("READY"), "complete\n");
    }

    private void writeSplit(Path out, String name, Population population, int personCount, int imageCount)
            throws IOException {
        List<Person> persons = population.persons(personCount);
        PersonsCsv.write(out.resolve("persons_" + name + ".csv"), persons);
        Path csv = out.resolve(name + ".csv");
        Path tmp = out.resolve(name + ".csv.part");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.write('\n');
            ParallelJobs.run(name, imageCount, options.threads(), options.progress(),
                    i -> renderRow(out, persons, personCount, imageCount, i),
                    row -> {
                        try {
                            w.write(row);
                            w.write('\n');
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
        Files.move(tmp, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Image i belongs to person i mod personCount, so every person gets an equal share. */
    private String renderRow(Path out, List<Person> persons, int personCount, int imageCount, int i) {
        Person person = persons.get(i % personCount);
        int k = i / personCount;
        Rng rng = Rng.of(person.seed(), 1000L + k);
        double arousal = rng.uniform(-1, 1);
        double valence = rng.uniform(-1, 1);
        Nuisance n = options.nuisance() ? Nuisance.random(rng) : Nuisance.NONE;
        FaceRenderer.Rendered r = person.render(renderer, arousal, valence, n);
        String sub = String.format("%s_%03d", person.split().prefix, i / 1000);
        String file = String.format("%s_%03d.%s", person.id(), k, options.format().extension);
        try {
            Path dir = out.resolve(IMAGES_DIR).resolve(sub);
            Files.createDirectories(dir);
            Files.write(dir.resolve(file), Images.encode(r.rgb(), r.width(), r.height(), options.format()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] box = r.faceBox();
        List<String> cells = new ArrayList<>(9);
        cells.add(sub + "/" + file);
        cells.add(Integer.toString(box[0]));
        cells.add(Integer.toString(box[1]));
        cells.add(Integer.toString(box[2]));
        cells.add(Integer.toString(box[3]));
        cells.add(Csv.landmarks(r.landmarks()));
        cells.add(Integer.toString(AffectNetCategory.of(arousal, valence)));
        cells.add(Csv.f(valence, 6));
        cells.add(Csv.f(arousal, 6));
        return Csv.row(cells);
    }
}
