package dev.paffmem.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.config.ConfigException;
import dev.paffmem.job.config.JobConfig;
import org.apache.flink.changelog.fs.FsStateChangelogOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * --state-backend, --incremental-checkpoints and --changelog reach Flink's configuration; a wrong name fails naming the
 * flag, and a changelog the job could not checkpoint is refused before it starts.
 */
class StateBackendFlagTest {

  static StreamExecutionEnvironment configured(String... flags) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PAffMemJob.configure(env, JobConfig.parse(flags));
    return env;
  }

  @Test
  void theFlagSetsFlinksStateBackendAndIncrementalCheckpoints() {
    assertEquals("rocksdb", configured("--state-backend", "rocksdb").getConfiguration().get(StateBackendOptions.STATE_BACKEND));
    assertEquals("forst", configured("--state-backend", "FORST").getConfiguration().get(StateBackendOptions.STATE_BACKEND));
    assertEquals(true, configured("--state-backend", "rocksdb").getConfiguration().get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS));
    assertEquals(false, configured("--state-backend", "rocksdb", "--incremental-checkpoints", "false").getConfiguration()
        .get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS));
    assertEquals(JobConfig.defaults().stateBackend().flinkName(),
        configured().getConfiguration().get(StateBackendOptions.STATE_BACKEND));
  }

  /** An environment of a cluster whose configuration is {@code cluster}, configured by the job with {@code flags}. */
  static StreamExecutionEnvironment configured(Configuration cluster, String... flags) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);
    PAffMemJob.configure(env, JobConfig.parse(flags));
    return env;
  }

  private static boolean changelogOn(StreamExecutionEnvironment env) {
    return env.getConfiguration().get(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG);
  }

  private static Configuration durable() {
    Configuration durable = new Configuration();
    durable.set(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE, "filesystem");
    durable.set(FsStateChangelogOptions.BASE_PATH, "file:///tmp/changes");
    return durable;
  }

  @Test
  void changelogIsOnlyEnabledWithDurableStorageOnTheTaskManagers() {
    // Flink's default storage keeps the changes in the TaskManager's memory: auto stays off, true is refused
    assertFalse(changelogOn(configured("--checkpoint-dir", "file:///tmp/cp")), "auto without durable storage");
    Configuration memory = new Configuration();
    memory.set(StateChangelogOptions.ENABLE_STATE_CHANGE_LOG, true); // the cluster's own switch does not decide it
    assertFalse(changelogOn(configured(memory, "--changelog", "auto")));
    ConfigException refused = assertThrows(ConfigException.class,
        () -> configured(new Configuration(), "--changelog", "true", "--checkpoint-dir", "file:///tmp/cp"));
    assertTrue(refused.getMessage().contains("state.changelog.storage: filesystem")
        && refused.getMessage().contains("state.changelog.dstl.dfs.base-path"), refused.getMessage());

    assertTrue(changelogOn(configured(durable())), "auto (the default) with durable storage");
    assertTrue(changelogOn(configured(durable(), "--changelog", "true")));
    assertFalse(changelogOn(configured(durable(), "--changelog", "false")));
    assertFalse(changelogOn(configured(durable(), "--state-backend", "forst")), "auto: forst does not support it");
  }

  @Test
  void aLocalRunPutsTheChangesBesideItsCheckpointsUnlessTheClusterSaysWhere() {
    Configuration local = new Configuration();
    local.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file:///tmp/cp/");
    PAffMemJob.localChangelogStorage(local, JobConfig.parse("--changelog", "true"));
    assertEquals("filesystem", local.get(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE));
    assertEquals("file:///tmp/cp/changelog", local.get(FsStateChangelogOptions.BASE_PATH));

    Configuration given = new Configuration();
    given.set(FsStateChangelogOptions.BASE_PATH, "file:///tmp/changes");
    PAffMemJob.localChangelogStorage(given, JobConfig.parse("--changelog", "true", "--checkpoint-dir", "/tmp/cp"));
    assertEquals("file:///tmp/changes", given.get(FsStateChangelogOptions.BASE_PATH));

    Configuration auto = new Configuration();
    PAffMemJob.localChangelogStorage(auto, JobConfig.parse("--checkpoint-dir", "/tmp/cp"));
    assertEquals("file:///tmp/cp/changelog", auto.get(FsStateChangelogOptions.BASE_PATH), "the default, auto");

    Configuration off = new Configuration();
    PAffMemJob.localChangelogStorage(off, JobConfig.parse("--changelog", "false", "--checkpoint-dir", "/tmp/cp"));
    assertTrue(off.getOptional(FsStateChangelogOptions.BASE_PATH).isEmpty(), "nothing set with --changelog false");
  }

  @Test
  void changelogFromASnapshotItCannotClaimIsRefusedSayingWhatToDo() {
    Configuration restore = durable();
    restore.set(StateRecoveryOptions.SAVEPOINT_PATH, "file:///tmp/savepoint-1");
    ConfigException e = assertThrows(ConfigException.class, () -> configured(restore, "--changelog", "true"));
    assertTrue(e.getMessage().contains("CLAIM") && e.getMessage().contains("savepoint-1"), e.getMessage());
    assertFalse(changelogOn(configured(restore)), "auto starts without it from a snapshot it may not claim");

    restore.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.CLAIM);
    assertTrue(changelogOn(configured(restore, "--changelog", "true")));
    assertTrue(changelogOn(configured(restore)), "auto, claimed");

    ConfigException forst = assertThrows(ConfigException.class,
        () -> JobConfig.parse("--changelog", "true", "--state-backend", "forst"));
    assertTrue(forst.getMessage().contains("forst"), forst.getMessage());
    ConfigException unknown = assertThrows(ConfigException.class, () -> JobConfig.parse("--changelog", "yes"));
    assertTrue(unknown.getMessage().contains("--changelog"), unknown.getMessage());
  }

  @Test
  void anUnknownBackendFailsNamingTheFlag() {
    ConfigException e = assertThrows(ConfigException.class, () -> JobConfig.parse("--state-backend", "memory"));
    assertTrue(e.getMessage().contains("--state-backend"), e.getMessage());
  }
}
