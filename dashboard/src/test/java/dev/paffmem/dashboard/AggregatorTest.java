package dev.paffmem.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.schema.Phase;
import dev.paffmem.schema.RejectReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AggregatorTest {

  static final long T0 = 1_700_000_000_000L;

  @Test
  void seriesDownsamplesIntoBucketMeansAndStaysBounded() {
    PersonSeries s = new PersonSeries(250, 8);
    // 25 predictions in one 250 ms bucket: one point, their mean
    for (int i = 0; i < 25; i++) {
      s.add(T0 + i * 10, i % 2 == 0 ? 1f : 0f, -0.5f, 0.2f, 0.4f);
    }
    List<PersonSeries.Point> points = s.since(Long.MIN_VALUE);
    assertEquals(1, points.size());
    assertEquals(13 / 25f, points.get(0).arousal(), 1e-6);
    assertEquals(-0.5f, points.get(0).valence(), 1e-6);
    assertEquals(25, points.get(0).count());
    // an hour at 100 predictions a second: never more than the ring's 8 points, the newest ones, in order
    for (int i = 0; i < 360_000; i++) {
      s.add(T0 + 1000 + i * 10L, 0.1f, 0.1f, 0.1f, 0.1f);
    }
    points = s.since(Long.MIN_VALUE);
    assertEquals(8, points.size());
    for (int i = 1; i < points.size(); i++) {
      assertEquals(points.get(i - 1).t() + 250, points.get(i).t());
    }
    assertEquals(T0 + 1000 + 359_999 * 10L - (T0 + 1000 + 359_999 * 10L) % 250, points.get(7).t());
  }

  @Test
  void seriesMergesLatePredictionsIntoTheirBucketAndDropsTooOldOnes() {
    PersonSeries s = new PersonSeries(100, 4);
    s.add(T0, 0f, 0f, 0f, 0f);
    s.add(T0 + 100, 1f, 0f, 0f, 0f);
    s.add(T0 + 50, 1f, 0f, 0f, 0f); // late, into the first bucket
    assertEquals(0.5f, s.since(Long.MIN_VALUE).get(0).arousal(), 1e-6);
    for (int i = 2; i < 6; i++) {
      s.add(T0 + i * 100, 0f, 0f, 0f, 0f);
    }
    assertFalse(s.add(T0, 1f, 1f, 1f, 1f), "older than the ring holds");
    assertEquals(List.of(T0 + 200, T0 + 300, T0 + 400, T0 + 500),
        s.since(Long.MIN_VALUE).stream().map(PersonSeries.Point::t).toList());
    assertEquals(List.of(T0 + 400, T0 + 500), s.since(T0 + 400).stream().map(PersonSeries.Point::t).toList());
    assertEquals(List.of(T0 + 500), s.last(1).stream().map(PersonSeries.Point::t).toList());
  }

  @Test
  void rowsDeltaCarriesOnlyWhatChangedSinceTheClientsCursor() {
    Aggregator agg = new Aggregator(Aggregator.Settings.defaults());
    agg.onPrediction(TestStreams.synthetic(1, "a", 0, T0), T0 + 5);
    agg.onPrediction(TestStreams.synthetic(2, "b", 0, T0), T0 + 5);
    Aggregator.RowsDelta first = agg.rowsSince(0, -1);
    assertTrue(first.full());
    assertEquals(Set.of("a", "b"), ids(first));
    agg.onPrediction(TestStreams.synthetic(2, "b", 1, T0 + 40), T0 + 45);
    Aggregator.RowsDelta next = agg.rowsSince(first.version(), first.epoch());
    assertFalse(next.full());
    assertEquals(Set.of("b"), ids(next));
    assertEquals(2, next.rows().get(0).n());
    assertTrue(agg.rowsSince(next.version(), next.epoch()).rows().isEmpty());
  }

  @Test
  void beyondMaxPersonsTheOneSeenLongestAgoIsForgottenAndClientsResync() {
    Aggregator agg = new Aggregator(Aggregator.Settings.defaults().withMaxPersons(3));
    for (int i = 0; i < 3; i++) {
      agg.onPrediction(TestStreams.synthetic(i, "p" + i, 0, T0), T0 + i);
    }
    Aggregator.RowsDelta before = agg.rowsSince(0, -1);
    agg.onPrediction(TestStreams.synthetic(0, "p0", 1, T0 + 50), T0 + 50); // p1 is now the stalest
    agg.onPrediction(TestStreams.synthetic(3, "p3", 0, T0 + 60), T0 + 60);
    assertEquals(3, agg.personCount());
    assertNull(agg.row("p1"));
    Aggregator.RowsDelta after = agg.rowsSince(before.version(), before.epoch());
    assertTrue(after.full(), "a client must drop the forgotten row");
    assertEquals(Set.of("p0", "p2", "p3"), ids(after));
  }

  @Test
  void healthCountsDeadLettersByReasonKeepsTheLatestAndMeasuresLatency() {
    Aggregator.Settings s = new Aggregator.Settings(250, 240, 40, Duration.ofSeconds(5), 100, 100, 3);
    Aggregator agg = new Aggregator(s);
    for (int i = 0; i < 100; i++) { // event -> prediction i ms, prediction -> visible 1000 ms
      long processing = T0 + i * 10;
      agg.onPrediction(TestStreams.prediction("a", i, processing, processing - i, 0, 0, 0, 0,
          i < 25 ? Phase.GENERATING : Phase.ONLINE, 5, 0.5f), processing + 1000);
    }
    for (int i = 0; i < 4; i++) {
      agg.onDeadLetter(TestStreams.rejected(RejectReason.DUPLICATE_FRAME, "a", i, i, "dup " + i), T0 + 2000);
    }
    agg.onDeadLetter(TestStreams.rejected(RejectReason.NON_FINITE_LABEL, "b", 9, 9, "NaN"), T0 + 2000);
    agg.onUnreadable();
    Aggregator.Health h = agg.health(T0 + 3000);
    assertEquals(Map.of("DUPLICATE_FRAME", 4L, "NON_FINITE_LABEL", 1L), h.deadLettersByReason());
    assertEquals(5, h.deadLetters());
    assertEquals(List.of("NaN", "dup 3", "dup 2"), h.latestDeadLetters().stream().map(Aggregator.DeadLetterView::message).toList());
    assertEquals(1, h.unreadable());
    assertEquals(49L, h.eventToPrediction().p50());
    assertEquals(94L, h.eventToPrediction().p95());
    assertEquals(99L, h.eventToPrediction().max());
    assertEquals(1000L, h.predictionToVisible().p50());
    assertEquals(1, h.models().size());
    assertEquals(100, h.models().get(0).predictions());
    assertEquals(1, h.activePersons());
    assertEquals(0, h.generating(), "the person's latest phase is ONLINE");
    assertEquals(0, agg.health(T0 + 10_000).activePersons(), "idle after 5 s");
    assertEquals(1, agg.health(T0 + 10_000).persons());
  }

  @Test
  void ratesArePerSecondOverTheLastCompleteSecondsAndTheInputRateComesFromEndOffsets() {
    Aggregator agg = new Aggregator(Aggregator.Settings.defaults());
    long start = 1_700_000_000_000L; // a whole second
    for (int sec = 0; sec < 10; sec++) {
      for (int i = 0; i < 500; i++) {
        agg.onPrediction(TestStreams.synthetic(1, "p" + (i % 50), sec * 500L + i, start + sec * 1000L + i), start + sec * 1000L + i);
      }
      agg.onInputEndOffsets(1_000_000 + sec * 520L, start + sec * 1000L + 999);
    }
    Aggregator.Health h = agg.health(start + 10_000);
    assertEquals(500.0, h.predictionsPerSecond(), 1e-9);
    assertEquals(9 * 520 / 10.0, h.framesInPerSecond(), 1e-9, "the first end offsets are the baseline");
    assertEquals(Aggregator.THROUGHPUT_SECONDS, h.throughput().predictions().length);
    assertEquals(500, h.throughput().predictions()[Aggregator.THROUGHPUT_SECONDS - 1]);
    assertEquals(0, h.throughput().predictions()[0]);
  }

  private static Set<String> ids(Aggregator.RowsDelta d) {
    return d.rows().stream().map(Aggregator.PersonRow::id).collect(Collectors.toSet());
  }
}
