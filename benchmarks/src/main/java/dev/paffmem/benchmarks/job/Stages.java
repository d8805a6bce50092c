package dev.paffmem.benchmarks.job;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import dev.paffmem.job.ingest.FrameDecoder;
import dev.paffmem.job.ingest.JpegDecoder;
import dev.paffmem.job.ingest.BytesImageInputStream;
import dev.paffmem.job.inference.ImageTensors;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.job.records.Frame;
import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.memory.AffectiveMemory;
import dev.paffmem.memory.AffectiveMemoryCodec;
import dev.paffmem.memory.MemoryConfig;
import dev.paffmem.memory.Sample;
import dev.paffmem.schema.AffectiveMemoryState;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * CPU time per frame of each piece of work the job does around ONNX Runtime, each alone on one
 * thread (thread CPU time, so the machine's load does not count), next to a prototype of the
 * cheaper way where there is one. This is where the job's CPU per frame goes beyond the bare
 * ONNX Runtime loop, and what each proposed fix in flink-job would save.
 */
public final class Stages {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private Stages() {}

  @FunctionalInterface
  interface Work {
    void run(int i) throws Exception;
  }

  /** Microseconds of CPU per call, after a warm-up of the same length. */
  static double cpuMicros(int calls, Work w) throws Exception {
    for (int i = 0; i < calls; i++) {
      w.run(i);
    }
    long t0 = THREADS.getCurrentThreadCpuTime();
    for (int i = 0; i < calls; i++) {
      w.run(i);
    }
    return (THREADS.getCurrentThreadCpuTime() - t0) / 1e3 / calls;
  }

  public static Map<String, Double> measure(FramePool pool, ModelManifest m, int batch, byte[] memoryBytes,
      MemoryConfig memoryConfig, int calls) throws Exception {
    Map<String, Double> us = new LinkedHashMap<>();
    int n = pool.looks() * pool.frames();
    KafkaRecordBytes[] records = new KafkaRecordBytes[n];
    for (int i = 0; i < n; i++) {
      String id = FramePool.personId(i % pool.looks());
      records[i] = new KafkaRecordBytes("t", 0, i, 0L, id.getBytes(StandardCharsets.UTF_8), pool.value(i % pool.looks(), i / pool.looks()));
    }
    FrameDecoder decoder = new FrameDecoder(1 << 20, 1 << 20, 16, m.imageWidth(), m.imageHeight());
    Frame[] frames = new Frame[n];
    us.put("validate: Avro + JPEG decode into an RGB raster (FrameDecoder, as in the job: " + decoder.jpegDecoder() + ")",
        cpuMicros(calls, i -> {
          frames[i % n] = decoder.decode(records[i % n], 0L).frame();
        }));
    FrameDecoder jdk = new FrameDecoder(1 << 20, 1 << 20, 16, m.imageWidth(), m.imageHeight(), JpegDecoder.IMAGEIO);
    us.put("  the same with the JDK's ImageIO reader (JpegDecoder.IMAGEIO, the job's fallback without libturbojpeg)",
        cpuMicros(calls, i -> jdk.decode(records[i % n], 0L)));
    byte[][] jpegs = new byte[n][];
    for (int i = 0; i < n; i++) {
      ByteBuffer b = dev.paffmem.schema.FaceFrame.fromByteBuffer(ByteBuffer.wrap(records[i].value)).getImage();
      jpegs[i] = new byte[b.remaining()];
      b.get(jpegs[i]);
    }
    us.put("  before fix 8: JPEG decode to B, G, R (ImageIO default) + swap to R, G, B", cpuMicros(calls, i -> {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpegs[i % n]));
      byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData(); // TYPE_3BYTE_BGR
      byte[] rgb = new byte[bgr.length];
      for (int p = 0; p < bgr.length; p += 3) {
        rgb[p] = bgr[p + 2];
        rgb[p + 1] = bgr[p + 1];
        rgb[p + 2] = bgr[p];
      }
    }));

    jpegReader(us, jpegs, n, calls);

    TypeSerializer<Frame> ser = TypeInformation.of(Frame.class).createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(64 * 1024);
    DataInputDeserializer in = new DataInputDeserializer();
    TypeSerializer<KafkaRecordBytes> rawSer = TypeInformation.of(KafkaRecordBytes.class).createSerializer(new SerializerConfigImpl());
    dev.paffmem.job.ingest.RoutingKey routing = new dev.paffmem.job.ingest.RoutingKey();
    us.put("keyBy source -> validate (as in the job): routing key + raw record serialize + deserialize", cpuMicros(calls, i -> {
      routing.getKey(records[i % n]);
      out.clear();
      rawSer.serialize(records[i % n], out);
      in.setBuffer(out.getSharedBuffer(), 0, out.length());
      rawSer.deserialize(in);
    }));
    us.put("  before: keyBy validate -> sequence, Frame POJO serialize + deserialize (27 KB RGB)", cpuMicros(calls, i -> {
      out.clear();
      ser.serialize(frames[i % n], out);
      in.setBuffer(out.getSharedBuffer(), 0, out.length());
      ser.deserialize(in);
    }));
    us.put("  before: chained sequence -> inference, Frame copy (object reuse off; the job now reuses)", cpuMicros(calls, i -> ser.copy(frames[i % n])));

    int size = m.imageSize();
    float[] images = new float[batch * size];
    int frameBytes = 3 * m.imageHeight() * m.imageWidth();
    ByteBuffer u8 = ByteBuffer.allocateDirect(batch * frameBytes).order(ByteOrder.nativeOrder());
    us.put("inference: frame bytes into encoder_u8's input buffer (PkModel.encodeRgb, as in the job)", cpuMicros(calls, i -> {
      if (i % batch == 0) {
        u8.clear();
      }
      u8.put(frames[i % n].rgb);
    }));
    us.put("  without encoder_u8 (older model dirs): ImageTensors.write (per frame)", cpuMicros(calls, i -> ImageTensors.write(frames[i % n].rgb, m, images, (i % batch) * size)));
    float[] lut = new float[256];
    float scale = (m.valueMax() - m.valueMin()) / 255f;
    for (int v = 0; v < 256; v++) {
      lut[v] = v * scale + m.valueMin();
    }
    int plane = m.imageHeight() * m.imageWidth();
    FloatBuffer direct = ByteBuffer.allocateDirect(4 * batch * size).order(ByteOrder.nativeOrder()).asFloatBuffer();
    float[] images2 = new float[batch * size];
    us.put("  prototype: lookup table, one channel plane at a time", cpuMicros(calls, i -> {
      byte[] rgb = frames[i % n].rgb;
      int off = (i % batch) * size;
      for (int c = 0; c < 3; c++) {
        int base = off + c * plane;
        for (int p = 0, q = c; p < plane; p++, q += 3) {
          images2[base + p] = lut[rgb[q] & 0xff];
        }
      }
    }));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[] shape = {batch, m.imageChannels(), m.imageHeight(), m.imageWidth()};
    us.put("inference: OnnxTensor from a heap float[] (new direct buffer + copy), per frame", cpuMicros(Math.max(10, calls / batch),
        i -> OnnxTensor.createTensor(env, FloatBuffer.wrap(images), shape).close()) / batch);
    us.put("  prototype: bulk copy into a reused direct buffer + OnnxTensor over it, per frame", cpuMicros(Math.max(10, calls / batch),
        i -> {
          direct.clear();
          direct.put(images2).flip();
          OnnxTensor.createTensor(env, direct, shape).close();
        }) / batch);

    FloatBuffer gOut = ByteBuffer.allocateDirect(4 * batch * size).order(ByteOrder.nativeOrder()).asFloatBuffer();
    us.put("onboarding: G's output copied to a float[] and into a new E input tensor (PkModel.generate + encode), per edited face",
        cpuMicros(Math.max(10, calls / batch), i -> {
          float[] copy = new float[batch * size];
          gOut.rewind();
          gOut.get(copy);
          OnnxTensor.createTensor(env, FloatBuffer.wrap(copy), shape).close();
        }) / batch);
    us.put("  prototype: G's output tensor passed to E as it is (BareOrt), per edited face", 0.0);

    if (memoryBytes != null) {
      AffectiveMemoryState state = AffectiveMemoryCodec.toState(AffectiveMemoryCodec.fromBytes(memoryBytes, memoryConfig));
      float[][] zs = new float[64][];
      java.util.Random r = new java.util.Random(7);
      for (int i = 0; i < zs.length; i++) {
        zs[i] = new float[memoryConfig.dimension()];
        for (int d = 0; d < zs[i].length; d++) {
          zs[i][d] = (float) Math.tanh(r.nextGaussian());
        }
      }
      AffectiveMemory[] holder = {AffectiveMemoryCodec.fromState(state, memoryConfig)};
      us.put("memory: fromState + toState (per frame, as the job keeps it)", cpuMicros(calls, i ->
          AffectiveMemoryCodec.toState(AffectiveMemoryCodec.fromState(state, memoryConfig))));
      us.put("memory: train (10 epochs) + predict, one online frame", cpuMicros(calls, i -> {
        holder[0].train(List.of(Sample.unlabelled(zs[i % zs.length])), AffectiveMemory.seed("p", i));
        holder[0].predict(zs[i % zs.length]);
      }));
    }
    return us;
  }

  /** R, G, B bytes, what {@code ImageDecoder} asks the JDK's JPEG reader for. */
  private static final ImageTypeSpecifier RGB8 = ImageTypeSpecifier.createInterleaved(
      ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {0, 1, 2}, DataBuffer.TYPE_BYTE, false, false);

  /**
   * What the JPEG decode costs inside the JDK's reader, and what is left around it: the reader alone (kept reader,
   * decoded into one reused R, G, B image, none of the job's checks), the same with a copy out of the reused image
   * (what a decoder without a per-frame image would need: the frame keeps its pixels until its batch runs), and the
   * reader's cost per scanline (the native decoder calls back into Java once per decoded row, which copies it into
   * the image): two images of the same pixel count, 1536 x 6 (6 rows) and 6 x 1536 (1536 rows).
   */
  static void jpegReader(Map<String, Double> us, byte[][] jpegs, int n, int calls) throws Exception {
    ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
    try {
      BufferedImage first = read(reader, jpegs[0], null);
      BufferedImage dest = RGB8.createBufferedImage(first.getWidth(), first.getHeight());
      us.put("  of it: the JDK's JPEG reader alone (kept reader, one reused R, G, B image, no checks)", cpuMicros(calls,
          i -> read(reader, jpegs[i % n], dest)));
      us.put("  prototype: a reused R, G, B image + a copy of its bytes out (no new image per frame)", cpuMicros(calls,
          i -> ((DataBufferByte) read(reader, jpegs[i % n], dest).getRaster().getDataBuffer()).getData().clone()));
      byte[] wide = encode(1536, 6);
      byte[] tall = encode(6, 1536);
      int shapeCalls = Math.max(20, calls / 4);
      double wideUs = cpuMicros(shapeCalls, i -> read(reader, wide, null));
      double tallUs = cpuMicros(shapeCalls, i -> read(reader, tall, null));
      us.put("  the JDK's JPEG reader per decoded row: native row work + callback (6 x 1536 minus 1536 x 6; a face has 96)",
          (tallUs - wideUs) / (1536 - 6));
    } finally {
      reader.dispose();
    }
  }

  private static BufferedImage read(ImageReader reader, byte[] jpeg, BufferedImage dest) throws java.io.IOException {
    reader.setInput(new BytesImageInputStream(jpeg), true, true); // as the job reads them
    try {
      ImageReadParam p = reader.getDefaultReadParam();
      p.setDestination(dest);
      return reader.read(0, p);
    } finally {
      reader.reset();
    }
  }

  private static byte[] encode(int w, int h) throws java.io.IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x * 3 % 256) << 16 | (y * 5 % 256) << 8 | (r.nextInt(40) + (x + y) % 200));
      }
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ImageIO.write(img, "jpeg", out);
    return out.toByteArray();
  }
}
