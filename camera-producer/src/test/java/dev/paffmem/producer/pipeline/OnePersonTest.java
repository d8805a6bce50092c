package dev.paffmem.producer.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.schema.FaceBox;
import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnePersonTest {

  static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  static FaceFrame face(String track, long ms, int width) {
    return FaceFrame.newBuilder().setPersonId(track).setSourceId("cam").setFrameIndex(7).setEventTime(
            Instant.ofEpochMilli(T0 + ms)).setEncoding(ImageEncoding.JPEG).setImage(ByteBuffer.wrap(new byte[] {1}))
        .setFaceBox(FaceBox.newBuilder().setX(0).setY(0).setWidth(width).setHeight(width).setFrameWidth(640)
            .setFrameHeight(480).setDetected(true).build())
        .build();
  }

  @Test
  void keepsTheLargestFaceOfEachFrameAsThePersonLabelledInTheScriptsWindows() {
    List<FaceFrame> out = new ArrayList<>();
    OnePerson one = new OnePerson("alice", List.of(new OnePerson.Window(40, 120, 0.5f, -0.25f)), out::add);
    one.accept(face("cam/t1", 0, 30));
    one.accept(face("cam/t2", 0, 50)); // the same frame, a larger face: this one is kept
    one.accept(face("cam/t1", 40, 30));
    one.accept(face("cam/t1", 80, 30));
    one.accept(face("cam/t2", 120, 60)); // the window ends before 120 ms
    one.accept(face("cam/t1", 60, 90)); // a clock that went back: dropped
    one.flush();
    one.flush(); // nothing left: sends nothing again
    assertEquals(4, out.size());
    assertEquals(List.of(T0, T0 + 40, T0 + 80, T0 + 120), out.stream().map(FaceFrame::getFrameIndex).toList());
    assertTrue(out.stream().allMatch(f -> f.getPersonId().equals("alice")));
    assertEquals(50, out.get(0).getFaceBox().getWidth());
    assertNull(out.get(0).getEnrolment());
    assertEquals(0.5f, out.get(1).getEnrolment().getArousal());
    assertEquals(-0.25f, out.get(2).getEnrolment().getValence());
    assertNull(out.get(3).getEnrolment());
    assertEquals(2, one.enrolled());
  }

  @Test
  void scriptsAreReadWithAHeaderAndCommentsAndBadRowsNamedByLine(@TempDir Path tmp) throws Exception {
    Path ok = tmp.resolve("ok.csv");
    Files.writeString(ok, "start_s,end_s,arousal,valence\n# neutral first\n0,2,0,0\n2.5, 4.5, 0.75, -0.75\n\n");
    assertEquals(List.of(new OnePerson.Window(0, 2000, 0f, 0f), new OnePerson.Window(2500, 4500, 0.75f, -0.75f)),
        OnePerson.readScript(ok));
    for (String bad : List.of("1,2,0.5", "2,1,0,0", "0,1,1.5,0", "0,1,happy,0")) {
      Path f = tmp.resolve("bad.csv");
      Files.writeString(f, "start_s,end_s,arousal,valence\n" + bad + "\n");
      IOException e = assertThrows(IOException.class, () -> OnePerson.readScript(f), bad);
      assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new OnePerson(" ", List.of(), f -> { }));
  }
}
