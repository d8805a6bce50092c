package dev.paffmem.evaluation;

import dev.paffmem.evaluation.Scoring.Results;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code paffmem evaluate pool}: scores several finished evaluation runs as one set of persons, e.g. every fresh seed
 * evaluated with one setting. Each run's {@code frame_predictions.csv.gz} is read back, its video ids prefixed with
 * the run's folder name (every seed names its persons eval-00000, ...), and the whole is scored exactly as one run is
 * ({@link Scoring}, {@link Bootstrap}: official CCC per group, the difference P-AffMem minus PK with its bootstrap
 * 95 % interval over videos). Writes {@code results.md} and {@code results.json} to {@code --out}. Pool only runs of
 * one setting: the command does not check that the runs' job flags agree (it lists each run's commit and flags).
 */
@Command(name = "paffmem evaluate pool", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Scores several finished evaluation runs (their frame_predictions.csv.gz) as one set of persons:",
        "official CCC per group and P-AffMem minus PK with its bootstrap 95 %% interval over all their videos."})
public final class PoolCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (results.md, results.json).")
  Path out;

  @Parameters(arity = "2..*", paramLabel = "RUN_DIR",
      description = "Folders written by `paffmem evaluate` (each with frame_predictions.csv.gz); two or more.")
  List<Path> runs;

  private String commandLine = "";

  /** Parses and runs; returns the exit code (0 = written, 1 = a run could not be read, 2 = bad usage). */
  public static int execute(String... args) {
    PoolCommand cmd = new PoolCommand();
    cmd.commandLine = "paffmem evaluate pool " + String.join(" ", args);
    return new CommandLine(cmd).execute(args);
  }

  @Override
  public Integer call() throws IOException {
    List<FramePrediction> all = new ArrayList<>();
    Map<String, String> provenance = new LinkedHashMap<>();
    for (Path run : runs) {
      Path frames = run.resolve("frame_predictions.csv.gz");
      if (!Files.isRegularFile(frames)) {
        System.err.println("paffmem evaluate pool: " + frames + " does not exist (is " + run
            + " a folder written by `paffmem evaluate`?)");
        return 1;
      }
      String name = run.toAbsolutePath().normalize().getFileName().toString();
      if (provenance.containsKey(name)) {
        System.err.println("paffmem evaluate pool: two runs are named " + name + "; their videos would be mixed up");
        return 1;
      }
      try {
        all.addAll(PredictionCsv.readFrames(frames, name + "/"));
      } catch (IllegalArgumentException e) {
        System.err.println("paffmem evaluate pool: " + e.getMessage());
        return 1;
      }
      provenance.put(name, runLine(run));
    }
    Results results = Scoring.score(all);
    Files.createDirectories(out);
    StringBuilder md = new StringBuilder("# P-AffMem evaluation, pooled over " + runs.size() + " runs\n\n");
    md.append("The persons of every run below scored as one set (videos named run/video). ")
        .append(results.groups().get(0).videos()).append(" videos, ").append(results.groups().get(0).utterances())
        .append(" utterances, ").append(all.size()).append(" frames.\n\n");
    String tables = ResultsMarkdown.tables(results);
    md.append(tables);
    md.append("## Runs\n\n- command: `").append(commandLine).append("`\n");
    provenance.forEach((name, line) -> md.append("- `").append(name).append("`: ").append(line).append('\n'));
    Files.writeString(out.resolve("results.md"), md, StandardCharsets.UTF_8);
    Map<String, Object> json = new LinkedHashMap<>();
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("command", commandLine);
    run.put("pooled_runs", provenance);
    json.put("run", run);
    json.putAll(ResultsJson.scores(results));
    ResultsJson.write(out.resolve("results.json"), json);
    System.out.print(tables.substring(0, tables.indexOf("\n## all")) + "\n"); // the summary table
    System.out.println("Wrote " + out + " (results.md, results.json)");
    return 0;
  }

  /** The run's commit, dataset and job flags, from its results.md "Run" section (as written), or a note. */
  private static String runLine(Path run) {
    try {
      Path md = run.resolve("results.md");
      if (!Files.isRegularFile(md)) {
        return "(no results.md)";
      }
      StringBuilder sb = new StringBuilder();
      for (String l : Files.readAllLines(md, StandardCharsets.UTF_8)) {
        if (l.startsWith("- commit: ") || l.startsWith("- command: ")) {
          sb.append(sb.length() == 0 ? "" : "; ").append(l.substring(2));
        }
      }
      return sb.length() == 0 ? "(no run section)" : sb.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
