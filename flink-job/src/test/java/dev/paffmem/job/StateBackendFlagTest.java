package dev.paffmem.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.config.ConfigException;
import dev.paffmem.job.config.JobConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** --state-backend and --incremental-checkpoints reach Flink's configuration; a wrong name fails naming the flag. */
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

  @Test
  void anUnknownBackendFailsNamingTheFlag() {
    ConfigException e = assertThrows(ConfigException.class, () -> JobConfig.parse("--state-backend", "memory"));
    assertTrue(e.getMessage().contains("--state-backend"), e.getMessage());
  }
}
