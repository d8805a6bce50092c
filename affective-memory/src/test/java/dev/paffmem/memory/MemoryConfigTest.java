package dev.paffmem.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MemoryConfigTest {

  @Test
  void defaultsAreTable1AndTheAuthorsCode() {
    MemoryConfig c = MemoryConfig.defaults();
    assertEquals(0.4f, c.activityThreshold());
    assertEquals(0.2f, c.habituationThreshold());
    assertEquals(0.087f, c.epsilonB(), "Table 1's first 'habituation modulation' value is eps_b in the code");
    assertEquals(0.032f, c.epsilonN(), "... and the second is eps_n");
    assertEquals(0.3f, c.tauB());
    assertEquals(0.1f, c.tauN());
    assertEquals(1.05f, c.kappa());
    assertEquals(0.4f, c.labelRate());
    assertEquals(10, c.epochs());
    assertEquals(600, c.maxEdgeAge());
    assertEquals(MemoryConfig.DEFAULT_MAX_NEURONS, c.maxNeurons());
    assertEquals(50, c.dimension());
    assertEquals(3, c.enrolledK(), "enrolled faces: the 3 nearest, as measured offline");
    assertEquals(64, c.maxEnrolled());
    assertEquals(1f, c.enrolledLengthScale(), "the kernel read-out chosen on the tuning seeds");
    assertEquals(0.1f, c.enrolledRidge());
  }

  @Test
  void toBuilderCopiesEveryField() {
    MemoryConfig c = MemoryConfig.builder().dimension(7).maxNeurons(33).epochs(2).kappa(1.2f).tauB(0.5f)
        .enrolledK(4).maxEnrolled(9).enrolledLengthScale(0.7f).enrolledRidge(0.3f).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals(c.hashCode(), c.toBuilder().build().hashCode());
    assertEquals(9, c.toBuilder().build().maxEnrolled());
    assertTrue(!c.equals(c.toBuilder().enrolledK(5).build()) && !c.equals(c.toBuilder().maxEnrolled(8).build()));
    assertTrue(!c.equals(c.toBuilder().enrolledLengthScale(1f).build())
        && !c.equals(c.toBuilder().enrolledRidge(0.1f).build()));
    assertTrue(c.toString().contains("enrolledK=4, maxEnrolled=9, enrolledLengthScale=0.7, enrolledRidge=0.3"),
        c.toString());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad("activityThreshold", "(0.0, 1.0]", b -> b.activityThreshold(0f)),
        bad("activityThreshold", "(0.0, 1.0]", b -> b.activityThreshold(Float.NaN)),
        bad("habituationThreshold", "(0.0, 1.0]", b -> b.habituationThreshold(1.5f)),
        bad("epsilonB", "[0.0, 1.0]", b -> b.epsilonB(-0.1f)),
        bad("epsilonN", "[0.0, 1.0]", b -> b.epsilonN(2f)),
        bad("kappa", "[1.0, 100.0]", b -> b.kappa(0.9f)),
        bad("tauB", "(0.0, 0.952", b -> b.tauB(0.99f)), // tau * kappa must stay <= 1
        bad("tauN", "(0.0, 0.952", b -> b.tauN(0f)),
        bad("labelRate", "[0.0, 1.0]", b -> b.labelRate(1.01f)),
        bad("epochs", "[1, 10000]", b -> b.epochs(0)),
        bad("maxEdgeAge", "[1, 1000000000]", b -> b.maxEdgeAge(0)),
        bad("maxNeurons", "[2, 1000000]", b -> b.maxNeurons(1)),
        bad("dimension", "[1, 65536]", b -> b.dimension(0)),
        bad("maxNeurons * dimension", "<=", b -> b.maxNeurons(1_000_000).dimension(65_536)),
        bad("enrolledK", "[1, 1000]", b -> b.enrolledK(0)),
        bad("enrolledK", "[1, 1000]", b -> b.enrolledK(1001)),
        bad("maxEnrolled", "[0, 100000]", b -> b.maxEnrolled(-1)),
        bad("enrolledLengthScale", "[0.0, 100.0]", b -> b.enrolledLengthScale(-0.1f)),
        bad("enrolledLengthScale", "[0.0, 100.0]", b -> b.enrolledLengthScale(Float.NaN)),
        bad("enrolledRidge", "(0.0, 100.0]", b -> b.enrolledRidge(0f)),
        bad("maxEnrolled", "[0, 100000]", b -> b.maxEnrolled(100_001).enrolledLengthScale(0f)),
        bad("maxEnrolled", "<= 256 with the kernel read-out", b -> b.maxEnrolled(257)),
        bad("maxEnrolled * dimension", "<=", b -> b.maxEnrolled(100_000).dimension(65_536).enrolledLengthScale(0f)));
  }

  static Arguments bad(String field, String range, UnaryOperator<MemoryConfig.Builder> change) {
    return Arguments.of(field, range, change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidValuesAreRejectedWithTheFieldAndItsRange(String field, String range,
      UnaryOperator<MemoryConfig.Builder> change) {
    var e = assertThrows(IllegalArgumentException.class, () -> change.apply(MemoryConfig.builder()).build());
    assertTrue(e.getMessage().startsWith(field + " must be"), e.getMessage());
    assertTrue(e.getMessage().contains(range), e.getMessage());
  }

  @Test
  void boundaryValuesAreAccepted() {
    MemoryConfig c = MemoryConfig.builder().activityThreshold(1f).habituationThreshold(1f).epsilonB(0f)
        .epsilonN(1f).kappa(1f).tauB(1f).tauN(1f).labelRate(0f).epochs(1).maxEdgeAge(1).maxNeurons(2)
        .dimension(1).enrolledK(1).maxEnrolled(0).build();
    assertEquals(2, c.maxNeurons());
    assertEquals(256, MemoryConfig.builder().maxEnrolled(256).build().maxEnrolled(), "the kernel's limit");
    assertEquals(100_000, MemoryConfig.builder().maxEnrolled(100_000).enrolledLengthScale(0f).build().maxEnrolled(),
        "the k nearest have none but the array size");
  }
}
