package dev.paffmem.benchmarks.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Floating-point operations of the PK networks per image (one multiply-add = 2 FLOP), from the
 * architecture in model-export/README.md and the width multiplier in the manifest. Cross-checked
 * against the ONNX graphs (Conv, ConvTranspose, Gemm nodes) of the width-0.25 and width-1.0
 * exports: E 0.0502 / 0.7318 GFLOP, G 0.3087 / 4.7740 GFLOP.
 *
 * <p>A transposed convolution costs 2 * Hin * Win * Cin * Cout * k * k: each input pixel scatters a
 * k x k x Cout patch (ONNX Runtime runs it as a GEMM of exactly that size plus col2im).
 */
public record Flops(double width, double encoder, double generator, double dem) {

  private static final int K2 = 25; // 5x5 kernels

  public static Flops of(Path modelDir) {
    try {
      JsonNode cfg = new ObjectMapper().readTree(modelDir.resolve("manifest.json").toFile()).path("architecture").path("config");
      double w = cfg.path("width").asDouble(1.0);
      int z = cfg.path("z_dim").asInt(50);
      int repeat = cfg.path("label_repeat").asInt(50);
      int demHidden = cfg.path("dem_hidden").asInt(128);
      return of(w, z, repeat, demHidden);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Flops of(double w, int z, int repeat, int demHidden) {
    int c1 = ch(64, w), c2 = ch(128, w), c3 = ch(256, w), c4 = ch(512, w);
    double e = 2.0 * K2 * (48 * 48 * 3.0 * c1 + 24 * 24 * (double) c1 * c2 + 12 * 12 * (double) c2 * c3
        + 6 * 6 * (double) c3 * c4) + 2.0 * 36 * c4 * z;
    int g0 = ch(1024, w), g1 = ch(512, w), g2 = ch(256, w), g3 = ch(128, w), g4 = ch(64, w), g5 = ch(32, w);
    double g = 2.0 * (z + 2.0 * repeat) * 36 * g0
        + 2.0 * K2 * (36.0 * g0 * g1 + 144.0 * g1 * g2 + 576.0 * g2 * g3 + 2304.0 * g3 * g4
        + 9216.0 * g4 * g5 + 9216.0 * g5 * 3);
    double d = 2.0 * (z * demHidden + demHidden * 2);
    return new Flops(w, e, g, d);
  }

  private static int ch(int c, double w) {
    return Math.max(1, (int) Math.round(c * w));
  }

  /** One generation frame: E and D_em on the frame, G and E on each target's edited face. */
  public double generationFrame(int targets) {
    return encoder + dem + targets * (generator + encoder);
  }

  /** One online frame: E and D_em. */
  public double onlineFrame() {
    return encoder + dem;
  }
}
