package dev.paffmem.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WireFormatTest {

  @Test
  void encodedBytesDecodeToTheSameRecord() throws Exception {
    FaceFrame frame = FaceFrame.newBuilder().setPersonId("p").setSourceId("s").setFrameIndex(3)
        .setEventTime(Instant.ofEpochMilli(5)).setEncoding(ImageEncoding.PNG)
        .setImage(ByteBuffer.wrap(new byte[] {9, 8, 7})).build();
    byte[] bytes = WireFormat.encode(frame::toByteBuffer);
    assertEquals((byte) 0xC3, bytes[0], "single-object encoding marker");
    assertEquals(frame, FaceFrame.fromByteBuffer(ByteBuffer.wrap(bytes)));
  }

  @Test
  void bytesCopiesTheRemainderWithoutMovingTheBuffer() {
    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});
    buffer.position(1);
    assertArrayEquals(new byte[] {2, 3, 4}, WireFormat.bytes(buffer));
    assertEquals(1, buffer.position());
  }
}
