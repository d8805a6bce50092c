package dev.paffmem.job.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paffmem.job.TestFrames;
import dev.paffmem.job.records.KafkaRecordBytes;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Records are routed by person before validation: a valid frame's routing key is its person id. */
class RoutingKeyTest {

  final RoutingKey routing = new RoutingKey();

  @Test
  void aValidFrameIsRoutedByItsPersonIdWithOrWithoutAKafkaKey() {
    KafkaRecordBytes keyed = TestFrames.record(TestFrames.raw("alice", 3).build(), 0);
    assertEquals("alice", routing.getKey(keyed));
    KafkaRecordBytes unkeyed = TestFrames.record(null, keyed.value, 1);
    assertEquals("alice", routing.getKey(unkeyed), "no key: the personId read from the value");
  }

  @Test
  void recordsThatCannotBeReadAreRoutedSomewhereAndRejectedThere() {
    assertEquals("", routing.getKey(TestFrames.record(null, new byte[] {1, 2, 3}, 0)));
    assertEquals("", routing.getKey(TestFrames.record(null, null, 0)));
    // a wrong key routes by the key; the validator rejects it (KEY_MISMATCH)
    KafkaRecordBytes wrong = TestFrames.record("mallory".getBytes(StandardCharsets.UTF_8),
        TestFrames.record(TestFrames.raw("alice", 3).build(), 0).value, 2);
    assertEquals("mallory", routing.getKey(wrong));
  }
}
