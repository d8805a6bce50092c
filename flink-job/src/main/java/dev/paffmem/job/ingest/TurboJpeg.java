package dev.paffmem.job.ingest;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import dev.paffmem.job.records.PixelArrays;
import dev.paffmem.schema.RejectReason;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;

/**
 * libjpeg-turbo's TurboJPEG API (Debian's {@code libturbojpeg0}) through JNA: one {@code tjDecompress2} call per
 * image into a native buffer, then one copy into the frame's array. The JDK's JPEG reader runs the same libjpeg-turbo
 * code but calls back into Java for every decoded row and sets up a reader per image: a 96x96 face took about 55 µs
 * there and about 36 µs here (BENCHMARKS.md, section 10), with the same pixels: the same integer IDCT (ISLOW) and
 * fancy upsampling, the libjpeg defaults the JDK uses.
 *
 * <p>Only the JPEGs both decoders read the same way come here ({@link #suits}): baseline or extended sequential
 * Huffman, three components, a JFIF marker (so the colour space is YCbCr for both), no ICC profile (the JDK converts
 * through it) and no Adobe marker. Grey, CMYK, progressive and other JPEGs go to the JDK's reader. Any libjpeg
 * warning stops the decode and is an error here ({@code TJFLAG_STOPONWARNING}): the JDK path rejects a JPEG with a
 * warning too, so a cut or corrupt JPEG is UNDECODABLE_IMAGE on both paths.
 *
 * <p>One instance per thread (a decoder's), holding a TurboJPEG handle and its buffers; the handle is destroyed when
 * the instance is garbage (a {@link Cleaner}).
 */
final class TurboJpeg {

  /** TJPF_RGB: interleaved R, G, B bytes. */
  private static final int TJPF_RGB = 0;
  /** TJCS_YCbCr, what {@code tjDecompressHeader3} says of a JFIF colour JPEG. */
  private static final int TJCS_YCBCR = 1;
  /** TJFLAG_ACCURATEDCT (the integer ISLOW IDCT, libjpeg's default, what the JDK uses) | TJFLAG_STOPONWARNING. */
  private static final int FLAGS = 4096 | 8192;
  private static final Cleaner CLEANER = Cleaner.create();

  /** The library, bound once per class loader; {@link #UNAVAILABLE} says why not when it is missing. */
  private static final class Lib {
    static native Pointer tjInitDecompress();

    static native int tjDecompressHeader3(Pointer handle, ByteBuffer jpeg, NativeLong size, int[] width, int[] height,
        int[] subsampling, int[] colorspace);

    static native int tjDecompress2(Pointer handle, ByteBuffer jpeg, NativeLong size, ByteBuffer dst, int width,
        int pitch, int height, int pixelFormat, int flags);

    static native int tjGetErrorCode(Pointer handle);

    static native String tjGetErrorStr2(Pointer handle);

    static native int tjDestroy(Pointer handle);
  }

  /** The library's file when it is bound, else null and why it could not be (no libturbojpeg, no JNA for this platform). */
  private record Binding(String file, String error) {}

  private static final Binding BINDING = bind();

  private static Binding bind() {
    try {
      NativeLibrary lib = NativeLibrary.getInstance("turbojpeg"); // libturbojpeg.so.0 (JNA also finds versioned names)
      Native.register(Lib.class, lib);
      Pointer probe = Lib.tjInitDecompress();
      if (probe == null) {
        return new Binding(null, "tjInitDecompress failed");
      }
      Lib.tjDestroy(probe);
      return new Binding(String.valueOf(lib.getFile()), null);
    } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError, a missing symbol: the JDK's reader then
      String message = String.valueOf(e.getMessage()).lines().findFirst().orElse(""); // JNA lists the classpath after it
      return new Binding(null, e.getClass().getSimpleName() + ": " + message);
    }
  }

  static boolean available() {
    return BINDING.error == null;
  }

  /** The bound library's file, or why there is none. */
  static String describe() {
    return available() ? BINDING.file : "not loadable: " + BINDING.error;
  }

  /** The TurboJPEG handle, in a box the cleaner shares: a handle that failed is replaced (see {@link #error}). */
  private final Pointer[] handle = new Pointer[1];
  private ByteBuffer in = ByteBuffer.allocateDirect(16 * 1024);
  private ByteBuffer out = outputBuffer(96 * 96 * 3);
  private final int[] width = new int[1];
  private final int[] height = new int[1];
  private final int[] subsampling = new int[1];
  private final int[] colorspace = new int[1];

  TurboJpeg() {
    if (!available()) {
      throw new IllegalStateException("libturbojpeg is " + describe());
    }
    handle[0] = newHandle();
    Pointer[] box = handle;
    CLEANER.register(this, () -> Lib.tjDestroy(box[0])); // the action holds the box, never this
  }

  private static Pointer newHandle() {
    Pointer h = Lib.tjInitDecompress();
    if (h == null) {
      throw new IllegalStateException("tjInitDecompress failed");
    }
    return h;
  }

  /**
   * A native buffer for decoded pixels whose address is 16 bytes past a 32-byte boundary. libjpeg-turbo's AVX2 colour
   * conversion writes an output row that starts on a 32-byte boundary with non-temporal stores, which bypass the cache:
   * the copy into the frame's array that follows then reads every pixel from memory. A 96x96 face (rows of 288 bytes,
   * a multiple of 32, so every row is aligned as the first one is) took about 29 µs into an aligned buffer and 24.5 µs
   * into one 8, 16 or 48 bytes off, whatever the input's alignment; with the copy, 43 against 33 µs. The JDK's
   * {@code allocateDirect} returns malloc's 16-byte alignment, so which of the two a JVM got was chance: the
   * JVM-to-JVM "modes" of the decode's cost (BENCHMARKS.md, section 10).
   */
  static ByteBuffer outputBuffer(int bytes) {
    return ByteBuffer.allocateDirect(bytes + 64).alignedSlice(32).slice(16, bytes);
  }

  /**
   * Whether this JPEG is one TurboJPEG decodes exactly as the JDK's reader does: its markers up to the first scan are
   * read (nothing decoded); anything unusual or unreadable says no, and the JDK's reader, with its own checks, decides.
   */
  static boolean suits(byte[] b) {
    boolean jfif = false;
    int sof = -1;
    int components = 0;
    int p = 2;
    while (p + 3 < b.length) {
      if ((b[p] & 0xff) != 0xff) {
        return false;
      }
      int marker = b[p + 1] & 0xff;
      if (marker == 0xff) {
        p++;
        continue;
      }
      if (marker == 0xda) { // start of scan: every marker that decides the colours came before it
        return jfif && (sof == 0xc0 || sof == 0xc1) && components == 3;
      }
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
        return false; // no restart or end markers belong before the first scan
      }
      int length = (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
      int data = p + 4;
      if (length < 2 || data + length - 2 > b.length) {
        return false;
      }
      if (marker == 0xe0 && length >= 7 && startsWith(b, data, "JFIF\0")) {
        jfif = true;
      } else if (marker == 0xe2 && startsWith(b, data, "ICC_PROFILE\0")) {
        return false; // the JDK converts through an embedded profile
      } else if (marker == 0xee) {
        return false; // Adobe: its transform flag decides the colour space, and the JDK reads it its own way
      } else if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc) {
        if (sof >= 0 || length < 8 || (b[data] & 0xff) != 8) {
          return false; // a second frame header, or not 8 bits per sample
        }
        sof = marker;
        components = b[data + 5] & 0xff;
      }
      p = data + length - 2;
    }
    return false;
  }

  private static boolean startsWith(byte[] b, int at, String s) {
    if (at + s.length() > b.length) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (b[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * R, G, B bytes of a JPEG that {@link #suits} and whose frame header says {@code w x h} (checked against
   * TurboJPEG's own reading of it, so the image is never scaled). Any error or warning of libjpeg is
   * UNDECODABLE_IMAGE.
   */
  byte[] decodeRgb(byte[] jpeg, int w, int h) throws RejectException {
    if (in.capacity() < jpeg.length) {
      in = ByteBuffer.allocateDirect(Math.max(jpeg.length, 2 * in.capacity()));
    }
    in.clear();
    in.put(jpeg).flip();
    NativeLong size = new NativeLong(jpeg.length);
    if (Lib.tjDecompressHeader3(handle[0], in, size, width, height, subsampling, colorspace) != 0) {
      throw error("header");
    }
    if (width[0] != w || height[0] != h || colorspace[0] != TJCS_YCBCR) {
      throw new RejectException(RejectReason.UNDECODABLE_IMAGE, "JPEG header is inconsistent: " + w + "x" + h
          + " in its first frame header, " + width[0] + "x" + height[0] + " (colour space " + colorspace[0]
          + ") to libjpeg-turbo");
    }
    int bytes = 3 * w * h;
    if (out.capacity() < bytes) {
      out = outputBuffer(bytes);
    }
    if (Lib.tjDecompress2(handle[0], in, size, out, w, 0, h, TJPF_RGB, FLAGS) != 0) {
      throw error("image");
    }
    byte[] rgb = PixelArrays.take(bytes); // every byte is overwritten below
    out.get(0, rgb);
    return rgb;
  }

  /**
   * The rejection for a failed call; the handle is then replaced by a new one, as the ImageIO path disposes a reader
   * after a failure: libjpeg-turbo 2.1 leaves a handle whose header call failed mid-way in a state in which it
   * rejects the next, valid JPEGs too.
   */
  private RejectException error(String what) {
    boolean warning = Lib.tjGetErrorCode(handle[0]) == 0; // TJERR_WARNING: stopped at a warning (a cut or corrupt JPEG)
    RejectException e = new RejectException(RejectReason.UNDECODABLE_IMAGE, "JPEG " + what
        + (warning ? " is corrupt: " : " could not be decoded: ") + Lib.tjGetErrorStr2(handle[0]));
    Pointer fresh = newHandle();
    Lib.tjDestroy(handle[0]);
    handle[0] = fresh;
    return e;
  }
}
