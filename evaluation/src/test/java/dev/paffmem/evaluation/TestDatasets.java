package dev.paffmem.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Hand-made OMG-layout datasets and predictions for the writer tests. */
final class TestDatasets {

  private TestDatasets() {}

  static final String LABELS = String.join("\n",
      "link,start,end,video,utterance,arousal,valence,EmotionMaxVote",
      "https://x/v1,0.00,0.12,v1,utterance_1.mp4,0.75,0.5,3",
      "https://x/v2,0.00,0.08,v2,utterance_1.mp4,0.25,-0.5,5",
      "https://x/v1,0.12,0.20,v1,utterance_2.mp4,0.5,0.0,4",
      "https://x/v2,0.08,0.16,v2,utterance_2.mp4,0.5,0.25,4") + "\n";

  /** Two videos, two utterances each, rows interleaved between videos; v1 typical, v2 muted; frames.csv with truth. */
  static Path write(Path dir) throws IOException {
    Files.writeString(dir.resolve("omg_TestVideos_WithLabels.csv"), LABELS);
    StringBuilder frames = new StringBuilder("video,utterance,frame,file,arousal,valence,arousal_omg,person_id,person_type\n");
    // v1: frames 0-2 utterance_1 (truth a=0.5, v=0.5), frames 3-4 utterance_2 (a=0, v=0)
    for (int f = 0; f < 5; f++) {
      String utt = f < 3 ? "utterance_1.mp4" : "utterance_2.mp4";
      double a = f < 3 ? 0.5 : 0.0;
      double v = f < 3 ? 0.5 : 0.0;
      frames.append(String.format(java.util.Locale.ROOT, "v1,%s,%d,frames/v1/%s/%06d.png,%f,%f,%f,v1,typical%n",
          utt, f, OmgDataset.stem(utt), f, a, v, OmgArousal.toOmg(a)));
    }
    // v2: frames 0-1 utterance_1 (a=-0.5, v=-0.5), 2-3 utterance_2 (a=0, v=0.25)
    for (int f = 0; f < 4; f++) {
      String utt = f < 2 ? "utterance_1.mp4" : "utterance_2.mp4";
      double a = f < 2 ? -0.5 : 0.0;
      double v = f < 2 ? -0.5 : 0.25;
      frames.append(String.format(java.util.Locale.ROOT, "v2,%s,%d,frames/v2/%s/%06d.png,%f,%f,%f,v2,muted%n",
          utt, f, OmgDataset.stem(utt), f, a, v, OmgArousal.toOmg(a)));
    }
    Files.writeString(dir.resolve("frames.csv"), frames);
    return dir;
  }

  /** Predictions for every frame of {@link #write}: PK predicts 0.1 everywhere, P-AffMem the truth. */
  static List<FramePrediction> predictions(OmgDataset ds) {
    return ds.videos().stream().flatMap(v -> v.frames().stream().map(f -> new FramePrediction(f.video(), f.utterance(),
        f.frame(), v.personType(), f.frame() < 2 ? "GENERATING" : "ONLINE", 10 + (int) f.frame(), 0.5,
        f.arousal(), f.valence(), 0.1, 0.1, f.arousal(), f.valence()))).toList();
  }
}
