package dev.paffmem.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.config.ConfigException;
import dev.paffmem.job.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the newest complete checkpoint of a local run, and the MiniCluster settings that resume from it. */
class LocalCheckpointsTest {

  @TempDir
  Path folder;

  private Path checkpoint(String job, String chk, Instant written) throws Exception {
    Path dir = Files.createDirectories(folder.resolve(job).resolve(chk));
    if (written != null) {
      Path metadata = Files.write(dir.resolve("_metadata"), new byte[] {1});
      Files.setLastModifiedTime(metadata, FileTime.from(written));
    }
    return dir;
  }

  @Test
  void theNewestCompleteCheckpointAcrossJobsIsTheOneToResumeFrom() throws Exception {
    assertTrue(LocalCheckpoints.latest(folder.resolve("missing")).isEmpty());
    checkpoint("job-a", "chk-40", Instant.parse("2026-01-01T10:00:00Z")); // a higher number, but older
    Path newest = checkpoint("job-b", "chk-3", Instant.parse("2026-01-01T11:00:00Z"));
    checkpoint("job-b", "chk-4", null); // in progress when the process died: no _metadata
    Files.createDirectories(folder.resolve("job-c").resolve("shared")); // taken over and subsumed: nothing left
    // a --changelog run's state changes, which its checkpoints refer to
    Files.createDirectories(folder.resolve(LocalCheckpoints.CHANGELOG).resolve("job-b").resolve("dstl"));
    assertEquals(newest, LocalCheckpoints.latest(folder).orElseThrow().directory());
    assertEquals(2, LocalCheckpoints.list(folder).size());

    LocalCheckpoints.pruneEmptyJobFolders(folder);
    assertFalse(Files.exists(folder.resolve("job-c")), "a job folder without a complete checkpoint is pruned");
    assertTrue(Files.exists(folder.resolve("job-a")) && Files.exists(folder.resolve("job-b")));
    assertTrue(Files.exists(folder.resolve("changelog/job-b/dstl")), "the changelog folder is never pruned");
  }

  @Test
  void theMiniClusterResumesFromTheCheckpointAndKeepsNewOnesInTheFolder() throws Exception {
    Path chk = checkpoint("job-b", "chk-3", Instant.now());
    Configuration conf = LocalRunner.configuration(folder, java.util.Optional.of(chk));
    assertEquals(folder.toUri().toString(), conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
    assertEquals(chk.toString(), conf.get(StateRecoveryOptions.SAVEPOINT_PATH));
    assertEquals(RecoveryClaimMode.CLAIM, conf.get(StateRecoveryOptions.RESTORE_MODE));
    assertEquals("exponential-delay", conf.get(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY));
    assertEquals("127.0.0.1", conf.getString("rest.bind-address", ""));
  }

  @Test
  void theFolderIsTheCheckpointDirOrCheckpointsSlashJobName() {
    assertEquals(Path.of("checkpoints", "paffmem").toAbsolutePath(), LocalRunner.checkpointFolder(JobConfig.parse()));
    assertEquals(Path.of("/var/x"), LocalRunner.checkpointFolder(JobConfig.parse("--checkpoint-dir", "file:///var/x")));
    assertEquals(Path.of("/var/y"), LocalRunner.checkpointFolder(JobConfig.parse("--checkpoint-dir", "/var/y")));
    try {
      LocalRunner.checkpointFolder(JobConfig.parse("--checkpoint-dir", "s3://bucket/x"));
      throw new AssertionError("a remote checkpoint dir is not a local folder");
    } catch (ConfigException expected) {
      assertTrue(expected.getMessage().contains("local folder"));
    }
  }
}
