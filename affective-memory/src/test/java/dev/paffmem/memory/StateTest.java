package dev.paffmem.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.schema.AffectiveMemoryState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/** The memory as Flink keyed state: compact, bit-exact, and readable across schema versions. */
class StateTest {

  static final MemoryConfig TWO_D = MemoryConfig.builder().dimension(2).build();

  static AffectiveMemory trained50d() {
    Random random = new Random(11);
    var clusters = TestData.randomClusters(6, 50, 0.8, 0.1, random);
    var memory = new AffectiveMemory(MemoryConfig.defaults());
    for (int f = 0; f < 5; f++) {
      List<Sample> frame = TestData.labelledFrame(clusters, 60, random);
      frame.add(Sample.unlabelled(clusters.get(f).draw(random)));
      memory.train(frame, AffectiveMemory.seed("state", f));
    }
    return memory;
  }

  @Test
  void aRoundTripIsBitExact() {
    var memory = trained50d();
    assertTrue(memory.size() > 10 && memory.edgeCount() > 10, memory.toString());
    byte[] bytes = AffectiveMemoryCodec.toBytes(memory);
    var back = AffectiveMemoryCodec.fromBytes(bytes, MemoryConfig.defaults());

    assertArrayEquals(bytes, AffectiveMemoryCodec.toBytes(back));
    assertEquals(AffectiveMemoryCodec.toState(memory), AffectiveMemoryCodec.toState(back));
    assertEquals(memory.trainingSteps(), back.trainingSteps());
    for (int i = 0; i < memory.size(); i++) {
      float[] w = memory.graph.weights(i);
      float[] v = back.graph.weights(i);
      for (int d = 0; d < w.length; d++) {
        assertEquals(Float.floatToRawIntBits(w[d]), Float.floatToRawIntBits(v[d]));
      }
      assertEquals(Float.floatToRawIntBits(memory.graph.habituation(i)), Float.floatToRawIntBits(back.graph.habituation(i)));
      assertEquals(Float.floatToRawIntBits(memory.graph.arousal(i)), Float.floatToRawIntBits(back.graph.arousal(i)));
      assertEquals(Float.floatToRawIntBits(memory.graph.valence(i)), Float.floatToRawIntBits(back.graph.valence(i)));
      assertArrayEquals(memory.graph.neighbours(i), back.graph.neighbours(i));
      for (int j : memory.graph.neighbours(i)) {
        assertEquals(memory.graph.edgeAge(i, j), back.graph.edgeAge(i, j));
      }
    }
    back.checkInvariants();
  }

  @Test
  void weightsLabelsAndHabituationArePackedAsLittleEndianFloat32() {
    var memory = new AffectiveMemory(TWO_D);
    memory.graph.addNeuron(new float[] {1.5f, -2f}, 1f, 0.25f, -0.75f);
    memory.graph.addNeuron(new float[] {3f, 4f}, 0.5f, 0f, 1f);
    memory.graph.connect(0, 1, 9);
    AffectiveMemoryState state = AffectiveMemoryCodec.toState(memory);
    // 1.5f = 0x3FC00000, -2f = 0xC0000000, 3f = 0x40400000, 4f = 0x40800000; low byte first
    assertArrayEquals(new byte[] {0, 0, (byte) 0xC0, 0x3F, 0, 0, 0, (byte) 0xC0, 0, 0, 0x40, 0x40, 0, 0,
        (byte) 0x80, 0x40}, bytes(state.getWeights()));
    // 1f = 0x3F800000, 0.5f = 0x3F000000
    assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, 0x3F}, bytes(state.getHabituation()));
    ByteBuffer labels = state.getLabels().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(16, labels.remaining());
    assertEquals(0.25f, labels.getFloat(0)); // arousal 0
    assertEquals(-0.75f, labels.getFloat(4)); // valence 0
    assertEquals(0f, labels.getFloat(8)); // arousal 1
    assertEquals(1f, labels.getFloat(12)); // valence 1
    assertEquals(List.of(0), state.getEdgeSources());
    assertEquals(List.of(1), state.getEdgeTargets());
    assertEquals(List.of(9), state.getEdgeAges());
    assertEquals(1, state.getFormatVersion());
  }

  static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }

  @Test
  void theStateIsCompact() {
    var memory = trained50d();
    int n = memory.size();
    int bytes = AffectiveMemoryCodec.toBytes(memory).length;
    // 200 bytes of weights + 4 habituation + 8 labels per neuron, plus a few bytes per edge
    assertTrue(bytes >= 212 * n && bytes <= 212 * n + 6 * memory.edgeCount() + 32,
        bytes + " bytes for " + n + " neurons and " + memory.edgeCount() + " edges");
  }

  /**
   * {@code state-v1.avro} is an Avro data file written with the schema as first released
   * (schemas/src/test/resources/released/v1) holding a hand-made 2-d memory: neurons
   * (0.25, -0.5) h 1 labels (0.5, -0.25); (1, 2) h 0.5 labels (-1, 1); (-3, 0.125) h 0.0625 labels
   * (0, 0.75); edges 0-1 age 0 and 1-2 age 7; 42 training steps.
   */
  @Test
  void aStateWrittenWithTheFirstReleasedSchemaIsReadable() throws IOException {
    AffectiveMemoryState state;
    try (InputStream in = getClass().getResourceAsStream("state-v1.avro");
        DataFileStream<AffectiveMemoryState> file =
            new DataFileStream<>(in, new SpecificDatumReader<>(AffectiveMemoryState.class))) {
      state = file.next();
    }
    var memory = AffectiveMemoryCodec.fromState(state, TWO_D);
    assertEquals(3, memory.size());
    assertArrayEquals(new float[] {0.25f, -0.5f}, memory.graph.weights(0));
    assertArrayEquals(new float[] {1f, 2f}, memory.graph.weights(1));
    assertArrayEquals(new float[] {-3f, 0.125f}, memory.graph.weights(2));
    assertEquals(0.5f, memory.graph.habituation(1));
    assertEquals(0.0625f, memory.graph.habituation(2));
    assertEquals(-1f, memory.graph.arousal(1));
    assertEquals(0.75f, memory.graph.valence(2));
    assertEquals(0, memory.graph.edgeAge(0, 1));
    assertEquals(7, memory.graph.edgeAge(2, 1));
    assertEquals(-1, memory.graph.edgeAge(0, 2));
    assertEquals(42, memory.trainingSteps());
    assertEquals(new Prediction(0f, 0.75f, 1f, 3), memory.predict(new float[] {-3f, 0.125f}));
  }

  @Test
  void aStateWithoutTheOptionalFieldsGetsTheirDefaults() throws IOException {
    // A writer schema that predates formatVersion, the edge arrays' defaults and trainingSteps
    Schema current = AffectiveMemoryState.getClassSchema();
    Schema older = withFields(current, fields -> fields.removeIf(
        f -> f.name().equals("formatVersion") || f.name().equals("trainingSteps")));
    GenericRecord record = new GenericData.Record(older);
    AffectiveMemoryState now = AffectiveMemoryCodec.toState(trained50d());
    for (Schema.Field f : older.getFields()) {
      record.put(f.name(), now.get(f.name()));
    }
    AffectiveMemoryState read = readAs(write(record, older), older);
    assertEquals(1, read.getFormatVersion());
    assertEquals(0L, read.getTrainingSteps());
    assertEquals(now.getNeuronCount(), AffectiveMemoryCodec.fromState(read, MemoryConfig.defaults()).size());
  }

  @Test
  void aLaterSchemaWithANewOptionalFieldReadsAndIsReadByThisOne() throws IOException {
    Schema current = AffectiveMemoryState.getClassSchema();
    Schema later = withFields(current, fields -> fields.add(new Schema.Field("lastFrameIndex",
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.LONG)),
        "doc", Schema.Field.NULL_DEFAULT_VALUE)));
    var memory = trained50d();

    // later reader, current writer
    GenericRecord seenByLater = new GenericDatumReader<GenericRecord>(current, later)
        .read(null, DecoderFactory.get().binaryDecoder(AffectiveMemoryCodec.toBytes(memory), null));
    assertEquals(null, seenByLater.get("lastFrameIndex"));

    // current reader, later writer
    seenByLater.put("lastFrameIndex", 99L);
    AffectiveMemoryState read = readAs(write(seenByLater, later), later);
    assertArrayEquals(AffectiveMemoryCodec.toBytes(memory), AffectiveMemoryCodec.toBytes(AffectiveMemoryCodec.fromState(read, MemoryConfig.defaults())));
  }

  @Test
  void statesThatCannotBeThisMemoryAreRejected() {
    AffectiveMemoryState good = AffectiveMemoryCodec.toState(trained50d());
    assertRejected(good, MemoryConfig.builder().dimension(49).build(), "dimension");
    assertRejected(copy(good, s -> s.setFormatVersion(2)), MemoryConfig.defaults(), "formatVersion 2");
    assertRejected(copy(good, s -> s.setNeuronCount(good.getNeuronCount() + 1)), MemoryConfig.defaults(), "weights");
    assertRejected(copy(good, s -> s.setEdgeTargets(List.of(good.getNeuronCount()))), MemoryConfig.defaults(),
        "differ in length");
    assertRejected(copy(good, s -> {
      s.setEdgeSources(List.of(0, 0));
      s.setEdgeTargets(List.of(1, 1));
      s.setEdgeAges(List.of(0, 0));
    }), MemoryConfig.defaults(), "listed twice");
    assertRejected(copy(good, s -> {
      s.setEdgeSources(List.of(1));
      s.setEdgeTargets(List.of(0));
      s.setEdgeAges(List.of(0));
    }), MemoryConfig.defaults(), "source < target");
    ByteBuffer nan = FloatPacking.pack(new float[] {Float.NaN}, 0, 1);
    ByteBuffer habituation = good.getHabituation().duplicate();
    ByteBuffer patched = ByteBuffer.allocate(habituation.remaining());
    patched.put(habituation).flip();
    patched.put(0, nan.get(0)).put(1, nan.get(1)).put(2, nan.get(2)).put(3, nan.get(3));
    assertRejected(copy(good, s -> s.setHabituation(patched)), MemoryConfig.defaults(), "habituation");
  }

  @Test
  void aStateLargerThanTheConfiguredCapIsKeptButDoesNotGrow() {
    var memory = trained50d();
    int n = memory.size();
    var smaller = AffectiveMemoryCodec.fromState(AffectiveMemoryCodec.toState(memory), MemoryConfig.builder().maxNeurons(n / 2).build());
    assertEquals(n, smaller.size());
    Random random = new Random(5);
    float[] far = new float[50];
    for (int i = 0; i < 50; i++) {
      far[i] = (float) (3 * random.nextGaussian());
    }
    smaller.train(List.of(Sample.unlabelled(far)), 1L);
    assertTrue(smaller.size() <= n);
  }

  // ---------------------------------------------------------------- helpers

  static void assertRejected(AffectiveMemoryState state, MemoryConfig config, String mention) {
    var e = assertThrows(IllegalArgumentException.class, () -> AffectiveMemoryCodec.fromState(state, config));
    assertTrue(e.getMessage().contains(mention), e.getMessage());
  }

  static AffectiveMemoryState copy(AffectiveMemoryState state, Consumer<AffectiveMemoryState> change) {
    AffectiveMemoryState copy = AffectiveMemoryState.newBuilder(state).build();
    change.accept(copy);
    return copy;
  }

  static Schema withFields(Schema schema, Consumer<List<Schema.Field>> change) {
    List<Schema.Field> fields = new java.util.ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    change.accept(fields);
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  static byte[] write(GenericRecord record, Schema schema) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  static AffectiveMemoryState readAs(byte[] bytes, Schema writer) throws IOException {
    return new SpecificDatumReader<AffectiveMemoryState>(writer, AffectiveMemoryState.getClassSchema())
        .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
  }
}
