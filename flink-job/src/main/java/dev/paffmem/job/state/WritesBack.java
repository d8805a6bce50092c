package dev.paffmem.job.state;

/** A keyed function that keeps state in a {@link WriteBackCache}: run it in a {@link WriteBackOperator}. */
public interface WritesBack {
  /** The function's cache (made in its {@code open}); the operator gives it the key context and flushes it. */
  WriteBackCache<?> writeBackCache();
}
