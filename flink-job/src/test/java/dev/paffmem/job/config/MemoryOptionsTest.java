package dev.paffmem.job.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.memory.MemoryConfig;
import org.junit.jupiter.api.Test;

/** The enrolled-face flags reach the memory's configuration, with MemoryConfig's defaults and ranges. */
class MemoryOptionsTest {

  @Test
  void enrolmentDefaultsAreMemoryConfigs() {
    MemoryConfig c = JobConfig.defaults().memoryConfig(50);
    assertEquals(MemoryConfig.DEFAULT_ENROLLED_K, c.enrolledK());
    assertEquals(MemoryConfig.DEFAULT_MAX_ENROLLED, c.maxEnrolled());
    String usage = JobConfig.usage().replaceAll("\\s+", " ");
    assertTrue(usage.contains("--memory-enrolled-k"), usage);
    assertTrue(usage.contains("0 = enrolment off (default: " + MemoryConfig.DEFAULT_MAX_ENROLLED + ")"), usage);
  }

  @Test
  void enrolmentFlagsReachTheMemory() {
    MemoryConfig c = JobConfig.parse("--memory-enrolled-k", "5", "--memory-max-enrolled", "0").memoryConfig(50);
    assertEquals(5, c.enrolledK());
    assertEquals(0, c.maxEnrolled());
  }

  @Test
  void outOfRangeValuesNameTheField() {
    ConfigException k = assertThrows(ConfigException.class, () -> JobConfig.parse("--memory-enrolled-k", "0"));
    assertTrue(k.getMessage().contains("enrolledK"), k.getMessage());
    ConfigException max = assertThrows(ConfigException.class, () -> JobConfig.parse("--memory-max-enrolled", "-1"));
    assertTrue(max.getMessage().contains("maxEnrolled"), max.getMessage());
  }
}
