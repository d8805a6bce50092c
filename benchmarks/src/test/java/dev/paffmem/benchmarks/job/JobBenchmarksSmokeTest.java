package dev.paffmem.benchmarks.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.benchmarks.JobBenchmarks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The harness in --quick mode on the random width-0.25 model, so it cannot rot: embedded broker,
 * seeded savepoint, job runs on a MiniCluster, bare ONNX Runtime baselines, profiles.
 * (Frame counts are checked inside the harness: a run fails unless every frame has its prediction.)
 */
class JobBenchmarksSmokeTest {

  @Test
  void quickRunProducesFiniteRatiosAndFullCounts(@TempDir Path tmp) throws Exception {
    Path model = Path.of("../models/random-w025");
    JobBenchmarks bench = new JobBenchmarks();
    int code = new CommandLine(bench).execute("--quick", "--model-dir", model.toString(), "--scale-persons", "1,20",
        "--out", tmp.resolve("out").toString(), "--work-dir", tmp.resolve("work").toString(),
        "peak", "steady", "stages", "onboarding", "state", "scale");
    assertEquals(0, code);
    Results r = bench.results;

    double throughputRatio = r.value("steady/shipped (w 0.25): job / bare ORT throughput (wall)");
    assertTrue(Double.isFinite(throughputRatio) && throughputRatio > 0, "steady ratio " + throughputRatio);
    // The CPU-per-frame ratio subtracts the broker's and harness's thread CPU from the process CPU; on a
    // machine loaded by other processes that subtraction went negative once (known issue, see BENCHMARKS.md),
    // so the smoke test only checks that it was computed.
    double cpuRatio = r.value("steady/shipped (w 0.25): bare / job CPU per frame (load-independent)");
    assertTrue(!Double.isNaN(cpuRatio), "steady CPU ratio missing");

    double onboarding = r.value("onboarding/shipped (w 0.25): bare / job time (wall)");
    assertTrue(Double.isFinite(onboarding) && onboarding > 0, "onboarding ratio " + onboarding);
    double gflop = r.value("onboarding/shipped (w 0.25): GFLOP per person");
    assertEquals(3 * (0.0502272 + 1.3312e-5 + 10 * (0.308736 + 0.0502272)), gflop, 1e-3); // 3 frames x 10 targets

    for (String phase : new String[] {"shipped (w 0.25) online phase", "generation phase"}) {
      double share = r.value("memory share/" + phase + ": affective memory share of job CPU");
      assertTrue(share >= 0 && share <= 100, phase + " memory share " + share);
    }
    assertTrue(r.value("state/checkpoint size, 20 persons past onboarding") > 0);
    assertTrue(r.value("stages/inference: frame bytes into encoder_u8's input buffer (PkModel.encodeRgb, as in the job)") > 0);
    String step = "stages/online model step (E + D_em on frame bytes, calls of 16 rows), 2 model threads";
    for (String beside : new String[] {" alone", ", 2 threads beside them working 50 µs every 300 µs over 64 KB",
        ", the same over 2 MB"}) {
      assertTrue(r.value(step + beside) > 0, "model step" + beside);
    }
    assertTrue(r.value("scale/1 concurrent persons (past onboarding)") > 0);
    assertTrue(r.value("scale/20 concurrent persons (past onboarding)") > 0);
    assertTrue(Files.readString(tmp.resolve("out/results.md")).contains("| steady | shipped (w 0.25): job / bare ORT throughput (wall) |"));
  }
}
