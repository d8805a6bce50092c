package dev.paffmem.benchmarks.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paffmem.job.PAffMemJob;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the job as {@code PAffMemJob.buildKafkaJob} wires it, on a local MiniCluster bound to
 * 127.0.0.1 ({@code PAffMemJob.localClusterConfiguration()}), against the embedded broker, with
 * fresh topics, group and transactional ids per run.
 */
public final class JobRunner {

  private static final AtomicInteger RUNS = new AtomicInteger();

  private JobRunner() {}

  /** A started job. */
  public static final class Running implements AutoCloseable {
    public final JobClient client;
    public final JobConfig config;
    public final ModelManifest manifest;
    public final int restPort;
    private final HttpClient http = HttpClient.newHttpClient();

    Running(JobClient client, JobConfig config, ModelManifest manifest, int restPort) {
      this.client = client;
      this.config = config;
      this.manifest = manifest;
      this.restPort = restPort;
    }

    /** Waits for a bounded run to finish; throws if it failed. */
    public void awaitFinished(long timeoutSeconds) throws Exception {
      client.getJobExecutionResult().get(timeoutSeconds, TimeUnit.SECONDS);
    }

    public JsonNode rest(String path) throws IOException, InterruptedException {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + restPort + "/jobs/" + client.getJobID() + path)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return new ObjectMapper().readTree(r.body());
    }

    @Override
    public void close() throws Exception {
      JobStatus s;
      try {
        s = client.getJobStatus().get(10, TimeUnit.SECONDS);
      } catch (Exception e) { // a finished job's local cluster is already gone
        return;
      }
      if (!s.isGloballyTerminalState()) {
        client.cancel().get(60, TimeUnit.SECONDS);
        try { // the local cluster shuts down with its only job
          client.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (Exception expected) {
          // cancelled
        }
      }
    }
  }

  /** Topic names of one run. */
  public record Topics(String input, String output, String deadLetters) {
    public static Topics fresh(String name) {
      String run = name + "-" + RUNS.incrementAndGet();
      return new Topics(run + "-in", run + "-out", run + "-dlq");
    }

    public void create(EmbeddedKafkaBroker broker, int partitions) {
      broker.createTopic(input, partitions);
      broker.createTopic(output, partitions);
      broker.createTopic(deadLetters, 1);
    }
  }

  /**
   * Starts the job. {@code flags} are job flags (they win over the harness's); {@code cluster}
   * may add MiniCluster settings (checkpoint directory, state recovery path).
   */
  public static Running start(EmbeddedKafkaBroker broker, Topics topics, Path modelDir, int parallelism,
      List<String> flags, UnaryOperator<Configuration> cluster) throws Exception {
    String run = topics.input().replace("-in", "");
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", broker.bootstrapServers(),
        "--input-topic", topics.input(), "--output-topic", topics.output(), "--dead-letter-topic", topics.deadLetters(),
        "--group-id", run, "--transactional-id-prefix", run, "--model-dir", modelDir.toString(),
        "--device", "CPU", "--starting-offsets", "EARLIEST", "--parallelism", String.valueOf(parallelism)));
    args.addAll(flags);
    JobConfig cfg = JobConfig.parse(args.toArray(String[]::new));
    ModelManifest manifest = ModelManifest.load(cfg.modelDir());
    Configuration conf = PAffMemJob.localClusterConfiguration();
    int port = freePort();
    conf.setString("rest.port", String.valueOf(port));
    conf = PAffMemJob.localChangelogStorage(cluster.apply(conf), cfg);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    PAffMemJob.buildKafkaJob(env, cfg, manifest, UnaryOperator.identity());
    JobClient client = env.executeAsync(cfg.jobName() + "-" + run);
    return new Running(client, cfg, manifest, port);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
