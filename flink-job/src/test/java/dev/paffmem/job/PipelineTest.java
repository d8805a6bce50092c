package dev.paffmem.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.Phase;
import dev.paffmem.schema.RejectReason;
import dev.paffmem.schema.RejectedFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PAffMemJob#buildPipeline} without Kafka, as flink-training tests its jobs: a bounded source of raw
 * records, collecting sinks on both outputs, a MiniCluster with 2 slots (bound to 127.0.0.1). The pipeline is
 * the one {@code buildKafkaJob} runs; only the Kafka source and sinks are left out. Every valid frame yields
 * exactly one prediction, in its person's frame order, with the phase the schedule gives it; every unusable
 * record comes out as a RejectedFrame with its reason and its offset.
 */
class PipelineTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
      .setConfiguration(PAffMemJob.localClusterConfiguration()).build());

  @Test
  void aBoundedStreamYieldsOnePredictionPerValidFrameInOrderAndRejectsEveryUnusableRecord() throws Exception {
    List<String> persons = List.of("alice", "bob", "carol");
    int frames = 8;
    int generationFrames = 3;
    List<KafkaRecordBytes> records = new ArrayList<>();
    long offset = 0;
    for (int i = 0; i < frames; i++) {
      for (String p : persons) {
        records.add(TestFrames.record(TestFrames.raw(p, i).build(), offset++));
      }
    }
    // one of each kind of unusable record: not Avro, a key that is not the person, a frame seen already
    records.add(TestFrames.record("alice".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}, offset++));
    KafkaRecordBytes mismatch = TestFrames.record(TestFrames.raw("bob", frames).build(), offset++);
    mismatch.key = "mallory".getBytes(StandardCharsets.UTF_8);
    records.add(mismatch);
    records.add(TestFrames.record(TestFrames.raw("carol", frames - 1).build(), offset++)); // its last frame, again

    // the memory waits until it is seeded (WAIT): phases then follow the frame index, whatever the timing
    JobConfig cfg = JobConfig.parse("--model-dir", TestFrames.tinyModel().toString(), "--device", "cpu",
        "--generation-frames", String.valueOf(generationFrames), "--generation-targets", "8",
        "--batch-max-size", "16", "--memory-epochs", "3", "--predictions-while-seeding", "WAIT",
        "--state-backend", "hashmap", "--parallelism", "2");
    ModelManifest manifest = PAffMemJob.validateModel(cfg);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PAffMemJob.configure(env, cfg); // the job's settings: no generic (Kryo) types, object reuse, parallelism
    DataStream<KafkaRecordBytes> source = env.fromData(records, TypeInformation.of(KafkaRecordBytes.class));
    PAffMemJob.Outputs out = PAffMemJob.buildPipeline(source, cfg, manifest);
    CloseableIterator<AffectPrediction> predictionSink = out.predictions().collectAsync();
    CloseableIterator<RejectedFrame> rejectedSink = out.rejected().collectAsync();
    JobClient job = env.executeAsync("bounded pipeline");
    List<AffectPrediction> predictions = new ArrayList<>();
    List<RejectedFrame> rejected = new ArrayList<>();
    try (predictionSink; rejectedSink) {
      predictionSink.forEachRemaining(predictions::add);
      rejectedSink.forEachRemaining(rejected::add);
    }
    job.getJobExecutionResult().get(); // a bounded job ends by itself; a failure would surface here

    assertEquals(persons.size() * frames, predictions.size(), "one prediction per valid frame");
    Map<String, List<Long>> order = new LinkedHashMap<>();
    for (AffectPrediction p : predictions) {
      order.computeIfAbsent(p.getPersonId(), k -> new ArrayList<>()).add(p.getFrameIndex());
      String where = p.getPersonId() + " frame " + p.getFrameIndex();
      assertEquals(p.getFrameIndex() < generationFrames ? Phase.GENERATING : Phase.ONLINE, p.getPhase(), where);
      if (p.getPhase() == Phase.ONLINE) {
        assertTrue(p.getMemorySize() >= 2, where + ": a seeded memory predicts: " + p);
      }
      assertEquals("tiny-test", p.getModelId());
    }
    for (String person : persons) {
      assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), order.get(person), "frame order of " + person);
    }

    Map<RejectReason, Long> rejectedOffsets = new LinkedHashMap<>();
    for (RejectedFrame r : rejected) {
      rejectedOffsets.put(r.getReason(), r.getOffset());
      assertTrue(r.getOriginalValue() != null && r.getOriginalValue().remaining() > 0, "original bytes kept: " + r);
    }
    long first = persons.size() * frames;
    assertEquals(Map.of(RejectReason.UNDECODABLE_RECORD, first, RejectReason.KEY_MISMATCH, first + 1,
        RejectReason.DUPLICATE_FRAME, first + 2), rejectedOffsets);
    assertEquals(3, rejected.size());
  }
}
