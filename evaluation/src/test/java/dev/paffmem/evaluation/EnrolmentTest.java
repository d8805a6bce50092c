package dev.paffmem.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrolmentTest {

  @TempDir
  Path tmp;

  /** A calibration.csv with a 9 x 9 grid over [-1, 1] for each video, files named by their emotion. */
  private Path dataset(String... videos) throws IOException {
    List<String> lines = new ArrayList<>(List.of("video,file,arousal,valence,person_id,person_type"));
    for (String v : videos) {
      for (int i = 0; i < 9; i++) {
        for (int j = 0; j < 9; j++) {
          double a = -1 + 0.25 * i;
          double val = -1 + 0.25 * j;
          lines.add(String.format(java.util.Locale.ROOT, "%s,calibration/%s/%+.2f_%+.2f.png,%.6f,%.6f,%s,typical",
              v, v, a, val, a, val, v));
        }
      }
    }
    Files.write(tmp.resolve("calibration.csv"), lines);
    return tmp;
  }

  @Test
  void designsPickTheNearestGridFacesOfEachVideoInDesignOrder() throws Exception {
    Map<String, List<Enrolment.Face>> faces = Enrolment.parse("3x3").faces(dataset("a", "b"), List.of("b"));
    assertEquals(List.of("b"), List.copyOf(faces.keySet()), "only the videos asked for");
    List<Enrolment.Face> b = faces.get("b");
    assertEquals(9, b.size());
    assertEquals(-0.75, b.get(0).arousal(), 1e-9);
    assertEquals(-0.75, b.get(0).valence(), 1e-9);
    assertEquals(0.0, b.get(4).arousal(), 1e-9);
    assertEquals(0.75, b.get(8).valence(), 1e-9);
    assertTrue(b.get(8).file().endsWith(Path.of("calibration/b/+0.75_+0.75.png")), b.get(8).file().toString());
    assertEquals(25, Enrolment.parse("5x5").faces(tmp, List.of("a")).get("a").size());
    assertEquals(5, Enrolment.parse(" 5 ").size());
    assertTrue(Enrolment.parse("none").faces(tmp, List.of("a")).isEmpty());
  }

  @Test
  void unknownDesignsMissingFilesAndVideosAreRefused() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> Enrolment.parse("4x4"));
    assertThrows(IOException.class, () -> Enrolment.parse("5").faces(tmp, List.of("a")), "no calibration.csv");
    dataset("a");
    IOException e = assertThrows(IOException.class, () -> Enrolment.parse("5").faces(tmp, List.of("a", "c")));
    assertTrue(e.getMessage().contains("video c"), e.getMessage());
  }
}
