package dev.paffmem.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * The FaceFrame writer schemas a reader accepts, by their single-object fingerprint: the current one (v3, with the
 * optional {@code enrolment}), v2 (before it) and v1 (before the optional {@code faceBox}), so producers built against
 * an older version keep working. Read old data with {@code new SpecificDatumReader<>(old, FaceFrame.getClassSchema())}
 * (the newer fields take their defaults, null).
 */
public final class FaceFrameVersions {

  /** FaceFrame as released in v1 (a copy of released/v1/FaceFrame.avsc, checked by a test). */
  public static final Schema V1 = load("FaceFrame-v1.avsc");

  /** FaceFrame as released in v2, with {@code faceBox} (a copy of released/v2/FaceFrame.avsc, checked by a test). */
  public static final Schema V2 = load("FaceFrame-v2.avsc");

  private static final Map<Long, Schema> BY_FINGERPRINT = Map.of(
      fingerprint(FaceFrame.getClassSchema()), FaceFrame.getClassSchema(),
      fingerprint(V2), V2,
      fingerprint(V1), V1);

  private FaceFrameVersions() {}

  /** The 64-bit CRC-64-AVRO fingerprint of the schema's parsing canonical form (single-object encoding header). */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /** The writer schema with this fingerprint, or null if it is no FaceFrame version. */
  public static Schema writerSchema(long fingerprint) {
    return BY_FINGERPRINT.get(fingerprint);
  }

  private static Schema load(String name) {
    try (InputStream in = FaceFrameVersions.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("schema resource " + name + " missing from the schemas jar");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
