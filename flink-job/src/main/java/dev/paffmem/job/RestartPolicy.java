package dev.paffmem.job;

import dev.paffmem.job.config.JobConfig;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;

/**
 * How the job restarts after a failure.
 *
 * <p>The job sets no restart strategy of its own unless {@code --restart-strategy} asks for one: a cluster's
 * {@code restart-strategy.*} settings apply. A local run (a MiniCluster started by {@link LocalRunner}, the
 * demo, the tests) gets {@link #localDefault()}: exponential delay from 1 s, doubling up to 30 s, 20
 * attempts. A killed TaskManager is declared dead only after Flink's heartbeat timeout (15-18 s here), and
 * every restart before that is deployed onto the dead one and fails at once; the old fixed delay of 10 x 1 s
 * was spent in about 11 s and the job FAILED. These delays add up to 1+2+4+8+16 = 31 s by the fifth
 * attempt and to about 8 minutes over all 20 (jitter 10 %), and the count starts over after 10 minutes
 * without a failure. flink-job/README.md gives the same settings for a cluster's config.yaml.
 */
public final class RestartPolicy {

  public static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
  public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  public static final double BACKOFF_MULTIPLIER = 2.0;
  public static final double JITTER = 0.1;
  public static final Duration RESET_BACKOFF_AFTER = Duration.ofMinutes(10);
  public static final int ATTEMPTS = 20;
  /** Delay between attempts of {@code --restart-strategy FIXED_DELAY}. */
  public static final Duration FIXED_DELAY = Duration.ofSeconds(1);

  private RestartPolicy() {}

  /** The restart strategy of a local run's MiniCluster (its "cluster" configuration). */
  public static Configuration localDefault() {
    Configuration conf = new Configuration();
    exponentialDelay(conf, ATTEMPTS);
    return conf;
  }

  /** Sets the job's own strategy when {@code --restart-strategy} asks for one; CLUSTER leaves {@code conf} alone. */
  public static void apply(JobConfig cfg, Configuration conf) {
    switch (cfg.restartStrategy()) {
      case CLUSTER -> { }
      case NONE -> conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      case FIXED_DELAY -> {
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, cfg.restartAttempts());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, FIXED_DELAY);
      }
      case EXPONENTIAL_DELAY -> exponentialDelay(conf, cfg.restartAttempts());
      default -> throw new IllegalStateException("unknown restart strategy " + cfg.restartStrategy());
    }
  }

  private static void exponentialDelay(Configuration conf, int attempts) {
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, INITIAL_BACKOFF);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, MAX_BACKOFF);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, BACKOFF_MULTIPLIER);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, JITTER);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD, RESET_BACKOFF_AFTER);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, attempts);
  }
}
