package dev.paffmem.faces.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Command-line entry point: {@code java -jar synthetic-faces/target/synthetic-faces.jar <command>}.
 * Each subcommand is one class in this package.
 */
@Command(name = "synthetic-faces", mixinStandardHelpOptions = true, version = "synthetic-faces 0.1.0",
        description = "Deterministic synthetic persons for P-AffMem: face renderer, datasets and Kafka stream.",
        subcommands = {
            AffectNetCommand.class,
            OmgCommand.class,
            StreamCommand.class,
            ContactSheetCommand.class,
            BenchmarkCommand.class,
            CommandLine.HelpCommand.class})
public final class SyntheticFacesCli {

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new SyntheticFacesCli());
    }
}
