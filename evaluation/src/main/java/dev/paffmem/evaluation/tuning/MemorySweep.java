// Over 400 lines: one investigation tool whose parts (per-video cache, the settings grammar, the replay, the fidelity
// report) are only ever used together; split when a second tool needs one of them.
package dev.paffmem.evaluation.tuning;

import dev.paffmem.evaluation.Ccc;
import dev.paffmem.evaluation.FramePrediction;
import dev.paffmem.evaluation.OmgDataset;
import dev.paffmem.evaluation.Scoring;
import dev.paffmem.evaluation.Scoring.GroupScores;
import dev.paffmem.job.config.JobConfig;
import dev.paffmem.job.config.JobConfig.Device;
import dev.paffmem.job.inference.ImageTensors;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.inference.PkModel;
import dev.paffmem.job.inference.scheduling.NearDuplicateEdits;
import dev.paffmem.job.inference.GenerationTargets;
import dev.paffmem.memory.AffectiveMemory;
import dev.paffmem.memory.MemoryConfig;
import dev.paffmem.memory.Prediction;
import dev.paffmem.memory.Sample;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Investigation tool (not the evaluation): replays the job's per-video computation offline, without Kafka
 * and Flink, so that memory and generation settings can be swept in seconds on a TUNING set.
 *
 * <p>Per video it computes once, with the same ONNX models and the same preprocessing as the job
 * ({@link ImageTensors}): the encoder's z and D_em's (arousal, valence) of every frame, and for the first
 * {@code --generation-frames} frames the z of G's edits to the first {@code --generation-targets} Halton
 * targets ({@link GenerationTargets}, nested: a prefix of n targets is the n-target set). Then for every
 * setting it trains one {@link AffectiveMemory} per video exactly as {@code AffectiveMemoryFunction} does
 * (generated faces labelled, the real frame unlabelled, seed (video, frame); then the BMU's label) and
 * scores PK and memory with {@link Scoring}. It also measures how faithfully G edits a face: the CCC
 * between the targets and D_em's reading of the edited faces. With {@code --oracle}, the dataset's
 * calibration faces (the person's own face rendered at known emotions) replace G's edits: the upper bound
 * of what the memory can do with perfect edits.
 */
@Command(name = "memory-sweep", mixinStandardHelpOptions = true,
    description = "Offline replay of the job's per-video memory on a tuning set; sweeps memory/generation settings.")
public final class MemorySweep implements Callable<Integer> {

  @Option(names = "--dataset", required = true) Path dataset;
  @Option(names = "--model-dir", required = true) Path modelDir;
  @Option(names = "--videos", defaultValue = "10") int videos;
  @Option(names = "--max-seconds", defaultValue = "0") double maxSeconds;
  @Option(names = "--generation-frames", defaultValue = "25") int generationFrames;
  @Option(names = "--generation-targets", defaultValue = "200") int generationTargets;
  @Option(names = "--threads", defaultValue = "2") int threads;
  @Option(names = "--model-precision", defaultValue = "FP32",
      description = "Precision of generation's networks (G and the E of its edits), as the job's flag; frames are "
          + "encoded in FP32 as the job's online path does (default: ${DEFAULT-VALUE}).")
  JobConfig.ModelPrecision precision;
  /** The model generation runs on (the frames' model when FP32). */
  PkModel generation;
  @Option(names = "--crop", description = "x,y,w,h: crop every frame to this box and resize to the model's input (face-crop test)")
  String crop;
  @Option(names = "--oracle", description = "Use calibration/ faces (own face at known emotions) instead of G's edits.")
  boolean oracle;
  @Option(names = "--settings", split = ";", description = "Settings to sweep, ';'-separated; each a ','-list of key=value "
      + "(aT, hT, epsB, epsN, tauB, tauN, kappa, gamma, epochs, maxAge, cap, genFrames, targets). Default: a built-in sweep.")
  List<String> settings;

  public static void main(String[] args) {
    System.exit(new CommandLine(new MemorySweep()).execute(args));
  }

  /** Per video: z and D_em of every frame; per generation frame the z of each edit and D_em's reading of it. */
  record VideoCache(OmgDataset.Video video, float[][] z, float[][] pk, float[][][] genZ, float[][] genTargets,
      float[][][] genPk) {}

  @Override
  public Integer call() throws Exception {
    OmgDataset ds = OmgDataset.load(dataset, OmgDataset.DEFAULT_LABELS_CSV).select(List.of(), videos, maxSeconds);
    ModelManifest m = ModelManifest.load(modelDir);
    List<VideoCache> caches = new ArrayList<>();
    long t0 = System.nanoTime();
    try (PkModel model = PkModel.open(m, Device.CPU, threads);
        PkModel gen = PkModel.open(m, Device.CPU, precision, threads)) {
      generation = gen;
      System.err.println("generation: " + gen.generationPrecision());
      for (OmgDataset.Video v : ds.videos()) {
        caches.add(cached(model, m, v));
        System.err.printf(Locale.ROOT, "encoded %s (%s) %d frames, %.0f s%n", v.id(), v.personType(), v.frames().size(),
            (System.nanoTime() - t0) / 1e9);
      }
    }
    generationFidelity(caches, m);
    if (!oracle) {
      truthFidelity(caches, m);
    }
    List<String> runs = settings != null ? settings : defaultSweep();
    System.out.println("setting | all PK a/v | all mem a/v | typical PK a/v | typical mem a/v | confound PK a/v | "
        + "confound mem a/v | atypical PK a/v | atypical mem a/v | mean neurons");
    for (String s : runs) {
      System.out.println(run(caches, m, s));
    }
    return 0;
  }

  static List<String> defaultSweep() {
    return List.of("", "aT=0.6", "aT=0.8", "aT=0.9", "epochs=1", "epochs=3", "gamma=0.1", "gamma=1.0",
        "targets=50", "targets=100", "genFrames=5", "genFrames=10", "cap=100", "cap=1000");
  }

  @Option(names = "--cache-dir", defaultValue = "data/sweep-cache",
      description = "Encodings are cached here per (dataset, model, crop, generation, video) (default: ${DEFAULT-VALUE}).")
  Path cacheDir;

  /** The encodings of one video, from the cache when this exact computation was done before. */
  VideoCache cached(PkModel model, ModelManifest m, OmgDataset.Video v) throws Exception {
    String key = String.join("|", dataset.toAbsolutePath().toString(), modelDir.toAbsolutePath().toString(), m.modelId(),
        m.modelVersion(), String.valueOf(Files.getLastModifiedTime(modelDir.resolve("encoder.onnx"))), String.valueOf(crop),
        String.valueOf(oracle), String.valueOf(generationFrames), String.valueOf(generationTargets), "genPk", v.id(),
        String.valueOf(v.frames().size())) + (precision == JobConfig.ModelPrecision.FP32 ? "" : "|" + precision);
    Path file = cacheDir.resolve(Integer.toHexString(key.hashCode()) + "-" + v.id() + ".bin");
    if (Files.isRegularFile(file)) {
      try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
        if (key.equals(in.readObject())) {
          return new VideoCache(v, (float[][]) in.readObject(), (float[][]) in.readObject(), (float[][][]) in.readObject(),
              (float[][]) in.readObject(), (float[][][]) in.readObject());
        }
      }
    }
    VideoCache c = encode(model, m, v);
    Files.createDirectories(cacheDir);
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeObject(key);
      out.writeObject(c.z());
      out.writeObject(c.pk());
      out.writeObject(c.genZ());
      out.writeObject(c.genTargets());
      out.writeObject(c.genPk());
    }
    return c;
  }

  /** One generator conditioning row for a frame: its z (the paper's G) or the frame's image tensor (a frame editor). */
  float[] conditioning(PkModel model, ModelManifest m, Path frameFile, float[] z) throws Exception {
    if (m.generatorConditioning() == ModelManifest.Conditioning.LATENT) {
      return z;
    }
    float[] img = new float[m.imageSize()];
    ImageTensors.write(rgb(frameFile, m), m, img, 0);
    return img;
  }

  VideoCache encode(PkModel model, ModelManifest m, OmgDataset.Video v) throws Exception {
    int n = v.frames().size();
    int size = m.imageSize();
    int zd = m.zDim();
    float[][] z = new float[n][];
    float[][] pk = new float[n][];
    int batch = 64;
    for (int start = 0; start < n; start += batch) {
      int rows = Math.min(batch, n - start);
      float[] img = new float[rows * size];
      for (int r = 0; r < rows; r++) {
        ImageTensors.write(rgb(v.frames().get(start + r).file(), m), m, img, r * size);
      }
      float[] zs = model.encode(img, rows);
      float[] av = model.dem(zs, rows);
      for (int r = 0; r < rows; r++) {
        z[start + r] = java.util.Arrays.copyOfRange(zs, r * zd, (r + 1) * zd);
        pk[start + r] = new float[] {av[2 * r + m.arousalIndex()], av[2 * r + m.valenceIndex()]};
      }
    }
    int gf = Math.min(generationFrames, n);
    float[][][] genZ = new float[gf][][];
    float[][] targets;
    if (oracle) {
      // the person's own face at a grid of known emotions, the same set for every generation frame
      List<float[]> t = new ArrayList<>();
      List<Path> files = new ArrayList<>();
      for (String line : Files.readAllLines(dataset.resolve("calibration.csv")).subList(1, 0 + Files.readAllLines(dataset.resolve("calibration.csv")).size())) {
        String[] c = line.split(",");
        if (c[0].equals(v.id())) {
          files.add(dataset.resolve(c[1]));
          t.add(new float[] {Float.parseFloat(c[2]), Float.parseFloat(c[3])});
        }
      }
      targets = t.toArray(float[][]::new);
      float[] img = new float[files.size() * size];
      for (int i = 0; i < files.size(); i++) {
        ImageTensors.write(rgb(files.get(i), m), m, img, i * size);
      }
      float[] zs = model.encode(img, files.size());
      float[][] cal = new float[files.size()][];
      for (int i = 0; i < files.size(); i++) {
        cal[i] = java.util.Arrays.copyOfRange(zs, i * zd, (i + 1) * zd);
      }
      for (int f = 0; f < gf; f++) {
        genZ[f] = cal;
      }
    } else {
      float[] halton = GenerationTargets.halton(generationTargets);
      targets = new float[generationTargets][];
      for (int i = 0; i < generationTargets; i++) {
        targets[i] = new float[] {halton[2 * i], halton[2 * i + 1]};
      }
      for (int f = 0; f < gf; f++) {
        genZ[f] = new float[generationTargets][];
        float[] row = conditioning(model, m, v.frames().get(f).file(), z[f]);
        for (int start = 0; start < generationTargets; start += batch) {
          int rows = Math.min(batch, generationTargets - start);
          float[] zs = new float[rows * row.length];
          float[] tg = new float[2 * rows];
          for (int r = 0; r < rows; r++) {
            System.arraycopy(row, 0, zs, r * row.length, row.length);
            tg[2 * r] = halton[2 * (start + r)];
            tg[2 * r + 1] = halton[2 * (start + r) + 1];
          }
          float[] out = generation.generateAndEncode(zs, tg, rows); // the job's entry point (a latent G: no E)
          for (int r = 0; r < rows; r++) {
            genZ[f][start + r] = java.util.Arrays.copyOfRange(out, r * zd, (r + 1) * zd);
          }
        }
      }
    }
    float[][][] genPk = new float[gf][][];
    for (int f = 0; f < gf; f++) {
      genPk[f] = readings(model, m, genZ[f]);
    }
    return new VideoCache(v, z, pk, genZ, targets, genPk);
  }

  /** D_em's (arousal, valence) of each z. */
  static float[][] readings(PkModel model, ModelManifest m, float[][] zs) throws Exception {
    int zd = m.zDim();
    float[] flat = new float[zs.length * zd];
    for (int i = 0; i < zs.length; i++) {
      System.arraycopy(zs[i], 0, flat, i * zd, zd);
    }
    float[] av = model.dem(flat, zs.length);
    float[][] out = new float[zs.length][];
    for (int i = 0; i < zs.length; i++) {
      out[i] = new float[] {av[2 * i + m.arousalIndex()], av[2 * i + m.valenceIndex()]};
    }
    return out;
  }

  private byte[] rgb(Path file, ModelManifest m) throws IOException {
    BufferedImage img = ImageIO.read(file.toFile());
    if (crop != null) {
      String[] c = crop.split(",");
      img = img.getSubimage(Integer.parseInt(c[0].trim()), Integer.parseInt(c[1].trim()), Integer.parseInt(c[2].trim()),
          Integer.parseInt(c[3].trim()));
    }
    int w = m.imageWidth();
    int h = m.imageHeight();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, w, h, null);
    g.dispose();
    byte[] rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = out.getRGB(x, y);
        int i = 3 * (y * w + x);
        rgb[i] = (byte) (p >> 16);
        rgb[i + 1] = (byte) (p >> 8);
        rgb[i + 2] = (byte) p;
      }
    }
    return rgb;
  }

  /** How well D_em reads G's edits as their targets, and how far the edits move z. */
  void generationFidelity(List<VideoCache> caches, ModelManifest m) throws Exception {
    if (oracle) {
      return;
    }
    try (PkModel model = PkModel.open(m, Device.CPU, threads)) {
      List<Double> ta = new ArrayList<>();
      List<Double> tv = new ArrayList<>();
      List<Double> ra = new ArrayList<>();
      List<Double> rv = new ArrayList<>();
      double spread = 0;
      double frameSpread = 0;
      double realToEdit = 0;
      double realToPrevious = 0;
      double realToFirst = 0;
      int probes = 0;
      int count = 0;
      for (VideoCache c : caches) {
        float[][] g = c.genZ()[0];
        float[] zs = new float[g.length * m.zDim()];
        for (int i = 0; i < g.length; i++) {
          System.arraycopy(g[i], 0, zs, i * m.zDim(), m.zDim());
        }
        float[] av = model.dem(zs, g.length);
        for (int i = 0; i < g.length; i++) {
          ta.add((double) c.genTargets()[i][0]);
          tv.add((double) c.genTargets()[i][1]);
          ra.add((double) av[2 * i + m.arousalIndex()]);
          rv.add((double) av[2 * i + m.valenceIndex()]);
          spread += dist(g[i], c.z()[0]);
        }
        count += g.length;
        // real frames vs G's edits in z: is a later real frame nearer to some edit or to the previous real frame?
        for (int i = 50; i < c.z().length; i += 50) {
          double nearestEdit = Double.MAX_VALUE;
          for (float[][] edits : c.genZ()) {
            for (float[] e : edits) {
              nearestEdit = Math.min(nearestEdit, dist(c.z()[i], e));
            }
          }
          realToEdit += nearestEdit;
          realToPrevious += dist(c.z()[i], c.z()[i - 1]);
          realToFirst += dist(c.z()[i], c.z()[0]);
          probes++;
        }
        for (int i = 1; i < c.z().length; i++) {
          frameSpread += dist(c.z()[i], c.z()[0]) / (c.z().length - 1);
        }
      }
      System.out.printf(Locale.ROOT, "generation fidelity (frame 0 of each video): CCC(target, D_em(E(G(z, target)))) "
          + "arousal %.3f valence %.3f; mean |z_edit - z_frame0| %.3f; mean |z_frame_t - z_frame0| %.3f%n",
          Ccc.of(toArray(ra), toArray(ta)), Ccc.of(toArray(rv), toArray(tv)), spread / count, frameSpread / caches.size());
      System.out.printf(Locale.ROOT, "real frame t (every 50th) in z: nearest G edit %.3f, previous real frame %.3f, "
          + "real frame 0 %.3f%n", realToEdit / probes, realToPrevious / probes, realToFirst / probes);
    }
  }

  /**
   * How well G shows the memory this person: for the calibration grid (the person's true face at known emotions,
   * rendered with the first frame's capture conditions) compare E(true face at y) with E(G(z_0, y)), z_0 the first
   * frame's encoding, per person type. Reports the z distance, D_em's bias on the true faces (reading minus y,
   * what the memory should correct), the bias D_em shows on the edits, and how much of the true bias the edits
   * reproduce (the slope of edit bias on true bias, 1 = all of it, 0 = none: then a residual read-out has nothing
   * to learn).
   */
  void truthFidelity(List<VideoCache> caches, ModelManifest m) throws Exception {
    java.util.Map<String, double[]> byType = new java.util.TreeMap<>();
    try (PkModel model = PkModel.open(m, Device.CPU, threads)) {
      List<String> lines = Files.readAllLines(dataset.resolve("calibration.csv"));
      int zd = m.zDim();
      for (VideoCache c : caches) {
        List<Path> files = new ArrayList<>();
        List<float[]> ys = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.split(",");
          if (f[0].equals(c.video().id())) {
            files.add(dataset.resolve(f[1]));
            ys.add(new float[] {Float.parseFloat(f[2]), Float.parseFloat(f[3])});
          }
        }
        if (files.isEmpty()) {
          continue;
        }
        int n = files.size();
        float[] img = new float[n * m.imageSize()];
        for (int i = 0; i < n; i++) {
          ImageTensors.write(rgb(files.get(i), m), m, img, i * m.imageSize());
        }
        float[] trueZ = model.encode(img, n);
        float[] row = conditioning(model, m, c.video().frames().get(0).file(), c.z()[0]);
        float[] zs = new float[n * row.length];
        float[] tg = new float[2 * n];
        for (int i = 0; i < n; i++) {
          System.arraycopy(row, 0, zs, i * row.length, row.length);
          tg[2 * i] = ys.get(i)[0];
          tg[2 * i + 1] = ys.get(i)[1];
        }
        float[] editZ = model.generateAndEncode(zs, tg, n);
        float[] trueAv = model.dem(trueZ, n);
        float[] editAv = model.dem(editZ, n);
        double[] acc = byType.computeIfAbsent(c.video().personType(), k -> new double[12]);
        for (int i = 0; i < n; i++) {
          double d = 0;
          for (int j = 0; j < zd; j++) {
            double e = trueZ[i * zd + j] - editZ[i * zd + j];
            d += e * e;
          }
          acc[0] += Math.sqrt(d);
          for (int dim = 0; dim < 2; dim++) {
            int idx = dim == 0 ? m.arousalIndex() : m.valenceIndex();
            double tb = trueAv[2 * i + idx] - ys.get(i)[dim];
            double eb = editAv[2 * i + idx] - ys.get(i)[dim];
            acc[1 + dim] += Math.abs(tb);
            acc[3 + dim] += Math.abs(eb);
            acc[5 + 3 * dim] += tb * eb;
            acc[6 + 3 * dim] += tb * tb;
            acc[7 + 3 * dim] += tb;
          }
          acc[11] += 1;
        }
      }
    }
    System.out.println("G against the person's true faces (calibration grid, frame 0's z): type | |z_true - z_edit| | "
        + "PK bias on true faces |a|/|v| | PK bias on edits |a|/|v| | share of the true bias the edits reproduce a/v");
    for (var e : byType.entrySet()) {
      double[] a = e.getValue();
      double n = a[11];
      System.out.printf(Locale.ROOT, "  %s | %.3f | %.3f/%.3f | %.3f/%.3f | %.2f/%.2f%n", e.getKey(), a[0] / n, a[1] / n,
          a[2] / n, a[3] / n, a[4] / n, a[5] / a[6], a[8] / a[9]);
    }
  }

  private static double[] toArray(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double dist(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }

  String run(List<VideoCache> caches, ModelManifest m, String setting) {
    MemoryConfig.Builder b = MemoryConfig.defaults().toBuilder().dimension(m.zDim()).maxNeurons(500);
    int genFrames = generationFrames;
    int targets = Integer.MAX_VALUE;
    double gain = 1;
    double shrink = 1;
    double skipZ = 0;
    for (String kv : setting.split(",")) {
      if (kv.isBlank()) {
        continue;
      }
      String[] p = kv.trim().split("=");
      float val = p[0].equals("readout") ? 0f : Float.parseFloat(p[1]);
      switch (p[0]) {
        case "aT" -> b.activityThreshold(val);
        case "hT" -> b.habituationThreshold(val);
        case "epsB" -> b.epsilonB(val);
        case "epsN" -> b.epsilonN(val);
        case "tauB" -> b.tauB(val);
        case "tauN" -> b.tauN(val);
        case "kappa" -> b.kappa(val);
        case "gamma" -> b.labelRate(val);
        case "epochs" -> b.epochs((int) val);
        case "maxAge" -> b.maxEdgeAge((int) val);
        case "cap" -> b.maxNeurons((int) val);
        case "genFrames" -> genFrames = (int) val;
        case "gain" -> gain = val;
        case "shrink" -> shrink = val;
        case "readout" -> b.readout(MemoryConfig.Readout.valueOf(p[1].trim().toUpperCase(Locale.ROOT)));
        case "k" -> b.readoutK((int) val);
        case "uRate" -> b.unlabelledRate(val);
        case "uInsert" -> b.unlabelledInserts(val != 0);
        case "targets" -> targets = (int) val;
        case "skipZ" -> skipZ = val; // the job's --generation-skip-near-z
        default -> throw new IllegalArgumentException("unknown key " + p[0]);
      }
    }
    MemoryConfig cfg = b.build();
    List<FramePrediction> ps = new ArrayList<>();
    double neurons = 0;
    int edited = 0;
    int generationFrames = 0;
    for (VideoCache c : caches) {
      AffectiveMemory mem = new AffectiveMemory(cfg);
      List<float[]> editedZ = new ArrayList<>();
      List<OmgDataset.FrameRef> fs = c.video().frames();
      Prediction last = null;
      for (int i = 0; i < fs.size(); i++) {
        OmgDataset.FrameRef f = fs.get(i);
        List<Sample> samples = new ArrayList<>();
        boolean generation = i < Math.min(genFrames, c.genZ().length);
        generationFrames += generation ? 1 : 0;
        if (generation && NearDuplicateEdits.nearAnEdited(editedZ, c.z()[i], skipZ)) {
          generation = false; // as the job with --generation-skip-near-z: the frame alone, unlabelled
        } else if (generation) {
          editedZ.add(c.z()[i]);
          edited++;
        }
        if (generation) {
          float[][] g = c.genZ()[i];
          for (int k = 0; k < Math.min(targets, g.length); k++) {
            // shrink != 1 (offline only): an edit is labelled with the frame's reading moved by shrink times the
            // change of label, r0 + s (y' - r0), i.e. with what an edit that falls short of its target shows
            double la = c.pk()[i][0] + shrink * (c.genTargets()[k][0] - c.pk()[i][0]);
            double lv = c.pk()[i][1] + shrink * (c.genTargets()[k][1] - c.pk()[i][1]);
            samples.add(Sample.labelled(g[k], (float) la, (float) lv, c.genPk()[i][k][0], c.genPk()[i][k][1]));
          }
        }
        samples.add(Sample.unlabelled(c.z()[i]));
        mem.train(samples, AffectiveMemory.seed(f.video(), f.frame()));
        last = mem.predict(c.z()[i], c.pk()[i][0], c.pk()[i][1]);
        // gain != 1 (offline only): the memory's correction of the PK scaled, PK + gain * (memory - PK)
        double ma = Math.max(-1, Math.min(1, c.pk()[i][0] + gain * (last.arousal() - c.pk()[i][0])));
        double mv = Math.max(-1, Math.min(1, c.pk()[i][1] + gain * (last.valence() - c.pk()[i][1])));
        ps.add(new FramePrediction(f.video(), f.utterance(), f.frame(), c.video().personType(),
            i < genFrames ? "GENERATING" : "ONLINE", last.memorySize(), last.activation(), f.arousal(), f.valence(),
            c.pk()[i][0], c.pk()[i][1], ma, mv));
      }
      neurons += last == null ? 0 : last.memorySize();
    }
    if (skipZ > 0) {
      System.err.printf(Locale.ROOT, "%s: %d of %d generation frames edited (%.0f %%)%n", setting, edited,
          generationFrames, 100.0 * edited / Math.max(1, generationFrames));
    }
    Scoring.Results r = Scoring.score(ps);
    StringBuilder sb = new StringBuilder(setting.isBlank() ? "defaults" : setting);
    for (String g : List.of(Scoring.ALL, Scoring.TYPICAL, Scoring.CONFOUND, Scoring.ATYPICAL)) {
      GroupScores s = r.group(g);
      if (s == null) {
        sb.append(" | - | -");
        continue;
      }
      sb.append(String.format(Locale.ROOT, " | %.3f/%.3f | %.3f/%.3f", s.pk().arousal().utterancePooled(),
          s.pk().valence().utterancePooled(), s.paffmem().arousal().utterancePooled(), s.paffmem().valence().utterancePooled()));
    }
    sb.append(String.format(Locale.ROOT, " | %.0f", neurons / caches.size()));
    return sb.toString();
  }
}
