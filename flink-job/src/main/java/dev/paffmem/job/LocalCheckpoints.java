package dev.paffmem.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The retained checkpoints of a local run in one folder: Flink writes them as
 * {@code <folder>/<job id>/chk-<n>/_metadata} (and {@code shared/}, {@code taskowned/} beside them).
 * A checkpoint is complete once its {@code _metadata} exists; Flink writes that file last.
 */
public final class LocalCheckpoints {

  private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

  private LocalCheckpoints() {}

  /** One complete checkpoint: its {@code chk-<n>} directory, number and when its metadata was written. */
  public record Checkpoint(Path directory, long number, FileTime written) {
    /** The job id folder it belongs to. */
    public Path jobFolder() {
      return directory.getParent();
    }
  }

  /** Every complete checkpoint under {@code folder}, oldest first; empty when the folder does not exist. */
  public static List<Checkpoint> list(Path folder) {
    List<Checkpoint> out = new ArrayList<>();
    if (!Files.isDirectory(folder)) {
      return out;
    }
    try (Stream<Path> jobs = Files.list(folder)) {
      for (Path job : jobs.filter(Files::isDirectory).toList()) {
        try (Stream<Path> dirs = Files.list(job)) {
          for (Path chk : dirs.filter(Files::isDirectory).toList()) {
            Matcher m = CHECKPOINT.matcher(chk.getFileName().toString());
            Path metadata = chk.resolve("_metadata");
            if (m.matches() && Files.isRegularFile(metadata) && Files.size(metadata) > 0) {
              out.add(new Checkpoint(chk, Long.parseLong(m.group(1)), Files.getLastModifiedTime(metadata)));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + folder, e);
    }
    out.sort(Comparator.comparing(Checkpoint::written).thenComparingLong(Checkpoint::number));
    return out;
  }

  /** The newest complete checkpoint under {@code folder} (by the time its metadata was written), if any. */
  public static Optional<Checkpoint> latest(Path folder) {
    List<Checkpoint> all = list(folder);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** The folder of a checkpoint folder that holds a {@code --changelog} job's state changes (never pruned). */
  public static final String CHANGELOG = "changelog";

  /**
   * Deletes the job folders under {@code folder} that hold no complete checkpoint (left behind once a
   * resumed job has taken over, and subsumed, the checkpoint it started from), but not {@link #CHANGELOG}. Call it
   * before starting a job.
   */
  public static void pruneEmptyJobFolders(Path folder) {
    if (!Files.isDirectory(folder)) {
      return;
    }
    List<Path> keep = list(folder).stream().map(Checkpoint::jobFolder).toList();
    try (Stream<Path> jobs = Files.list(folder)) {
      for (Path job : jobs.filter(Files::isDirectory).filter(j -> !keep.contains(j))
          .filter(j -> !j.getFileName().toString().equals(CHANGELOG)).toList()) {
        deleteRecursively(job);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prune " + folder, e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
