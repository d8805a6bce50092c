package dev.paffmem.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paffmem.job.config.JobConfig;
import java.time.Duration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Flink's 100 ms network buffer timeout doubled latency; --buffer-timeout (default 10 ms) must reach the job. */
class BufferTimeoutTest {

  @Test
  void theDefaultIsTenMilliseconds() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PAffMemJob.configure(env, JobConfig.parse());
    assertEquals(10, env.getBufferTimeout());
    assertEquals(Duration.ofMillis(10), env.getConfiguration().get(ExecutionOptions.BUFFER_TIMEOUT));
    assertEquals(true, env.getConfiguration().get(ExecutionOptions.BUFFER_TIMEOUT_ENABLED));
  }

  @Test
  void theFlagSetsItAndZeroFlushesEveryRecord() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PAffMemJob.configure(env, JobConfig.parse("--buffer-timeout", "50ms"));
    assertEquals(50, env.getBufferTimeout());
    PAffMemJob.configure(env, JobConfig.parse("--buffer-timeout", "0"));
    assertEquals(0, env.getBufferTimeout());
    assertEquals(Duration.ZERO, env.getConfiguration().get(ExecutionOptions.BUFFER_TIMEOUT));
  }
}
