package dev.paffmem.producer.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders in name order at the given frame rate; clear errors for missing or empty inputs. */
class VideoSourceTest {

  @TempDir
  Path dir;

  @Test
  void aFolderOfImagesIsReadInNameOrderAtTheGivenFrameRate() throws Exception {
    for (int i : new int[] {2, 0, 1}) {
      BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
      img.setRGB(0, 0, 0x010101 * (10 * i + 5)); // the first pixel tells the image
      ImageIO.write(img, "png", dir.resolve("frame-" + i + ".png").toFile());
    }
    Files.writeString(dir.resolve("notes.txt"), "not an image");
    try (VideoSource s = VideoSource.open(dir.toString(), 10)) {
      assertEquals(64, s.width());
      assertEquals(48, s.height());
      assertFalse(s.live());
      for (int i = 0; i < 3; i++) {
        try (VideoSource.DecodedFrame f = s.next()) {
          assertEquals(i, f.number());
          assertEquals(i * 100_000L, f.timestampMicros(), "1/10 s apart");
          assertEquals(10 * i + 5, f.bgr().ptr(0, 0).get() & 0xff, "name order");
        }
      }
      assertNull(s.next());
    }
  }

  @Test
  void missingAndEmptyInputsFailWithTheirName() throws Exception {
    IOException missing = assertThrows(IOException.class, () -> VideoSource.open(dir.resolve("no.mp4").toString(), 25));
    assertTrue(missing.getMessage().contains("no.mp4"), missing.getMessage());
    IOException empty = assertThrows(IOException.class, () -> VideoSource.open(dir.toString(), 25));
    assertTrue(empty.getMessage().contains("no images"), empty.getMessage());
    Path notVideo = Files.writeString(dir.resolve("text.mp4"), "this is no video");
    IOException bad = assertThrows(IOException.class, () -> VideoSource.open(notVideo.toString(), 25));
    assertTrue(bad.getMessage().contains("cannot open"), bad.getMessage());
  }
}
