package dev.paffmem.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./paffmem cluster up|submit|savepoint|stop|cancel|add-taskmanager|kill-taskmanager|status|down|flink}:
 * a local Flink standalone session cluster ({@link StandaloneCluster}) and Flink's CLI against it.
 */
@Command(name = "paffmem cluster", mixinStandardHelpOptions = true,
    description = "A Flink standalone session cluster on 127.0.0.1: JobManager and TaskManagers as separate JVMs "
        + "(Flink's entry points, a generated conf/config.yaml), jobs through Flink's CLI.",
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Submit.class, ClusterCommand.Savepoint.class,
        ClusterCommand.Stop.class, ClusterCommand.Cancel.class, ClusterCommand.AddTaskManager.class,
        ClusterCommand.KillTaskManager.class, ClusterCommand.Status.class, ClusterCommand.Down.class,
        ClusterCommand.Flink.class})
public final class ClusterCommand {

  /** Flink's CLI prints this line for a detached submission. */
  static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
  static final Pattern SAVEPOINT_PATH = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

  @Option(names = "--dir", defaultValue = "data/local-cluster",
      description = "Cluster folder: conf/config.yaml, log/, pid/, checkpoints/, savepoints/ (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--flink-lib", defaultValue = "local-cluster/target/flink/lib",
      description = "Flink's lib/ folder: this project's (from Maven) or a Flink 2.2 distribution's (default: ${DEFAULT-VALUE}).")
  Path lib;

  StandaloneCluster open() {
    return StandaloneCluster.open(lib, dir);
  }

  static int print(StandaloneCluster.CommandResult r) {
    System.out.print(r.output());
    return r.exitCode();
  }

  @Command(name = "up", description = "Write conf/config.yaml (free ports), start the JobManager and N TaskManagers.")
  static final class Up implements Callable<Integer> {
    @CommandLine.ParentCommand ClusterCommand parent;

    @Option(names = "--taskmanagers", defaultValue = "2", description = "TaskManagers to start (default: ${DEFAULT-VALUE}).")
    int taskManagers;

    @Option(names = "--slots", defaultValue = "2", description = "Task slots per TaskManager (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "Any other config.yaml setting; repeatable.")
    Map<String, String> extra = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      StandaloneCluster.Settings s = StandaloneCluster.Settings.defaults();
      s = new StandaloneCluster.Settings(slots, s.defaultParallelism(), s.jobManagerMemory(), s.taskManagerMemory(), extra);
      StandaloneCluster c = StandaloneCluster.create(parent.lib, parent.dir, s);
      if (!c.runningProcesses().isEmpty()) {
        System.err.println("a cluster of " + c.dir() + " is running already: " + c.runningProcesses() + " (`down` first)");
        return 1;
      }
      c.startJobManager(Duration.ofSeconds(90));
      for (int i = 0; i < taskManagers; i++) {
        c.startTaskManager();
      }
      c.awaitTaskManagers(taskManagers, Duration.ofSeconds(90));
      System.out.println("Flink cluster up: JobManager and " + taskManagers + " TaskManagers x " + slots + " slots");
      System.out.println("  web UI / REST  " + c.restUrl());
      System.out.println("  config         " + c.configFile());
      System.out.println("  logs           " + c.dir().resolve("log"));
      return 0;
    }
  }

  @Command(name = "submit", description = "flink run -d: submit the job jar detached; prints the job id. "
      + "Arguments after the jar go to the job (see its --help).")
  static final class Submit implements Callable<Integer> {
    @CommandLine.ParentCommand ClusterCommand parent;

    @Option(names = "--jar", defaultValue = "flink-job/target/paffmem-flink-job-0.1.0-SNAPSHOT-flink.jar",
        description = "Job jar (default: ${DEFAULT-VALUE}).")
    Path jar;

    @Option(names = {"-p", "--flink-parallelism"}, description = "Flink's -p: the job's parallelism.")
    Integer parallelism;

    @Option(names = {"-s", "--from-savepoint"}, description = "Flink's -s: start from this savepoint or retained checkpoint.")
    String savepoint;

    @Parameters(paramLabel = "JOB-FLAGS", description = "The job's flags, e.g. --bootstrap-servers 127.0.0.1:9092 --model-dir models/demo-pk.")
    List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      List<String> args = new ArrayList<>(List.of("run", "-d"));
      if (parallelism != null) {
        args.addAll(List.of("-p", parallelism.toString()));
      }
      if (savepoint != null) {
        args.addAll(List.of("-s", savepoint));
      }
      args.add(jar.toAbsolutePath().toString());
      args.addAll(jobArgs);
      return print(parent.open().flink(args, Duration.ofMinutes(5)));
    }
  }

  @Command(name = "savepoint", description = "flink savepoint JOB-ID: trigger a savepoint; the job keeps running.")
  static final class Savepoint implements Callable<Integer> {
    @CommandLine.ParentCommand ClusterCommand parent;
    @Parameters(paramLabel = "JOB-ID") String jobId;

    @Override
    public Integer call() throws Exception {
      StandaloneCluster c = parent.open();
      return print(c.flink(List.of("savepoint", jobId, c.savepointDir().toUri().toString()), Duration.ofMinutes(5)));
    }
  }

  @Command(name = "stop", description = "flink stop: stop JOB-ID with a savepoint (resume with `submit -s PATH`).")
  static final class Stop implements Callable<Integer> {
    @CommandLine.ParentCommand ClusterCommand parent;
    @Parameters(paramLabel = "JOB-ID") String jobId;

    @Override
    public Integer call() throws Exception {
      StandaloneCluster c = parent.open();
      return print(c.flink(List.of("stop", "--savepointPath", c.savepointDir().toUri().toString(), jobId),
          Duration.ofMinutes(5)));
    }
  }

  @Command(name = "cancel", description = "flink cancel JOB-ID (its last checkpoint is retained in checkpoints/).")
  static final class Cancel implements Callable<Integer> {
    @CommandLine.ParentCommand ClusterCommand parent;
    @Parameters(paramLabel = "JOB-ID") String jobId;

    @Override
    public Integer call() throws Exception {
      return print(parent.open().flink(List.of("cancel", jobId), Duration.ofMinutes(2)));
    }
  }

  @Command(name = "add-taskmanager", description = "Start one more TaskManager.")
  static final class AddTaskManager implements Callable<Integer> {
    @CommandLine.ParentCommand ClusterCommand parent;

    @Override
    public Integer call() throws Exception {
      System.out.println("started taskmanager-" + parent.open().startTaskManager());
      return 0;
    }
  }

  @Command(name = "kill-taskmanager", description = "kill -9 TaskManager N (a lost machine, for trying recovery).")
  static final class KillTaskManager implements Callable<Integer> {
    @CommandLine.ParentCommand ClusterCommand parent;
    @Parameters(paramLabel = "N") int n;

    @Override
    public Integer call() throws Exception {
      parent.open().killTaskManager(n);
      System.out.println("killed taskmanager-" + n);
      return 0;
    }
  }

  @Command(name = "status", description = "The cluster's processes, TaskManagers and jobs.")
  static final class Status implements Callable<Integer> {
    @CommandLine.ParentCommand ClusterCommand parent;

    @Override
    public Integer call() throws Exception {
      StandaloneCluster c = parent.open();
      System.out.println("processes: " + c.runningProcesses());
      System.out.println("REST " + c.restUrl() + ": " + c.restGet("/overview").map(Object::toString).orElse("not answering"));
      c.restGet("/jobs/overview").ifPresent(j -> j.path("jobs").forEach(job -> System.out.println(
          "job " + job.path("jid").asText() + " " + job.path("name").asText() + " " + job.path("state").asText())));
      return c.runningProcesses().containsKey("jobmanager") ? 0 : 3;
    }
  }

  @Command(name = "down", description = "Stop every process of the cluster (the folder stays: checkpoints, savepoints, logs).")
  static final class Down implements Callable<Integer> {
    @CommandLine.ParentCommand ClusterCommand parent;

    @Override
    public Integer call() throws Exception {
      List<String> stopped = parent.open().stopAll();
      System.out.println(stopped.isEmpty() ? "nothing was running" : "stopped " + String.join(", ", stopped));
      return 0;
    }
  }

  @Command(name = "flink", description = "Flink's CLI with this cluster's config, e.g. `flink list`.")
  static final class Flink implements Callable<Integer> {
    @CommandLine.ParentCommand ClusterCommand parent;
    @Parameters(paramLabel = "ARGS") List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      return print(parent.open().flink(args, Duration.ofMinutes(10)));
    }
  }

  /** The job id a detached {@code flink run} printed. */
  public static String jobId(String cliOutput) {
    Matcher m = JOB_ID.matcher(cliOutput);
    if (!m.find()) {
      throw new IllegalStateException("no job id in Flink's output:\n" + cliOutput);
    }
    return m.group(1);
  }

  /** The savepoint path {@code flink stop} or {@code flink savepoint} printed. */
  public static String savepointPath(String cliOutput) {
    Matcher m = SAVEPOINT_PATH.matcher(cliOutput);
    if (!m.find()) {
      throw new IllegalStateException("no savepoint path in Flink's output:\n" + cliOutput);
    }
    return m.group(1);
  }

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new ClusterCommand());
    cli.getSubcommands().values().forEach(sub -> sub.setUnmatchedOptionsArePositionalParams(true));
    System.exit(cli.execute(args));
  }
}
