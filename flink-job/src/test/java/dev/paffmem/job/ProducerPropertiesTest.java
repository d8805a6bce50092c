package dev.paffmem.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.paffmem.job.config.JobConfig;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ProducerPropertiesTest {

  @Test
  void exactlyOnceSinksLingerBecauseTheirRecordsWaitForTheCommitAnyway() {
    Properties p = PAffMemJob.producerProperties(JobConfig.parse());
    assertEquals("100", p.getProperty("linger.ms"));
    assertEquals(String.valueOf(JobConfig.parse().transactionTimeout().toMillis()), p.getProperty("transaction.timeout.ms"));
  }

  @Test
  void atLeastOnceSinksKeepKafkasDefaultLinger() {
    assertNull(PAffMemJob.producerProperties(JobConfig.parse("--delivery", "AT_LEAST_ONCE")).getProperty("linger.ms"));
  }

  @Test
  void theUsersLingerWins() {
    assertEquals("7", PAffMemJob.producerProperties(JobConfig.parse("--kafka-property", "linger.ms=7"))
        .getProperty("linger.ms"));
  }
}
