package dev.paffmem.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Adds "·cpu": the benchmark JVM's CPU time per operation. On a shared machine wall time
 * includes waiting for a core; CPU time does not (it does include the JVM's own GC and JIT
 * threads, small in the measured iterations). Use with {@code -prof dev.paffmem.benchmarks.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long start;

  @Override
  public String getDescription() {
    return "process CPU time per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    start = os.getProcessCpuTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
      IterationParams iterationParams, IterationResult result) {
    long cpuNanos = os.getProcessCpuTime() - start;
    long ops = Math.max(1, result.getMetadata().getAllOps());
    TimeUnit unit = benchmarkParams.getTimeUnit();
    double perOp = cpuNanos / (double) ops / unit.toNanos(1);
    return List.of(new ScalarResult("cpu", perOp, TimeValue.tuToString(unit) + "/op", AggregationPolicy.AVG));
  }
}
