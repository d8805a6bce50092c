package dev.paffmem.job.inference;

import dev.paffmem.job.inference.ModelManifest.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * The model calls of the inference operator, plain Java over a {@link PkModel}: the online step (E and
 * D_em on frames, in calls of at most {@code maxRows}) and the generation step (G + E, then D_em, on a
 * range of one frame's targets). Both run on the model thread and touch nothing but the model.
 */
public final class InferenceSteps {

  private InferenceSteps() {}

  /** How long one network ran on how many rows. */
  public record Timing(Role role, long nanos, int rows) {}

  /**
   * The online step's result: z ({@code n * zDim}), D_em's (arousal, valence) ({@code 2n}) and, when any frame's were
   * asked for, the regions' band readings ({@code n * k}, k = 2 x bands, NaN for frames not read; empty otherwise).
   */
  public record Online(float[] z, float[] pk, float[] bands, List<Timing> timings) {}

  /** Edits of {@code rows} targets of one frame: their z, D_em's reading of them, the model time spent. */
  public record Edits(float[] z, float[] pk, long nanos, List<Timing> timings) {}

  /** E (from RGB8 bytes) and D_em on frames, in model calls of at most {@code maxRows} rows. */
  public static Online online(PkModel model, List<byte[]> rgb, int maxRows) throws Exception {
    return online(model, rgb, maxRows, null);
  }

  /**
   * As {@link #online(PkModel, List, int)}; the regions' band readers ({@link PkModel#regions}) also read the frames
   * {@code readBands} marks (null: none), in calls of at most {@code maxRows} of them; the bands of frames not read
   * are NaN.
   */
  public static Online online(PkModel model, List<byte[]> rgb, int maxRows, boolean[] readBands) throws Exception {
    int n = rgb.size();
    List<Integer> read = new ArrayList<>();
    for (int i = 0; readBands != null && i < n; i++) {
      if (readBands[i]) {
        read.add(i);
      }
    }
    boolean regions = !read.isEmpty();
    int k = regions ? model.manifest().regionsCorrection().readings() : 0;
    float[] bands = new float[n * k];
    java.util.Arrays.fill(bands, Float.NaN);
    int zDim = model.manifest().zDim();
    List<Timing> timings = new ArrayList<>();
    float[] z = new float[n * zDim];
    float[] pk = new float[2 * n];
    for (int start = 0; start < n; start += maxRows) {
      int rows = Math.min(maxRows, n - start);
      long t0 = System.nanoTime();
      float[] out = model.encodeRgb(rgb.subList(start, start + rows));
      long t1 = System.nanoTime();
      timings.add(new Timing(Role.ENCODER, t1 - t0, rows));
      System.arraycopy(out, 0, z, start * zDim, rows * zDim);
      float[] av = model.dem(out, rows);
      timings.add(new Timing(Role.DEM, System.nanoTime() - t1, rows));
      System.arraycopy(av, 0, pk, 2 * start, 2 * rows);
    }
    for (int start = 0; start < read.size(); start += maxRows) {
      int rows = Math.min(maxRows, read.size() - start);
      List<byte[]> frames = new ArrayList<>(rows);
      for (int r = 0; r < rows; r++) {
        frames.add(rgb.get(read.get(start + r)));
      }
      long t0 = System.nanoTime();
      float[] out = model.regions(frames);
      timings.add(new Timing(Role.REGIONS, System.nanoTime() - t0, rows));
      for (int r = 0; r < rows; r++) {
        System.arraycopy(out, r * k, bands, read.get(start + r) * k, k);
      }
    }
    return new Online(z, pk, bands, timings);
  }

  /**
   * G + E ({@link PkModel#generateAndEncode(byte[], float[], float[], PkModel.RunTimer)}) on targets
   * {@code [from, from + rows)} of {@code targets} for one frame, then D_em on the edited faces' z (what the
   * PK reads in this person's face at each target: the memory's residuals). The paper's edits ({@link GenerationEdits#G}).
   */
  public static Edits edits(PkModel model, byte[] rgb, float[] z, float[] targets, int from, int rows) throws Exception {
    return edits(model, rgb, z, targets, from, rows, GenerationEdits.G);
  }

  /**
   * As {@link #edits(PkModel, byte[], float[], float[], int, int)}, the edits made as {@code mode} says. For
   * {@link GenerationEdits#DELTA_Z} the chunk's G + E call carries one more row, the frame's own reading
   * D_em(z) as the target, and edit i is z + E(G(z, y_i)) - E(G(z, D_em(z))); the same chunk gives the same edits
   * whenever it runs (after a restore too).
   */
  public static Edits edits(PkModel model, byte[] rgb, float[] z, float[] targets, int from, int rows,
      GenerationEdits mode) throws Exception {
    boolean delta = mode == GenerationEdits.DELTA_Z;
    int calls = delta ? rows + 1 : rows;
    List<Timing> timings = new ArrayList<>(4);
    long t0 = System.nanoTime();
    float[] tg = new float[2 * calls];
    System.arraycopy(targets, 2 * from, tg, 0, 2 * rows);
    if (delta) {
      float[] own = model.dem(z, 1);
      timings.add(new Timing(Role.DEM, System.nanoTime() - t0, 1));
      tg[2 * rows] = own[0];
      tg[2 * rows + 1] = own[1];
    }
    float[] edited = model.generateAndEncode(rgb, z, tg, (role, nanos) -> timings.add(new Timing(role, nanos, calls)));
    if (delta) {
      edited = moveByChange(z, edited, rows);
    }
    long t1 = System.nanoTime();
    float[] pk = model.dem(edited, rows);
    long t2 = System.nanoTime();
    timings.add(new Timing(Role.DEM, t2 - t1, rows));
    return new Edits(edited, pk, t2 - t0, timings);
  }

  /**
   * {@code z + e_i - e_own} for the first {@code rows} rows e_i of {@code encoded}, whose row {@code rows} is e_own
   * (the encoding of G's face at the frame's own reading); {@code rows * z.length} values.
   */
  static float[] moveByChange(float[] z, float[] encoded, int rows) {
    int d = z.length;
    if (encoded.length != (rows + 1) * d) {
      throw new IllegalArgumentException("expected " + (rows + 1) + " rows of " + d + " values, got " + encoded.length);
    }
    float[] out = new float[rows * d];
    int own = rows * d;
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < d; k++) {
        out[r * d + k] = z[k] + (encoded[r * d + k] - encoded[own + k]);
      }
    }
    return out;
  }

  /**
   * Runs the online step on one blank frame and the generation step on the first {@code chunkRows} targets of it,
   * results dropped, so that ONNX Runtime's first run of each session (its memory arenas and kernel set-up: a first
   * generation chunk took 2-3x a later one in a micro-benchmark) and the JIT's first pass over these paths happen
   * before the job reads input, not while a new person's first frames and everyone's online batches wait behind it.
   * Returns the timings of the calls made.
   */
  public static List<Timing> warmUp(PkModel model, float[] targets, int chunkRows) throws Exception {
    ModelManifest m = model.manifest();
    byte[] blank = new byte[m.imageHeight() * m.imageWidth() * 3];
    java.util.Arrays.fill(blank, (byte) 128);
    // the regions' band readers too, where the model has them: a person's first frame is read
    Online online = online(model, List.of(blank), 1, model.hasRegions() ? new boolean[] {true} : null);
    List<Timing> timings = new ArrayList<>(online.timings());
    int rows = Math.min(chunkRows, targets.length / 2);
    if (rows > 0) {
      timings.addAll(edits(model, blank, online.z(), targets, 0, rows).timings());
    }
    return timings;
  }
}
