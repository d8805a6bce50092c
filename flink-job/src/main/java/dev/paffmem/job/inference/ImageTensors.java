package dev.paffmem.job.inference;

/**
 * RGB8 pixels to the model's input tensor (RGB, NCHW, the value range from the manifest):
 * {@code byte * ((max - min) / 255) + min} in float. The optional encoder_u8.onnx does the same inside
 * the graph ({@link PkModel#encodeRgb(java.util.List)}).
 */
public final class ImageTensors {

  private ImageTensors() {}

  /** Writes one image ({@code manifest.imageSize()} values) into {@code dst} at {@code offset}. */
  public static void write(byte[] rgb, ModelManifest m, float[] dst, int offset) {
    int h = m.imageHeight();
    int w = m.imageWidth();
    if (rgb.length != h * w * 3) {
      throw new IllegalArgumentException("image has " + rgb.length + " bytes, the model needs " + h + "x" + w + "x3");
    }
    float scale = (m.valueMax() - m.valueMin()) / 255f;
    float min = m.valueMin();
    int plane = h * w;
    for (int p = 0; p < plane; p++) { // HWC bytes to CHW floats (the manifest's NCHW RGB)
      for (int c = 0; c < 3; c++) {
        dst[offset + c * plane + p] = (rgb[3 * p + c] & 0xff) * scale + min;
      }
    }
  }
}
