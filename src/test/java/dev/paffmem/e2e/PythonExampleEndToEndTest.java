package dev.paffmem.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.kafka.EmbeddedKafkaBroker;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python examples (examples/python, Debian's python3-confluent-kafka and python3-avro) against the real broker
 * and the job: FaceFrames written by Python are accepted (their schema fingerprint is Java's), and the predictions
 * come back and decode in Python.
 */
class PythonExampleEndToEndTest {

  @RegisterExtension
  static final JobOnKafka E2E = JobOnKafka.withBroker();

  static final Path EXAMPLES = Path.of("../examples/python").toAbsolutePath().normalize();
  static final int FRAMES = 6;

  @TempDir
  Path dir;

  @Test
  void framesFromPythonYieldPredictionsThatDecodeInPython() throws Exception {
    EmbeddedKafkaBroker kafka = E2E.kafka();
    E2E.createTopics("py");
    for (String person : List.of("alice", "bob")) {
      List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", EXAMPLES.resolve("face_frame_producer.py").toString(),
          "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "py-frames", "--person", person,
          "--start-time", "2026-01-01T00:00:00Z"));
      cmd.addAll(images(person));
      String out = run(cmd, 60);
      assertTrue(out.contains("sent " + FRAMES + " FaceFrames for " + person), out);
    }

    JobClient job = JobOnKafka.start(E2E.config("py", "--generation-frames", "2", "--batch-max-size", "64"),
        "python-example");
    String predictions;
    try {
      predictions = run(List.of("/usr/bin/python3", EXAMPLES.resolve("affect_prediction_consumer.py").toString(),
          "--bootstrap-servers", kafka.bootstrapServers(), "--topic", "py-predictions",
          "--max-records", String.valueOf(2 * FRAMES), "--timeout", "150"), 180);
    } finally {
      job.cancel().get();
    }
    Map<String, List<Long>> frames = new TreeMap<>();
    Pattern p = Pattern.compile("\"personId\": \"(\\w+)\".*\"frameIndex\": (\\d+).*\"phase\": \"(\\w+)\"");
    for (String line : predictions.split("\n")) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        frames.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Long.parseLong(m.group(2)));
      }
    }
    List<Long> all = List.of(0L, 1L, 2L, 3L, 4L, 5L);
    assertEquals(Map.of("alice", all, "bob", all), frames, predictions);
    assertEquals(0, TestStream.readCommitted(kafka.bootstrapServers(), "py-rejected", 0, Duration.ofSeconds(2))
        .size(), "no frame from Python was rejected");
  }

  private List<String> images(String person) throws IOException {
    Random rng = new Random(person.hashCode());
    List<String> files = new ArrayList<>();
    for (int i = 0; i < FRAMES; i++) {
      BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 96; y++) {
        for (int x = 0; x < 96; x++) {
          img.setRGB(x, y, rng.nextInt(0x1000000));
        }
      }
      Path f = dir.resolve(person + "-" + i + ".png");
      ImageIO.write(img, "png", f.toFile());
      files.add(f.toString());
    }
    return files;
  }

  /** Runs a Python example and returns its standard output; fails with its output on a non-zero exit or timeout. */
  private static String run(List<String> cmd, int timeoutSeconds) throws Exception {
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      byte[] out = proc.getInputStream().readAllBytes(); // ends when the process closes its output
      if (!proc.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out: " + cmd);
      }
      String text = new String(out, StandardCharsets.UTF_8);
      assertEquals(0, proc.exitValue(), "exit code of " + cmd.get(1) + ":\n" + text);
      return text;
    } finally {
      if (proc.isAlive()) {
        proc.destroyForcibly();
      }
    }
  }
}
