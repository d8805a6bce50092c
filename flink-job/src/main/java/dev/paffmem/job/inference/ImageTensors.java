package dev.paffmem.job.inference;

/**
 * RGB8 pixels to the model's input tensor layout, channel order and value range (all from the manifest):
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
    boolean rgbOrder = m.rgbOrder();
    int plane = h * w;
    if (m.channelsFirst()) {
      for (int p = 0; p < plane; p++) {
        for (int c = 0; c < 3; c++) {
          int src = rgbOrder ? c : 2 - c;
          dst[offset + c * plane + p] = (rgb[3 * p + src] & 0xff) * scale + min;
        }
      }
    } else {
      for (int p = 0; p < plane; p++) {
        for (int c = 0; c < 3; c++) {
          int src = rgbOrder ? c : 2 - c;
          dst[offset + 3 * p + c] = (rgb[3 * p + src] & 0xff) * scale + min;
        }
      }
    }
  }
}
