package dev.paffmem.job.ingest;

import dev.paffmem.schema.FaceFrame;
import dev.paffmem.schema.FaceFrameVersions;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.util.Utf8;

/**
 * Reads a FaceFrame in Avro single-object encoding without trusting its length prefixes.
 *
 * <p>Avro's own decoder allocates whatever a string or bytes length prefix says before it notices
 * the record is shorter: a 15-byte record can make it allocate 2 GB. Here every length (and array
 * or map block count) is checked against the bytes left in the record first, so a hostile record
 * costs no more memory than its own size. The writer schema must be a FaceFrame version (by its
 * fingerprint, {@link FaceFrameVersions}): the current one, or v1 (read with schema resolution, no face box).
 */
final class SafeFaceFrameReader {

  private static final long FINGERPRINT = SchemaNormalization.parsingFingerprint64(FaceFrame.getClassSchema());

  /**
   * Each thread's readers, one per writer schema: a datum reader resolves the writer schema against FaceFrame's and
   * builds its field readers on its first record, which costs more than decoding one (a reader made per record did
   * that for every frame: BENCHMARKS.md, section 10). A reader keeps that between records and is not shared between
   * threads.
   */
  private static final ThreadLocal<java.util.Map<Long, SpecificDatumReader<FaceFrame>>> READERS =
      ThreadLocal.withInitial(java.util.HashMap::new);

  private SafeFaceFrameReader() {}

  static FaceFrame read(byte[] value) throws IOException {
    if (value.length < 10 || (value[0] & 0xff) != 0xC3 || value[1] != 0x01) {
      throw new IOException("no Avro single-object header (C3 01 + 8-byte schema fingerprint)");
    }
    long fingerprint = ByteBuffer.wrap(value, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    Schema writer = FaceFrameVersions.writerSchema(fingerprint);
    if (writer == null) {
      throw new IOException("writer schema fingerprint " + Long.toHexString(fingerprint)
          + " is not FaceFrame's " + Long.toHexString(FINGERPRINT) + " (nor v1's)");
    }
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(value, 10, value.length - 10, null);
    SpecificDatumReader<FaceFrame> reader = READERS.get().computeIfAbsent(fingerprint, f -> f == FINGERPRINT
        ? new SpecificDatumReader<>(FaceFrame.class) : new SpecificDatumReader<>(writer, FaceFrame.getClassSchema()));
    FaceFrame frame = reader.read(null, new Bounded(in));
    if (!in.isEnd()) {
      throw new IOException("trailing bytes after the FaceFrame");
    }
    return frame;
  }

  /** Delegates to a BinaryDecoder, refusing lengths and counts larger than what is left. */
  private static final class Bounded extends Decoder {
    private final BinaryDecoder in;

    Bounded(BinaryDecoder in) {
      this.in = in;
    }

    private int left() throws IOException {
      return in.inputStream().available();
    }

    private int length(long n, String what) throws IOException {
      if (n < 0 || n > left()) {
        throw new IOException(what + " length " + n + " exceeds the " + left() + " bytes left in the record");
      }
      return (int) n;
    }

    private long count(long n) throws IOException {
      // every item takes at least one byte, except nulls; bound by the bytes left (plus one for a last null block)
      if (n < 0 ? -n > left() + 1 : n > left() + 1) {
        throw new IOException("block count " + n + " exceeds the bytes left in the record");
      }
      return n;
    }

    @Override public void readNull() throws IOException { in.readNull(); }
    @Override public boolean readBoolean() throws IOException { return in.readBoolean(); }
    @Override public int readInt() throws IOException { return in.readInt(); }
    @Override public long readLong() throws IOException { return in.readLong(); }
    @Override public float readFloat() throws IOException { return in.readFloat(); }
    @Override public double readDouble() throws IOException { return in.readDouble(); }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
      byte[] b = new byte[length(in.readLong(), "string")];
      in.readFixed(b);
      return new Utf8(b);
    }

    @Override
    public String readString() throws IOException {
      return readString(null).toString();
    }

    @Override
    public void skipString() throws IOException {
      in.skipFixed(length(in.readLong(), "string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
      byte[] b = new byte[length(in.readLong(), "bytes")];
      in.readFixed(b);
      return ByteBuffer.wrap(b);
    }

    @Override
    public void skipBytes() throws IOException {
      in.skipFixed(length(in.readLong(), "bytes"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int len) throws IOException {
      in.readFixed(bytes, start, length(len, "fixed"));
    }

    @Override public void skipFixed(int len) throws IOException { in.skipFixed(length(len, "fixed")); }
    @Override public int readEnum() throws IOException { return in.readEnum(); }
    @Override public long readArrayStart() throws IOException { return count(in.readArrayStart()); }
    @Override public long arrayNext() throws IOException { return count(in.arrayNext()); }
    @Override public long skipArray() throws IOException { return count(in.skipArray()); }
    @Override public long readMapStart() throws IOException { return count(in.readMapStart()); }
    @Override public long mapNext() throws IOException { return count(in.mapNext()); }
    @Override public long skipMap() throws IOException { return count(in.skipMap()); }
    @Override public int readIndex() throws IOException { return in.readIndex(); }
  }
}
