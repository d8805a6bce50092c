package dev.paffmem.job.ingest;

import dev.paffmem.schema.ImageEncoding;
import dev.paffmem.schema.RejectReason;

/**
 * Width and height read from the PNG or JPEG bytes themselves (PNG's IHDR, JPEG's SOFn), before any
 * decoder sees them, and the end markers a complete image has. Plain byte parsing: a header that claims
 * 65535 x 65535 is measured here, so it is PAYLOAD_TOO_LARGE whatever ImageIO would make of it.
 */
record ImageHeader(long width, long height) {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  /** The IEND chunk: length 0, type, CRC. Every complete PNG ends with these 12 bytes. */
  private static final byte[] PNG_IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82};

  static ImageHeader read(byte[] b, ImageEncoding enc) throws RejectException {
    return enc == ImageEncoding.PNG ? png(b) : jpeg(b);
  }

  /** Whether the image ends with its end marker (JPEG EOI {@code FF D9}, PNG IEND chunk): a cut image does not. */
  static boolean complete(byte[] b, ImageEncoding enc) {
    if (enc == ImageEncoding.PNG) {
      return endsWith(b, PNG_IEND);
    }
    return b.length >= 4 && (b[b.length - 2] & 0xff) == 0xff && (b[b.length - 1] & 0xff) == 0xd9;
  }

  private static ImageHeader png(byte[] b) throws RejectException {
    if (b.length < 24 || !startsWith(b, PNG_SIGNATURE)) {
      throw undecodable("image bytes are not a PNG image (no PNG signature)");
    }
    if (b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
      throw undecodable("PNG image does not start with its IHDR chunk");
    }
    return new ImageHeader(uint32(b, 16), uint32(b, 20));
  }

  private static ImageHeader jpeg(byte[] b) throws RejectException {
    if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8) {
      throw undecodable("image bytes are not a JPEG image (no SOI marker)");
    }
    int p = 2;
    while (p + 1 < b.length) {
      if ((b[p] & 0xff) != 0xff) {
        throw undecodable("JPEG header is corrupt: no marker at byte " + p);
      }
      int marker = b[p + 1] & 0xff;
      if (marker == 0xff) { // fill byte
        p++;
        continue;
      }
      p += 2;
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { // markers without a length
        continue;
      }
      if (marker == 0xd9 || marker == 0xda) {
        throw undecodable("JPEG image has no frame header (SOF) before its " + (marker == 0xda ? "scan" : "end"));
      }
      if (p + 1 >= b.length) {
        break;
      }
      int length = (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
      if (length < 2) {
        throw undecodable("JPEG header is corrupt: segment length " + length + " at byte " + p);
      }
      boolean sof = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
      if (sof) {
        if (p + 7 > b.length) {
          break;
        }
        long height = (b[p + 3] & 0xff) << 8 | (b[p + 4] & 0xff);
        long width = (b[p + 5] & 0xff) << 8 | (b[p + 6] & 0xff);
        return new ImageHeader(width, height);
      }
      p += length;
    }
    throw undecodable("JPEG image is cut before its frame header (SOF)");
  }

  private static long uint32(byte[] b, int at) {
    return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xffL) << 16 | (b[at + 2] & 0xffL) << 8 | (b[at + 3] & 0xffL);
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean endsWith(byte[] b, byte[] suffix) {
    if (b.length < suffix.length) {
      return false;
    }
    int off = b.length - suffix.length;
    for (int i = 0; i < suffix.length; i++) {
      if (b[off + i] != suffix[i]) {
        return false;
      }
    }
    return true;
  }

  private static RejectException undecodable(String message) {
    return new RejectException(RejectReason.UNDECODABLE_IMAGE, message);
  }
}
