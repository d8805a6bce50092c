package dev.paffmem.benchmarks.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Flink's own account of where each subtask's time goes during a measurement window: the task
 * metrics {@code busyTimeMsPerSecond}, {@code idleTimeMsPerSecond} (waiting for input) and
 * {@code backPressuredTimeMsPerSecond} (waiting for output buffers), polled once a second through
 * the job's REST API and averaged. CPU time (ThreadMXBean) says what a thread did; this says what it
 * waited for when it did nothing, which is what separates a wall-clock ratio from a CPU ratio.
 */
public final class TaskTimes implements AutoCloseable {

  private static final String METRICS = "busyTimeMsPerSecond,idleTimeMsPerSecond,backPressuredTimeMsPerSecond";

  /** Averages over the window of one subtask, in ms per second (they add up to about 1000). */
  public record Subtask(String task, int index, double busy, double idle, double backPressured, int samples) {}

  private final JobRunner.Running job;
  private final Thread poller;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Map<String, double[]> sums = new LinkedHashMap<>(); // "task#i" -> busy, idle, bp, samples
  private volatile Exception failure;

  private TaskTimes(JobRunner.Running job) {
    this.job = job;
    this.poller = new Thread(this::poll, "bench-task-times");
    this.poller.setDaemon(true);
  }

  public static TaskTimes start(JobRunner.Running job) {
    TaskTimes t = new TaskTimes(job);
    t.poller.start();
    return t;
  }

  private void poll() {
    try {
      List<String[]> vertices = new ArrayList<>(); // id, name, parallelism
      for (JsonNode v : job.rest("").path("vertices")) {
        vertices.add(new String[] {v.path("id").asText(), shortName(v.path("name").asText()), v.path("parallelism").asText()});
      }
      while (running.get()) {
        long next = System.currentTimeMillis() + 1000;
        for (String[] v : vertices) {
          for (int i = 0; i < Integer.parseInt(v[2]); i++) {
            JsonNode m = job.rest("/vertices/" + v[0] + "/subtasks/" + i + "/metrics?get=" + METRICS);
            double[] s = new double[3];
            int found = 0;
            for (JsonNode e : m) {
              String id = e.path("id").asText();
              if (!e.hasNonNull("value")) {
                continue;
              }
              double value = Double.parseDouble(e.path("value").asText());
              found++;
              if (id.equals("busyTimeMsPerSecond")) {
                s[0] = value;
              } else if (id.equals("idleTimeMsPerSecond")) {
                s[1] = value;
              } else {
                s[2] = value;
              }
            }
            if (found == 3) {
              synchronized (sums) {
                double[] acc = sums.computeIfAbsent(v[1] + "#" + i, k -> new double[4]);
                acc[0] += s[0];
                acc[1] += s[1];
                acc[2] += s[2];
                acc[3]++;
              }
            }
          }
        }
        Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure = e;
    }
  }

  /** Flink's vertex names chain operator names with " -> "; keep them readable in a table. */
  static String shortName(String name) {
    String s = name.replaceAll("\\s+", " ").replace("Source: ", "");
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  /** Stops polling and returns the averages per subtask. */
  public List<Subtask> stop() throws InterruptedException {
    running.set(false);
    poller.interrupt();
    poller.join(5000);
    List<Subtask> out = new ArrayList<>();
    synchronized (sums) {
      sums.forEach((k, a) -> {
        int hash = k.lastIndexOf('#');
        out.add(new Subtask(k.substring(0, hash), Integer.parseInt(k.substring(hash + 1)),
            a[0] / a[3], a[1] / a[3], a[2] / a[3], (int) a[3]));
      });
    }
    return out;
  }

  /** Lines for details.txt; says so if the REST API could not be read. */
  public static String table(List<Subtask> subtasks, Exception failure) {
    StringBuilder sb = new StringBuilder("    Flink task time (ms per second, averaged over the window): busy / idle (no input) / back-pressured (no output buffer)\n");
    for (Subtask s : subtasks) {
      sb.append(String.format("      %-62s #%d  busy %5.0f  idle %5.0f  back-pressured %5.0f  (%d samples)%n",
          s.task(), s.index(), s.busy(), s.idle(), s.backPressured(), s.samples()));
    }
    if (failure != null) {
      sb.append("      (polling failed: ").append(failure).append(")\n");
    }
    return sb.toString();
  }

  public Exception failure() {
    return failure;
  }

  @Override
  public void close() throws InterruptedException {
    if (running.get()) {
      stop();
    }
  }
}
