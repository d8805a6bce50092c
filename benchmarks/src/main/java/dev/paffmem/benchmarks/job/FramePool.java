package dev.paffmem.benchmarks.job;

import dev.paffmem.faces.stream.FaceFrameGenerator;
import dev.paffmem.faces.stream.FaceFrameStream;
import dev.paffmem.faces.stream.StreamOptions;
import dev.paffmem.job.inference.ImageTensors;
import dev.paffmem.job.inference.ModelManifest;
import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Pre-rendered synthetic faces, so rendering is never measured. {@code looks} synthetic persons
 * ({@code eval-00000}, ...) times {@code frames} video frames are rendered once; benchmark person
 * {@code p} shows look {@code p % looks}, and its frame {@code i} is rendered frame {@code i % frames}
 * re-stamped with the benchmark person's id and frame index (what the job sees is a real JPEG face).
 */
public final class FramePool {

  private final int looks;
  private final int frames;
  private final List<FaceFrame> rendered;
  private final List<byte[]> rgb;

  public FramePool(int looks, int frames, ImageEncoding encoding) {
    this.looks = looks;
    this.frames = frames;
    StreamOptions o = StreamOptions.defaults().withPersons(looks).withFramesPerPerson(frames).withEncoding(encoding);
    FaceFrameGenerator gen = new FaceFrameGenerator(o);
    FaceFrameGenerator raw = new FaceFrameGenerator(o.withEncoding(ImageEncoding.RAW_RGB8));
    int n = looks * frames;
    rendered = IntStream.range(0, n).parallel().mapToObj(gen::frame).toList();
    rgb = IntStream.range(0, Math.min(n, 256)).parallel().mapToObj(i -> bytes(raw.frame(i).getImage())).toList();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  public static String personId(int p) {
    return String.format("bench-%05d", p);
  }

  /** Kafka value of benchmark person {@code p}'s frame {@code frameIndex}. */
  public byte[] value(int p, long frameIndex) {
    FaceFrame src = rendered.get((int) ((frameIndex % frames) * looks + p % looks));
    String id = personId(p);
    FaceFrame f = FaceFrame.newBuilder(src).setPersonId(id).setSourceId("bench/" + id).setVideoId(id)
        .setFrameIndex(frameIndex).setEventTime(src.getEventTime().plusMillis((frameIndex - src.getFrameIndex()) * 40))
        .build();
    return FaceFrameStream.bytes(f);
  }

  /** Up to {@code count} distinct images in the model's input layout, concatenated. */
  public float[] modelImages(ModelManifest m, int count) {
    int n = Math.min(count, rgb.size());
    float[] out = new float[n * m.imageSize()];
    for (int i = 0; i < n; i++) {
      ImageTensors.write(rgb.get(i), m, out, i * m.imageSize());
    }
    return out;
  }

  public int looks() {
    return looks;
  }

  public int frames() {
    return frames;
  }

  /** The rendered frames of one look, in order (for the state replica). */
  public List<byte[]> rgbOfLook(int look, int count) {
    StreamOptions o = StreamOptions.defaults().withPersons(looks).withFramesPerPerson(count)
        .withEncoding(ImageEncoding.RAW_RGB8);
    FaceFrameGenerator raw = new FaceFrameGenerator(o);
    List<byte[]> out = new ArrayList<>(IntStream.range(0, count).parallel()
        .mapToObj(i -> bytes(raw.frame((long) i * looks + look).getImage())).toList());
    return out;
  }
}
