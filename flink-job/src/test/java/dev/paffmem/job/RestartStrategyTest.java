package dev.paffmem.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.paffmem.job.config.JobConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The job leaves the cluster's restart strategy alone unless --restart-attempts asks for its own. */
class RestartStrategyTest {

  @Test
  void withoutTheFlagTheClustersRestartStrategyApplies() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PAffMemJob.configure(env, JobConfig.parse());
    assertFalse(env.getConfiguration().getOptional(RestartStrategyOptions.RESTART_STRATEGY).isPresent());
  }

  @Test
  void restartAttemptsSetAFixedDelayStrategy() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PAffMemJob.configure(env, JobConfig.parse("--restart-attempts", "3"));
    assertEquals("fixed-delay", env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY));
    assertEquals(3, env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS));
  }
}
