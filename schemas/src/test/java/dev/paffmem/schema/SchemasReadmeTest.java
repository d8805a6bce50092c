package dev.paffmem.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/** The fingerprints and header bytes that schemas/README.md lists are the schemas' own. */
class SchemasReadmeTest {

  private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)`( v[12])?[^|]*\\| `([0-9a-f]{16})` \\| (.*) \\|$");

  @Test
  void readmeFingerprintsMatchTheSchemas() throws Exception {
    Map<String, Long> actual = new HashMap<>();
    for (String name : new String[] {"FaceFrame", "AffectPrediction", "RejectedFrame", "AffectiveMemoryState"}) {
      Schema s = new Schema.Parser().parse(Path.of("src/main/avro", name + ".avsc").toFile());
      actual.put(name, SchemaNormalization.parsingFingerprint64(s));
    }
    actual.put("FaceFrame v1", SchemaNormalization.parsingFingerprint64(FaceFrameVersions.V1));
    actual.put("FaceFrame v2", SchemaNormalization.parsingFingerprint64(FaceFrameVersions.V2));
    Map<String, Long> listed = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("README.md"))) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        String name = m.group(1) + (m.group(2) == null ? "" : m.group(2));
        long fp = Long.parseUnsignedLong(m.group(3), 16);
        listed.put(name, fp);
        if (m.group(4).startsWith("`c3 01")) {
          byte[] header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0xC3).put((byte) 1)
              .putLong(fp).array();
          StringBuilder hex = new StringBuilder();
          for (byte b : header) {
            hex.append(hex.length() == 0 ? "" : " ").append(String.format("%02x", b));
          }
          assertEquals("`" + hex + "`", m.group(4), "header bytes of " + name);
        }
      }
    }
    assertEquals(actual, listed);
  }

  @Test
  void theHeaderIsWhatTheGeneratedClassWrites() throws Exception {
    FaceFrame f = FaceFrame.newBuilder().setPersonId("p").setSourceId("s").setFrameIndex(0)
        .setEventTime(java.time.Instant.EPOCH).setEncoding(ImageEncoding.JPEG)
        .setImage(ByteBuffer.wrap(new byte[] {1})).build();
    ByteBuffer b = f.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    assertEquals((byte) 0xC3, b.get(0));
    assertEquals((byte) 0x01, b.get(1));
    assertEquals(SchemaNormalization.parsingFingerprint64(FaceFrame.getClassSchema()), b.getLong(2));
  }
}
