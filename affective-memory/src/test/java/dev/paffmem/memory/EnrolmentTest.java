package dev.paffmem.memory;

import static dev.paffmem.memory.GwrRulesTest.v;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.memory.MemoryConfig.Readout;
import dev.paffmem.schema.AffectiveMemoryState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/**
 * Enrolled faces (beyond the paper): the person's own faces at known emotions, kept apart from the GWR's neurons,
 * answer every read-out once a memory has any; the rules never touch them; the state keeps them bit-exactly.
 */
class EnrolmentTest {

  static final double TOL = 1e-5;

  /** The k-nearest read-outs ({@code enrolledLengthScale} 0); {@link #kernel} for RESIDUAL's default. */
  static MemoryConfig config(Readout readout) {
    return MemoryConfig.builder().dimension(2).readout(readout).readoutK(2).enrolledLengthScale(0f).build();
  }

  static MemoryConfig kernel(float lengthScale, float ridge) {
    return MemoryConfig.builder().dimension(2).readout(Readout.RESIDUAL).enrolledLengthScale(lengthScale)
        .enrolledRidge(ridge).build();
  }

  /** Three faces: (0, 0) residual (0.3, -0.1), (1, 0) residual (-0.2, 0.4), (0, 2) residual (0.1, 0.25). */
  static AffectiveMemory threeFaces(MemoryConfig c) {
    var m = new AffectiveMemory(c);
    m.enrol(v(0, 0), 0.5f, 0.1f, 0.2f, 0.2f);
    m.enrol(v(1, 0), -0.2f, 0.4f, 0f, 0f);
    m.enrol(v(0, 2), 0.1f, 0.5f, 0f, 0.25f);
    return m;
  }

  @Test
  void residualDefaultsToAKernelRegressionThroughAllEnrolledFaces() {
    // reference values: model-export's kernel_readout (the offline replay the default was chosen with) on the same
    // faces; distances between faces 1, 2, sqrt 5: median 2, l = 1 x 2 = 2 by default
    var m = threeFaces(MemoryConfig.builder().dimension(2).readout(Readout.RESIDUAL).build());
    Prediction p = m.predict(v(0.5, 0.5), 0.1f, -0.2f);
    assertEquals(0.14108971, p.arousal(), TOL);
    assertEquals(-0.00615841, p.valence(), TOL);
    assertEquals(Math.exp(-Math.sqrt(0.5)), p.activation(), TOL, "the nearest enrolled face's activation");
    Prediction far = m.predict(v(3, -1), 0f, 0f);
    assertEquals(-0.22152032, far.arousal(), TOL);
    assertEquals(0.43545017, far.valence(), TOL);
    // l = 0.5 x 2 = 1
    Prediction half = threeFaces(kernel(0.5f, 0.1f)).predict(v(0.5, 0.5), 0.1f, -0.2f);
    assertEquals(0.15292044, half.arousal(), TOL);
    assertEquals(-0.03016716, half.valence(), TOL);
    // another length scale and ridge
    Prediction q = threeFaces(kernel(1f, 0.5f)).predict(v(0.5, 0.5), 0.1f, -0.2f);
    assertEquals(0.15639369, q.arousal(), TOL);
    assertEquals(-0.01728348, q.valence(), TOL);
  }

  @Test
  void theKernelInterpolatesTheFacesAndFallsBackToTheirMeanResidualFarAway() {
    var m = threeFaces(kernel(0.5f, 1e-6f));
    assertEquals(0.3, m.predict(v(0, 0), 0f, 0f).arousal(), 1e-4, "a tiny ridge: each face's own residual");
    assertEquals(0.4, m.predict(v(1, 0), 0f, 0f).valence(), 1e-4);
    Prediction far = threeFaces(kernel(0.5f, 0.1f)).predict(v(100, 100), 0.1f, -0.2f);
    assertEquals(0.1 + (0.3 - 0.2 + 0.1) / 3, far.arousal(), TOL, "far from all: PK + the mean residual");
    assertEquals(-0.2 + (-0.1 + 0.4 + 0.25) / 3, far.valence(), TOL);

    var one = new AffectiveMemory(kernel(0.5f, 0.1f));
    one.enrol(v(0, 1), 0.5f, 0.5f, 0.2f, 0.1f);
    assertEquals(0.3f + 0.1f, one.predict(v(5, 5), 0.1f, -0.2f).arousal(), TOL, "one face: PK + its residual");
    one.enrol(v(0, 1), -0.5f, 0.5f, 0f, 0f); // a second face at the same point: no distance to scale by
    assertEquals(0.1 + (0.3 - 0.5) / 2, one.predict(v(0, 1), 0.1f, -0.2f).arousal(), TOL, "then their mean");
  }

  @Test
  void aKernelThatDoesNotFactorizeAnswersWithTheMeanResidualNotNaN() {
    // two coincident faces and a ridge far below 1's rounding: K + ridge I is singular in double
    var m = new AffectiveMemory(kernel(1f, Float.MIN_VALUE));
    m.enrol(v(0, 0), 0.5f, 0.1f, 0.2f, 0.2f); // residual (0.3, -0.1)
    m.enrol(v(0, 0), -0.2f, 0.4f, 0f, 0f); // (-0.2, 0.4)
    m.enrol(v(0, 2), 0.1f, 0.5f, 0f, 0.25f); // (0.1, 0.25)
    Prediction p = m.predict(v(0, 1), 0.1f, -0.2f);
    assertEquals(0.1 + (0.3 - 0.2 + 0.1) / 3, p.arousal(), TOL);
    assertEquals(-0.2 + (-0.1 + 0.4 + 0.25) / 3, p.valence(), TOL);
    // and the solver itself on a small positive definite system: [[4, 2], [2, 3]] x = [2, 1] -> x = [0.5, 0]
    double[] b1 = {2, 1};
    double[] b2 = {4, 2};
    assertTrue(EnrolledFaces.choleskySolve(new double[] {4, 2, 2, 3}, 2, b1, b2));
    assertArrayEquals(new double[] {0.5, 0}, b1, 1e-12);
    assertArrayEquals(new double[] {1, 0}, b2, 1e-12);
    assertTrue(!EnrolledFaces.choleskySolve(new double[] {1, 2, 2, 1}, 2, new double[2], new double[2]),
        "indefinite");
  }

  @Test
  void theKernelIsRefittedWhenFacesChangeAndAfterARestore() {
    var m = threeFaces(MemoryConfig.builder().dimension(2).readout(Readout.RESIDUAL).build());
    Prediction before = m.predict(v(0.5, 0.5), 0.1f, -0.2f);
    var back = AffectiveMemoryCodec.fromBytes(AffectiveMemoryCodec.toBytes(m), m.config());
    assertEquals(before, back.predict(v(0.5, 0.5), 0.1f, -0.2f), "the fit is derived, not stored: same after restore");
    m.enrol(v(0.5, 0.5), 1f, 1f, 0f, 0f); // residual (1, 1) right at the query
    Prediction after = m.predict(v(0.5, 0.5), 0.1f, -0.2f);
    assertTrue(after.arousal() > before.arousal() + 0.3, "the new face is read at once: " + before + " -> " + after);
    assertNotEquals(after, back.predict(v(0.5, 0.5), 0.1f, -0.2f));
    // the other read-outs keep the k nearest whatever the length scale
    var nearest = threeFaces(MemoryConfig.builder().dimension(2).readout(Readout.NEAREST).enrolledK(1).build());
    assertEquals(0.5f, nearest.predict(v(0.1, 0), 0f, 0f).arousal(), TOL);
  }

  /** ReadoutTest's three neurons on the x axis (0, 1, 3) with their labels: what the memory says without enrolment. */
  static AffectiveMemory line(MemoryConfig c) {
    return ReadoutTest.line(c);
  }

  /**
   * Four enrolled faces on the y axis: A (0, 1) label (0.5, 0.5) read by the PK as (0.2, 0.1), residual (0.3, 0.4);
   * B (0, 2) label (-0.5, 0.8), PK (0, 0); C (0, 4) label (1, -1), PK (0.5, -0.5); D (0, -2) label (-1, -1), PK (0, 0).
   */
  static void enrolFour(AffectiveMemory m) {
    m.enrol(v(0, 1), 0.5f, 0.5f, 0.2f, 0.1f);
    m.enrol(v(0, 2), -0.5f, 0.8f, 0f, 0f);
    m.enrol(v(0, 4), 1f, -1f, 0.5f, -0.5f);
    m.enrol(v(0, -2), -1f, -1f, 0f, 0f);
  }

  // from z = (0, 1.25) A, B, C, D lie at 0.25, 0.75, 2.75, 3.25: the default k = 3 pools A, B, C, never D
  static final double WA = Math.exp(-0.25);
  static final double WB = Math.exp(-0.75);
  static final double WC = Math.exp(-2.75);
  static final double W = WA + WB + WC;

  @Test
  void residualIsThePkPlusTheActivationWeightedResidualOfTheThreeNearestEnrolledFaces() {
    var m = line(config(Readout.RESIDUAL));
    enrolFour(m);
    assertEquals(4, m.enrolledCount());
    Prediction p = m.predict(v(0, 1.25), 0.1f, -0.2f);
    assertEquals(0.1 + (WA * 0.3 + WB * -0.5 + WC * 0.5) / W, p.arousal(), TOL);
    assertEquals(-0.2 + (WA * 0.4 + WB * 0.8 + WC * -0.5) / W, p.valence(), TOL);
    assertEquals(Math.exp(-0.25), p.activation(), TOL, "the nearest enrolled face's activation");
    assertEquals(3, p.memorySize(), "memory size stays the GWR's neurons");
  }

  @Test
  void nearestBlendAndPaperAnswerFromTheEnrolledFacesToo() {
    var nearest = line(config(Readout.NEAREST));
    enrolFour(nearest);
    Prediction n = nearest.predict(v(0, 1.25), 0.1f, -0.2f);
    double la = (WA * 0.5 + WB * -0.5 + WC * 1) / W;
    double lv = (WA * 0.5 + WB * 0.8 + WC * -1) / W;
    assertEquals(la, n.arousal(), TOL);
    assertEquals(lv, n.valence(), TOL);

    var blend = line(config(Readout.BLEND));
    enrolFour(blend);
    // near A: activation e^-0.25 >= a_T, the enrolled faces alone
    assertEquals(n, blend.predict(v(0, 1.25), 0.1f, -0.2f));
    // at (2, 1): A, B at 2, sqrt 5; C and D tie at sqrt 13 and the older, C, is the third
    Prediction far = blend.predict(v(2, 1), 0.1f, -0.2f);
    double wa = Math.exp(-2);
    double wb = Math.exp(-Math.sqrt(5));
    double wc = Math.exp(-Math.sqrt(13));
    double mem = (wa * 0.5 + wb * -0.5 + wc * 1) / (wa + wb + wc);
    double w = Math.exp(-2) / 0.4;
    assertEquals(w * mem + (1 - w) * 0.1, far.arousal(), TOL);
    assertEquals(Math.exp(-2), far.activation(), TOL);

    var paper = line(config(Readout.PAPER));
    enrolFour(paper);
    assertEquals(new Prediction(-0.5f, 0.8f, (float) StrictMath.exp(-0.25), 3), paper.predict(v(0, 1.75), 0f, 0f));
    assertEquals(paper.predict(v(0, 1.75), 0f, 0f), paper.predict(v(0, 1.75)), "predict(z) too");
    // even on a neuron: (1, 0) is neuron 1 (label (0, 0.2)); the nearest enrolled face is A
    assertEquals(0.5f, paper.predict(v(1, 0)).arousal());
  }

  @Test
  void withoutEnrolledFacesEveryReadoutIsAsBefore() {
    for (Readout r : Readout.values()) {
      var plain = line(config(r));
      var enrolled = line(config(r));
      enrolFour(enrolled);
      for (float[] z : List.of(v(0.25, 0), v(0, 1.25), v(-2, 0.5), v(3, 0))) {
        Prediction before = plain.predict(z, 0.1f, -0.2f);
        assertNotEquals(before, enrolled.predict(z, 0.1f, -0.2f), r + " at " + z[0] + ", " + z[1]);
      }
    }
    // ReadoutTest's hand-computed NEAREST value on the same line, unchanged
    Prediction p = line(config(Readout.NEAREST)).predict(v(0.25, 0), 0f, 0f);
    double w0 = Math.exp(-0.25);
    double w1 = Math.exp(-0.75);
    assertEquals((w0 * 0.6) / (w0 + w1), p.arousal(), TOL);
  }

  @Test
  void kIsCappedAtTheNumberOfEnrolledFacesAndAMemoryWithoutNeuronsAnswersFromThem() {
    var m = new AffectiveMemory(MemoryConfig.builder().dimension(2).readout(Readout.RESIDUAL).enrolledK(5)
        .enrolledLengthScale(0f).build());
    m.enrol(v(0, 1), 0.5f, 0.5f, 0.2f, 0.1f); // residual (0.3, 0.4)
    m.enrol(v(0, 2), -0.5f, 0.8f, 0f, 0f); // residual (-0.5, 0.8)
    Prediction p = m.predict(v(0, 1.25), 0f, 0f);
    assertEquals((WA * 0.3 + WB * -0.5) / (WA + WB), p.arousal(), TOL);
    assertEquals(0, p.memorySize());
    assertEquals(0, m.size());

    var one = new AffectiveMemory(MemoryConfig.builder().dimension(2).readout(Readout.RESIDUAL).enrolledK(1)
        .enrolledLengthScale(0f).build());
    one.enrol(v(0, 1), 0.5f, 0.5f, 0.2f, 0.1f);
    one.enrol(v(0, 2), -0.5f, 0.8f, 0f, 0f);
    assertEquals(0.3f, one.predict(v(0, 1.25), 0f, 0f).arousal(), TOL, "k = 1: the nearest face's residual");
  }

  @Test
  void tiesGoToTheOlderEnrolledFace() {
    var m = new AffectiveMemory(config(Readout.PAPER));
    m.enrol(v(1, 1), 0.25f, 0.25f, 0f, 0f);
    m.enrol(v(1, 1), -0.75f, -0.75f, 0f, 0f);
    assertEquals(0.25f, m.predict(v(1, 1)).arousal());
    var back = AffectiveMemoryCodec.fromBytes(AffectiveMemoryCodec.toBytes(m), m.config());
    assertEquals(0.25f, back.predict(v(1, 1)).arousal(), "the same after a restore");
  }

  @Test
  void whenFullTheOldestIsReplaced() {
    var m = new AffectiveMemory(MemoryConfig.builder().dimension(2).readout(Readout.PAPER).maxEnrolled(3).build());
    for (int i = 0; i < 5; i++) {
      m.enrol(v(i, 0), i / 10f, -i / 10f, 0f, 0f);
      assertEquals(Math.min(i + 1, 3), m.enrolledCount());
    }
    for (int j = 0; j < 3; j++) {
      assertArrayEquals(v(j + 2, 0), m.enrolled.weights(j), "oldest first: faces 2, 3, 4 remain");
      assertEquals((j + 2) / 10f, m.enrolled.arousal[j]);
      assertEquals(-(j + 2) / 10f, m.enrolled.valence[j]);
    }
    assertEquals(0.2f, m.predict(v(0, 0)).arousal(), "face 0 is gone: the nearest left is face 2");
    m.enrol(v(9, 9), 1f, 1f, 0f, 0f);
    assertArrayEquals(v(3, 0), m.enrolled.weights(0));
    assertArrayEquals(v(9, 9), m.enrolled.weights(2));
  }

  @Test
  void enrolmentOffIgnoresEnrolledFaces() {
    MemoryConfig off = MemoryConfig.builder().dimension(2).readout(Readout.NEAREST).readoutK(2).maxEnrolled(0).build();
    var m = line(off);
    m.enrol(v(0, 1), 0.5f, 0.5f, 0.2f, 0.1f);
    assertEquals(0, m.enrolledCount());
    assertEquals(line(off).predict(v(0, 1), 0f, 0f), m.predict(v(0, 1), 0f, 0f));
    assertEquals(0, AffectiveMemoryCodec.toState(m).getEnrolledWeights().remaining());
    assertThrows(IllegalArgumentException.class, () -> m.enrol(v(0, 1), 2f, 0f, 0f, 0f), "still validated");
  }

  @Test
  void invalidFacesAreRejectedAndNothingIsKept() {
    var m = new AffectiveMemory(config(Readout.RESIDUAL));
    assertRejected(m, "non-finite", () -> m.enrol(v(Float.NaN, 0), 0f, 0f, 0f, 0f));
    assertRejected(m, "length 3", () -> m.enrol(new float[3], 0f, 0f, 0f, 0f));
    assertRejected(m, "[-1, 1]", () -> m.enrol(v(0, 0), 1.5f, 0f, 0f, 0f));
    assertRejected(m, "[-1, 1]", () -> m.enrol(v(0, 0), 0f, -1.01f, 0f, 0f));
    assertRejected(m, "[-1, 1]", () -> m.enrol(v(0, 0), Float.NaN, 0f, 0f, 0f));
    assertRejected(m, "PK", () -> m.enrol(v(0, 0), 0f, 0f, Float.NaN, 0f));
    assertRejected(m, "PK", () -> m.enrol(v(0, 0), 0f, 0f, 0f, Float.POSITIVE_INFINITY));
    assertThrows(NullPointerException.class, () -> m.enrol(null, 0f, 0f, 0f, 0f));
    assertEquals(0, m.enrolledCount());
    m.enrol(v(0, 0), -1f, 1f, 0f, 0f); // the bounds are allowed
    assertEquals(1, m.enrolledCount());
  }

  static void assertRejected(AffectiveMemory m, String mention, Runnable enrol) {
    var e = assertThrows(IllegalArgumentException.class, enrol::run);
    assertTrue(e.getMessage().contains(mention), e.getMessage());
  }

  @Test
  void theMemoryKeepsACopyOfZ() {
    var m = new AffectiveMemory(config(Readout.PAPER));
    float[] z = v(1, 2);
    m.enrol(z, 0.5f, 0.5f, 0f, 0f);
    z[0] = 100f;
    assertArrayEquals(v(1, 2), m.enrolled.weights(0));
  }

  // ---------------------------------------------------------------- the GWR rules never see them

  @Test
  void trainingNeitherSeesNorChangesEnrolledFaces() {
    Random random = new Random(21);
    var clusters = TestData.randomClusters(5, 50, 0.8, 0.1, random);
    MemoryConfig c = MemoryConfig.defaults().toBuilder().readout(Readout.RESIDUAL).build();
    var plain = new AffectiveMemory(c);
    var enrolled = new AffectiveMemory(c);
    // enrolled faces right on the clusters, where training samples land: a rule that saw them would differ
    List<float[]> faces = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      float[] z = clusters.get(i % clusters.size()).draw(random);
      faces.add(z.clone());
      enrolled.enrol(z, (i % 3 - 1) * 0.75f, (i / 3 - 1) * 0.75f, 0.1f, -0.1f);
    }
    for (int f = 0; f < 6; f++) {
      List<Sample> frame = new ArrayList<>();
      for (Sample s : TestData.labelledFrame(clusters, 40, random)) {
        frame.add(Sample.labelled(s.z(), s.arousal(), s.valence(), s.arousal() * 0.8f, s.valence() * 0.8f));
      }
      frame.add(Sample.unlabelled(clusters.get(f % clusters.size()).draw(random)));
      long seed = AffectiveMemory.seed("enrolled", f);
      plain.train(frame, seed);
      enrolled.train(frame, seed);
    }
    for (int f = 6; f < 40; f++) { // online: real frames alone
      var frame = List.of(Sample.unlabelled(clusters.get(f % clusters.size()).draw(random)));
      plain.train(frame, AffectiveMemory.seed("enrolled", f));
      enrolled.train(frame, AffectiveMemory.seed("enrolled", f));
    }
    assertTrue(plain.size() > 5, plain.toString());

    // the neurons, edges and counters are those of a memory that never had enrolled faces
    AffectiveMemoryState withoutFaces = AffectiveMemoryCodec.toState(enrolled);
    withoutFaces.setEnrolledWeights(ByteBuffer.allocate(0));
    withoutFaces.setEnrolledLabels(ByteBuffer.allocate(0));
    withoutFaces.setEnrolledResiduals(ByteBuffer.allocate(0));
    assertEquals(AffectiveMemoryCodec.toState(plain), withoutFaces);
    for (int i = 0; i < plain.size(); i++) {
      assertArrayEquals(plain.graph.weights(i), enrolled.graph.weights(i));
    }
    // and the enrolled faces are as enrolled, bit for bit
    assertEquals(9, enrolled.enrolledCount());
    for (int j = 0; j < 9; j++) {
      assertArrayEquals(faces.get(j), enrolled.enrolled.weights(j));
      assertEquals((j % 3 - 1) * 0.75f, enrolled.enrolled.arousal[j]);
      assertEquals((j % 3 - 1) * 0.75f - 0.1f, enrolled.enrolled.residualArousal[j]);
      assertEquals((j / 3 - 1) * 0.75f + 0.1f, enrolled.enrolled.residualValence[j]);
    }
  }

  // ---------------------------------------------------------------- state

  static AffectiveMemory trainedWithFaces() {
    var memory = StateTest.trained50d();
    Random random = new Random(3);
    for (int i = 0; i < 9; i++) {
      float[] z = new float[50];
      for (int d = 0; d < 50; d++) {
        z[d] = (float) random.nextGaussian();
      }
      memory.enrol(z, (float) (random.nextDouble() * 2 - 1), (float) (random.nextDouble() * 2 - 1),
          (float) random.nextGaussian(), (float) random.nextGaussian());
    }
    return memory;
  }

  @Test
  void enrolledFacesSurviveTheStateBitExactlyOldestFirst() {
    var memory = trainedWithFaces();
    byte[] bytes = AffectiveMemoryCodec.toBytes(memory);
    var back = AffectiveMemoryCodec.fromBytes(bytes, MemoryConfig.defaults());
    assertArrayEquals(bytes, AffectiveMemoryCodec.toBytes(back));
    assertEquals(9, back.enrolledCount());
    for (int j = 0; j < 9; j++) {
      assertBits(memory.enrolled.weights(j), back.enrolled.weights(j));
      assertBits(new float[] {memory.enrolled.arousal[j], memory.enrolled.valence[j],
          memory.enrolled.residualArousal[j], memory.enrolled.residualValence[j]},
          new float[] {back.enrolled.arousal[j], back.enrolled.valence[j],
              back.enrolled.residualArousal[j], back.enrolled.residualValence[j]});
    }
    AffectiveMemoryState state = AffectiveMemoryCodec.toState(memory);
    assertEquals(9 * 50 * 4, state.getEnrolledWeights().remaining());
    assertEquals(9 * 8, state.getEnrolledLabels().remaining());
    assertEquals(memory.enrolled.arousal[0], state.getEnrolledLabels().duplicate()
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(0), "the oldest face first, little-endian");
    Random random = new Random(8);
    for (Readout r : Readout.values()) {
      for (int i = 0; i < 20; i++) {
        float[] z = new float[50];
        for (int d = 0; d < 50; d++) {
          z[d] = (float) random.nextGaussian();
        }
        assertEquals(memory.predict(z, 0.1f, 0.2f, r), back.predict(z, 0.1f, 0.2f, r));
      }
    }
  }

  static void assertBits(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "at " + i);
    }
  }

  @Test
  void aStateWrittenBeforeEnrolmentHasNoEnrolledFaces() throws IOException {
    // the data file written with the first released schema
    try (InputStream in = StateTest.class.getResourceAsStream("state-v1.avro");
        DataFileStream<AffectiveMemoryState> file =
            new DataFileStream<>(in, new SpecificDatumReader<>(AffectiveMemoryState.class))) {
      var memory = AffectiveMemoryCodec.fromState(file.next(), StateTest.TWO_D);
      assertEquals(0, memory.enrolledCount());
      assertEquals(3, memory.size());
    }
    // and a writer of the current schema minus the three enrolled fields
    Schema older = StateTest.withFields(AffectiveMemoryState.getClassSchema(),
        fields -> fields.removeIf(f -> f.name().startsWith("enrolled")));
    AffectiveMemoryState now = AffectiveMemoryCodec.toState(trainedWithFaces());
    GenericRecord record = new GenericData.Record(older);
    for (Schema.Field f : older.getFields()) {
      record.put(f.name(), now.get(f.name()));
    }
    AffectiveMemoryState read = StateTest.readAs(StateTest.write(record, older), older);
    var memory = AffectiveMemoryCodec.fromState(read, MemoryConfig.defaults());
    assertEquals(0, memory.enrolledCount());
    assertEquals(now.getNeuronCount(), memory.size());
  }

  @Test
  void inconsistentEnrolledFieldsAreRejected() {
    AffectiveMemoryState good = AffectiveMemoryCodec.toState(trainedWithFaces());
    MemoryConfig c = MemoryConfig.defaults();
    StateTest.assertRejected(StateTest.copy(good, s -> s.setEnrolledWeights(slice(good.getEnrolledWeights(), 4))),
        c, "enrolledWeights");
    StateTest.assertRejected(StateTest.copy(good, s -> s.setEnrolledLabels(slice(good.getEnrolledLabels(), 8))),
        c, "enrolledLabels");
    StateTest.assertRejected(StateTest.copy(good, s -> s.setEnrolledResiduals(ByteBuffer.allocate(0))),
        c, "enrolledResiduals");
    StateTest.assertRejected(StateTest.copy(good, s -> {
      s.setEnrolledWeights(ByteBuffer.allocate(0));
    }), c, "enrolledLabels");
    StateTest.assertRejected(StateTest.copy(good, s -> s.setEnrolledLabels(patched(good.getEnrolledLabels(), 1.5f))),
        c, "[-1, 1]");
    StateTest.assertRejected(StateTest.copy(good, s -> s.setEnrolledWeights(patched(good.getEnrolledWeights(),
        Float.NaN))), c, "non-finite");
    StateTest.assertRejected(StateTest.copy(good, s -> s.setEnrolledResiduals(patched(good.getEnrolledResiduals(),
        Float.POSITIVE_INFINITY))), c, "not finite");
  }

  /** The buffer without its last {@code drop} bytes. */
  static ByteBuffer slice(ByteBuffer b, int drop) {
    byte[] all = StateTest.bytes(b);
    return ByteBuffer.wrap(java.util.Arrays.copyOf(all, all.length - drop));
  }

  /** A copy with its first float32 replaced. */
  static ByteBuffer patched(ByteBuffer b, float first) {
    ByteBuffer copy = ByteBuffer.wrap(StateTest.bytes(b));
    copy.put(0, StateTest.bytes(FloatPacking.pack(new float[] {first}, 0, 1)));
    return copy;
  }

  @Test
  void aSmallerMaxEnrolledKeepsTheNewestOnRestore() {
    var memory = trainedWithFaces();
    var two = AffectiveMemoryCodec.fromState(AffectiveMemoryCodec.toState(memory),
        MemoryConfig.defaults().toBuilder().maxEnrolled(2).build());
    assertEquals(2, two.enrolledCount());
    assertBits(memory.enrolled.weights(7), two.enrolled.weights(0));
    assertBits(memory.enrolled.weights(8), two.enrolled.weights(1));
    assertEquals(memory.enrolled.residualValence[8], two.enrolled.residualValence[1]);
    two.enrol(new float[50], 0f, 0f, 0f, 0f);
    assertBits(memory.enrolled.weights(8), two.enrolled.weights(0));
    var none = AffectiveMemoryCodec.fromState(AffectiveMemoryCodec.toState(memory),
        MemoryConfig.defaults().toBuilder().maxEnrolled(0).build());
    assertEquals(0, none.enrolledCount());
    assertEquals(memory.size(), none.size());
  }
}
