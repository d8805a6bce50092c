package dev.paffmem.job.state;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs a keyed function that keeps state in a {@link WriteBackCache} ({@link WritesBack}): gives it the operator's
 * key context, and writes its changed persons to keyed state in {@link #snapshotState}, which Flink calls after
 * every operator of the chain has run {@code prepareSnapshotPreBarrier} (the inference operator emits its buffered
 * frames there) and before the state backend takes its snapshot. Used as {@code transform(name, type, new
 * WriteBackOperator<>(function))}.
 *
 * <p>Metrics: {@code writeBackMs} (the write-back's share of each checkpoint's synchronous part, which holds the
 * task thread), {@code writeBackPersons} (persons written at each checkpoint), {@code writeBackEarly} (persons
 * written back early, after their element: {@link WriteBackCache}) and {@code writeBackEarlyWasted} (early writes the
 * person's next frame, before the checkpoint, made one too many).
 */
public final class WriteBackOperator<IN, OUT> extends KeyedProcessOperator<String, IN, OUT> {
  private static final long serialVersionUID = 1L;

  private transient Histogram writeBackMs;
  private transient Histogram writeBackPersons;

  public <F extends KeyedProcessFunction<String, IN, OUT> & WritesBack> WriteBackOperator(F function) {
    super(function);
  }

  private WriteBackCache<?> cache() {
    return ((WritesBack) userFunction).writeBackCache();
  }

  @Override
  public void open() throws Exception {
    super.open();
    cache().attach(this::setCurrentKey, () -> (String) getCurrentKey());
    cache().clock(getProcessingTimeService()::getCurrentProcessingTime);
    Gauge<Long> early = cache()::earlyWrites;
    getMetricGroup().gauge("writeBackEarly", early);
    Gauge<Long> wasted = cache()::earlyWritesWasted;
    getMetricGroup().gauge("writeBackEarlyWasted", wasted);
    writeBackMs = getMetricGroup().histogram("writeBackMs", new DescriptiveStatisticsHistogram(100));
    writeBackPersons = getMetricGroup().histogram("writeBackPersons", new DescriptiveStatisticsHistogram(100));
  }

  /** Writes every changed person to keyed state now (also done before each checkpoint; tests read state this way). */
  public void flush() throws Exception {
    cache().flush();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    long started = System.nanoTime();
    int written = cache().flush();
    writeBackMs.update((System.nanoTime() - started) / 1_000_000);
    writeBackPersons.update(written);
    super.snapshotState(context);
  }
}
