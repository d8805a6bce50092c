package dev.paffmem.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The Kafka value bytes of the wire contract: Avro single-object encoding of a generated record
 * ({@code WireFormat.encode(frame::toByteBuffer)}); decode with the generated {@code fromByteBuffer}.
 */
public final class WireFormat {

  /** A generated record's {@code toByteBuffer} method. */
  @FunctionalInterface
  public interface Encoder {
    ByteBuffer toByteBuffer() throws IOException;
  }

  private WireFormat() {}

  /** The record's single-object encoding as a byte array. */
  public static byte[] encode(Encoder record) {
    try {
      return bytes(record.toByteBuffer());
    } catch (IOException e) {
      throw new UncheckedIOException("Avro encoding failed", e);
    }
  }

  /** The remaining bytes of a buffer, copied, leaving the buffer's position as it was. */
  public static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
