package dev.paffmem.job.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The JPEG fast path (raster bytes, BGR swapped) must give exactly what the generic getRGB path gives. */
class ImageDecoderTest {

  @Test
  void jpegFastPathMatchesGetRgb() throws Exception {
    BufferedImage src = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
    SplittableRandom random = new SplittableRandom(7);
    for (int y = 0; y < 96; y++) {
      for (int x = 0; x < 96; x++) {
        src.setRGB(x, y, (x * 2) << 16 | (y * 2) << 8 | random.nextInt(256)); // distinct R, G, B gradients
      }
    }
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(src, "jpeg", jpeg);

    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg.toByteArray()));
    assertEquals(BufferedImage.TYPE_3BYTE_BGR, decoded.getType(), "the fast path is for this type");
    int[] argb = decoded.getRGB(0, 0, 96, 96, null, 0, 96);
    byte[] expected = new byte[96 * 96 * 3];
    for (int i = 0; i < argb.length; i++) {
      expected[3 * i] = (byte) (argb[i] >> 16);
      expected[3 * i + 1] = (byte) (argb[i] >> 8);
      expected[3 * i + 2] = (byte) argb[i];
    }

    FaceFrame frame = FaceFrame.newBuilder().setPersonId("p").setSourceId("s").setFrameIndex(0)
        .setEventTime(Instant.EPOCH).setEncoding(ImageEncoding.JPEG)
        .setImage(ByteBuffer.wrap(jpeg.toByteArray())).build();
    byte[] rgb = new ImageDecoder(96, 96, 1 << 20, 16).decode(frame);
    assertArrayEquals(expected, rgb);
  }
}
