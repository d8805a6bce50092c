package dev.paffmem.dashboard;

import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.Phase;
import dev.paffmem.schema.RejectReason;
import dev.paffmem.schema.RejectedFrame;
import dev.paffmem.schema.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Predictions and dead letters as the job writes them (Avro single-object encoding, key = person id). */
final class TestStreams {

  private TestStreams() {}

  /** A person's smooth, person-specific path around the circumplex at time {@code s} seconds. */
  static float arousal(int person, double s) {
    return (float) (0.75 * Math.sin(0.8 * s + 1.3 * person) * Math.cos(0.17 * s + person));
  }

  static float valence(int person, double s) {
    return (float) (0.8 * Math.cos(0.6 * s + 0.9 * person));
  }

  static AffectPrediction prediction(String person, long frame, long processingTime, long eventTime, float arousal,
      float valence, float pkArousal, float pkValence, Phase phase, int memorySize, float bmu) {
    return AffectPrediction.newBuilder().setPersonId(person).setSourceId("camera-1").setFrameIndex(frame)
        .setEventTime(Instant.ofEpochMilli(eventTime)).setArousal(arousal).setValence(valence).setPkArousal(pkArousal)
        .setPkValence(pkValence).setPhase(phase).setMemorySize(memorySize).setBmuActivation(bmu)
        .setModelId("paffmem-pk-demo-synth").setModelVersion("0.3.0").setProcessingTime(Instant.ofEpochMilli(processingTime))
        .build();
  }

  /** The prediction for frame {@code frame} of person number {@code index}, at {@code now}: 25 frames generating first. */
  static AffectPrediction synthetic(int index, String person, long frame, long now) {
    double s = now / 1000.0;
    float a = arousal(index, s);
    float v = valence(index, s);
    float pa = (float) Math.max(-1, Math.min(1, a * 0.8 + 0.15 * Math.sin(3.1 * s + index)));
    float pv = (float) Math.max(-1, Math.min(1, v * 0.85 + 0.12 * Math.cos(2.3 * s + index)));
    boolean generating = frame < 25;
    int memory = (int) Math.min(40, 6 + frame / 4);
    float bmu = (float) (0.55 + 0.4 * Math.abs(Math.sin(0.3 * s + index)));
    return prediction(person, frame, now, now - 40 - (frame % 7) * 5, a, v, pa, pv,
        generating ? Phase.GENERATING : Phase.ONLINE, memory, bmu);
  }

  static RejectedFrame rejected(RejectReason reason, String person, long frame, long offset, String message) {
    return RejectedFrame.newBuilder().setReason(reason).setMessage(message).setSourceTopic("face-frames")
        .setPartition(0).setOffset(offset).setPersonId(person).setFrameIndex(frame)
        .setRejectedAt(Instant.now()).build();
  }

  static KafkaProducer<byte[], byte[]> transactionalProducer(String bootstrap) {
    KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "dashboard-test-" + UUID.randomUUID(),
        ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer());
    p.initTransactions();
    return p;
  }

  static ProducerRecord<byte[], byte[]> record(String topic, AffectPrediction p) {
    return new ProducerRecord<>(topic, p.getPersonId().getBytes(StandardCharsets.UTF_8), WireFormat.encode(p::toByteBuffer));
  }

  static ProducerRecord<byte[], byte[]> record(String topic, RejectedFrame r) {
    return new ProducerRecord<>(topic, r.getPersonId() == null ? null : r.getPersonId().getBytes(StandardCharsets.UTF_8),
        WireFormat.encode(r::toByteBuffer));
  }
}
