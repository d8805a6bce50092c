package dev.paffmem.job.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.paffmem.schema.FaceFrame;
import dev.paffmem.testsupport.TestImages;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;

/**
 * libjpeg-turbo's TurboJPEG API against the JDK's ImageIO reader: the same pixels, bit for bit, for every JPEG the
 * TurboJPEG path takes (real face crops, synthetic faces, encoder settings), the JPEGs it cannot match routed to
 * ImageIO, corrupt JPEGs decided the same way, and the library used whenever it is installed. Skipped (but for the
 * routing rules) where libturbojpeg is not installed. About 2 s.
 */
class TurboJpegTest {

  private static final List<String> LIBRARY_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
      "/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64", "/lib", "/usr/local/lib");

  /** Whether a libturbojpeg shared library is installed in a standard place, found without the binding's help. */
  static boolean libraryInstalled() {
    for (String dir : LIBRARY_DIRS) {
      try (Stream<Path> files = Files.list(Path.of(dir))) {
        if (files.anyMatch(p -> p.getFileName().toString().startsWith("libturbojpeg.so"))) {
          return true;
        }
      } catch (Exception e) {
        // no such folder
      }
    }
    return false;
  }

  static ImageDecoder turbo() {
    assumeTrue(JpegDecoder.turboJpegAvailable(), "libturbojpeg is not installed: " + JpegDecoder.turboJpegLibrary());
    return new ImageDecoder(96, 96, 1 << 20, 16, JpegDecoder.TURBOJPEG);
  }

  static ImageDecoder imageIo() {
    return new ImageDecoder(96, 96, 1 << 20, 16, JpegDecoder.IMAGEIO);
  }

  static FaceFrame frame(byte[] jpeg) {
    return ImageDecoderTest.frame(jpeg);
  }

  @Test
  void decodedRowsStartOffA32ByteBoundarySoLibjpegTurboKeepsThemInTheCache() {
    // an aligned row is written with non-temporal stores (past the cache): the decode then cost 43 µs a face, not 33
    for (int bytes : new int[] {96 * 96 * 3, 128 * 128 * 3, 1}) {
      java.nio.ByteBuffer out = TurboJpeg.outputBuffer(bytes);
      assertTrue(out.isDirect());
      assertEquals(bytes, out.capacity());
      assertEquals(16, com.sun.jna.Pointer.nativeValue(com.sun.jna.Native.getDirectBufferPointer(out)) % 32, "address mod 32");
    }
  }

  @Test
  void anInstalledLibraryIsUsedByTheJob() throws Exception {
    assumeTrue(libraryInstalled(), "no libturbojpeg.so* in " + LIBRARY_DIRS);
    assertTrue(JpegDecoder.turboJpegAvailable(), "libturbojpeg is installed but " + JpegDecoder.turboJpegLibrary());
    assumeTrue(System.getProperty(JpegDecoder.PROPERTY) == null, "the JPEG decoder is forced by " + JpegDecoder.PROPERTY);
    ImageDecoder job = new ImageDecoder(96, 96, 1 << 20, 16); // what FrameDecoder makes: AUTO
    assertEquals(JpegDecoder.TURBOJPEG, job.jpegDecoder());
    job.decode(frame(TestImages.gradient(96, 96, "jpeg")));
    job.decode(frame(Files.readAllBytes(faces().get(0))));
    assertEquals(2, job.turboJpegImages, "the faces went to ImageIO");
    assertEquals(0, job.imageIoJpegImages);
    FrameDecoder frames = new FrameDecoder(1 << 20, 1 << 20, 16, 96, 96);
    assertEquals(JpegDecoder.TURBOJPEG, frames.jpegDecoder());
  }

  static List<Path> faces() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("src/test/resources/jpeg-faces"))) {
      return files.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
  }

  @Test
  void cameraCropsAndSyntheticFacesGiveTheJdksPixels() throws Exception {
    ImageDecoder turbo = turbo();
    ImageDecoder jdk = imageIo();
    List<Path> faces = faces();
    assertTrue(faces.size() >= 10, "fixtures: " + faces);
    for (Path p : faces) {
      byte[] jpeg = Files.readAllBytes(p);
      assertArrayEquals(jdk.decode(frame(jpeg)), turbo.decode(frame(jpeg)), p.toString());
    }
    assertEquals(faces.size(), turbo.turboJpegImages, "every face through TurboJPEG");
    assertEquals(faces.size(), jdk.imageIoJpegImages);
  }

  /** A JPEG of {@code img} written by ImageIO with this quality, luma sampling factors and restart interval. */
  static byte[] write(BufferedImage img, float quality, int h, int v, int restartInterval, boolean progressive)
      throws Exception {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
      String format = "javax_imageio_jpeg_image_1.0";
      IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
      IIOMetadataNode markers = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
      NodeList components = root.getElementsByTagName("componentSpec");
      for (int c = 0; c < components.getLength(); c++) {
        IIOMetadataNode spec = (IIOMetadataNode) components.item(c);
        spec.setAttribute("HsamplingFactor", String.valueOf(c == 0 ? h : 1));
        spec.setAttribute("VsamplingFactor", String.valueOf(c == 0 ? v : 1));
      }
      if (restartInterval > 0) {
        IIOMetadataNode dri = new IIOMetadataNode("dri");
        dri.setAttribute("interval", String.valueOf(restartInterval));
        markers.insertBefore(dri, markers.getFirstChild());
      }
      meta.setFromTree(format, root);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
        writer.setOutput(stream);
        writer.write(null, new IIOImage(img, null, meta), param);
      }
      return out.toByteArray();
    } finally {
      writer.dispose();
    }
  }

  static BufferedImage noise(int w, int h, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    SplittableRandom r = new SplittableRandom(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | r.nextInt(256));
      }
    }
    return img;
  }

  @Test
  void encoderSettingsGiveTheJdksPixels() throws Exception {
    ImageDecoder turbo = turbo();
    ImageDecoder jdk = imageIo();
    int n = 0;
    int[][] sizes = {{96, 96}, {16, 16}, {17, 23}, {97, 95}, {150, 150}, {64, 200}};
    int[][] sampling = {{2, 2}, {1, 1}, {2, 1}, {1, 2}, {4, 1}};
    float[] qualities = {0.05f, 0.3f, 0.75f, 0.9f, 1f};
    for (int s = 0; s < sizes.length; s++) {
      for (int f = 0; f < sampling.length; f++) {
        float q = qualities[(s + f) % qualities.length];
        int restart = (s + f) % 3 == 0 ? 2 : 0;
        byte[] jpeg = write(noise(sizes[s][0], sizes[s][1], 31L * s + f), q, sampling[f][0], sampling[f][1], restart, false);
        String what = Arrays.toString(sizes[s]) + " sampling " + Arrays.toString(sampling[f]) + " quality " + q
            + " restart " + restart;
        assertArrayEquals(jdk.decode(frame(jpeg)), turbo.decode(frame(jpeg)), what);
        assertEquals(++n, turbo.turboJpegImages, what + " did not go through TurboJPEG");
      }
    }
  }

  /** {@code jpeg} with a segment inserted right after its SOI (and JFIF APP0, when it has one). */
  static byte[] insertSegment(byte[] jpeg, int marker, byte[] data) {
    int at = 2;
    if ((jpeg[3] & 0xff) == 0xe0) {
      at = 4 + ((jpeg[4] & 0xff) << 8 | (jpeg[5] & 0xff));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, at);
    out.write(0xff);
    out.write(marker);
    out.write((data.length + 2) >> 8);
    out.write(data.length + 2);
    out.writeBytes(data);
    out.write(jpeg, at, jpeg.length - at);
    return out.toByteArray();
  }

  static byte[] withoutJfif(byte[] jpeg) {
    assertEquals(0xe0, jpeg[3] & 0xff);
    int length = (jpeg[4] & 0xff) << 8 | (jpeg[5] & 0xff);
    byte[] out = new byte[jpeg.length - 2 - length];
    out[0] = (byte) 0xff;
    out[1] = (byte) 0xd8;
    System.arraycopy(jpeg, 4 + length, out, 2, jpeg.length - 4 - length);
    return out;
  }

  @Test
  void jpegsTurboJpegCannotMatchGoToImageIo() throws Exception {
    BufferedImage img = noise(96, 96, 3);
    byte[] colour = write(img, 0.9f, 2, 2, 0, false);
    byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
    byte[] iccData = new byte[14 + icc.length];
    System.arraycopy("ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, iccData, 0, 12);
    iccData[12] = 1;
    iccData[13] = 1;
    System.arraycopy(icc, 0, iccData, 14, icc.length);
    byte[] adobe = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 1};
    BufferedImage grey = new BufferedImage(96, 96, BufferedImage.TYPE_BYTE_GRAY);
    grey.getGraphics().drawImage(img, 0, 0, null);
    List<byte[]> others = List.of(
        write(img, 0.9f, 2, 2, 0, true), // progressive
        TestImages.encode(grey, "jpeg"),
        insertSegment(colour, 0xe2, iccData), // an ICC profile, which the JDK converts through
        insertSegment(colour, 0xee, adobe),
        withoutJfif(colour));
    for (byte[] jpeg : others) {
      assertFalse(TurboJpeg.suits(jpeg));
    }
    assertTrue(TurboJpeg.suits(colour));
    ImageDecoder turbo = turbo();
    ImageDecoder jdk = imageIo();
    for (byte[] jpeg : others) {
      assertArrayEquals(jdk.decode(frame(jpeg)), turbo.decode(frame(jpeg)));
    }
    assertEquals(0, turbo.turboJpegImages);
    assertEquals(others.size(), turbo.imageIoJpegImages);
  }

  /**
   * Corrupt JPEGs (scan bytes overwritten, cut with the end marker put back, header bytes changed): TurboJPEG rejects
   * exactly those the JDK's reader rejects (both stop at libjpeg's first warning), and what both accept has the same
   * pixels.
   */
  @Test
  void corruptJpegsAreDecidedAsTheJdkDecides() throws Exception {
    ImageDecoder turbo = turbo();
    ImageDecoder jdk = imageIo();
    byte[] face = Files.readAllBytes(faces().get(0));
    byte[] noisy = TestImages.noise(96, 96, 7, "jpeg");
    SplittableRandom r = new SplittableRandom(2026);
    int rejected = 0;
    int accepted = 0;
    List<String> disagree = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      byte[] src = i % 2 == 0 ? face : noisy;
      byte[] bad = src.clone();
      String how;
      switch (i % 4) {
        case 0 -> { // a few scan bytes overwritten
          int at = bad.length / 3 + r.nextInt(bad.length / 2);
          for (int k = 0, n = 1 + r.nextInt(8); k < n; k++) {
            bad[Math.min(bad.length - 3, at + k)] = (byte) r.nextInt(256);
          }
          how = "scan bytes at " + at;
        }
        case 1 -> { // cut, end marker put back
          int cut = 200 + r.nextInt(bad.length - 202);
          bad = Arrays.copyOf(src, cut + 2);
          bad[cut] = (byte) 0xff;
          bad[cut + 1] = (byte) 0xd9;
          how = "cut at " + cut;
        }
        case 2 -> { // one header byte (tables, frame or scan header) changed
          int at = 2 + r.nextInt(Math.min(600, bad.length) - 2);
          bad[at] = (byte) r.nextInt(256);
          how = "header byte " + at;
        }
        default -> { // one bit flipped anywhere
          int at = r.nextInt(bad.length - 2);
          bad[at] ^= (byte) (1 << r.nextInt(8));
          how = "bit flip at " + at;
        }
      }
      Object a = outcome(jdk, bad);
      Object b = outcome(turbo, bad);
      boolean same = a instanceof byte[] x && b instanceof byte[] y ? Arrays.equals(x, y) : a.equals(b);
      if (!same) {
        disagree.add(how + ": ImageIO " + describe(a) + ", TurboJPEG " + describe(b));
      }
      if (a instanceof byte[]) {
        accepted++;
      } else {
        rejected++;
      }
    }
    assertTrue(disagree.isEmpty(), disagree.size() + " of 400 decided otherwise:\n" + String.join("\n", disagree));
    assertTrue(rejected > 100 && accepted > 20, rejected + " rejected, " + accepted + " accepted: the corpus tests little");
    assertTrue(turbo.turboJpegImages > 20);
  }

  private static Object outcome(ImageDecoder d, byte[] jpeg) {
    try {
      return d.decode(frame(jpeg));
    } catch (RejectException e) {
      return e.reason;
    }
  }

  private static String describe(Object o) {
    return o instanceof byte[] ? "pixels" : String.valueOf(o);
  }

  @Test
  void theSystemPropertyChoosesTheDecoderForAuto() {
    assumeTrue(System.getProperty(JpegDecoder.PROPERTY) == null, "the JPEG decoder is forced by " + JpegDecoder.PROPERTY);
    try {
      System.setProperty(JpegDecoder.PROPERTY, "imageio");
      assertEquals(JpegDecoder.IMAGEIO, new ImageDecoder(96, 96, 1 << 20, 16).jpegDecoder());
      System.setProperty(JpegDecoder.PROPERTY, "ImageIO ");
      assertEquals(JpegDecoder.IMAGEIO, JpegDecoder.AUTO.resolve());
      System.setProperty(JpegDecoder.PROPERTY, "libjpeg");
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          JpegDecoder.AUTO::resolve);
      assertTrue(e.getMessage().contains("auto, turbojpeg or imageio"), e.getMessage());
      assertEquals(JpegDecoder.IMAGEIO, JpegDecoder.IMAGEIO.resolve(), "an explicit choice ignores the property");
    } finally {
      System.clearProperty(JpegDecoder.PROPERTY);
    }
  }

  @Test
  void aDecoderThatAsksForTurboJpegFailsWithoutIt() {
    assumeTrue(!JpegDecoder.turboJpegAvailable(), "libturbojpeg is installed");
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> new ImageDecoder(96, 96, 1 << 20, 16, JpegDecoder.TURBOJPEG));
    assertEquals(JpegDecoder.IMAGEIO, new ImageDecoder(96, 96, 1 << 20, 16).jpegDecoder());
  }
}
