package dev.paffmem.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaceCropTest {

  @TempDir
  Path dir;

  @Test
  void cropsToTheBoxClampedToTheImage() throws Exception {
    BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_3BYTE_BGR);
    img.setRGB(30, 40, 0xff0000); // becomes (0, 0) of the crop
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    BufferedImage c = ImageIO.read(new ByteArrayInputStream(FaceCrop.crop(png.toByteArray(), new OmgDataset.FaceBox(30, 40, 20, 30))));
    assertEquals(20, c.getWidth());
    assertEquals(30, c.getHeight());
    assertEquals(0xff0000, c.getRGB(0, 0) & 0xffffff);
    BufferedImage clamped = ImageIO.read(new ByteArrayInputStream(FaceCrop.crop(png.toByteArray(), new OmgDataset.FaceBox(80, 90, 50, 50))));
    assertEquals(16, clamped.getWidth());
    assertEquals(6, clamped.getHeight());
  }

  @Test
  void autoUsesTheFramesCsvBoxFixedUsesOneBoxNoneNothing() throws Exception {
    Files.writeString(dir.resolve("omg_TestVideos_WithLabels.csv"), TestDatasets.LABELS);
    Files.writeString(dir.resolve("frames.csv"), "video,utterance,frame,file,face_x,face_y,face_width,face_height\n"
        + "v1,utterance_1.mp4,0,frames/a.png,10,12,40,50\n");
    OmgDataset.FrameRef f = OmgDataset.load(dir, OmgDataset.DEFAULT_LABELS_CSV).video("v1").frames().get(0);
    assertEquals(new OmgDataset.FaceBox(10, 12, 40, 50), FaceCrop.parse("auto").boxOf(f));
    assertEquals(new OmgDataset.FaceBox(1, 2, 3, 4), FaceCrop.parse("1,2,3,4").boxOf(f));
    assertNull(FaceCrop.parse("none").boxOf(f));
    assertEquals(0.5, f.arousal(), 1e-12); // no per-frame truth: the utterance's, from OMG 0.75
    assertThrows(IllegalArgumentException.class, () -> FaceCrop.parse("1,2,3"));
    assertThrows(IllegalArgumentException.class, () -> FaceCrop.parse("1,2,0,4"));
  }
}
