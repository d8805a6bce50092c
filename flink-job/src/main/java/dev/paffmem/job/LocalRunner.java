package dev.paffmem.job;

import dev.paffmem.job.config.ConfigException;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the job on a local MiniCluster (bound to 127.0.0.1) with durable checkpoints, and resumes it
 * after a restart of the process.
 *
 * <ol>
 *   <li>Checkpoints go to {@link #checkpointFolder(JobConfig)}: {@code --checkpoint-dir} (a path or
 *       {@code file:} URI) or {@code checkpoints/<job-name>} under the working directory. The job retains
 *       them when it fails or is cancelled, and a killed process leaves them where they are.
 *   <li>At start, with {@code --local-resume true} (the default), the job starts from the newest complete
 *       checkpoint there ({@link LocalCheckpoints#latest}): Kafka offsets, every person's frame counter and
 *       affective memory, the sinks' transactions. Persons continue ONLINE; frames after that checkpoint
 *       are read again and their predictions written once (exactly once, as after any failure).
 *   <li>The job takes that checkpoint over (claim mode): Flink deletes it once a newer one is complete.
 * </ol>
 *
 * <p>Use {@link #run} to block until the job ends ({@code PAffMemJob.main} with Flink on the class path and no
 * cluster, as {@code ./paffmem run} starts it), or
 * {@link #start} for a {@link JobClient}. Keep {@code --transactional-id-prefix}, {@code --group-id} and the
 * topics the same across restarts: the checkpoint holds the input offsets and the sinks' transaction ids.
 * On a cluster, resume with {@code flink run -s <folder>/<job id>/chk-<n> ...} instead.
 */
public final class LocalRunner {

  private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);

  private LocalRunner() {}

  /** A started local job: its client, its checkpoint folder and the checkpoint it resumed from, if any. */
  public record Started(JobClient job, Path checkpointFolder, Optional<LocalCheckpoints.Checkpoint> resumedFrom) {}

  /** The local folder of the run's checkpoints: {@code --checkpoint-dir}, or {@code checkpoints/<job-name>}. */
  public static Path checkpointFolder(JobConfig cfg) {
    String dir = cfg.checkpointDir();
    if (dir.isBlank()) {
      return Path.of("checkpoints", cfg.jobName()).toAbsolutePath();
    }
    if (dir.startsWith("file:")) {
      return Path.of(URI.create(dir));
    }
    if (dir.contains("://")) {
      throw new ConfigException("--checkpoint-dir " + dir + ": a local run keeps its checkpoints in a local folder"
          + " (a path or a file:/// URI)");
    }
    return Path.of(dir).toAbsolutePath();
  }

  /**
   * The MiniCluster's configuration: {@link PAffMemJob#localClusterConfiguration()} (loopback, restart
   * default), the checkpoint folder and, when given, the checkpoint to start from (claimed).
   */
  public static Configuration configuration(Path checkpointFolder, Optional<Path> startFrom) {
    Configuration conf = PAffMemJob.localClusterConfiguration();
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointFolder.toUri().toString());
    startFrom.ifPresent(p -> {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toString());
      conf.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.CLAIM);
    });
    return conf;
  }

  /** Starts the job on a local MiniCluster, from the newest retained checkpoint when there is one. */
  public static Started start(JobConfig cfg, ModelManifest manifest) throws Exception {
    Path folder = checkpointFolder(cfg);
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the checkpoint folder " + folder, e);
    }
    LocalCheckpoints.pruneEmptyJobFolders(folder);
    Optional<LocalCheckpoints.Checkpoint> latest = cfg.localResume() ? LocalCheckpoints.latest(folder) : Optional.empty();
    if (latest.isPresent()) {
      LOG.info("Resuming from the retained checkpoint {} (written {})", latest.get().directory(), latest.get().written());
    } else {
      LOG.info("Starting without a checkpoint; checkpoints go to {}", folder);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PAffMemJob.localChangelogStorage(
        configuration(folder, latest.map(LocalCheckpoints.Checkpoint::directory)), cfg));
    PAffMemJob.buildKafkaJob(env, cfg, manifest, UnaryOperator.identity());
    JobClient job = env.executeAsync(cfg.jobName());
    return new Started(job, folder, latest);
  }

  /**
   * {@link #start}, then waits until the job ends (a streaming job runs until the process is stopped).
   * Says on stdout where it resumed from and where its checkpoints go: {@code ./paffmem run} logs only warnings.
   */
  public static void run(JobConfig cfg, ModelManifest manifest) throws Exception {
    Started started = start(cfg, manifest);
    System.out.println(started.resumedFrom()
        .map(c -> "paffmem: resuming from the retained checkpoint " + c.directory())
        .orElse("paffmem: starting without a checkpoint" + (cfg.localResume() ? "" : " (--local-resume false)")));
    System.out.println("paffmem: reading " + cfg.inputTopic() + " at " + cfg.bootstrapServers() + ", writing "
        + cfg.outputTopic() + "; checkpoints in " + started.checkpointFolder()
        + " (Ctrl-C stops; the next run with the same flags resumes)");
    started.job().getJobExecutionResult().get();
  }
}
