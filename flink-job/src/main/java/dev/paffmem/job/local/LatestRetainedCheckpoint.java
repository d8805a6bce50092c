package dev.paffmem.job.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The newest complete checkpoint in a checkpoint folder, to resume a local run from. Flink writes
 * {@code <folder>/<job-id>/chk-<n>/_metadata} last, when checkpoint n completes; a {@code chk-<n>}
 * without it was still in progress when the process stopped and is skipped.
 *
 * <p>(Written for {@code ./paffmem run}, issue 14; a local-run helper with the same purpose may come
 * with the job's restart and retention defaults: keep one of the two.)
 */
public final class LatestRetainedCheckpoint {

  private LatestRetainedCheckpoint() {}

  /** The {@code chk-<n>} folder of the newest complete checkpoint under {@code folder}, if any. */
  public static Optional<Path> in(Path folder) {
    if (!Files.isDirectory(folder)) {
      return Optional.empty();
    }
    try (Stream<Path> jobs = Files.list(folder)) {
      return jobs.filter(Files::isDirectory)
          .flatMap(LatestRetainedCheckpoint::completeCheckpoints)
          .max(Comparator.comparing((Path chk) -> modified(chk.resolve("_metadata")))
              .thenComparingLong(LatestRetainedCheckpoint::number));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + folder, e);
    }
  }

  private static Stream<Path> completeCheckpoints(Path jobFolder) {
    try (Stream<Path> s = Files.list(jobFolder)) {
      return s.filter(p -> p.getFileName().toString().matches("chk-\\d+"))
          .filter(p -> Files.isRegularFile(p.resolve("_metadata"))).toList().stream();
    } catch (IOException e) {
      return Stream.empty();
    }
  }

  private static long number(Path chk) {
    return Long.parseLong(chk.getFileName().toString().substring("chk-".length()));
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
