package dev.paffmem.job;

import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import dev.paffmem.testsupport.TestImages;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

/** Builders of FaceFrame records for the job's tests. */
public final class TestFrames {

  private TestFrames() {}

  /** The tiny random model shipped with the tests (same manifest format as model-export). */
  public static Path tinyModel() {
    return Path.of("src/test/resources/tiny-model").toAbsolutePath();
  }

  /**
   * A tiny random model whose generator is a frame editor (conditioned on the frame, not on z); written by
   * model-export/tests/make_tiny_editor.py.
   */
  public static Path tinyEditorModel() {
    return Path.of("src/test/resources/tiny-editor-model").toAbsolutePath();
  }

  /**
   * A tiny random model whose generator is a latent generator (edits drawn in z, no encoder pass); written by
   * model-export/tests/make_tiny_latent.py.
   */
  public static Path tinyLatentModel() {
    return Path.of("src/test/resources/tiny-latent-model").toAbsolutePath();
  }

  /** A 96x96 RGB8 face-like image that differs per person and slightly per frame. */
  public static byte[] rgb(String person, long frame, int w, int h) {
    Random r = new Random(person.hashCode() * 31L + frame);
    Random p = new Random(person.hashCode());
    int base = p.nextInt(200);
    byte[] out = new byte[w * h * 3];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (base + ((i / 3) % w) / 2 + r.nextInt(12));
    }
    return out;
  }

  public static FaceFrame.Builder raw(String person, long frame) {
    return FaceFrame.newBuilder()
        .setPersonId(person).setSourceId("cam-" + person).setFrameIndex(frame)
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + 40 * frame))
        .setEncoding(ImageEncoding.RAW_RGB8).setImage(ByteBuffer.wrap(rgb(person, frame, 96, 96)))
        .setWidth(96).setHeight(96).setArousal(0.25f).setValence(-0.5f);
  }

  public static byte[] png(int w, int h) {
    return TestImages.gradient(w, h, "png");
  }

  public static byte[] jpeg(int w, int h) {
    return TestImages.gradient(w, h, "jpeg");
  }

  public static byte[] bytes(FaceFrame f) {
    return dev.paffmem.schema.WireFormat.encode(f::toByteBuffer);
  }

  public static KafkaRecordBytes record(FaceFrame f, long offset) {
    return new KafkaRecordBytes("face-frames", 0, offset, 1_700_000_000_000L + offset,
        f.getPersonId().getBytes(StandardCharsets.UTF_8), bytes(f));
  }

  public static KafkaRecordBytes record(byte[] key, byte[] value, long offset) {
    return new KafkaRecordBytes("face-frames", 0, offset, 1_700_000_000_000L + offset, key, value);
  }
}
