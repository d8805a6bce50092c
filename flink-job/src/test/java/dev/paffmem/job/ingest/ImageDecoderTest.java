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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JPEG fast paths (decoded straight into an R, G, B raster whose array is returned, or by TurboJPEG) must give
 * exactly what ImageIO's default decoding read through getRGB gives, also when the image is resized, and grey
 * JPEGs must still decode. Every test runs with both JPEG decoders; the TurboJPEG runs are skipped where libturbojpeg
 * is not installed ({@link TurboJpegTest} fails if it is installed but not used).
 */
class ImageDecoderTest {

  static ImageDecoder decoder(JpegDecoder jpeg) {
    if (jpeg == JpegDecoder.TURBOJPEG) {
      return TurboJpegTest.turbo();
    }
    return new ImageDecoder(96, 96, 1 << 20, 16, jpeg);
  }

  /** Colour JPEGs must have gone through the decoder the test asked for. */
  static void decodedBy(JpegDecoder jpeg, ImageDecoder d, int colourJpegs) {
    assertEquals(jpeg == JpegDecoder.TURBOJPEG ? colourJpegs : 0, d.turboJpegImages, "JPEGs through TurboJPEG");
  }

  static byte[] jpeg(BufferedImage img) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpeg", out);
    return out.toByteArray();
  }

  static FaceFrame frame(byte[] jpeg) {
    return frame(jpeg, ImageEncoding.JPEG);
  }

  static FaceFrame frame(byte[] image, ImageEncoding encoding) {
    return FaceFrame.newBuilder().setPersonId("p").setSourceId("s").setFrameIndex(0)
        .setEventTime(Instant.EPOCH).setEncoding(encoding).setImage(ByteBuffer.wrap(image)).build();
  }

  /** What the decoder gave before the fast path: ImageIO.read, a bilinear resize when needed, getRGB. */
  static byte[] reference(byte[] jpeg, int size) throws Exception {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
    if (img.getWidth() != size || img.getHeight() != size) {
      BufferedImage dst = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
      java.awt.Graphics2D g = dst.createGraphics();
      g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(img, 0, 0, size, size, null);
      g.dispose();
      img = dst;
    }
    int[] argb = img.getRGB(0, 0, size, size, null, 0, size);
    byte[] out = new byte[size * size * 3];
    for (int i = 0; i < argb.length; i++) {
      out[3 * i] = (byte) (argb[i] >> 16);
      out[3 * i + 1] = (byte) (argb[i] >> 8);
      out[3 * i + 2] = (byte) argb[i];
    }
    return out;
  }

  static BufferedImage gradient(int size, int type) {
    BufferedImage src = new BufferedImage(size, size, type);
    SplittableRandom random = new SplittableRandom(11);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        src.setRGB(x, y, (x * 2 % 256) << 16 | (y * 2 % 256) << 8 | random.nextInt(256));
      }
    }
    return src;
  }

  @ParameterizedTest
  @EnumSource(value = JpegDecoder.class, names = {"IMAGEIO", "TURBOJPEG"})
  void resizedJpegMatchesTheReference(JpegDecoder jpeg) throws Exception {
    byte[] bytes = jpeg(gradient(150, BufferedImage.TYPE_INT_RGB));
    ImageDecoder d = decoder(jpeg);
    assertArrayEquals(reference(bytes, 96), d.decode(frame(bytes)));
    decodedBy(jpeg, d, 1);
  }

  @ParameterizedTest
  @EnumSource(value = JpegDecoder.class, names = {"IMAGEIO", "TURBOJPEG"})
  void rgbPngTakesTheSamePathAndMatchesTheReference(JpegDecoder jpeg) throws Exception {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(gradient(96, BufferedImage.TYPE_INT_RGB), "png", png);
    byte[] bytes = png.toByteArray();
    assertArrayEquals(reference(bytes, 96), decoder(jpeg).decode(frame(bytes, ImageEncoding.PNG)));
  }

  @ParameterizedTest
  @EnumSource(value = JpegDecoder.class, names = {"IMAGEIO", "TURBOJPEG"})
  void greyJpegDecodesToEqualChannels(JpegDecoder jpeg) throws Exception {
    byte[] bytes = jpeg(gradient(96, BufferedImage.TYPE_BYTE_GRAY));
    ImageDecoder d = decoder(jpeg);
    byte[] rgb = d.decode(frame(bytes));
    assertEquals(1, d.imageIoJpegImages, "grey JPEGs go to ImageIO");
    assertArrayEquals(reference(bytes, 96), rgb);
    for (int p = 0; p < rgb.length; p += 3) {
      assertEquals(rgb[p], rgb[p + 1]);
      assertEquals(rgb[p], rgb[p + 2]);
    }
  }

  @ParameterizedTest
  @EnumSource(value = JpegDecoder.class, names = {"IMAGEIO", "TURBOJPEG"})
  void jpegFastPathMatchesGetRgb(JpegDecoder decoding) throws Exception {
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
    ImageDecoder d = decoder(decoding);
    byte[] rgb = d.decode(frame);
    assertArrayEquals(expected, rgb);
    decodedBy(decoding, d, 1);
  }

  @ParameterizedTest
  @EnumSource(value = JpegDecoder.class, names = {"IMAGEIO", "TURBOJPEG"})
  void oneDecoderKeepsItsReadersAcrossImagesFailuresAndEncodings(JpegDecoder jpeg) throws Exception {
    byte[] colour = jpeg(gradient(96, BufferedImage.TYPE_INT_RGB));
    byte[] large = jpeg(gradient(150, BufferedImage.TYPE_INT_RGB));
    byte[] grey = jpeg(gradient(96, BufferedImage.TYPE_BYTE_GRAY));
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(gradient(120, BufferedImage.TYPE_INT_RGB), "png", png);
    byte[] corrupt = colour.clone();
    for (int i = corrupt.length / 2; i < corrupt.length / 2 + 64; i++) {
      corrupt[i] = (byte) 0xff; // entropy-coded data destroyed, end marker kept: a warning, grey rows
    }
    ImageDecoder decoder = decoder(jpeg); // the one a subtask keeps
    for (int round = 0; round < 2; round++) {
      assertArrayEquals(reference(colour, 96), decoder.decode(frame(colour)));
      RejectException bad = org.junit.jupiter.api.Assertions.assertThrows(RejectException.class,
          () -> decoder.decode(frame(corrupt)));
      assertEquals(dev.paffmem.schema.RejectReason.UNDECODABLE_IMAGE, bad.reason);
      assertArrayEquals(reference(large, 96), decoder.decode(frame(large)), "a reader used before, another size");
      assertArrayEquals(reference(grey, 96), decoder.decode(frame(grey)));
      assertArrayEquals(reference(png.toByteArray(), 96), decoder.decode(frame(png.toByteArray(), ImageEncoding.PNG)));
      RejectException wrong = org.junit.jupiter.api.Assertions.assertThrows(RejectException.class,
          () -> decoder.decode(frame(png.toByteArray(), ImageEncoding.JPEG)));
      assertEquals(dev.paffmem.schema.RejectReason.UNDECODABLE_IMAGE, wrong.reason);
      assertArrayEquals(reference(colour, 96), decoder.decode(frame(colour)), "after a failure");
    }
    decodedBy(jpeg, decoder, 6);
  }
}
