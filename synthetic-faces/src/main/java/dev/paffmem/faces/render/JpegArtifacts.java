package dev.paffmem.faces.render;

/**
 * Deterministic JPEG compression artefacts: JFIF YCbCr, 4:2:0 chroma, 8x8 DCT, quantization with the
 * standard (Annex K) tables scaled by the IJG quality formula, and back. Written out in Java so
 * that the artefacts do not depend on the platform's libjpeg.
 */
final class JpegArtifacts {
    private static final int[] LUMA = {
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
    private static final int[] CHROMA = {
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
        47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99};
    private static final double[][] COS = new double[8][8];

    static {
        for (int k = 0; k < 8; k++) {
            double ck = k == 0 ? StrictMath.sqrt(0.125) : 0.5;
            for (int n = 0; n < 8; n++) {
                COS[k][n] = ck * StrictMath.cos((2 * n + 1) * k * StrictMath.PI / 16);
            }
        }
    }

    private JpegArtifacts() {
    }

    static void apply(byte[] rgb, int w, int h, int quality) {
        int q = Math.max(1, Math.min(100, quality));
        int scale = q < 50 ? 5000 / q : 200 - 2 * q;
        double[] ql = table(LUMA, scale);
        double[] qc = table(CHROMA, scale);
        int n = w * h;
        double[] yy = new double[n];
        double[] cb = new double[n];
        double[] cr = new double[n];
        for (int i = 0; i < n; i++) {
            double r = rgb[i * 3] & 0xFF;
            double g = rgb[i * 3 + 1] & 0xFF;
            double b = rgb[i * 3 + 2] & 0xFF;
            yy[i] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
            cb[i] = -0.168736 * r - 0.331264 * g + 0.5 * b;
            cr[i] = 0.5 * r - 0.418688 * g - 0.081312 * b;
        }
        int hw = (w + 1) / 2;
        int hh = (h + 1) / 2;
        double[] cbs = downsample(cb, w, h, hw, hh);
        double[] crs = downsample(cr, w, h, hw, hh);
        blocks(yy, w, h, ql);
        blocks(cbs, hw, hh, qc);
        blocks(crs, hw, hh, qc);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int j = (y / 2) * hw + x / 2;
                double l = yy[i] + 128;
                double u = cbs[j];
                double v = crs[j];
                rgb[i * 3] = (byte) Postprocess.quantize(l + 1.402 * v);
                rgb[i * 3 + 1] = (byte) Postprocess.quantize(l - 0.344136 * u - 0.714136 * v);
                rgb[i * 3 + 2] = (byte) Postprocess.quantize(l + 1.772 * u);
            }
        }
    }

    private static double[] table(int[] base, int scale) {
        double[] t = new double[64];
        for (int i = 0; i < 64; i++) {
            t[i] = Math.max(1, Math.min(255, (base[i] * scale + 50) / 100));
        }
        return t;
    }

    private static double[] downsample(double[] p, int w, int h, int hw, int hh) {
        double[] out = new double[hw * hh];
        for (int y = 0; y < hh; y++) {
            for (int x = 0; x < hw; x++) {
                double s = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int xx = Math.min(w - 1, 2 * x + dx);
                        int yy = Math.min(h - 1, 2 * y + dy);
                        s += p[yy * w + xx];
                    }
                }
                out[y * hw + x] = s / 4;
            }
        }
        return out;
    }

    /** DCT, quantize, dequantize and inverse DCT every 8x8 block in place (edges replicate). */
    private static void blocks(double[] p, int w, int h, double[] qt) {
        double[] blk = new double[64];
        double[] tmp = new double[64];
        for (int by = 0; by < h; by += 8) {
            for (int bx = 0; bx < w; bx += 8) {
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        blk[y * 8 + x] = p[Math.min(h - 1, by + y) * w + Math.min(w - 1, bx + x)];
                    }
                }
                // forward: rows then columns
                for (int y = 0; y < 8; y++) {
                    for (int k = 0; k < 8; k++) {
                        double s = 0;
                        for (int x = 0; x < 8; x++) {
                            s += COS[k][x] * blk[y * 8 + x];
                        }
                        tmp[y * 8 + k] = s;
                    }
                }
                for (int k = 0; k < 8; k++) {
                    for (int l = 0; l < 8; l++) {
                        double s = 0;
                        for (int y = 0; y < 8; y++) {
                            s += COS[l][y] * tmp[y * 8 + k];
                        }
                        double qv = qt[l * 8 + k];
                        blk[l * 8 + k] = StrictMath.rint(s / qv) * qv;
                    }
                }
                // inverse
                for (int l = 0; l < 8; l++) {
                    for (int x = 0; x < 8; x++) {
                        double s = 0;
                        for (int k = 0; k < 8; k++) {
                            s += COS[k][x] * blk[l * 8 + k];
                        }
                        tmp[l * 8 + x] = s;
                    }
                }
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        double s = 0;
                        for (int l = 0; l < 8; l++) {
                            s += COS[l][y] * tmp[l * 8 + x];
                        }
                        if (by + y < h && bx + x < w) {
                            p[(by + y) * w + bx + x] = s;
                        }
                    }
                }
            }
        }
    }
}
