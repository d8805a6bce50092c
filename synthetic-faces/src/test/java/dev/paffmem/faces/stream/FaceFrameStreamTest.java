package dev.paffmem.faces.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.faces.render.Images;
import dev.paffmem.kafka.EmbeddedKafkaBroker;
import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class FaceFrameStreamTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static StreamOptions options(int persons, long frames, ImageEncoding encoding) {
        return StreamOptions.defaults().withPersons(persons).withFramesPerPerson(frames).withEncoding(encoding)
                .withStartTime(T0);
    }

    @Test
    void generatorInterleavesPersonsInOrderWithGroundTruth() {
        FaceFrameGenerator gen = new FaceFrameGenerator(options(3, 4, ImageEncoding.RAW_RGB8));
        List<FaceFrame> frames = new ArrayList<>();
        gen.forEachRemaining(frames::add);
        assertEquals(12, frames.size());
        Map<String, Long> last = new HashMap<>();
        for (int i = 0; i < frames.size(); i++) {
            FaceFrame f = frames.get(i);
            assertEquals(String.format("eval-%05d", i % 3), f.getPersonId());
            assertEquals(i / 3, f.getFrameIndex());
            assertEquals(T0.plusMillis(40L * (i / 3)), f.getEventTime());
            assertEquals(96 * 96 * 3, f.getImage().remaining());
            assertEquals(96, f.getWidth());
            assertNotNull(f.getArousal());
            assertTrue(Math.abs(f.getValence()) <= 1);
            assertEquals(f.getPersonId(), f.getVideoId());
            assertEquals("utterance_1.mp4", f.getUtteranceId());
            Long prev = last.put(f.getPersonId(), f.getFrameIndex());
            assertTrue(prev == null || prev < f.getFrameIndex());
        }
    }

    @Test
    void frameIsAPureFunctionOfItsIndex() {
        FaceFrameGenerator a = new FaceFrameGenerator(options(2, 50, ImageEncoding.PNG));
        FaceFrameGenerator b = new FaceFrameGenerator(options(2, 50, ImageEncoding.PNG));
        assertEquals(a.frame(77), b.frame(77));
        byte[] png = bytes(a.frame(5).getImage());
        assertEquals(96 * 96 * 3, Images.decodeRgb(png).length);
    }

    @Test
    void loopModeReplaysTheFirstFramesWithIncreasingIndices() {
        FaceFrameGenerator looped = new FaceFrameGenerator(options(2, 20, ImageEncoding.JPEG).withLoopFrames(5));
        FaceFrameGenerator plain = new FaceFrameGenerator(options(2, 20, ImageEncoding.JPEG));
        FaceFrame f13 = looped.frame(2 * 13 + 1);
        FaceFrame f3 = plain.frame(2 * 3 + 1);
        assertEquals(13, f13.getFrameIndex());
        assertEquals(T0.plusMillis(13 * 40), f13.getEventTime());
        assertEquals(f3.getImage(), f13.getImage());
        assertEquals(f3.getArousal(), f13.getArousal());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void writesKeyedSingleObjectRecords() throws Exception {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        long sent = new FaceFrameStream(options(2, 5, ImageEncoding.JPEG)).threads(2).run(producer, "faces");
        assertEquals(10, sent);
        assertEquals(10, producer.history().size());
        for (var record : producer.history()) {
            FaceFrame f = FaceFrame.fromByteBuffer(ByteBuffer.wrap(record.value()));
            assertArrayEquals(f.getPersonId().getBytes(StandardCharsets.UTF_8), record.key());
            assertEquals(ImageEncoding.JPEG, f.getEncoding());
        }
    }

    @Test
    void stopsAndFailsWhenKafkaRejectsRecords() {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        MockProducer<byte[], byte[]> failing = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> record,
                    org.apache.kafka.clients.producer.Callback callback) {
                attempts.incrementAndGet();
                RuntimeException e = new org.apache.kafka.common.errors.TimeoutException("no metadata");
                callback.onCompletion(null, e);
                return java.util.concurrent.CompletableFuture.failedFuture(e);
            }
        };
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new FaceFrameStream(options(2, 100, ImageEncoding.RAW_RGB8)).threads(1).run(failing, "faces"));
        assertTrue(e.getMessage().contains("after 0 records"), e.getMessage());
        assertEquals(1, attempts.get(), "keeps sending after a failure");
    }

    @Test
    void writesNFramesToTheEmbeddedBrokerAndReadsThemBack() throws Exception {
        StreamOptions o = options(4, 10, ImageEncoding.JPEG);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            broker.createTopic("face-frames", 3);
            long sent = new FaceFrameStream(o).rate(400).run(broker.bootstrapServers(), "face-frames");
            assertEquals(40, sent);

            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "synthetic-faces-test");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            List<FaceFrame> read = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
                consumer.subscribe(List.of("face-frames"));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (read.size() < 40 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        FaceFrame f = FaceFrame.fromByteBuffer(ByteBuffer.wrap(r.value()));
                        assertEquals(f.getPersonId(), new String(r.key(), StandardCharsets.UTF_8));
                        read.add(f);
                    }
                }
            }
            assertEquals(40, read.size());
            // per person (= per partition key) the frames come back in order and complete
            Map<String, List<Long>> perPerson = new HashMap<>();
            for (FaceFrame f : read) {
                perPerson.computeIfAbsent(f.getPersonId(), k -> new ArrayList<>()).add(f.getFrameIndex());
            }
            assertEquals(4, perPerson.size());
            for (List<Long> idx : perPerson.values()) {
                assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), idx);
            }
            FaceFrameGenerator expected = new FaceFrameGenerator(o);
            FaceFrame first = read.stream().filter(f -> f.getPersonId().equals("eval-00002") && f.getFrameIndex() == 3)
                    .findFirst().orElseThrow();
            assertEquals(expected.frame(3L * 4 + 2), first);
        }
    }
}
