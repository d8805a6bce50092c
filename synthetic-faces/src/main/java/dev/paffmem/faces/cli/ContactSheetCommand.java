package dev.paffmem.faces.cli;

import dev.paffmem.faces.datasets.ContactSheet;
import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.persons.Split;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "contact-sheet", mixinStandardHelpOptions = true,
        description = {"Write a PNG with one block per person: valence -1..+1 left to right, arousal +1..-1 top to bottom.",
            "Frame colours: green typical, orange resting_offset, red inverted_valence, purple swapped_axes,",
            "blue odd_arousal_carrier, grey muted."})
final class ContactSheetCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "data/contact-sheet.png", description = "PNG file (default: ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--seed", defaultValue = "" + Population.DEFAULT_SEED, description = "Master seed (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--split", defaultValue = "EVAL", description = "Population: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Split split;
    @Option(names = "--persons", defaultValue = "12", description = "Persons (default: ${DEFAULT-VALUE}).")
    int persons;
    @Option(names = "--first", defaultValue = "0", description = "Index of the first person (default: ${DEFAULT-VALUE}).")
    int first;
    @Option(names = "--atypical-share", defaultValue = "0.2", description = "Share of atypical persons (default: ${DEFAULT-VALUE}).")
    double atypicalShare;
    @Option(names = "--confound-share", defaultValue = "0.4", description = "Share of persons with an identity-level confound (default: ${DEFAULT-VALUE}).")
    double confoundShare;
    @Option(names = "--grid", defaultValue = "5", description = "Arousal/valence grid size per person (default: ${DEFAULT-VALUE}).")
    int grid;
    @Option(names = "--columns", defaultValue = "4", description = "Person blocks per row (default: ${DEFAULT-VALUE}).")
    int columns;
    @Option(names = "--nuisance", description = "Apply random capture conditions (default: clean faces).")
    boolean nuisance;

    @Override
    public Integer call() throws Exception {
        Population pop = new Population(seed, split, atypicalShare, confoundShare);
        java.util.List<dev.paffmem.faces.persons.Person> list = new java.util.ArrayList<>();
        for (int i = first; i < first + persons; i++) {
            list.add(pop.person(i));
        }
        ContactSheet.write(out, list, grid, columns, nuisance, seed);
        System.out.println("wrote " + out);
        return 0;
    }
}
