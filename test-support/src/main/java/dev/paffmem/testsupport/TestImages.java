package dev.paffmem.testsupport;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Images for tests that need valid PNG or JPEG bytes of a given size (the job's decoder tests, the end-to-end
 * hostile-input corpus). Deterministic: the same call gives the same bytes.
 */
public final class TestImages {

  private TestImages() {}

  /** A smooth red/green gradient, {@code w x h}, encoded as {@code format} ("png" or "jpeg"). */
  public static byte[] gradient(int w, int h, String format) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 128);
      }
    }
    return encode(img, format);
  }

  /** Random pixels from {@code seed}, {@code w x h}, as {@code format}: a JPEG of it is mostly scan data. */
  public static byte[] noise(int w, int h, long seed, String format) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    SplittableRandom r = new SplittableRandom(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return encode(img, format);
  }

  /** The image encoded by ImageIO as {@code format}. */
  public static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalArgumentException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
