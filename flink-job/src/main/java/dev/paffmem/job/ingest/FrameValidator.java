package dev.paffmem.job.ingest;

import dev.paffmem.job.records.Frame;
import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.schema.RejectReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Flink adapter of {@link FrameDecoder}: valid frames go on, the rest to the {@link Rejections#TAG}
 * side output. Keyed by {@link RoutingKey} (stateless): it runs after the keyBy, so a frame crosses the
 * network as its raw record (about the size of its JPEG) and is decoded on the subtask that owns its person.
 * Metrics: {@code framesIn}, {@code framesRejected} per {@code reason}, and {@code turboJpeg}: 1 when JPEG frames
 * are decoded by libjpeg-turbo's TurboJPEG API, 0 when by the JDK's ImageIO reader ({@link JpegDecoder}).
 */
public final class FrameValidator extends KeyedProcessFunction<String, KafkaRecordBytes, Frame> {
  private static final long serialVersionUID = 1L;

  private final FrameDecoder decoder;
  private transient Counter framesIn;
  private transient RejectCounters rejected;

  public FrameValidator(FrameDecoder decoder) {
    this.decoder = decoder;
  }

  @Override
  public void open(OpenContext openContext) {
    framesIn = getRuntimeContext().getMetricGroup().counter("framesIn");
    rejected = new RejectCounters(getRuntimeContext().getMetricGroup());
    int turbo = decoder.jpegDecoder() == JpegDecoder.TURBOJPEG ? 1 : 0;
    getRuntimeContext().getMetricGroup().<Integer, org.apache.flink.metrics.Gauge<Integer>>gauge("turboJpeg", () -> turbo);
  }

  @Override
  public void processElement(KafkaRecordBytes record, Context ctx, Collector<Frame> out) {
    framesIn.inc();
    FrameDecoder.Result r = decoder.decode(record, ctx.timerService().currentProcessingTime());
    if (r.accepted()) {
      out.collect(r.frame());
    } else {
      rejected.inc(r.rejected().getReason());
      ctx.output(Rejections.TAG, r.rejected());
    }
  }

  /** {@code framesRejected} counters, one per reason (metric group {@code reason=<REASON>}), registered on first use. */
  public static final class RejectCounters {
    private final Map<RejectReason, Counter> counters = new EnumMap<>(RejectReason.class);
    private final MetricGroup group;

    public RejectCounters(MetricGroup group) {
      this.group = group;
    }

    public void inc(RejectReason reason) {
      counters.computeIfAbsent(reason, r -> group.addGroup("reason", r.name()).counter("framesRejected")).inc();
    }

    public long count(RejectReason reason) {
      Counter c = counters.get(reason);
      return c == null ? 0 : c.getCount();
    }
  }
}
