package dev.paffmem.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OmgDatasetTest {

  @TempDir
  Path dir;

  @Test
  void readsUtterancesInRowOrderAndFramesPerVideoInFrameOrder() throws Exception {
    OmgDataset ds = OmgDataset.load(TestDatasets.write(dir), OmgDataset.DEFAULT_LABELS_CSV);
    assertEquals(List.of("v1/utterance_1.mp4", "v2/utterance_1.mp4", "v1/utterance_2.mp4", "v2/utterance_2.mp4"),
        ds.utterances().stream().map(u -> u.video() + "/" + u.utterance()).toList());
    assertEquals(List.of("v1", "v2"), ds.videos().stream().map(OmgDataset.Video::id).toList());
    assertEquals("typical", ds.video("v1").personType());
    assertEquals("muted", ds.video("v2").personType());
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), ds.video("v1").frames().stream().map(OmgDataset.FrameRef::frame).toList());
    assertEquals(0.5, ds.video("v1").frames().get(0).arousal(), 1e-9); // frames.csv arousal is already in [-1, 1]
    assertEquals(dir.resolve("frames/v1/utterance_1/000000.png"), ds.video("v1").frames().get(0).file());
    assertTrue(ds.framesFromCsv());
    assertEquals(9, ds.frameCount());
  }

  @Test
  void selectKeepsWholeUtterancesAndNamedVideos() throws Exception {
    OmgDataset ds = OmgDataset.load(TestDatasets.write(dir), OmgDataset.DEFAULT_LABELS_CSV);
    OmgDataset firstUtterances = ds.select(List.of(), 0, 0.12); // v1 utterance_1 ends at 0.12, v2's at 0.08
    assertEquals(List.of("v1/utterance_1.mp4", "v2/utterance_1.mp4"),
        firstUtterances.utterances().stream().map(u -> u.video() + "/" + u.utterance()).toList());
    assertEquals(5, firstUtterances.frameCount());
    OmgDataset onlyV2 = ds.select(List.of("v2"), 0, 0);
    assertEquals(List.of("v2"), onlyV2.videos().stream().map(OmgDataset.Video::id).toList());
    assertEquals(2, onlyV2.utterances().size());
    assertEquals(1, ds.select(List.of(), 1, 0).videos().size());
    assertThrows(IllegalArgumentException.class, () -> ds.select(List.of("nope"), 0, 0));
  }

  @Test
  void withoutFramesCsvFramesAreFoundUnderFramesAndTakeTheirUtterancesLabel() throws Exception {
    Files.writeString(dir.resolve("omg_TestVideos_WithLabels.csv"), TestDatasets.LABELS);
    for (String rel : List.of("v1/utterance_1/a.png", "v1/utterance_1/b.png", "v1/utterance_2/c.jpg",
        "v2/utterance_2/x.png", "v2/utterance_2/notes.txt")) {
      Path p = dir.resolve("frames").resolve(rel);
      Files.createDirectories(p.getParent());
      Files.write(p, new byte[] {1});
    }
    OmgDataset ds = OmgDataset.load(dir, OmgDataset.DEFAULT_LABELS_CSV);
    assertFalse(ds.framesFromCsv());
    List<OmgDataset.FrameRef> v1 = ds.video("v1").frames();
    assertEquals(List.of(0L, 1L, 2L), v1.stream().map(OmgDataset.FrameRef::frame).toList());
    assertEquals("utterance_2.mp4", v1.get(2).utterance());
    assertEquals(0.5, v1.get(0).arousal(), 1e-12); // OMG 0.75 -> 0.5
    assertEquals(0.0, v1.get(2).arousal(), 1e-12); // OMG 0.5 -> 0
    assertEquals(1, ds.video("v2").frames().size()); // utterance_1 has no folder, .txt is not a frame
    assertEquals(OmgDataset.UNKNOWN_TYPE, ds.video("v1").personType());
    // select drops utterances without frames
    assertEquals(3, ds.select(List.of(), 0, 0).utterances().size());
  }

  @Test
  void namesTheMissingFile() {
    Exception e = assertThrows(java.io.IOException.class, () -> OmgDataset.load(dir, OmgDataset.DEFAULT_LABELS_CSV));
    assertTrue(e.getMessage().contains("omg_TestVideos_WithLabels.csv"), e.getMessage());
  }
}
