package dev.paffmem.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.paffmem.job.config.JobConfig;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory-backed checkpoints refuse more than 5 MB per subtask; --checkpoint-dir must reach Flink's config. */
class CheckpointStorageTest {

  @Test
  void checkpointDirFlagSetsTheCheckpointDirectory() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PAffMemJob.configure(env, JobConfig.parse("--checkpoint-dir", "file:///tmp/paffmem-checkpoints"));
    assertEquals("file:///tmp/paffmem-checkpoints",
        env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
  }

  /** A plain path (what LocalRunner documents, and what people type) used to fail the job at submission. */
  @Test
  void aPlainPathBecomesAFileUriFlinkAccepts(@TempDir Path dir) throws Exception {
    Path folder = dir.resolve("chk");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PAffMemJob.configure(env, JobConfig.parse("--checkpoint-dir", folder.toString()));
    FileSystemCheckpointStorage storage = FileSystemCheckpointStorage.createFromConfig(env.getConfiguration(),
        getClass().getClassLoader());
    assertEquals(folder.toUri(), storage.getCheckpointPath().toUri());
  }

  @Test
  void withoutTheFlagTheClusterSettingIsKept() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PAffMemJob.configure(env, JobConfig.parse());
    assertFalse(env.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isPresent());
  }
}
