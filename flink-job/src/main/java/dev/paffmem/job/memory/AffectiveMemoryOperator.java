package dev.paffmem.job.memory;

import dev.paffmem.schema.AffectPrediction;
import dev.paffmem.job.records.EncodedFrame;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs {@link AffectiveMemoryFunction} with its {@link PersonCache}: gives the cache the operator's key context (to
 * write back a person other than the current one) and writes every changed person to keyed state in {@link
 * #snapshotState}, which Flink calls after every operator of the chain has run {@code prepareSnapshotPreBarrier}
 * (the inference operator emits its buffered frames there, into this one) and before the state backend takes its
 * snapshot. Used as {@code transform("affective memory", type, new AffectiveMemoryOperator(function))}.
 */
public final class AffectiveMemoryOperator extends KeyedProcessOperator<String, EncodedFrame, AffectPrediction> {
  private static final long serialVersionUID = 1L;

  public AffectiveMemoryOperator(AffectiveMemoryFunction function) {
    super(function);
  }

  private AffectiveMemoryFunction memory() {
    return (AffectiveMemoryFunction) userFunction;
  }

  @Override
  public void open() throws Exception {
    super.open();
    memory().attach(this::setCurrentKey, () -> (String) getCurrentKey());
  }

  /** Writes every changed person to keyed state now (tests that read the state between checkpoints). */
  void flush() throws Exception {
    memory().flush();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    memory().flush();
    super.snapshotState(context);
  }
}
