package dev.paffmem.job.ingest;

import javax.imageio.stream.ImageInputStreamImpl;

/**
 * The image bytes as an ImageInputStream, read in place. {@code ImageIO.createImageInputStream} asks every
 * registered stream provider and returns a MemoryCacheImageInputStream, which copies the bytes into its own cache
 * and registers each stream with the JDK's global Disposer (a synchronized table): about a tenth of the task
 * thread's CPU in the steady benchmark's profile (BENCHMARKS.md, section 10). Public for the benchmarks' stages.
 */
public final class BytesImageInputStream extends ImageInputStreamImpl {
  private final byte[] bytes;

  public BytesImageInputStream(byte[] bytes) {
    this.bytes = bytes;
  }

  @Override
  public int read() {
    bitOffset = 0;
    return streamPos < bytes.length ? bytes[(int) streamPos++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    bitOffset = 0;
    if (len == 0) {
      return 0;
    }
    if (streamPos >= bytes.length) {
      return -1;
    }
    int n = (int) Math.min(len, bytes.length - streamPos);
    System.arraycopy(bytes, (int) streamPos, b, off, n);
    streamPos += n;
    return n;
  }

  @Override
  public long length() {
    return bytes.length;
  }

  /** Nothing to release; an empty finalize keeps the JVM from registering every stream for finalization. */
  @Override
  @SuppressWarnings({"deprecation", "removal"})
  protected void finalize() {
    // empty on purpose (as MemoryCacheImageInputStream's)
  }
}
