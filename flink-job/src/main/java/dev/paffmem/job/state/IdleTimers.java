package dev.paffmem.job.state;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;

/**
 * How idle persons expire. Each frame registers a processing-time timer about one TTL ahead
 * (rounded up to a tenth of the TTL, so a busy person has at most about ten timers pending); when
 * one fires and the person has been idle for the whole TTL, the operator clears the person's
 * state. The state descriptors also carry a {@link StateTtlConfig} of the same TTL, so expired
 * state is never read even between timers, and RocksDB can drop it during compaction.
 */
public final class IdleTimers {

  private IdleTimers() {}

  public static long nextTimer(long now, Duration ttl) {
    long ttlMs = ttl.toMillis();
    long granularity = Math.max(1, ttlMs / 10);
    return ((now + ttlMs) / granularity + 1) * granularity;
  }

  public static boolean expired(long lastSeen, long now, Duration ttl) {
    return now - lastSeen >= ttl.toMillis();
  }

  public static StateTtlConfig ttlConfig(Duration ttl) {
    return StateTtlConfig.newBuilder(ttl)
        .useProcessingTime()
        .updateTtlOnCreateAndWrite()
        .neverReturnExpired()
        .cleanupFullSnapshot()
        .build();
  }
}
