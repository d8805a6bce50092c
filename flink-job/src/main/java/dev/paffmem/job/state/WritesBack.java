package dev.paffmem.job.state;

import java.util.function.Consumer;
import java.util.function.Supplier;

/** A keyed function that keeps state in a {@link WriteBackCache}: run it in a {@link WriteBackOperator}. */
public interface WritesBack {
  /** Gives the function's cache the operator's key context. */
  void attach(Consumer<String> setKey, Supplier<String> getKey);

  /** Writes every changed person to keyed state now. */
  void flush() throws Exception;
}
