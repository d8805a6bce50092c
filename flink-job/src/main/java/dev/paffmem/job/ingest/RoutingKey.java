package dev.paffmem.job.ingest;

import dev.paffmem.job.records.KafkaRecordBytes;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * The key a raw record is routed by before it is validated: its Kafka key (the person id, as producers must
 * write it), or, for a record without a key, the person id read from its value; "" for a record whose value
 * cannot be read (it is rejected by the validator wherever it lands). A valid frame's routing key is therefore
 * its person id, so validation can run after the keyBy (on the subtask that owns the person) and the frame's
 * decoded pixels never cross the network.
 */
public final class RoutingKey implements KeySelector<KafkaRecordBytes, String> {
  private static final long serialVersionUID = 1L;

  @Override
  public String getKey(KafkaRecordBytes record) {
    if (record.key != null) {
      return new String(record.key, StandardCharsets.UTF_8);
    }
    if (record.value == null) {
      return "";
    }
    try {
      String person = SafeFaceFrameReader.read(record.value).getPersonId();
      return person == null ? "" : person;
    } catch (Exception unreadable) {
      return "";
    }
  }
}
