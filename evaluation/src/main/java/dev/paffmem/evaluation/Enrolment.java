package dev.paffmem.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --enrolment}: which faces of each person the evaluation sends as enrolled faces (FaceFrame's
 * {@code enrolment}) before the person's video: the person's own face at a few known emotions, taken from the
 * dataset's calibration grid ({@code calibration.csv}: each person's face rendered at known emotions with the first
 * frame's capture conditions, as {@code ./paffmem faces omg} writes it). A design is a list of (arousal, valence)
 * points; each takes the grid face nearest to it.
 *
 * <p>Designs: {@code none}; {@code 5} (neutral and the four diagonals at 0.5); {@code 3x3} (arousal and valence each
 * in -0.75, 0, 0.75: nine faces, the tuned default of docs/evaluation/RESULTS.md); {@code 5x5} (each in -1, -0.5, 0,
 * 0.5, 1).
 */
public final class Enrolment {

  /** One enrolled face: its image file and the emotion it shows. */
  public record Face(Path file, double arousal, double valence) {}

  private final String name;
  private final List<double[]> points;

  private Enrolment(String name, List<double[]> points) {
    this.name = name;
    this.points = points;
  }

  /**
   * The design called {@code none}, {@code 5}, {@code 3x3} or {@code 5x5}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static Enrolment parse(String design) {
    String d = design.trim().toLowerCase(Locale.ROOT);
    return switch (d) {
      case "none" -> new Enrolment(d, List.of());
      case "5" -> new Enrolment(d, List.of(new double[] {0, 0}, new double[] {0.5, 0.5}, new double[] {0.5, -0.5},
          new double[] {-0.5, 0.5}, new double[] {-0.5, -0.5}));
      case "3x3" -> new Enrolment(d, lattice(-0.75, 0, 0.75));
      case "5x5" -> new Enrolment(d, lattice(-1, -0.5, 0, 0.5, 1));
      default -> throw new IllegalArgumentException("unknown enrolment design '" + design + "' (none, 5, 3x3, 5x5)");
    };
  }

  private static List<double[]> lattice(double... values) {
    List<double[]> out = new ArrayList<>();
    for (double a : values) {
      for (double v : values) {
        out.add(new double[] {a, v});
      }
    }
    return out;
  }

  /** Faces per person. */
  public int size() {
    return points.size();
  }

  /** The design's (arousal, valence) points, in order. */
  public List<double[]> points() {
    return points.stream().map(double[]::clone).toList();
  }

  @Override
  public String toString() {
    return points.isEmpty() ? "none" : name + " (" + points.size() + " faces per person from calibration.csv)";
  }

  /**
   * Per video, the enrolled faces in design order (an empty map for {@code none}).
   *
   * @throws IOException if the dataset has no calibration.csv, or a video has no grid face
   */
  Map<String, List<Face>> faces(Path datasetRoot, List<String> videos) throws IOException {
    Map<String, List<Face>> out = new LinkedHashMap<>();
    if (points.isEmpty()) {
      return out;
    }
    Path csv = datasetRoot.resolve("calibration.csv");
    if (!Files.isRegularFile(csv)) {
      throw new IOException("--enrolment needs " + csv + " (each person's face at known emotions; ./paffmem faces omg "
          + "writes it)");
    }
    CsvLines.Table t = CsvLines.read(csv);
    Map<String, List<Face>> grid = new LinkedHashMap<>();
    int row = 1;
    for (List<String> r : t.rows()) {
      row++;
      grid.computeIfAbsent(t.get(r, "video"), k -> new ArrayList<>()).add(new Face(datasetRoot.resolve(t.get(r, "file")),
          t.getDouble(r, "arousal", row), t.getDouble(r, "valence", row)));
    }
    for (String video : videos) {
      List<Face> faces = grid.get(video);
      if (faces == null || faces.isEmpty()) {
        throw new IOException(csv + " has no face of video " + video);
      }
      List<Face> picked = new ArrayList<>();
      for (double[] p : points) {
        Face best = null;
        double bestD = Double.POSITIVE_INFINITY;
        for (Face f : faces) { // the first of equally near faces
          double d = Math.abs(f.arousal() - p[0]) + Math.abs(f.valence() - p[1]);
          if (d < bestD) {
            best = f;
            bestD = d;
          }
        }
        picked.add(best);
      }
      out.put(video, picked);
    }
    return out;
  }
}
