package dev.paffmem.benchmarks.job;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU time of a measurement window goes: CPU time per thread (ThreadMXBean), grouped
 * into the job's tasks, the broker and the harness, plus a JFR recording of the same window
 * (jdk.ExecutionSample and jdk.NativeMethodSample every 10 ms) for what runs inside each task.
 *
 * <p>Process CPU time minus all Java threads' is "unattributed": GC, JIT compiler and any
 * ONNX Runtime pool threads (none with one intra-op thread: ORT then runs on the calling thread).
 */
public final class Profile {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** Thread ids that belong to the embedded broker (taken right after it started). */
  private static volatile Set<Long> brokerThreads = Set.of();

  private final Map<Long, long[]> startCpu = new HashMap<>();
  private final Map<Long, String> names = new HashMap<>();
  private Map<String, Long> startNative = Map.of();
  private long startProcess;
  private long startWall;
  private Recording recording;
  private final Path jfrFile;

  private Profile(Path jfrFile) {
    this.jfrFile = jfrFile;
  }

  public static void markBrokerThreads() {
    brokerThreads = java.util.Arrays.stream(THREADS.getAllThreadIds()).boxed().collect(Collectors.toSet());
  }

  public static Profile start(Path jfrFile) {
    Profile p = new Profile(jfrFile);
    if (jfrFile != null) {
      p.recording = new Recording();
      p.recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
      p.recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(10));
      p.recording.enable("jdk.ObjectAllocationSample").with("throttle", "300/s").withStackTrace(); // where garbage comes from
      p.recording.start();
    }
    p.snapshot(p.startCpu);
    p.startNative = jvmInternalTicks();
    p.startProcess = OS.getProcessCpuTime();
    p.startWall = System.nanoTime();
    return p;
  }

  private void snapshot(Map<Long, long[]> into) {
    for (long id : THREADS.getAllThreadIds()) {
      long cpu = THREADS.getThreadCpuTime(id);
      ThreadInfo info = THREADS.getThreadInfo(id);
      if (cpu >= 0 && info != null) {
        into.put(id, new long[] {cpu});
        names.put(id, info.getThreadName());
      }
    }
  }

  /** Task groups by thread name (Flink names task threads after their operator chain). */
  static String category(long id, String name) {
    if (name.startsWith("bench-") || name.contains("| bench-")
        || name.startsWith("HttpClient-")) { // the JDK's HTTP client: JobRunner's REST calls (the job has none)
      return "harness (producer, consumer)";
    }
    if (name.startsWith("PK inference ")) { // the inference operator's own thread: ORT calls (asynchronous inference)
      return "model thread (ORT calls of the inference task)";
    }
    if (name.contains("affective memory")) {
      return "memory task (memory + prediction sink)";
    }
    if (name.contains("PK inference") || name.contains("sequence per person")) {
      return "inference task (sequence + PK inference)";
    }
    if (name.startsWith("Source: ")) {
      return "source task (Kafka source + validate/decode)";
    }
    if (name.startsWith("Source Data Fetcher")) {
      return "Kafka source fetcher";
    }
    if (name.startsWith("kafka-producer-network-thread")) {
      return "job Kafka producers";
    }
    if (brokerThreads.contains(id) || name.matches(".*(kafka-request-handler|data-plane|controller|raft|broker|"
        + "group-coordinator|transaction|share-coordinator|ExpirationReaper|LogCleaner|kafka-scheduler|"
        + "ReplicaFetcher|quorum|kafka-network-thread|executor-|ThrottledChannelReaper|metadata).*")) {
      return "embedded broker";
    }
    return "Flink runtime (other threads)";
  }

  /** The result of a window. */
  public record Result(double wallSeconds, double processCpuSeconds, Map<String, Double> cpuByCategory,
      Map<String, Double> cpuByThread, Jfr jfr) {

    /** CPU seconds of the job itself: process minus broker and harness. */
    public double jobCpuSeconds() {
      return processCpuSeconds - cpuByCategory.getOrDefault("embedded broker", 0.0)
          - cpuByCategory.getOrDefault("harness (producer, consumer)", 0.0);
    }

    public double category(String prefix) {
      return cpuByCategory.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
          .mapToDouble(Map.Entry::getValue).sum();
    }

    /** CPU seconds inside the affective memory: memory-task CPU times its JFR share in dev.paffmem.memory. */
    public double memoryCpuSeconds() {
      return category("memory task") * (jfr == null ? Double.NaN : jfr.memoryShareOfMemoryTask());
    }

    /** CPU per frame of each thread group, ms (the job's, without the broker and the harness). */
    public String perFrame(int frames) {
      StringBuilder sb = new StringBuilder(String.format("    CPU per frame by thread group (%d frames), ms:%n", frames));
      cpuByCategory.entrySet().stream().filter(e -> !e.getKey().startsWith("embedded broker") && !e.getKey().startsWith("harness"))
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .forEach(e -> sb.append(String.format("      %-52s %7.4f%n", e.getKey(), 1000 * e.getValue() / frames)));
      sb.append(String.format("      %-52s %7.4f%n", "job (without JIT compiler)", 1000 * (jobCpuSeconds() - category("JVM JIT")) / frames));
      sb.append("    the busiest threads, ms per frame:\n");
      cpuByThread.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(16)
          .forEach(e -> sb.append(String.format("      %-100.100s %7.4f%n", e.getKey(), 1000 * e.getValue() / frames)));
      sb.append("    the busiest of \"Flink runtime (other threads)\", ms per frame:\n");
      cpuByThread.entrySet().stream().filter(e -> Profile.category(-1, e.getKey()).startsWith("Flink runtime"))
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(10)
          .forEach(e -> sb.append(String.format("      %-100.100s %7.4f%n", e.getKey(), 1000 * e.getValue() / frames)));
      return sb.toString();
    }

    public String table() {
      StringBuilder sb = new StringBuilder();
      sb.append(String.format("    wall %.1f s, process CPU %.1f s (%.2f cores), job CPU %.1f s%n", wallSeconds,
          processCpuSeconds, processCpuSeconds / wallSeconds, jobCpuSeconds()));
      cpuByCategory.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .forEach(e -> sb.append(String.format("    %-48s %7.2f s  %5.1f%%%n", e.getKey(), e.getValue(),
              100 * e.getValue() / processCpuSeconds)));
      if (jfr != null) {
        sb.append(jfr.summary());
      }
      return sb.toString();
    }
  }

  public Result stop() throws IOException {
    Map<Long, long[]> end = new HashMap<>();
    snapshot(end);
    double process = (OS.getProcessCpuTime() - startProcess) / 1e9;
    double wall = (System.nanoTime() - startWall) / 1e9;
    Map<String, Double> byCat = new TreeMap<>();
    Map<String, Double> byThread = new TreeMap<>();
    double javaSum = 0;
    for (Map.Entry<Long, long[]> e : end.entrySet()) {
      long before = startCpu.containsKey(e.getKey()) ? startCpu.get(e.getKey())[0] : 0;
      double s = (e.getValue()[0] - before) / 1e9;
      if (s <= 0) {
        continue;
      }
      String name = names.get(e.getKey());
      byCat.merge(category(e.getKey(), name), s, Double::sum);
      byThread.merge(name.replaceAll("-\\d+$", "-N"), s, Double::sum);
      javaSum += s;
    }
    Map<String, Long> nativeEnd = jvmInternalTicks();
    double internal = 0;
    for (Map.Entry<String, Long> e : nativeEnd.entrySet()) {
      double s = (e.getValue() - startNative.getOrDefault(e.getKey(), 0L)) / 100.0; // clock ticks (USER_HZ 100)
      if (s > 0) {
        byCat.put(e.getKey().startsWith("RocksDB") ? e.getKey() : "JVM " + e.getKey(), s);
        internal += s;
      }
    }
    byCat.put("unattributed (native pools, e.g. ORT intra-op)", Math.max(0, process - javaSum - internal));
    Jfr jfr = null;
    if (recording != null) {
      recording.stop();
      recording.dump(jfrFile);
      recording.close();
      jfr = Jfr.read(jfrFile);
    }
    return new Result(wall, process, byCat, byThread, jfr);
  }

  /** JFR samples of a window, per task group. */
  public record Jfr(Map<String, Integer> javaSamples, Map<String, Integer> nativeSamples,
      Map<String, Map<String, Integer>> topSelf, int memoryTaskInMemory, int memoryTaskInStateConversion,
      Map<String, Integer> inferenceInclusive) {

    static final List<String> INCLUSIVE = List.of("dev.paffmem.job.ingest.ImageDecoder", "javax.imageio",
        "dev.paffmem.job.inference.ImageTensors", "org.apache.avro", "ai.onnxruntime", "dev.paffmem.memory",
        "org.apache.flink.api.java.typeutils.runtime", "org.apache.kafka");

    static Jfr read(Path file) throws IOException {
      Map<String, Integer> java = new TreeMap<>();
      Map<String, Integer> nat = new TreeMap<>();
      Map<String, Map<String, Integer>> top = new TreeMap<>();
      Map<String, Integer> inclusive = new LinkedHashMap<>();
      int inMemory = 0;
      int inState = 0;
      for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
        String type = e.getEventType().getName();
        boolean isJava = type.equals("jdk.ExecutionSample");
        if (!isJava && !type.equals("jdk.NativeMethodSample")) {
          continue;
        }
        var thread = e.getThread("sampledThread");
        String name = thread == null ? "?" : String.valueOf(thread.getJavaName());
        String cat = category(thread == null ? -1 : thread.getJavaThreadId(), name);
        (isJava ? java : nat).merge(cat, 1, Integer::sum);
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty()) {
          continue;
        }
        RecordedFrame f0 = st.getFrames().get(0);
        String self = f0.getMethod().getType().getName() + "." + f0.getMethod().getName() + (isJava ? "" : " [native]");
        top.computeIfAbsent(cat, k -> new TreeMap<>()).merge(self, 1, Integer::sum);
        boolean memory = false;
        boolean state = false;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (RecordedFrame f : st.getFrames()) {
          String cls = f.getMethod().getType().getName();
          if (cls.startsWith("dev.paffmem.memory.")) {
            memory = true;
            String m = f.getMethod().getName();
            if (m.equals("fromState") || m.equals("toState")) {
              state = true;
            }
          }
          for (String prefix : INCLUSIVE) {
            if (cls.startsWith(prefix) && seen.add(prefix)) {
              inclusive.merge(cat + " | " + prefix, 1, Integer::sum);
            }
          }
        }
        if (isJava && cat.startsWith("memory task")) {
          inMemory += memory ? 1 : 0;
          inState += state ? 1 : 0;
        }
      }
      return new Jfr(java, nat, top, inMemory, inState, inclusive);
    }

    /** Share of the memory task's Java samples inside dev.paffmem.memory (train, predict, state conversion). */
    public double memoryShareOfMemoryTask() {
      int all = javaSamples.entrySet().stream().filter(e -> e.getKey().startsWith("memory task"))
          .mapToInt(Map.Entry::getValue).sum();
      return all == 0 ? 0 : memoryTaskInMemory / (double) all;
    }

    public double stateConversionShareOfMemoryTask() {
      int all = javaSamples.entrySet().stream().filter(e -> e.getKey().startsWith("memory task"))
          .mapToInt(Map.Entry::getValue).sum();
      return all == 0 ? 0 : memoryTaskInStateConversion / (double) all;
    }

    String summary() {
      StringBuilder sb = new StringBuilder("    JFR samples (java / native) and top self frames per task:\n");
      for (String cat : topSelf.keySet()) {
        if (cat.startsWith("embedded broker") || cat.startsWith("harness")) {
          continue;
        }
        sb.append(String.format("      %s: %d / %d%n", cat, javaSamples.getOrDefault(cat, 0), nativeSamples.getOrDefault(cat, 0)));
        topSelf.get(cat).entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(8)
            .forEach(e -> sb.append(String.format("        %5d  %s%n", e.getValue(), e.getKey())));
        inferenceInclusive.entrySet().stream().filter(e -> e.getKey().startsWith(cat + " | "))
            .forEach(e -> sb.append(String.format("        incl %5d  %s%n", e.getValue(), e.getKey().substring(cat.length() + 3))));
      }
      sb.append(String.format("      memory task: %.1f%% of its Java samples in dev.paffmem.memory (%.1f%% in fromState/toState)%n",
          100 * memoryShareOfMemoryTask(), 100 * stateConversionShareOfMemoryTask()));
      return sb.toString();
    }
  }

  /**
   * CPU ticks of the JVM's own threads by kind (GC, JIT, VM), from /proc/self/task/N/{comm,stat}:
   * these threads are not visible to ThreadMXBean.
   */
  static Map<String, Long> jvmInternalTicks() {
    Map<String, Long> ticks = new TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String comm = Files.readString(t.resolve("comm")).trim();
          String kind = comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Thread") ? "GC (incl. VM thread)"
              : comm.contains("CompilerThre") || comm.startsWith("C1 ") || comm.startsWith("C2 ") ? "JIT compiler"
              : comm.startsWith("rocksdb:") ? "RocksDB background (flush, compaction)" : null;
          if (kind == null) {
            continue;
          }
          String stat = Files.readString(t.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.merge(kind, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum); // utime, stime
        } catch (IOException | RuntimeException e) {
          // the thread ended
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return ticks;
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // scratch file
    }
  }
}
