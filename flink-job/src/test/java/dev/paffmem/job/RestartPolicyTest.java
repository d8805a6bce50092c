package dev.paffmem.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.config.ConfigException;
import dev.paffmem.job.config.JobConfig;
import java.lang.reflect.Constructor;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.executiongraph.failover.ExponentialDelayRestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.FixedDelayRestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.RestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.RestartBackoffTimeStrategyFactoryLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.clock.Clock;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * The restart policy's defaults: the job leaves the cluster's strategy alone unless asked, a local run's
 * strategy outlasts a TaskManager's heartbeat timeout (simulated on Flink's own strategy classes with a
 * manual clock), and checkpoints are retained on failure and cancellation.
 */
class RestartPolicyTest {

  /** Flink declares a killed TaskManager dead after its heartbeat timeout: 15-18 s measured here. */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(18);
  /** Until then every restart is deployed onto the dead TaskManager and fails after about this long. */
  static final Duration FAILED_DEPLOYMENT = Duration.ofMillis(200);

  private static Configuration jobConfiguration(String... flags) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PAffMemJob.configure(env, JobConfig.parse(flags));
    return (Configuration) env.getConfiguration();
  }

  @Test
  void byDefaultTheJobSetsNoRestartStrategyOfItsOwn() {
    Configuration job = jobConfiguration();
    assertFalse(job.getOptional(RestartStrategyOptions.RESTART_STRATEGY).isPresent(),
        "the cluster's restart-strategy must apply");
    // so a cluster's own setting wins ...
    Configuration cluster = new Configuration();
    cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
    assertTrue(RestartBackoffTimeStrategyFactoryLoader.createRestartBackoffTimeStrategyFactory(job, cluster, true)
        .create().toString().contains("FailureRate"));
    // ... and a local run's cluster is the exponential delay
    assertTrue(RestartBackoffTimeStrategyFactoryLoader.createRestartBackoffTimeStrategyFactory(job,
        PAffMemJob.localClusterConfiguration(), true).create() instanceof ExponentialDelayRestartBackoffTimeStrategy);
  }

  @Test
  void theJobSetsItsOwnStrategyOnlyWhenAsked() {
    Configuration fixed = jobConfiguration("--restart-strategy", "fixed-delay", "--restart-attempts", "3");
    assertEquals("fixed-delay", fixed.get(RestartStrategyOptions.RESTART_STRATEGY));
    assertEquals(3, fixed.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS));
    Configuration exponential = jobConfiguration("--restart-strategy", "exponential_delay");
    assertEquals("exponential-delay", exponential.get(RestartStrategyOptions.RESTART_STRATEGY));
    assertEquals(RestartPolicy.ATTEMPTS, exponential.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS));
    assertEquals("none", jobConfiguration("--restart-strategy", "none").get(RestartStrategyOptions.RESTART_STRATEGY));
    ConfigException e = assertThrows(ConfigException.class, () -> JobConfig.parse("--restart-attempts", "5"));
    assertTrue(e.getMessage().contains("--restart-strategy"), e.getMessage());
  }

  @Test
  void checkpointsAreRetainedOnFailureAndCancellationByDefault() {
    assertEquals(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION,
        jobConfiguration().get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION));
    assertEquals(ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS,
        jobConfiguration("--retain-checkpoints", "false").get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION));
  }

  @Test
  void theLocalDefaultOutlastsAHeartbeatTimeoutWhereTheOldFixedDelayGaveUp() throws Exception {
    ManualClock clock = new ManualClock();
    Constructor<ExponentialDelayRestartBackoffTimeStrategy> exp = ExponentialDelayRestartBackoffTimeStrategy.class
        .getDeclaredConstructor(Clock.class, long.class, long.class, double.class, long.class, double.class, int.class);
    exp.setAccessible(true);
    RestartBackoffTimeStrategy local = exp.newInstance(clock, RestartPolicy.INITIAL_BACKOFF.toMillis(),
        RestartPolicy.MAX_BACKOFF.toMillis(), RestartPolicy.BACKOFF_MULTIPLIER, RestartPolicy.RESET_BACKOFF_AFTER.toMillis(),
        RestartPolicy.JITTER, RestartPolicy.ATTEMPTS);
    // the same parameters as the configuration a local run hands Flink
    assertEquals(RestartBackoffTimeStrategyFactoryLoader.createRestartBackoffTimeStrategyFactory(new Configuration(),
        RestartPolicy.localDefault(), true).create().toString().replaceAll("clock=[^,]*, ", ""),
        local.toString().replaceAll("clock=[^,]*, ", ""));
    assertTrue(survivesLostTaskManager(local, clock), "the local default gives up before the TaskManager is declared dead");

    Constructor<FixedDelayRestartBackoffTimeStrategy> fixed =
        FixedDelayRestartBackoffTimeStrategy.class.getDeclaredConstructor(int.class, long.class);
    fixed.setAccessible(true);
    ManualClock clock2 = new ManualClock();
    assertFalse(survivesLostTaskManager(fixed.newInstance(10, 1000L), clock2),
        "the old 10 x 1 s fixed delay is spent before the heartbeat timeout (the simulation can fail)");
  }

  /** Every restart fails until the heartbeat timeout has passed; true when the strategy still restarts then. */
  private static boolean survivesLostTaskManager(RestartBackoffTimeStrategy strategy, ManualClock clock) {
    long start = clock.absoluteTimeMillis();
    while (clock.absoluteTimeMillis() - start < HEARTBEAT_TIMEOUT.toMillis()) {
      strategy.notifyFailure(new RuntimeException("deployed onto the lost TaskManager"));
      if (!strategy.canRestart()) {
        return false;
      }
      clock.advanceTime(Duration.ofMillis(strategy.getBackoffTime()).plus(FAILED_DEPLOYMENT));
    }
    return true;
  }
}
