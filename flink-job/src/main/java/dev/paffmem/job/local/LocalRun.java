package dev.paffmem.job.local;

import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.ConfigException;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelDirectoryException;
import dev.paffmem.job.inference.ModelManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./paffmem run}: the job on a local Flink MiniCluster (127.0.0.1 only) against any Kafka, no
 * Flink cluster needed.
 *
 * <ol>
 *   <li>Checkpoints go to a local folder ({@code --checkpoint-dir}, default
 *       {@code file://<cwd>/data/run/checkpoints}) and are retained when the process stops.
 *   <li>On start, the newest complete checkpoint in that folder ({@link LatestRetainedCheckpoint}) is
 *       restored: every person's memory and the Kafka offsets; predictions stay exactly once.
 *   <li>Every other flag is the job's ({@code --help}). {@code --fresh} ignores earlier checkpoints.
 * </ol>
 * Needs Flink on the class path (the demo module's jar has it: {@code ./paffmem run} uses it).
 */
public final class LocalRun {

  private static final Logger LOG = LoggerFactory.getLogger(LocalRun.class);
  static final String DEFAULT_CHECKPOINT_DIR = "data/run/checkpoints";

  private LocalRun() {}

  public static void main(String[] args) throws Exception {
    List<String> jobArgs = new ArrayList<>(List.of(args));
    boolean fresh = jobArgs.remove("--fresh");
    JobConfig cfg;
    ModelManifest manifest;
    try {
      if (JobConfig.parse(jobArgs.toArray(String[]::new)).checkpointDir().isBlank()) {
        jobArgs.add("--checkpoint-dir");
        jobArgs.add(Path.of(DEFAULT_CHECKPOINT_DIR).toAbsolutePath().toUri().toString());
      }
      cfg = JobConfig.parse(jobArgs.toArray(String[]::new));
      manifest = PAffMemJob.validateModel(cfg);
    } catch (JobConfig.HelpRequested help) {
      System.out.println("\n./paffmem run also takes --fresh (start without the retained checkpoints of --checkpoint-dir;"
          + " default checkpoint folder: " + DEFAULT_CHECKPOINT_DIR + ").");
      return;
    } catch (ConfigException | ModelDirectoryException e) {
      System.err.println("paffmem run: " + e.getMessage());
      System.exit(2);
      return;
    }
    Path folder = Path.of(java.net.URI.create(cfg.checkpointDir().contains(":") ? cfg.checkpointDir()
        : Path.of(cfg.checkpointDir()).toAbsolutePath().toUri().toString()));
    Configuration conf = PAffMemJob.localClusterConfiguration();
    conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    Optional<Path> latest = fresh ? Optional.empty() : LatestRetainedCheckpoint.in(folder);
    if (latest.isPresent()) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.get().toUri().toString());
      LOG.info("Resuming from the retained checkpoint {}", latest.get());
      System.out.println("paffmem run: resuming from " + latest.get());
    } else {
      System.out.println("paffmem run: no retained checkpoint in " + folder + (fresh ? " used (--fresh)" : "") + "; starting fresh");
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
    PAffMemJob.buildKafkaJob(env, cfg, manifest, UnaryOperator.identity());
    System.out.println("paffmem run: reading " + cfg.inputTopic() + " at " + cfg.bootstrapServers() + ", writing "
        + cfg.outputTopic() + "; checkpoints in " + folder + " (Ctrl-C stops; the next run resumes)");
    env.execute(cfg.jobName());
  }
}
