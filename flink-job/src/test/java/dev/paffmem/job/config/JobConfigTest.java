package dev.paffmem.job.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.inference.GenerationEdits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {

  @Test
  void defaultsAreThePapersAndTheDocumentedOnes() {
    JobConfig c = JobConfig.defaults();
    assertEquals(25, c.generationFrames());
    assertEquals(200, c.generationTargets());
    assertEquals("127.0.0.1:9092", c.bootstrapServers());
    assertEquals(JobConfig.Device.AUTO, c.device());
    assertEquals(JobConfig.Delivery.EXACTLY_ONCE, c.delivery());
    assertEquals(Duration.ofMinutes(10), c.transactionTimeout());
    assertEquals(Duration.ofHours(24), c.stateTtl());
    assertEquals(Duration.ofMillis(10), c.bufferTimeout());
    assertEquals(0.4f, c.memoryConfig(50).activityThreshold());
    assertEquals(10, c.memoryConfig(50).epochs());
    assertEquals(dev.paffmem.memory.MemoryConfig.Readout.RESIDUAL, c.memoryConfig(50).readout());
    assertEquals(false, c.memoryConfig(50).unlabelledInserts());
    assertEquals(0.1, c.generationSkipNearZ()); // near-duplicate generation frames skipped (BENCHMARKS.md, section 9)
    assertEquals(0.0, JobConfig.parse("--generation-skip-near-z", "0").generationSkipNearZ()); // the paper: edit all
    assertEquals(GenerationEdits.G, c.generationEdits());
    assertEquals(GenerationEdits.DELTA_Z,
        JobConfig.parse("--generation-edits", "DELTA_Z").generationEdits());
    // the regions' correction runs wherever the model has them, unless turned off; REGIONS insists on them
    assertEquals(JobConfig.BiasCorrectionMode.AUTO, c.biasCorrection());
    assertTrue(c.biasCorrection().regions(true));
    assertFalse(c.biasCorrection().regions(false));
    assertFalse(JobConfig.parse("--bias-correction", "NONE").biasCorrection().regions(true));
    assertTrue(JobConfig.parse("--bias-correction", "REGIONS").biasCorrection().regions(false));
  }

  @Test
  void memoryDefaultsAreMemoryConfigsButForTheReadoutTheJobChose() {
    var job = JobConfig.defaults().memoryConfig(50);
    var paper = dev.paffmem.memory.MemoryConfig.defaults().toBuilder()
        .readout(dev.paffmem.memory.MemoryConfig.Readout.RESIDUAL).unlabelledInserts(false).build();
    assertEquals(paper, job);
    String usage = JobConfig.usage().replaceAll("\\s+", " ");
    assertTrue(usage.contains("Learning rate of the best-matching unit (default: 0.087)"), usage);
    assertTrue(usage.contains("Neuron cap per person (default: " + dev.paffmem.memory.MemoryConfig.DEFAULT_MAX_NEURONS + ")"), usage);
    assertTrue(usage.contains("(default: RESIDUAL,"), usage);
  }

  @Test
  void flagsOverrideDefaultsAndKafkaPropertiesPassThrough() {
    JobConfig c = JobConfig.parse("--generation-frames", "3", "--generation-targets=8", "--device", "cpu",
        "--batch-max-wait", "250ms", "--state-ttl", "5min", "--kafka-property", "security.protocol=SASL_SSL",
        "--kafka-property", "sasl.mechanism=PLAIN", "--memory-max-neurons", "100");
    assertEquals(3, c.generationFrames());
    assertEquals(8, c.generationTargets());
    assertEquals(JobConfig.Device.CPU, c.device());
    assertEquals(Duration.ofMillis(250), c.batchMaxWait());
    assertEquals(Duration.ofMinutes(5), c.stateTtl());
    assertEquals("SASL_SSL", c.kafkaProperties().get("security.protocol"));
    assertEquals("PLAIN", c.kafkaProperties().get("sasl.mechanism"));
    assertEquals(100, c.memoryConfig(50).maxNeurons());
  }

  @Test
  void memoryReadoutAndAdaptationFlagsReachTheMemory() {
    var m = JobConfig.parse("--memory-readout", "nearest", "--memory-readout-k", "7", "--memory-unlabelled-rate", "0.1",
        "--memory-unlabelled-inserts", "false").memoryConfig(50);
    assertEquals(dev.paffmem.memory.MemoryConfig.Readout.NEAREST, m.readout());
    assertEquals(7, m.readoutK());
    assertEquals(0.1f, m.unlabelledRate());
    assertEquals(false, m.unlabelledInserts());
    assertMessage("readoutK", "--memory-readout-k", "0");
    var e = JobConfig.parse("--memory-enrolled-length-scale", "0", "--memory-enrolled-ridge", "0.3").memoryConfig(50);
    assertEquals(0f, e.enrolledLengthScale(), "0 = the k nearest enrolled faces");
    assertEquals(0.3f, e.enrolledRidge());
    assertEquals(1f, JobConfig.parse().memoryConfig(50).enrolledLengthScale(), "the kernel by default");
    assertMessage("enrolledRidge", "--memory-enrolled-ridge", "0");
  }

  @Test
  void aPropertiesFileSetsFlagsAndTheCommandLineWins(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("job.properties");
    Files.writeString(file, "bootstrap-servers=broker:9093\ngeneration-frames=5\n"
        + "kafka-property.security.protocol=SSL\ncheckpoint-interval=30s\nbuffer-timeout=5ms\n");
    JobConfig c = JobConfig.parse("--config", file.toString(), "--generation-frames", "7");
    assertEquals("broker:9093", c.bootstrapServers());
    assertEquals(7, c.generationFrames());
    assertEquals("SSL", c.kafkaProperties().get("security.protocol"));
    assertEquals(Duration.ofSeconds(30), c.checkpointInterval());
    assertEquals(Duration.ofMillis(5), c.bufferTimeout());
  }

  @Test
  void theCheckpointIntervalDefaultsByDeliveryAndAGivenOneWins() {
    assertEquals(Duration.ofSeconds(1), JobConfig.defaults().checkpointInterval(), "exactly-once: visible each second");
    assertEquals(Duration.ofSeconds(10), JobConfig.parse("--delivery", "AT_LEAST_ONCE").checkpointInterval());
    assertEquals(Duration.ofSeconds(2),
        JobConfig.parse("--delivery", "AT_LEAST_ONCE", "--checkpoint-interval", "2s").checkpointInterval());
    assertEquals(Duration.ofMinutes(1), JobConfig.parse("--checkpoint-interval", "1min").checkpointInterval());
  }

  @Test
  void bufferTimeoutIsZeroOrMoreWholeMilliseconds() {
    assertEquals(Duration.ZERO, JobConfig.parse("--buffer-timeout", "0").bufferTimeout()); // flush every record
    assertEquals(Duration.ZERO, JobConfig.parse("--buffer-timeout", "0ms").bufferTimeout());
    assertEquals(Duration.ofMillis(100), JobConfig.parse("--buffer-timeout=100ms").bufferTimeout());
    assertMessage("--buffer-timeout must be zero or more", "--buffer-timeout", "-5ms");
    assertMessage("--buffer-timeout must be zero or more", "--buffer-timeout=-1ms");
    assertMessage("--buffer-timeout must be zero or more", "--buffer-timeout", "PT-0.01S");
    assertMessage("--buffer-timeout must be zero or more", "--buffer-timeout", "PT0.0005S");
    assertMessage("--buffer-timeout", "--buffer-timeout", "soon");
  }

  @Test
  void asyncInferenceIsOnUnlessSwitchedOffExplicitly() {
    assertTrue(JobConfig.defaults().asyncInference());
    assertEquals(false, JobConfig.parse("--async-inference", "false").asyncInference());
    assertEquals(false, JobConfig.parse("--async-inference=FALSE").asyncInference());
    assertTrue(JobConfig.parse("--async-inference=true").asyncInference());
    assertMessage("--async-inference", "--async-inference", "maybe");
  }

  @Test
  void invalidValuesSayWhichFlagToFix() {
    assertMessage("--batch-max-size must be at least 1", "--batch-max-size", "0");
    assertMessage("--online-call-rows must be at least 0", "--online-call-rows", "-1");
    assertMessage("--generation-targets", "--generation-targets", "-1");
    assertMessage("--device", "--device", "tpu");
    assertMessage("--batch-max-wait", "--batch-max-wait", "soon");
    assertMessage("--transaction-timeout", "--transaction-timeout", "5s", "--checkpoint-interval", "10s");
    assertMessage("three different topics", "--output-topic", "face-frames");
    assertMessage("activityThreshold", "--memory-activity-threshold", "3");
    assertMessage("--bootstrap-servers", "--kafka-property", "bootstrap.servers=x:1");
    assertMessage("Unknown option", "--no-such-flag");
    assertTrue(JobConfig.parse("--stop-at-latest").stopAtLatest());
  }

  @Test
  void usageListsEveryFlagWithItsDefault() {
    String usage = JobConfig.usage().replaceAll("\\s+", " ");
    assertTrue(usage.contains("--generation-frames"));
    assertTrue(usage.contains("default: 25"), usage);
    assertTrue(usage.contains("--buffer-timeout"), usage);
    assertTrue(usage.contains("default: 10ms"), usage);
  }

  private static void assertMessage(String expected, String... args) {
    ConfigException e = assertThrows(ConfigException.class, () -> JobConfig.parse(args));
    assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' should contain '" + expected + "'");
  }

  @Test
  void helpPrintsWithoutPicocliWarnings() {
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    String usage;
    try {
      usage = JobConfig.usage();
    } finally {
      System.setErr(err);
    }
    String warnings = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assertions.assertFalse(warnings.contains("picocli"), warnings);
    org.junit.jupiter.api.Assertions.assertTrue(usage.replaceAll("\\s+", " ").contains("at 50 % load"),
        "the percent sign is printed");
    org.junit.jupiter.api.Assertions.assertTrue(usage.contains("--restart-strategy") && usage.contains("--dead-letter-max-original-bytes"));
  }
}
