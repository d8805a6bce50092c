package dev.paffmem.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An evaluation set in OMG-Emotion's layout (see the module README):
 * <pre>
 *   DIR/omg_TestVideos_WithLabels.csv   link,start,end,video,utterance,arousal,valence,EmotionMaxVote
 *                                       one row per utterance, arousal in [0, 1], valence in [-1, 1]
 *   DIR/frames.csv                      video,utterance,frame,file[,arousal,valence][,arousal_omg][,person_type]
 *                                       optional; per-frame truth with arousal in [-1, 1]
 *   DIR/frames/VIDEO/UTTERANCE/*.png|jpg   frame images (UTTERANCE without ".mp4"), sorted by name
 * </pre>
 * Without {@code frames.csv} the frames are found under {@code frames/} and every frame takes its
 * utterance's label as ground truth (what the official script compares against anyway).
 *
 * <p>One video is one stream: its frames are sent in frame order under the video id as the person id,
 * so each video gets its own affective memory, as in the paper ("one affective memory for each video").
 */
public final class OmgDataset {

  public static final String DEFAULT_LABELS_CSV = "omg_TestVideos_WithLabels.csv";
  public static final String FRAMES_CSV = "frames.csv";
  public static final String UNKNOWN_TYPE = "unknown";
  public static final String TYPICAL = "typical";
  static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

  /**
   * One row of the utterance CSV, in file order ({@code row} counts from 0); arousal on OMG's [0, 1]; {@code cells}
   * the row as read, every column.
   */
  public record Utterance(int row, String video, String utterance, double start, double end, double arousalOmg,
      double valence, List<String> cells) {}

  /** One frame: its image file, its ground truth (arousal in [-1, 1]) and its face box if frames.csv has one. */
  public record FrameRef(String video, String utterance, long frame, Path file, double arousal, double valence,
      FaceBox box) {

    public FrameRef(String video, String utterance, long frame, Path file, double arousal, double valence) {
      this(video, utterance, frame, file, arousal, valence, null);
    }
  }

  /** A face bounding box in pixels (AffectNet's face_x, face_y, face_width, face_height). */
  public record FaceBox(int x, int y, int width, int height) {

    /** Parses "x,y,w,h". */
    public static FaceBox parse(String s) {
      String[] p = s.split(",");
      if (p.length != 4) {
        throw new IllegalArgumentException("a face box is x,y,width,height; got '" + s + "'");
      }
      FaceBox b = new FaceBox((int) Math.round(Double.parseDouble(p[0].trim())), (int) Math.round(Double.parseDouble(p[1].trim())),
          (int) Math.round(Double.parseDouble(p[2].trim())), (int) Math.round(Double.parseDouble(p[3].trim())));
      if (b.width <= 0 || b.height <= 0) {
        throw new IllegalArgumentException("a face box needs a positive width and height: '" + s + "'");
      }
      return b;
    }

    @Override
    public String toString() {
      return x + "," + y + "," + width + "," + height;
    }
  }

  /** One video: its utterances in CSV order and its frames in frame order. */
  public record Video(String id, String personType, List<Utterance> utterances, List<FrameRef> frames) {

    boolean typical() {
      return TYPICAL.equals(personType);
    }
  }

  private final Path root;
  private final List<String> labelsHeader;
  private final List<Utterance> utterances;
  private final Map<String, Video> videos;
  private final boolean framesCsv;

  private OmgDataset(Path root, List<String> labelsHeader, List<Utterance> utterances, Map<String, Video> videos,
      boolean framesCsv) {
    this.root = root;
    this.labelsHeader = labelsHeader;
    this.utterances = List.copyOf(utterances);
    this.videos = videos;
    this.framesCsv = framesCsv;
  }

  /** Reads the dataset under {@code root}; {@code labelsCsv} is relative to it unless absolute. */
  public static OmgDataset load(Path root, String labelsCsv) throws IOException {
    Path labelsFile = root.resolve(labelsCsv);
    if (!Files.isRegularFile(labelsFile)) {
      throw new IOException("no utterance CSV " + labelsFile + " (an OMG-Emotion-layout dataset has "
          + DEFAULT_LABELS_CSV + "; pass --labels for another name)");
    }
    CsvLines.Table labels = CsvLines.read(labelsFile);
    List<Utterance> utterances = new ArrayList<>();
    for (int i = 0; i < labels.rows().size(); i++) {
      List<String> r = labels.rows().get(i);
      utterances.add(new Utterance(i, labels.get(r, "video").trim(), labels.get(r, "utterance").trim(),
          labels.getDouble(r, "start", i + 2), labels.getDouble(r, "end", i + 2),
          labels.getDouble(r, "arousal", i + 2), labels.getDouble(r, "valence", i + 2), List.copyOf(r)));
    }
    Map<List<String>, Utterance> byKey = new HashMap<>();
    for (Utterance u : utterances) {
      if (byKey.putIfAbsent(List.of(u.video(), u.utterance()), u) != null) {
        throw new IOException(labelsFile + ": utterance " + u.video() + "/" + u.utterance() + " appears twice");
      }
    }
    Path framesFile = root.resolve(FRAMES_CSV);
    Map<String, List<FrameRef>> frames;
    Map<String, String> types = new HashMap<>();
    boolean fromCsv = Files.isRegularFile(framesFile);
    if (fromCsv) {
      frames = readFramesCsv(root, framesFile, byKey, types);
    } else {
      frames = scanFrames(root, utterances);
    }
    Map<String, String> personTypes = readPersonTypes(root);
    Map<String, Video> videos = new LinkedHashMap<>();
    Map<String, List<Utterance>> utterancesByVideo = new LinkedHashMap<>();
    for (Utterance u : utterances) {
      utterancesByVideo.computeIfAbsent(u.video(), k -> new ArrayList<>()).add(u);
    }
    for (Map.Entry<String, List<Utterance>> e : utterancesByVideo.entrySet()) {
      List<FrameRef> fs = frames.getOrDefault(e.getKey(), List.of());
      String type = types.getOrDefault(e.getKey(), personTypes.getOrDefault(e.getKey(), UNKNOWN_TYPE));
      videos.put(e.getKey(), new Video(e.getKey(), type, List.copyOf(e.getValue()), List.copyOf(fs)));
    }
    return new OmgDataset(root, labels.header(), utterances, videos, fromCsv);
  }

  private static Map<String, List<FrameRef>> readFramesCsv(Path root, Path file, Map<List<String>, Utterance> byKey,
      Map<String, String> types) throws IOException {
    CsvLines.Table t = CsvLines.read(file);
    boolean hasArousal = t.has("arousal");
    boolean hasArousalOmg = t.has("arousal_omg");
    boolean hasValence = t.has("valence");
    boolean hasFrame = t.has("frame");
    boolean hasType = t.has("person_type");
    boolean hasBox = t.has("face_x") && t.has("face_y") && t.has("face_width") && t.has("face_height");
    Map<String, List<FrameRef>> out = new LinkedHashMap<>();
    for (int i = 0; i < t.rows().size(); i++) {
      List<String> r = t.rows().get(i);
      String video = t.get(r, "video").trim();
      String utt = t.get(r, "utterance").trim();
      Utterance u = byKey.get(List.of(video, utt));
      if (u == null) {
        throw new IOException(file + " row " + (i + 2) + ": utterance " + video + "/" + utt
            + " is not in the utterance CSV");
      }
      List<FrameRef> list = out.computeIfAbsent(video, k -> new ArrayList<>());
      long frame = hasFrame ? Math.round(t.getDouble(r, "frame", i + 2)) : list.size();
      double a = hasArousal ? t.getDouble(r, "arousal", i + 2)
          : hasArousalOmg ? OmgArousal.fromOmg(t.getDouble(r, "arousal_omg", i + 2)) : OmgArousal.fromOmg(u.arousalOmg());
      double v = hasValence ? t.getDouble(r, "valence", i + 2) : u.valence();
      FaceBox box = hasBox ? FaceBox.parse(String.join(",", t.get(r, "face_x"), t.get(r, "face_y"), t.get(r, "face_width"),
          t.get(r, "face_height"))) : null;
      list.add(new FrameRef(video, utt, frame, root.resolve(t.get(r, "file").trim()), a, v, box));
      if (hasType) {
        types.putIfAbsent(video, t.get(r, "person_type").trim());
      }
    }
    for (Map.Entry<String, List<FrameRef>> e : out.entrySet()) {
      e.getValue().sort(Comparator.comparingLong(FrameRef::frame));
      for (int i = 1; i < e.getValue().size(); i++) {
        if (e.getValue().get(i).frame() == e.getValue().get(i - 1).frame()) {
          throw new IOException(file + ": video " + e.getKey() + " has frame " + e.getValue().get(i).frame() + " twice");
        }
      }
    }
    return out;
  }

  /** frames/VIDEO/UTTERANCE(without .mp4)/ image files sorted by name; utterances by start time. */
  private static Map<String, List<FrameRef>> scanFrames(Path root, List<Utterance> utterances) throws IOException {
    Map<String, List<Utterance>> byVideo = new LinkedHashMap<>();
    for (Utterance u : utterances) {
      byVideo.computeIfAbsent(u.video(), k -> new ArrayList<>()).add(u);
    }
    Map<String, List<FrameRef>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<Utterance>> e : byVideo.entrySet()) {
      List<Utterance> ordered = new ArrayList<>(e.getValue());
      ordered.sort(Comparator.comparingDouble(Utterance::start));
      List<FrameRef> list = new ArrayList<>();
      for (Utterance u : ordered) {
        Path dir = root.resolve("frames").resolve(u.video()).resolve(stem(u.utterance()));
        if (!Files.isDirectory(dir)) {
          continue; // an utterance without frames gets no prediction (reported as missing)
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
          files = s.filter(p -> IMAGE_EXTENSIONS.stream()
              .anyMatch(x -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(x))).sorted().toList();
        }
        for (Path f : files) {
          list.add(new FrameRef(u.video(), u.utterance(), list.size(), f, OmgArousal.fromOmg(u.arousalOmg()), u.valence()));
        }
      }
      out.put(e.getKey(), list);
    }
    return out;
  }

  private static Map<String, String> readPersonTypes(Path root) throws IOException {
    Path p = root.resolve("persons.csv");
    Map<String, String> out = new HashMap<>();
    if (Files.isRegularFile(p)) {
      CsvLines.Table t = CsvLines.read(p);
      if (t.has("person_id") && t.has("person_type")) {
        for (List<String> r : t.rows()) {
          out.put(t.get(r, "person_id").trim(), t.get(r, "person_type").trim());
        }
      }
    }
    return out;
  }

  static String stem(String utterance) {
    return utterance.endsWith(".mp4") ? utterance.substring(0, utterance.length() - 4) : utterance;
  }

  /**
   * A subset: the named videos (or all), the first {@code maxVideos} of them (0 = all), and per video
   * the whole utterances that end by {@code maxSeconds} (0 = all), so that utterance labels stay the
   * mean of the frames evaluated. Videos left without frames are dropped.
   */
  public OmgDataset select(Collection<String> videoIds, int maxVideos, double maxSeconds) {
    Set<String> wanted = videoIds == null || videoIds.isEmpty() ? null : new LinkedHashSet<>(videoIds);
    if (wanted != null) {
      for (String id : wanted) {
        if (!videos.containsKey(id)) {
          throw new IllegalArgumentException("no video '" + id + "' in " + root);
        }
      }
    }
    Map<String, Video> kept = new LinkedHashMap<>();
    for (Video v : videos.values()) {
      if (wanted != null && !wanted.contains(v.id())) {
        continue;
      }
      if (maxVideos > 0 && kept.size() >= maxVideos) {
        break;
      }
      List<Utterance> us = v.utterances().stream()
          .filter(u -> maxSeconds <= 0 || u.end() <= maxSeconds + 1e-6).toList();
      Set<String> names = new LinkedHashSet<>();
      us.forEach(u -> names.add(u.utterance()));
      List<FrameRef> fs = v.frames().stream().filter(f -> names.contains(f.utterance())).toList();
      if (fs.isEmpty()) {
        continue;
      }
      Set<String> withFrames = new LinkedHashSet<>();
      fs.forEach(f -> withFrames.add(f.utterance()));
      kept.put(v.id(), new Video(v.id(), v.personType(), us.stream().filter(u -> withFrames.contains(u.utterance())).toList(), fs));
    }
    List<Utterance> us = utterances.stream().filter(u -> kept.containsKey(u.video())
        && kept.get(u.video()).utterances().contains(u)).toList();
    return new OmgDataset(root, labelsHeader, us, kept, framesCsv);
  }

  public Path root() {
    return root;
  }

  /** The header line of the utterance CSV, as in the file. */
  public List<String> labelsHeader() {
    return labelsHeader;
  }

  /** The utterances in the CSV's row order. */
  public List<Utterance> utterances() {
    return utterances;
  }

  /** The videos in the CSV's first-seen order. */
  public List<Video> videos() {
    return List.copyOf(videos.values());
  }

  public Video video(String id) {
    return videos.get(id);
  }

  public long frameCount() {
    return videos.values().stream().mapToLong(v -> v.frames().size()).sum();
  }

  /** Whether per-frame truth came from frames.csv (else from the utterance labels). */
  public boolean framesFromCsv() {
    return framesCsv;
  }
}
