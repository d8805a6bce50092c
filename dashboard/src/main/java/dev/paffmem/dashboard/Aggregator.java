package dev.paffmem.dashboard;

import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.schema.RejectedFrame;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the dashboard shows, aggregated on the server from the prediction and dead-letter streams, in
 * bounded memory: per person the latest prediction and a downsampled {@link PersonSeries}; for the job,
 * per-second rates, latency percentiles over the last predictions, dead letters by reason with the latest
 * ones, and the models seen. Plain Java, no Kafka: {@link KafkaFeed} feeds it, the web layer reads views.
 *
 * <p>Thread-safe: one writer (the Kafka feed) and any number of readers, under one lock; every call
 * is short (readers copy what they need).
 */
public final class Aggregator {

  /**
   * Bounds and time resolution.
   *
   * @param bucketMillis   one chart point per person per this many milliseconds (downsampling)
   * @param seriesPoints   chart points kept per person (bucketMillis x seriesPoints is the chart's window)
   * @param trailPoints    points of the recent trajectory drawn on the circumplex
   * @param idleAfter      a person without a new prediction for this long is shown idle (faded)
   * @param maxPersons     persons kept; beyond it the one seen longest ago is forgotten
   * @param latencySamples predictions the latency percentiles are computed over
   * @param recentDeadLetters dead letters kept with their message
   */
  public record Settings(long bucketMillis, int seriesPoints, int trailPoints, Duration idleAfter, int maxPersons,
      int latencySamples, int recentDeadLetters) {

    public static Settings defaults() {
      return new Settings(250, 240, 40, Duration.ofSeconds(30), 5_000, 4_096, 25);
    }

    public Settings withIdleAfter(Duration d) {
      return new Settings(bucketMillis, seriesPoints, trailPoints, d, maxPersons, latencySamples, recentDeadLetters);
    }

    public Settings withMaxPersons(int n) {
      return new Settings(bucketMillis, seriesPoints, trailPoints, idleAfter, n, latencySamples, recentDeadLetters);
    }

    public long windowMillis() {
      return bucketMillis * seriesPoints;
    }
  }

  /**
   * A row of the persons list: the person's latest prediction. Short names, as 1,000 of them go out per tick:
   * phase, memory and PK arousal/valence, memory size, BMU activation, last processing time (job clock),
   * last received (this host's clock), predictions seen.
   */
  public record PersonRow(String id, String ph, float a, float v, float pa, float pv, int m, float b,
      long t, long r, long n) {}

  /** Rows changed since a client's cursor; {@code full} means "forget what you had" (after an eviction). */
  public record RowsDelta(long version, long epoch, boolean full, List<PersonRow> rows) {}

  /** A dead letter as listed on the page (without its original bytes). */
  public record DeadLetterView(long at, String reason, String personId, Long frameIndex, String topic,
      int partition, long offset, String message) {}

  /** A model seen in the predictions. */
  public record ModelView(String id, String version, long predictions, long lastSeen) {}

  /** Latency percentiles in milliseconds over the last predictions, or all null. */
  public record LatencyView(Long p50, Long p95, Long p99, Long max) {
    static LatencyView of(long[] p) {
      return p == null ? new LatencyView(null, null, null, null) : new LatencyView(p[0], p[1], p[2], p[3]);
    }
  }

  /** The job's health as the page shows it. Rates are means over the last 10 complete seconds. */
  public record Health(long now, double framesInPerSecond, double predictionsPerSecond, double deadLettersPerSecond,
      long predictions, long deadLetters, long unreadable, int persons, int activePersons, int generating,
      LatencyView eventToPrediction, LatencyView predictionToVisible, Map<String, Long> deadLettersByReason,
      List<DeadLetterView> latestDeadLetters, List<ModelView> models, Throughput throughput, FeedStatus feed) {}

  /** Per-second counts of the last seconds, oldest first; {@code t0} is the first second (epoch seconds). */
  public record Throughput(long t0, long[] framesIn, long[] predictions, long[] deadLetters) {}

  /** What the Kafka feed reports about itself. */
  public record FeedStatus(boolean connected, String error, long lag, boolean inputTopicSeen) {}

  private static final class Person {
    final String id;
    final PersonSeries series;
    String phase;
    float a;
    float v;
    float pa;
    float pv;
    int memorySize;
    float bmu;
    long lastProcessing;
    long lastReceived;
    long frames;
    long version;

    Person(String id, Settings s) {
      this.id = id;
      this.series = new PersonSeries(s.bucketMillis(), s.seriesPoints());
    }

    PersonRow row() {
      return new PersonRow(id, phase, round3(a), round3(v), round3(pa), round3(pv), memorySize, round3(bmu),
          lastProcessing, lastReceived, frames);
    }
  }

  /** Three decimals are what the page shows; fewer digits on the wire. */
  static float round3(float x) {
    return Math.round(x * 1000f) / 1000f;
  }

  static final int RATE_WINDOW_SECONDS = 10;
  static final int THROUGHPUT_SECONDS = 120;

  private final Settings settings;
  private final HashMap<String, Person> persons = new HashMap<>();
  private final RateMeter framesIn = new RateMeter(THROUGHPUT_SECONDS + 2);
  private final RateMeter predictionsRate = new RateMeter(THROUGHPUT_SECONDS + 2);
  private final RateMeter deadLettersRate = new RateMeter(THROUGHPUT_SECONDS + 2);
  private final LatencyReservoir eventToPrediction;
  private final LatencyReservoir predictionToVisible;
  private final Map<String, Long> deadByReason = new TreeMap<>();
  private final ArrayDeque<DeadLetterView> recentDead = new ArrayDeque<>();
  private final Map<String, ModelView> models = new LinkedHashMap<>();
  private long version;
  private long epoch;
  private long predictions;
  private long deadLetters;
  private long unreadable;
  private long lastInputEndOffsets = -1;
  private FeedStatus feed = new FeedStatus(false, null, 0, false);

  public Aggregator(Settings settings) {
    this.settings = settings;
    this.eventToPrediction = new LatencyReservoir(settings.latencySamples());
    this.predictionToVisible = new LatencyReservoir(settings.latencySamples());
  }

  public Settings settings() {
    return settings;
  }

  /** One committed prediction, received (read from Kafka) at {@code receivedAt} (epoch ms, this host's clock). */
  public synchronized void onPrediction(AffectPrediction p, long receivedAt) {
    Person person = persons.get(p.getPersonId());
    if (person == null) {
      if (persons.size() >= settings.maxPersons()) {
        forgetLeastRecentlySeen();
      }
      person = new Person(p.getPersonId(), settings);
      persons.put(person.id, person);
    }
    long processing = p.getProcessingTime().toEpochMilli();
    long event = p.getEventTime().toEpochMilli();
    person.phase = p.getPhase().name();
    person.a = p.getArousal();
    person.v = p.getValence();
    person.pa = p.getPkArousal();
    person.pv = p.getPkValence();
    person.memorySize = p.getMemorySize();
    person.bmu = p.getBmuActivation();
    person.lastProcessing = Math.max(person.lastProcessing, processing);
    person.lastReceived = receivedAt;
    person.frames++;
    person.version = ++version;
    person.series.add(processing, p.getArousal(), p.getValence(), p.getPkArousal(), p.getPkValence());

    predictions++;
    predictionsRate.add(receivedAt, 1);
    eventToPrediction.add(processing - event);
    predictionToVisible.add(receivedAt - processing);
    String key = p.getModelId() + "\u0000" + p.getModelVersion();
    ModelView m = models.get(key);
    models.put(key, new ModelView(p.getModelId(), p.getModelVersion(), m == null ? 1 : m.predictions() + 1,
        Math.max(processing, m == null ? 0 : m.lastSeen())));
  }

  /** One dead letter from the job. */
  public synchronized void onDeadLetter(RejectedFrame r, long receivedAt) {
    deadLetters++;
    deadLettersRate.add(receivedAt, 1);
    deadByReason.merge(r.getReason().name(), 1L, Long::sum);
    recentDead.addFirst(new DeadLetterView(r.getRejectedAt().toEpochMilli(), r.getReason().name(), r.getPersonId(),
        r.getFrameIndex(), r.getSourceTopic(), r.getPartition(), r.getOffset(), r.getMessage()));
    while (recentDead.size() > settings.recentDeadLetters()) {
      recentDead.removeLast();
    }
  }

  /** A record on either topic that does not decode as its schema (counted and shown, never fatal). */
  public synchronized void onUnreadable() {
    unreadable++;
  }

  /** The sum of the input topic's end offsets now: its growth is the job's input rate. */
  public synchronized void onInputEndOffsets(long sum, long now) {
    if (lastInputEndOffsets >= 0 && sum > lastInputEndOffsets) {
      framesIn.add(now, sum - lastInputEndOffsets);
    }
    lastInputEndOffsets = sum;
  }

  public synchronized void onFeedStatus(FeedStatus status) {
    this.feed = status;
  }

  private void forgetLeastRecentlySeen() {
    persons.values().stream().min(Comparator.comparingLong(p -> p.lastReceived))
        .ifPresent(p -> persons.remove(p.id));
    epoch++;
  }

  /** Rows changed after {@code sinceVersion}; every row if the client's {@code epoch} is not the current one. */
  public synchronized RowsDelta rowsSince(long sinceVersion, long clientEpoch) {
    boolean full = clientEpoch != epoch;
    List<PersonRow> rows = new ArrayList<>();
    for (Person p : persons.values()) {
      if (full || p.version > sinceVersion) {
        rows.add(p.row());
      }
    }
    return new RowsDelta(version, epoch, full, rows);
  }

  /** The person's chart points with a bucket start at or after {@code fromT}; null if the person is unknown. */
  public synchronized List<PersonSeries.Point> seriesSince(String personId, long fromT) {
    Person p = persons.get(personId);
    return p == null ? null : p.series.since(fromT);
  }

  public synchronized PersonRow row(String personId) {
    Person p = persons.get(personId);
    return p == null ? null : p.row();
  }

  public synchronized int personCount() {
    return persons.size();
  }

  public synchronized Health health(long now) {
    int active = 0;
    int generating = 0;
    long idleMillis = settings.idleAfter().toMillis();
    for (Person p : persons.values()) {
      if (now - p.lastReceived <= idleMillis) {
        active++;
        if ("GENERATING".equals(p.phase)) {
          generating++;
        }
      }
    }
    long t0 = Math.floorDiv(now, 1000) - THROUGHPUT_SECONDS;
    Throughput tp = new Throughput(t0, framesIn.lastSeconds(now, THROUGHPUT_SECONDS),
        predictionsRate.lastSeconds(now, THROUGHPUT_SECONDS), deadLettersRate.lastSeconds(now, THROUGHPUT_SECONDS));
    return new Health(now, framesIn.perSecond(now, RATE_WINDOW_SECONDS),
        predictionsRate.perSecond(now, RATE_WINDOW_SECONDS), deadLettersRate.perSecond(now, RATE_WINDOW_SECONDS),
        predictions, deadLetters, unreadable, persons.size(), active, generating,
        LatencyView.of(eventToPrediction.percentiles()), LatencyView.of(predictionToVisible.percentiles()),
        new TreeMap<>(deadByReason), new ArrayList<>(recentDead), new ArrayList<>(models.values()), tp, feed);
  }
}
