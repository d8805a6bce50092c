package dev.paffmem.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

class FaceFrameVersionsTest {

  @Test
  void v1IsTheReleasedV1() throws Exception {
    Schema released = new Schema.Parser().parse(Path.of("src/test/resources/released/v1/FaceFrame.avsc").toFile());
    assertEquals(SchemaNormalization.toParsingForm(released), SchemaNormalization.toParsingForm(FaceFrameVersions.V1));
  }

  @Test
  void v2IsTheReleasedV2() throws Exception {
    Schema released = new Schema.Parser().parse(Path.of("src/test/resources/released/v2/FaceFrame.avsc").toFile());
    assertEquals(SchemaNormalization.toParsingForm(released), SchemaNormalization.toParsingForm(FaceFrameVersions.V2));
  }

  @Test
  void everyVersionIsKnownByFingerprintAndTheyDiffer() {
    long now = FaceFrameVersions.fingerprint(FaceFrame.getClassSchema());
    long v1 = FaceFrameVersions.fingerprint(FaceFrameVersions.V1);
    long v2 = FaceFrameVersions.fingerprint(FaceFrameVersions.V2);
    assertNotEquals(now, v1);
    assertNotEquals(now, v2);
    assertNotEquals(v1, v2);
    assertSame(FaceFrame.getClassSchema(), FaceFrameVersions.writerSchema(now));
    assertSame(FaceFrameVersions.V1, FaceFrameVersions.writerSchema(v1));
    assertSame(FaceFrameVersions.V2, FaceFrameVersions.writerSchema(v2));
    assertNull(FaceFrameVersions.writerSchema(now ^ 1));
  }

  @Test
  void v2DataReadsIntoTheCurrentClassWithoutAnEnrolment() throws Exception {
    Schema v2 = FaceFrameVersions.V2;
    GenericRecord box = new GenericData.Record(v2.getField("faceBox").schema().getTypes().get(1));
    box.put("x", 1);
    box.put("y", 2);
    box.put("width", 30);
    box.put("height", 40);
    box.put("frameWidth", 640);
    box.put("frameHeight", 480);
    box.put("detected", true);
    GenericRecord r = new GenericData.Record(v2);
    r.put("personId", "p");
    r.put("sourceId", "s");
    r.put("frameIndex", 7L);
    r.put("eventTime", 1000L);
    r.put("encoding", new GenericData.EnumSymbol(v2.getField("encoding").schema(), "PNG"));
    r.put("image", java.nio.ByteBuffer.wrap(new byte[] {1, 2}));
    r.put("faceBox", box);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(v2).write(r, enc);
    enc.flush();
    FaceFrame f = new SpecificDatumReader<FaceFrame>(v2, FaceFrame.getClassSchema())
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    assertEquals(7L, f.getFrameIndex());
    assertEquals(640, f.getFaceBox().getFrameWidth());
    assertNull(f.getEnrolment());
  }

  @Test
  void v1DataReadsIntoTheCurrentClassWithoutAFaceBox() throws Exception {
    GenericRecord r = new GenericData.Record(FaceFrameVersions.V1);
    r.put("personId", "p");
    r.put("sourceId", "s");
    r.put("frameIndex", 7L);
    r.put("eventTime", 1000L);
    r.put("encoding", new GenericData.EnumSymbol(FaceFrameVersions.V1.getField("encoding").schema(), "JPEG"));
    r.put("image", java.nio.ByteBuffer.wrap(new byte[] {1, 2}));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(FaceFrameVersions.V1).write(r, enc);
    enc.flush();
    FaceFrame f = new SpecificDatumReader<FaceFrame>(FaceFrameVersions.V1, FaceFrame.getClassSchema())
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    assertEquals("p", f.getPersonId());
    assertEquals(Instant.ofEpochMilli(1000), f.getEventTime());
    assertNull(f.getFaceBox());
  }
}
