package dev.paffmem.job.ingest;

import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import dev.paffmem.schema.RejectReason;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns a FaceFrame's image bytes (PNG, JPEG or RAW_RGB8) into RGB8 pixels at the model's input
 * size. Limits are checked before any pixel is decoded: the pixel count comes from the PNG/JPEG
 * header bytes ({@link ImageHeader}; a small file that declares a huge image, a decompression bomb, is
 * refused without decoding it) or from the width/height fields for RAW_RGB8. Decoding is strict: a
 * truncated or corrupt PNG/JPEG is UNDECODABLE_IMAGE, never a half-grey face.
 *
 * <p>JPEGs are read by libjpeg-turbo's TurboJPEG API ({@link TurboJpeg}: one native call per image) where the
 * library is loadable and the JPEG is one it decodes exactly as the JDK does, else by the JDK's ImageIO reader;
 * {@link JpegDecoder} chooses, and the first decoder made in a JVM logs the choice.
 */
final class ImageDecoder {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ImageDecoder.class);
  private static final java.util.concurrent.atomic.AtomicBoolean LOGGED = new java.util.concurrent.atomic.AtomicBoolean();

  static {
    ImageIO.setUseCache(false); // decode in memory, never through temporary files
  }

  /** Interleaved R, G, B bytes: the layout the job hands to the encoder. */
  private static final ImageTypeSpecifier RGB8 = ImageTypeSpecifier.createInterleaved(
      ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {0, 1, 2}, DataBuffer.TYPE_BYTE, false, false);

  private final int outWidth;
  private final int outHeight;
  private final long maxPixels;
  private final int minSide;
  /** One reader per encoding, reused image after image (one decoder serves one thread: a subtask's). */
  private final java.util.Map<ImageEncoding, ImageReader> kept = new java.util.EnumMap<>(ImageEncoding.class);
  /** TURBOJPEG or IMAGEIO. */
  private final JpegDecoder jpeg;
  /** Null when JPEGs go to ImageIO. */
  private final TurboJpeg turbo;
  /** JPEGs decoded by TurboJPEG and by ImageIO (tests: the TurboJPEG path must not be skipped silently). */
  long turboJpegImages;
  long imageIoJpegImages;

  ImageDecoder(int outWidth, int outHeight, long maxPixels, int minSide) {
    this(outWidth, outHeight, maxPixels, minSide, JpegDecoder.AUTO);
  }

  ImageDecoder(int outWidth, int outHeight, long maxPixels, int minSide, JpegDecoder jpeg) {
    this.outWidth = outWidth;
    this.outHeight = outHeight;
    this.maxPixels = maxPixels;
    this.minSide = minSide;
    this.jpeg = jpeg.resolve();
    this.turbo = this.jpeg == JpegDecoder.TURBOJPEG ? new TurboJpeg() : null;
    if (LOGGED.compareAndSet(false, true)) {
      if (turbo != null) {
        LOG.info("JPEG frames are decoded by libjpeg-turbo's TurboJPEG API ({}); grey, CMYK, progressive and ICC-profiled"
            + " JPEGs by the JDK's ImageIO reader", TurboJpeg.describe());
      } else {
        LOG.info("JPEG frames are decoded by the JDK's ImageIO reader: libturbojpeg {} ({}={}); with Debian's"
            + " libturbojpeg0 they would cost about 20 µs less CPU per 96x96 frame", TurboJpeg.describe(),
            JpegDecoder.PROPERTY, System.getProperty(JpegDecoder.PROPERTY, "auto"));
      }
    }
  }

  /** TURBOJPEG or IMAGEIO: which decoder reads this decoder's JPEGs. */
  JpegDecoder jpegDecoder() {
    return jpeg;
  }

  /** RGB8 pixels, {@code outHeight * outWidth * 3} bytes. */
  byte[] decode(FaceFrame frame) throws RejectException {
    ByteBuffer buf = frame.getImage();
    byte[] bytes = new byte[buf.remaining()];
    buf.duplicate().get(bytes);
    ImageEncoding enc = frame.getEncoding();
    return switch (enc) {
      case RAW_RGB8 -> raw(bytes, frame.getWidth(), frame.getHeight());
      case PNG, JPEG -> compressed(bytes, enc, frame.getWidth(), frame.getHeight());
      default -> throw new RejectException(RejectReason.UNSUPPORTED_ENCODING,
          "encoding " + enc + " is not supported (PNG, JPEG or RAW_RGB8)");
    };
  }

  private byte[] raw(byte[] bytes, Integer width, Integer height) throws RejectException {
    if (width == null || height == null) {
      throw new RejectException(RejectReason.WRONG_IMAGE_SIZE, "RAW_RGB8 needs width and height, were " + width + "x" + height);
    }
    checkSize(width, height);
    long expected = 3L * width * height;
    if (bytes.length != expected) {
      throw new RejectException(RejectReason.WRONG_IMAGE_SIZE, "RAW_RGB8 " + width + "x" + height + " needs " + expected
          + " bytes, image has " + bytes.length);
    }
    if (width == outWidth && height == outHeight) {
      return bytes;
    }
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] argb = new int[width * height];
    for (int i = 0, p = 0; i < argb.length; i++, p += 3) {
      argb[i] = (bytes[p] & 0xff) << 16 | (bytes[p + 1] & 0xff) << 8 | (bytes[p + 2] & 0xff);
    }
    img.setRGB(0, 0, width, height, argb, 0, width);
    return rgb(resize(img));
  }

  /**
   * PNG or JPEG: size limits from the header bytes before any decoder runs, then a strict decode: a
   * missing end marker, any warning of the reader (ImageIO decodes a cut or corrupt JPEG "quietly", with
   * a warning and grey rows) or a decoded size other than the header's makes the image UNDECODABLE_IMAGE.
   */
  private byte[] compressed(byte[] bytes, ImageEncoding enc, Integer declaredWidth, Integer declaredHeight)
      throws RejectException {
    if (bytes.length == 0) {
      throw new RejectException(RejectReason.UNDECODABLE_IMAGE, enc + " image is empty");
    }
    ImageHeader header = ImageHeader.read(bytes, enc); // header bytes only: nothing decoded yet
    long w = header.width();
    long h = header.height();
    checkSize(w, h);
    if ((declaredWidth != null && declaredWidth != w) || (declaredHeight != null && declaredHeight != h)) {
      throw new RejectException(RejectReason.WRONG_IMAGE_SIZE, "width/height fields say " + declaredWidth + "x"
          + declaredHeight + " but the " + enc + " image is " + w + "x" + h);
    }
    if (!ImageHeader.complete(bytes, enc)) {
      throw new RejectException(RejectReason.UNDECODABLE_IMAGE, enc + " image is truncated: it does not end with its "
          + (enc == ImageEncoding.PNG ? "IEND chunk" : "end-of-image marker FF D9"));
    }
    if (turbo != null && enc == ImageEncoding.JPEG && TurboJpeg.suits(bytes)) {
      byte[] rgb;
      try {
        rgb = turbo.decodeRgb(bytes, (int) w, (int) h);
      } catch (RuntimeException e) {
        throw new RejectException(RejectReason.UNDECODABLE_IMAGE, enc + " image could not be decoded: " + e);
      }
      turboJpegImages++;
      if (w == outWidth && h == outHeight) {
        return rgb;
      }
      // the raster the ImageIO path decodes into, so the resize is the same
      BufferedImage img = new BufferedImage(RGB8.getColorModel(), java.awt.image.Raster.createWritableRaster(
          RGB8.getSampleModel((int) w, (int) h), new DataBufferByte(rgb, rgb.length), null), false, null);
      return rgb(resize(img));
    }
    String want = enc == ImageEncoding.PNG ? "png" : "jpeg";
    List<String> warnings = new ArrayList<>();
    try (ImageInputStream in = new BytesImageInputStream(bytes)) {
      ImageReader reader = kept.get(enc);
      if (reader == null || !reader.getOriginatingProvider().canDecodeInput(in)) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
          throw new RejectException(RejectReason.UNDECODABLE_IMAGE, "image bytes are not a " + enc + " image");
        }
        reader = readers.next();
      }
      boolean keep = false;
      try {
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        if (!format.equals(want) && !(want.equals("jpeg") && format.equals("jpg"))) {
          throw new RejectException(RejectReason.UNDECODABLE_IMAGE, "encoding says " + enc + " but the bytes are " + format);
        }
        reader.setInput(in, true, true);
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        if (reader.getWidth(0) != w || reader.getHeight(0) != h) {
          throw new RejectException(RejectReason.UNDECODABLE_IMAGE, enc + " header is inconsistent: " + w + "x" + h
              + " in its first frame header, " + reader.getWidth(0) + "x" + reader.getHeight(0) + " to the decoder");
        }
        BufferedImage img = reader.read(0, param(reader, (int) w, (int) h));
        if (img == null) {
          throw new RejectException(RejectReason.UNDECODABLE_IMAGE, enc + " image could not be decoded");
        }
        if (!warnings.isEmpty()) {
          throw new RejectException(RejectReason.UNDECODABLE_IMAGE, enc + " image is corrupt: " + warnings.get(0));
        }
        if (img.getWidth() != w || img.getHeight() != h) {
          throw new RejectException(RejectReason.UNDECODABLE_IMAGE, enc + " image decoded to " + img.getWidth() + "x"
              + img.getHeight() + " but its header says " + w + "x" + h);
        }
        byte[] rgb = rgb(w == outWidth && h == outHeight ? img : resize(img));
        keep = true;
        if (enc == ImageEncoding.JPEG) {
          imageIoJpegImages++;
        }
        return rgb;
      } finally {
        keep(enc, reader, keep);
      }
    } catch (IOException | RuntimeException e) {
      throw new RejectException(RejectReason.UNDECODABLE_IMAGE, enc + " image could not be decoded: " + e);
    }
  }

  /**
   * After a read: a reader that decoded an image is reset and kept for the next image of its encoding (finding and
   * making one per image, through ImageIO's registry and a native decoder each, cost more than a tenth of the
   * task thread's CPU: BENCHMARKS.md, section 10); after a failure it is disposed, and the next image gets a new one.
   */
  private void keep(ImageEncoding enc, ImageReader reader, boolean decoded) {
    if (decoded) {
      reader.reset(); // drops the input, the warning listener and the decoder's per-image state
      kept.put(enc, reader);
    } else {
      if (kept.get(enc) == reader) {
        kept.remove(enc);
      }
      reader.dispose();
    }
  }

  /**
   * For a colour image the reader would decode to B, G, R bytes (TYPE_3BYTE_BGR: ImageIO's JPEG and PNG
   * readers for 8-bit RGB),
   * an R, G, B destination instead: the reader's scanlines (RGB from libjpeg) are then copied as they are,
   * not reordered pixel by pixel, and {@link #rgb} returns the image's own array: faster, the same pixels
   * (BENCHMARKS.md, "Fixes made from these measurements"). Other images (grey, palette, alpha) are read as the reader chooses.
   */
  private static ImageReadParam param(ImageReader reader, int w, int h) throws IOException {
    ImageReadParam param = reader.getDefaultReadParam();
    Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
    if (types.hasNext() && types.next().getBufferedImageType() == BufferedImage.TYPE_3BYTE_BGR) {
      param.setDestination(RGB8.createBufferedImage(w, h));
    }
    return param;
  }

  /** Sizes from the header or the RAW fields, before any pixel is decoded. */
  private void checkSize(long w, long h) throws RejectException {
    if (w <= 0 || h <= 0) {
      throw new RejectException(RejectReason.WRONG_IMAGE_SIZE, "image of " + w + "x" + h + " has no pixels");
    }
    if (w * h > maxPixels) {
      throw new RejectException(RejectReason.PAYLOAD_TOO_LARGE, "image of " + w + "x" + h + " = " + (w * h)
          + " pixels exceeds --max-image-pixels " + maxPixels);
    }
    if (w < minSide || h < minSide) {
      throw new RejectException(RejectReason.WRONG_IMAGE_SIZE, "image of " + w + "x" + h
          + " is smaller than --min-image-side " + minSide);
    }
  }

  private BufferedImage resize(BufferedImage src) {
    BufferedImage dst = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(src, 0, 0, outWidth, outHeight, null);
    } finally {
      g.dispose();
    }
    return dst;
  }

  private byte[] rgb(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    // What param() asks the JPEG reader for: interleaved R, G, B bytes, exactly w * h * 3 of them
    if (img.getRaster().getSampleModel() instanceof PixelInterleavedSampleModel sm
        && java.util.Arrays.equals(sm.getBandOffsets(), new int[] {0, 1, 2}) && sm.getPixelStride() == 3
        && sm.getScanlineStride() == 3 * w && img.getRaster().getDataBuffer() instanceof DataBufferByte db
        && db.getNumBanks() == 1 && db.getOffset() == 0 && db.getData().length == w * h * 3
        && img.getRaster().getSampleModelTranslateX() == 0 && img.getRaster().getSampleModelTranslateY() == 0
        && img.getColorModel().getColorSpace().isCS_sRGB()) {
      return db.getData();
    }
    // anything else (grey, palette, alpha, a resized image): through the colour model
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    byte[] out = new byte[argb.length * 3];
    for (int i = 0, p = 0; i < argb.length; i++, p += 3) {
      out[p] = (byte) (argb[i] >> 16);
      out[p + 1] = (byte) (argb[i] >> 8);
      out[p + 2] = (byte) argb[i];
    }
    return out;
  }
}
