package dev.paffmem.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every schema as released (kept under {@code src/test/resources/released/vN}: v1 all four, v2 the
 * RejectedFrame that carries capped original bytes with their length and sha256 and the FaceFrame with the optional
 * faceBox (FaceFrame v2), v3 the
 * AffectiveMemoryState that records the model that built it) must stay mutually
 * compatible with the current one: new readers read old data, old readers read new data.
 */
class SchemaCompatibilityTest {

  static Stream<Path> releasedSchemas() throws IOException {
    Path root = Path.of("src/test/resources/released");
    List<Path> all = new ArrayList<>();
    try (DirectoryStream<Path> versions = Files.newDirectoryStream(root)) {
      for (Path version : versions) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(version, "*.avsc")) {
          files.forEach(all::add);
        }
      }
    }
    return all.stream().sorted();
  }

  static Schema current(String fileName) {
    Path path = Path.of("src/main/avro", fileName);
    try {
      return new Schema.Parser().parse(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releasedSchemas")
  void currentSchemaReadsReleasedDataAndReleasedReadersReadCurrentData(Path released) throws IOException {
    Schema old = new Schema.Parser().parse(released.toFile());
    Schema now = current(released.getFileName().toString());
    assertEquals(old.getFullName(), now.getFullName(), "a released schema was renamed: " + released);

    var backward = SchemaCompatibility.checkReaderWriterCompatibility(now, old);
    assertEquals(SchemaCompatibilityType.COMPATIBLE, backward.getType(),
        "new reader cannot read data written with " + released + ": " + backward.getResult().getIncompatibilities());
    var forward = SchemaCompatibility.checkReaderWriterCompatibility(old, now);
    assertEquals(SchemaCompatibilityType.COMPATIBLE, forward.getType(),
        "reader of " + released + " cannot read data written now: " + forward.getResult().getIncompatibilities());
  }

  @Test
  void everyReleasedSchemaIsStillShipped() throws IOException {
    try (Stream<Path> released = releasedSchemas()) {
      released.forEach(p -> assertTrue(Files.exists(Path.of("src/main/avro", p.getFileName().toString())),
          "released schema no longer shipped: " + p));
    }
  }

  @Test
  void checkerCatchesABreakingChange() {
    // A guard that the check above can fail: a new required field without a default breaks old data.
    Schema old = current("FaceFrame.avsc");
    String broken = old.toString().replace(
        "{\"name\":\"personId\"",
        "{\"name\":\"tenant\",\"type\":\"string\"},{\"name\":\"personId\"");
    Schema now = new Schema.Parser().parse(broken);
    assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(now, old).getType());
  }

  @Test
  void everyFieldIsDocumented() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of("src/main/avro"), "*.avsc")) {
      for (Path file : files) {
        Schema schema = new Schema.Parser().parse(file.toFile());
        assertNotNull(schema.getDoc(), file + " has no record doc");
        assertDocumented(schema, file.toString());
      }
    }
  }

  private static void assertDocumented(Schema record, String where) {
    for (Schema.Field field : record.getFields()) {
      assertNotNull(field.doc(), where + ": field " + field.name() + " has no doc");
      assertFalse(field.doc().isBlank(), where + ": field " + field.name() + " has a blank doc");
      Schema type = field.schema();
      if (type.getType() == Schema.Type.UNION) {
        for (Schema branch : type.getTypes()) {
          if (branch.getType() == Schema.Type.RECORD) {
            assertDocumented(branch, where + "." + field.name());
          }
        }
      } else if (type.getType() == Schema.Type.RECORD) {
        assertDocumented(type, where + "." + field.name());
      } else if (type.getType() == Schema.Type.ARRAY && type.getElementType().getType() == Schema.Type.RECORD) {
        assertDocumented(type.getElementType(), where + "." + field.name());
      }
    }
  }

  @Test
  void generatedClassesRoundTripThroughSingleObjectEncoding() throws IOException {
    FaceFrame frame = FaceFrame.newBuilder()
        .setPersonId("p-1").setSourceId("cam-7").setFrameIndex(42L)
        .setEventTime(java.time.Instant.ofEpochMilli(1_700_000_000_123L))
        .setEncoding(ImageEncoding.RAW_RGB8).setImage(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setWidth(1).setHeight(1).setArousal(0.25f).setValence(-0.5f)
        .build();
    FaceFrame back = FaceFrame.fromByteBuffer(frame.toByteBuffer());
    assertEquals(frame, back);
  }


  @Test
  void deadLettersOfBothReleasesDecodeWithEachOthersSchemaRegistered() throws IOException {
    Schema v1 = new Schema.Parser().parse(Path.of("src/test/resources/released/v1/RejectedFrame.avsc").toFile());
    Schema v2 = RejectedFrame.getClassSchema();
    assertTrue(v2.getField("originalValueSha256") != null && v1.getField("originalValueSha256") == null,
        "v2 adds the capped-original fields");

    // a v1 dead letter (full original bytes, none of the new fields) written by an old job
    org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericData.Record(v1);
    old.put("reason", new org.apache.avro.generic.GenericData.EnumSymbol(v1.getField("reason").schema(), "OTHER"));
    old.put("message", "m");
    old.put("sourceTopic", "t");
    old.put("partition", 0);
    old.put("offset", 7L);
    old.put("originalValue", java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
    old.put("rejectedAt", 5L);
    java.nio.ByteBuffer oldBytes = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
        org.apache.avro.generic.GenericData.get(), v1).encode(old);

    // single-object encoding names the writer's schema by fingerprint: a reader must know it
    assertThrows(org.apache.avro.message.MissingSchemaException.class,
        () -> RejectedFrame.getDecoder().decode(oldBytes.duplicate()));
    org.apache.avro.message.BinaryMessageDecoder<RejectedFrame> reader = RejectedFrame.createDecoder(null);
    reader.addSchema(v1);
    RejectedFrame read = reader.decode(oldBytes.duplicate());
    assertEquals(7L, read.getOffset());
    assertFalse(read.getOriginalValueTruncated(), "new fields take their defaults");
    assertNull(read.getOriginalValueSha256());

    // and a v1 reader reads a v2 dead letter, ignoring the new fields
    RejectedFrame now = RejectedFrame.newBuilder(read).setOriginalValueTruncated(true).setOriginalValueLength(9)
        .setOriginalValueSha256(java.nio.ByteBuffer.wrap(new byte[32])).build();
    org.apache.avro.message.BinaryMessageDecoder<org.apache.avro.generic.GenericRecord> oldReader =
        new org.apache.avro.message.BinaryMessageDecoder<>(org.apache.avro.generic.GenericData.get(), v1);
    oldReader.addSchema(v2);
    assertEquals(7L, oldReader.decode(now.toByteBuffer()).get("offset"));
  }
}
