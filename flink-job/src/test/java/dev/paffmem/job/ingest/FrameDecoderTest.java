package dev.paffmem.job.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.job.TestFrames;
import dev.paffmem.job.records.Frame;
import dev.paffmem.job.records.KafkaRecordBytes;
import dev.paffmem.schema.EnrolmentLabel;
import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.ImageEncoding;
import dev.paffmem.schema.RejectReason;
import dev.paffmem.schema.RejectedFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** Every rule of input validation: what is accepted, and the reason of each rejection. */
class FrameDecoderTest {

  private final FrameDecoder decoder = new FrameDecoder(1 << 20, 1024 * 1024, 16, 96, 96);

  private FrameDecoder.Result decode(FaceFrame f) {
    return decoder.decode(TestFrames.record(f, 7), 1000L);
  }

  private RejectedFrame rejected(FaceFrame f, RejectReason expected) {
    FrameDecoder.Result r = decode(f);
    assertNull(r.frame(), "should be rejected as " + expected);
    assertEquals(expected, r.rejected().getReason(), r.rejected().getMessage());
    return r.rejected();
  }

  @Test
  void acceptsRawRgbAtModelSizeUnchanged() {
    FaceFrame f = TestFrames.raw("alice", 3).build();
    Frame frame = decode(f).frame();
    assertEquals("alice", frame.personId);
    assertEquals(3, frame.frameIndex);
    assertArrayEquals(TestFrames.rgb("alice", 3, 96, 96), frame.rgb);
    assertEquals(0.25f, frame.trueArousal);
    assertEquals(7, frame.sourceOffset);
    assertTrue(frame.originalValue.length > 96 * 96 * 3);
  }

  @Test
  void acceptsPngAndJpegAndResizesToTheModelSize() {
    for (ImageEncoding enc : new ImageEncoding[] {ImageEncoding.PNG, ImageEncoding.JPEG}) {
      byte[] img = enc == ImageEncoding.PNG ? TestFrames.png(128, 100) : TestFrames.jpeg(128, 100);
      FaceFrame f = TestFrames.raw("bob", 0).setEncoding(enc).setImage(ByteBuffer.wrap(img))
          .setWidth(null).setHeight(null).build();
      Frame frame = decode(f).frame();
      assertEquals(96 * 96 * 3, frame.rgb.length, enc.name());
      assertEquals(96, frame.width);
    }
  }

  @Test
  void resizesRawImagesOfOtherSizes() {
    FaceFrame f = TestFrames.raw("c", 0).setImage(ByteBuffer.wrap(TestFrames.rgb("c", 0, 48, 40)))
        .setWidth(48).setHeight(40).build();
    assertEquals(96 * 96 * 3, decode(f).frame().rgb.length);
  }

  @Test
  void acceptsFramesWrittenWithTheV1SchemaWithoutAFaceBox() throws Exception {
    FaceFrame f = TestFrames.raw("v1", 4).build();
    // the same record written with FaceFrame v1 (no faceBox field): single-object header with v1's fingerprint
    org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericData.Record(
        dev.paffmem.schema.FaceFrameVersions.V1);
    for (org.apache.avro.Schema.Field field : dev.paffmem.schema.FaceFrameVersions.V1.getFields()) {
      Object v = f.get(field.name());
      if (v instanceof Enum<?> e) {
        v = new org.apache.avro.generic.GenericData.EnumSymbol(field.schema(), e.name());
      } else if (v instanceof java.time.Instant t) {
        v = t.toEpochMilli();
      }
      old.put(field.name(), v);
    }
    byte[] value = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
        org.apache.avro.generic.GenericData.get(), dev.paffmem.schema.FaceFrameVersions.V1).encode(old).array();
    Frame frame = decoder.decode(TestFrames.record("v1".getBytes(StandardCharsets.UTF_8), value, 9), 1000L).frame();
    assertEquals("v1", frame.personId);
    assertEquals(4, frame.frameIndex);
    assertArrayEquals(TestFrames.rgb("v1", 4, 96, 96), frame.rgb);
  }

  @Test
  void rejectsGarbageAndTombstonesAsUndecodableRecord() {
    KafkaRecordBytes garbage = TestFrames.record("k".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3, 4}, 1);
    FrameDecoder.Result r = decoder.decode(garbage, 5L);
    assertEquals(RejectReason.UNDECODABLE_RECORD, r.rejected().getReason());
    assertArrayEquals(new byte[] {1, 2, 3, 4}, r.rejected().getOriginalValue().array(), "dead letter keeps the original bytes");
    assertEquals(1, r.rejected().getOffset());
    KafkaRecordBytes tombstone = TestFrames.record("k".getBytes(StandardCharsets.UTF_8), null, 2);
    assertEquals(RejectReason.UNDECODABLE_RECORD, decoder.decode(tombstone, 5L).rejected().getReason());
  }

  @Test
  void rejectsAHeaderThatPromisesAHugeByteArray() {
    byte[] valid = TestFrames.bytes(TestFrames.raw("p", 0).build());
    byte[] cut = Arrays.copyOf(valid, 10 + 20); // header + fingerprint, then a truncated body
    Arrays.fill(cut, 10, cut.length, (byte) 0xff);
    assertEquals(RejectReason.UNDECODABLE_RECORD, decoder.decode(TestFrames.record(null, cut, 0), 0).rejected().getReason());
  }

  @Test
  void rejectsAStringLengthThatPointsPastTheRecordWithoutAllocatingIt() {
    byte[] valid = TestFrames.bytes(TestFrames.raw("p", 0).build());
    byte[] crafted = Arrays.copyOf(valid, 10 + 5);
    // personId length as a zig-zag varint of 2,000,000,000 bytes, in a 15-byte record
    long zigzag = 2_000_000_000L << 1;
    for (int i = 10; i < 15; i++) {
      crafted[i] = (byte) ((zigzag & 0x7f) | (i < 14 ? 0x80 : 0));
      zigzag >>>= 7;
    }
    // the reader refuses the length before allocating: its message names the length against the bytes left
    java.io.IOException refused = assertThrows(java.io.IOException.class, () -> SafeFaceFrameReader.read(crafted));
    assertEquals("string length 2000000000 exceeds the 0 bytes left in the record", refused.getMessage());
    RejectedFrame r = decoder.decode(TestFrames.record(null, crafted, 0), 0).rejected();
    assertEquals(RejectReason.UNDECODABLE_RECORD, r.getReason());
    assertTrue(r.getMessage().contains("string length 2000000000 exceeds"), r.getMessage());
  }

  @Test
  void rejectsTooLargeRecordsBeforeParsing() {
    FrameDecoder small = new FrameDecoder(1000, 1024 * 1024, 16, 96, 96);
    RejectedFrame r = small.decode(TestFrames.record(TestFrames.raw("p", 0).build(), 0), 0).rejected();
    assertEquals(RejectReason.PAYLOAD_TOO_LARGE, r.getReason());
    assertTrue(r.getMessage().contains("--max-record-bytes"), r.getMessage());
  }

  @Test
  void rejectsMissingPersonIdAndKeyMismatch() {
    rejected(TestFrames.raw(" ", 0).build(), RejectReason.MISSING_PERSON_ID);
    KafkaRecordBytes other = TestFrames.record(TestFrames.raw("alice", 0).build(), 0);
    other.key = "bob".getBytes(StandardCharsets.UTF_8);
    RejectedFrame r = decoder.decode(other, 0).rejected();
    assertEquals(RejectReason.KEY_MISMATCH, r.getReason());
    assertEquals("alice", r.getPersonId());
  }

  @Test
  void acceptsARecordWithoutKey() {
    KafkaRecordBytes noKey = TestFrames.record(TestFrames.raw("alice", 0).build(), 0);
    noKey.key = null;
    assertTrue(decoder.decode(noKey, 0).accepted());
  }

  @Test
  void rejectsNonFiniteAndOutOfRangeLabels() {
    rejected(TestFrames.raw("p", 0).setArousal(Float.NaN).build(), RejectReason.NON_FINITE_LABEL);
    rejected(TestFrames.raw("p", 0).setValence(Float.POSITIVE_INFINITY).build(), RejectReason.NON_FINITE_LABEL);
    rejected(TestFrames.raw("p", 0).setValence(1.5f).build(), RejectReason.LABEL_OUT_OF_RANGE);
    assertTrue(decode(TestFrames.raw("p", 0).setArousal(null).setValence(null).build()).accepted());
  }

  @Test
  void anEnrolmentLabelIsCheckedLikeTheTruthAndCarriedOnTheFrame() {
    rejected(TestFrames.raw("p", 0).setEnrolment(new EnrolmentLabel(Float.NaN, 0f)).build(), RejectReason.NON_FINITE_LABEL);
    rejected(TestFrames.raw("p", 0).setEnrolment(new EnrolmentLabel(0f, -1.01f)).build(), RejectReason.LABEL_OUT_OF_RANGE);
    Frame enrolled = decode(TestFrames.raw("p", 0).setEnrolment(new EnrolmentLabel(0.5f, -1f)).build()).frame();
    assertTrue(enrolled.enrolled());
    assertEquals(0.5f, enrolled.enrolmentArousal);
    assertEquals(-1f, enrolled.enrolmentValence);
    assertFalse(decode(TestFrames.raw("p", 0).build()).frame().enrolled(), "no enrolment: an ordinary frame");
  }

  @Test
  void rejectsUnknownEncoding() {
    rejected(TestFrames.raw("p", 0).setEncoding(ImageEncoding.UNKNOWN).build(), RejectReason.UNSUPPORTED_ENCODING);
  }

  @Test
  void rejectsBytesThatAreNotTheDeclaredImage() {
    rejected(TestFrames.raw("p", 0).setEncoding(ImageEncoding.PNG).build(), RejectReason.UNDECODABLE_IMAGE);
    rejected(TestFrames.raw("p", 0).setEncoding(ImageEncoding.PNG).setImage(ByteBuffer.wrap(TestFrames.jpeg(96, 96)))
        .build(), RejectReason.UNDECODABLE_IMAGE);
    byte[] png = TestFrames.png(96, 96);
    byte[] truncated = Arrays.copyOf(png, png.length / 2);
    rejected(TestFrames.raw("p", 0).setEncoding(ImageEncoding.PNG).setImage(ByteBuffer.wrap(truncated))
        .setWidth(null).setHeight(null).build(), RejectReason.UNDECODABLE_IMAGE);
  }

  @Test
  void rejectsWrongSizes() {
    rejected(TestFrames.raw("p", 0).setWidth(95).build(), RejectReason.WRONG_IMAGE_SIZE); // bytes != 95*96*3
    rejected(TestFrames.raw("p", 0).setWidth(null).build(), RejectReason.WRONG_IMAGE_SIZE);
    rejected(TestFrames.raw("p", 0).setImage(ByteBuffer.wrap(new byte[8 * 8 * 3])).setWidth(8).setHeight(8).build(),
        RejectReason.WRONG_IMAGE_SIZE);
    rejected(TestFrames.raw("p", 0).setEncoding(ImageEncoding.PNG).setImage(ByteBuffer.wrap(TestFrames.png(96, 96)))
        .setWidth(64).setHeight(96).build(), RejectReason.WRONG_IMAGE_SIZE);
  }

  @Test
  void rejectsADecompressionBombFromItsHeaderWithoutDecodingIt() {
    byte[] bomb = withPngSize(TestFrames.png(96, 96), 60_000, 60_000); // 3.6 gigapixels declared in a tiny file
    RejectedFrame r = rejected(TestFrames.raw("p", 0).setEncoding(ImageEncoding.PNG).setImage(ByteBuffer.wrap(bomb))
        .setWidth(null).setHeight(null).build(), RejectReason.PAYLOAD_TOO_LARGE);
    assertTrue(r.getMessage().contains("60000x60000"), r.getMessage());
    rejected(TestFrames.raw("p", 0).setImage(ByteBuffer.wrap(new byte[3])).setWidth(50_000).setHeight(50_000).build(),
        RejectReason.PAYLOAD_TOO_LARGE);
  }

  /** Rewrites the IHDR width and height of a PNG (and its CRC). */
  static byte[] withPngSize(byte[] png, int w, int h) {
    byte[] out = png.clone();
    ByteBuffer b = ByteBuffer.wrap(out);
    b.putInt(16, w).putInt(20, h); // 8 signature + 4 length + 4 "IHDR"
    CRC32 crc = new CRC32();
    crc.update(out, 12, 4 + 13);
    b.putInt(29, (int) crc.getValue());
    return out;
  }
}
