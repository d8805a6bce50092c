package dev.paffmem.job.config;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The flags of every command that runs the job on a MiniCluster of its own (the demo, {@code evaluate}, the
 * job benchmarks): which model, and how many parallel subtasks. A picocli mixin ({@code @Mixin}).
 */
public final class LocalJobOptions {

  @Option(names = "--model-dir", paramLabel = "DIR", description = "PK model directory (default: the shipped models/demo-pk).")
  private Path modelDir;

  @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default: ${DEFAULT-VALUE}, this machine's cores).")
  private int parallelism;

  /** The model directory given, or the shipped one. */
  public Path modelDir() {
    return modelDir != null ? modelDir : ShippedModel.directory();
  }

  public int parallelism() {
    return parallelism;
  }
}
