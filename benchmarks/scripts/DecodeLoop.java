import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import dev.paffmem.benchmarks.job.FramePool;
import dev.paffmem.job.ingest.FrameDecoder;
import dev.paffmem.job.records.Frame;
import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.job.records.PixelArrays;
import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The JPEG decode of the job's frames, three ways, CPU time per frame on this thread: libturbojpeg's
 * {@code tjDecompress2} through JNA into a native buffer 16 bytes off a 32-byte boundary plus the copy into a
 * reused array (the least the job could do), {@code FrameDecoder.decode} as the job calls it (Avro, checks, header,
 * decode, copy) with each frame's array given back as the job does, and the same with new arrays (what
 * {@code bench stages} measures). The frames are the benchmarks' (FramePool: 8 looks x 32 frames, JPEG quality 90).
 * Then where a face's decode goes: the header alone, the same faces decoded at 1/8 scale (every coefficient still
 * entropy-decoded, almost no inverse DCT, upsampling or colour conversion) and at 1/2, and a 16x16 JPEG (the setup
 * per image and the call).
 *
 * <pre>
 * java -Djava.awt.headless=true -cp benchmarks/target/benchmarks.jar benchmarks/scripts/DecodeLoop.java [calls per round, default 40000]
 * </pre>
 */
public class DecodeLoop {

  static class Lib {
    static native Pointer tjInitDecompress();

    static native int tjDecompress2(Pointer h, ByteBuffer jpeg, NativeLong size, ByteBuffer dst, int w, int pitch,
        int height, int pixelFormat, int flags);

    static native int tjDecompressHeader3(Pointer h, ByteBuffer jpeg, NativeLong size, int[] w, int[] height,
        int[] subsampling, int[] colorspace);
  }

  interface Work {
    void run(int i) throws Exception;
  }

  static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING, the job's flags. */
  static final int FLAGS = 4096 | 8192;

  /** Decodes {@code jpeg} through {@code in} into {@code out} at side x side (smaller than the image: scaled). */
  static void decode(Pointer handle, ByteBuffer in, ByteBuffer out, byte[] jpeg, int side) {
    in.clear();
    in.put(jpeg).flip();
    if (Lib.tjDecompress2(handle, in, new NativeLong(jpeg.length), out, side, 0, side, 0, FLAGS) != 0) {
      throw new IllegalStateException("tjDecompress2 failed at " + side + "x" + side);
    }
  }

  static String rounds(int calls, Work w) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int round = 0; round < 5; round++) {
      long t0 = THREADS.getCurrentThreadCpuTime();
      for (int i = 0; i < calls; i++) {
        w.run(i);
      }
      sb.append(String.format(" %.1f", (THREADS.getCurrentThreadCpuTime() - t0) / 1e3 / calls));
    }
    return sb.append(" µs").toString();
  }

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 40000;
    FramePool pool = new FramePool(8, 32, ImageEncoding.JPEG);
    int n = pool.looks() * pool.frames();
    KafkaRecordBytes[] records = new KafkaRecordBytes[n];
    byte[][] jpegs = new byte[n][];
    for (int i = 0; i < n; i++) {
      String id = FramePool.personId(i % pool.looks());
      records[i] = new KafkaRecordBytes("t", 0, i, 0L, id.getBytes(StandardCharsets.UTF_8),
          pool.value(i % pool.looks(), i / pool.looks()));
      ByteBuffer b = FaceFrame.fromByteBuffer(ByteBuffer.wrap(records[i].value)).getImage();
      jpegs[i] = new byte[b.remaining()];
      b.get(jpegs[i]);
    }

    Native.register(Lib.class, NativeLibrary.getInstance("turbojpeg"));
    Pointer handle = Lib.tjInitDecompress();
    ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
    ByteBuffer out = ByteBuffer.allocateDirect(96 * 96 * 3 + 64).alignedSlice(32).slice(16, 96 * 96 * 3);
    byte[] rgb = new byte[96 * 96 * 3];
    System.out.println("bare tjDecompress2 + copy, rounds:" + rounds(calls, i -> {
      decode(handle, in, out, jpegs[i % n], 96);
      out.get(0, rgb);
    }));

    int[] w = new int[1];
    int[] h = new int[1];
    int[] subsampling = new int[1];
    int[] colorspace = new int[1];
    long bytes = 0;
    for (byte[] j : jpegs) {
      bytes += j.length;
    }
    System.out.println("the faces: " + bytes / n + " bytes on average");
    System.out.println("header only (tjDecompressHeader3), rounds:" + rounds(calls, i -> {
      byte[] j = jpegs[i % n];
      in.clear();
      in.put(j).flip();
      if (Lib.tjDecompressHeader3(handle, in, new NativeLong(j.length), w, h, subsampling, colorspace) != 0) {
        throw new IllegalStateException("tjDecompressHeader3 failed");
      }
    }));
    for (int side : new int[] {12, 48}) {
      System.out.println("decoded at " + side + "x" + side + " (1/" + 96 / side + " scale), rounds:"
          + rounds(calls, i -> decode(handle, in, out, jpegs[i % n], side)));
    }
    java.io.ByteArrayOutputStream tiny = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_3BYTE_BGR),
        "jpg", tiny);
    byte[] t = tiny.toByteArray();
    System.out.println("a 16x16 JPEG of " + t.length + " bytes, rounds:" + rounds(calls, i -> decode(handle, in, out, t, 16)));

    FrameDecoder decoder = new FrameDecoder(1 << 20, 1 << 20, 16, 96, 96);
    System.out.println("FrameDecoder (" + decoder.jpegDecoder() + "), arrays given back, rounds:" + rounds(calls, i -> {
      Frame f = decoder.decode(records[i % n], 0L).frame();
      PixelArrays.giveBack(f.rgb);
    }));
    Frame[] kept = new Frame[n];
    System.out.println("FrameDecoder, new arrays (as bench stages), rounds:" + rounds(calls, i -> {
      kept[i % n] = decoder.decode(records[i % n], 0L).frame();
    }));
  }
}
