package dev.paffmem.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** float32 little-endian packing of the state's byte fields; raw bits are kept exactly. */
final class FloatPacking {
  private FloatPacking() {}

  static ByteBuffer pack(float[] values, int from, int count) {
    ByteBuffer out = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
    out.asFloatBuffer().put(values, from, count); // bulk; ByteBuffer float puts keep the raw bits
    return out;
  }

  /** Interleaves two arrays: a[0], b[0], a[1], b[1], ... */
  static ByteBuffer packPairs(float[] a, float[] b, int count) {
    ByteBuffer out = ByteBuffer.allocate(8 * count).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      out.putInt(Float.floatToRawIntBits(a[i]));
      out.putInt(Float.floatToRawIntBits(b[i]));
    }
    return out.flip();
  }

  /** Number of floats in a packed field, or an IllegalArgumentException naming the field. */
  static int count(ByteBuffer packed, String field) {
    int bytes = packed.remaining();
    if (bytes % 4 != 0) {
      throw new IllegalArgumentException(field + " must hold whole float32 values, has " + bytes + " bytes");
    }
    return bytes / 4;
  }

  static void unpack(ByteBuffer packed, float[] into, int from, int count) {
    packed.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(into, from, count);
  }

  static void unpackPairs(ByteBuffer packed, float[] a, float[] b, int count) {
    ByteBuffer in = packed.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      a[i] = Float.intBitsToFloat(in.getInt());
      b[i] = Float.intBitsToFloat(in.getInt());
    }
  }
}
