package dev.paffmem.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.config.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * docker/docker-compose.yml, checked as far as possible without a Docker engine: it parses; the
 * images are the versions the build uses; every Flink service mounts the model folder and the
 * checkpoint volume; every flag the job container passes is one the job knows; the jar it runs is
 * the one the build makes; the TaskManagers and the submitting client name the same durable change storage (for
 * the job's --changelog auto); long-running services restart; published ports bind 127.0.0.1 only.
 */
class DockerComposeFileTest {

  static final Path ROOT = Path.of(System.getProperty("paffmem.root", ".."));
  static final List<String> FLINK_SERVICES = List.of("jobmanager", "taskmanager-1", "taskmanager-2", "job");
  static final String CHANGELOG = "file:///flink-data/changelog";

  @SuppressWarnings("unchecked")
  static Map<String, Object> compose() throws Exception {
    return (Map<String, Object>) new Load(LoadSettings.builder().build())
        .loadFromString(Files.readString(ROOT.resolve("docker/docker-compose.yml")));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> service(Map<String, Object> compose, String name) {
    Map<String, Object> s = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(name);
    assertTrue(s != null, "service " + name);
    return s;
  }

  static String pomProperty(String name) throws Exception {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertTrue(m.find(), name + " in pom.xml");
    return m.group(1);
  }

  @SuppressWarnings("unchecked")
  static List<String> volumes(Map<String, Object> service) {
    return ((List<Object>) service.getOrDefault("volumes", List.of())).stream()
        .map(v -> v.toString().replaceAll("\\s+#.*", "")).toList();
  }

  static String command(Map<String, Object> service) {
    Object c = service.get("command");
    return c instanceof List<?> l ? String.join(" ", l.stream().map(Object::toString).toList()) : String.valueOf(c);
  }

  @Test
  void imagesAreTheBuildsVersions() throws Exception {
    Map<String, Object> compose = compose();
    String flinkImage = "flink:" + pomProperty("flink.version") + "-java17";
    for (String s : List.of("flink-data-init", "jobmanager", "job")) {
      assertEquals(flinkImage, service(compose, s).get("image"), s);
    }
    // the TaskManagers run Flink's image plus libturbojpeg (docker/flink-taskmanager/Dockerfile)
    String dockerfile = Files.readString(ROOT.resolve("docker/flink-taskmanager/Dockerfile"));
    assertTrue(dockerfile.contains("ARG FLINK_IMAGE=" + flinkImage), dockerfile);
    assertTrue(dockerfile.contains("libturbojpeg"), dockerfile);
    for (String s : List.of("taskmanager-1", "taskmanager-2")) {
      Map<String, Object> tm = service(compose, s);
      assertEquals("paffmem-flink-taskmanager:" + pomProperty("flink.version") + "-java17", tm.get("image"), s);
      @SuppressWarnings("unchecked")
      Map<String, Object> build = (Map<String, Object>) tm.get("build");
      assertEquals("flink-taskmanager", build.get("context"), s);
      assertEquals(Map.of("FLINK_IMAGE", flinkImage), build.get("args"), s);
    }
    String kafkaImage = "apache/kafka:" + pomProperty("kafka.version");
    assertEquals(kafkaImage, service(compose, "kafka").get("image"));
    assertEquals(kafkaImage, service(compose, "topics").get("image"));
  }

  @Test
  void theJobsFlagsAreFlagsTheJobKnowsAndItsJarAndModelAreMounted() throws Exception {
    Map<String, Object> job = service(compose(), "job");
    String cmd = command(job);
    String jarName = "paffmem-flink-job-" + pomVersion() + "-flink.jar";
    Matcher run = Pattern.compile("flink run (.*?)(/opt/paffmem/jar/\\S+\\.jar)\\s+(.*)$", Pattern.DOTALL).matcher(cmd);
    assertTrue(run.find(), cmd);
    assertTrue(run.group(1).contains("-d"), "submitted detached: " + cmd);
    assertEquals("/opt/paffmem/jar/" + jarName, run.group(2));
    assertTrue(volumes(job).contains("../flink-job/target:/opt/paffmem/jar:ro"), "the jar's folder is mounted");

    List<String> jobArgs = new ArrayList<>(Arrays.asList(run.group(3).trim().split("\\s+")));
    JobConfig cfg = JobConfig.parse(jobArgs.toArray(String[]::new)); // an unknown flag or a bad value throws
    String modelDir = cfg.modelDir().toString();
    assertTrue(modelDir.startsWith("/opt/paffmem/models/"), modelDir);
    assertTrue(Files.isRegularFile(ROOT.resolve("models").resolve(modelDir.substring("/opt/paffmem/models/".length()))
        .resolve("manifest.json")), "the job's --model-dir is a shipped model: " + modelDir);
    assertEquals("kafka:19092", cfg.bootstrapServers());
    // --changelog auto decides on the configuration the job is submitted with: it must name the TaskManagers' storage
    assertTrue(run.group(1).contains("-Dstate.changelog.storage=filesystem")
        && run.group(1).contains("-Dstate.changelog.dstl.dfs.base-path=" + CHANGELOG), "the client's changelog storage: " + cmd);
  }

  @Test
  void everyFlinkServiceMountsTheModelsAndTheCheckpointVolume() throws Exception {
    Map<String, Object> compose = compose();
    for (String s : FLINK_SERVICES) {
      assertTrue(volumes(service(compose, s)).contains("../models:/opt/paffmem/models:ro"), s + " mounts the models");
    }
    for (String s : List.of("jobmanager", "taskmanager-1", "taskmanager-2")) {
      Map<String, Object> svc = service(compose, s);
      assertTrue(volumes(svc).contains("flink-data:/flink-data"), s + " mounts the checkpoint volume");
      String props = String.valueOf(((Map<?, ?>) svc.get("environment")).get("FLINK_PROPERTIES"));
      assertTrue(props.contains("execution.checkpointing.dir: file:///flink-data/checkpoints"), s + ": " + props);
      assertTrue(props.contains("state.changelog.storage: filesystem")
          && props.contains("state.changelog.dstl.dfs.base-path: " + CHANGELOG), s + ": durable change storage: " + props);
      assertTrue(props.contains("metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory"),
          s + ": Prometheus reporter");
      assertEquals("unless-stopped", svc.get("restart"), s);
    }
    String jm = String.valueOf(((Map<?, ?>) service(compose, "jobmanager").get("environment")).get("FLINK_PROPERTIES"));
    assertTrue(jm.contains("execution.checkpointing.savepoint-dir: file:///flink-data/savepoints"), jm);
    assertTrue(jm.contains("execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION"), jm);
    // the volume is handed to the flink user before anything writes to it
    Map<String, Object> init = service(compose, "flink-data-init");
    assertTrue(command(init).contains("chown -R flink:flink /flink-data"), command(init));
    assertTrue(command(init).contains("/flink-data/changelog"), command(init));
    for (String s : List.of("jobmanager")) {
      assertEquals("service_completed_successfully",
          ((Map<?, ?>) ((Map<?, ?>) service(compose, s).get("depends_on")).get("flink-data-init")).get("condition"));
    }
    for (String s : List.of("taskmanager-1", "taskmanager-2", "job")) {
      assertEquals("service_healthy",
          ((Map<?, ?>) ((Map<?, ?>) service(compose, s).get("depends_on")).get("jobmanager")).get("condition"),
          s + " waits for a ready JobManager");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void publishedPortsBindLoopbackOnly() throws Exception {
    Map<String, Object> services = (Map<String, Object>) compose().get("services");
    services.forEach((name, svc) -> ((List<Object>) ((Map<String, Object>) svc).getOrDefault("ports", List.of()))
        .forEach(p -> assertTrue(p.toString().startsWith("127.0.0.1:"), name + " publishes " + p)));
  }

  static String pomVersion() throws Exception {
    Matcher m = Pattern.compile("<artifactId>paffmem-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertTrue(m.find());
    return m.group(1);
  }
}
