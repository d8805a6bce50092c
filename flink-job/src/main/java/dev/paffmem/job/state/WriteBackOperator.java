package dev.paffmem.job.state;

import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs a keyed function that keeps state in a {@link WriteBackCache} ({@link WritesBack}): gives it the operator's
 * key context, and writes its changed persons to keyed state in {@link #snapshotState}, which Flink calls after
 * every operator of the chain has run {@code prepareSnapshotPreBarrier} (the inference operator emits its buffered
 * frames there) and before the state backend takes its snapshot. Used as {@code transform(name, type, new
 * WriteBackOperator<>(function))}.
 */
public final class WriteBackOperator<IN, OUT> extends KeyedProcessOperator<String, IN, OUT> {
  private static final long serialVersionUID = 1L;

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
  }

  /** Writes every changed person to keyed state now (also done before each checkpoint; tests read state this way). */
  public void flush() throws Exception {
    cache().flush();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    cache().flush();
    super.snapshotState(context);
  }
}
