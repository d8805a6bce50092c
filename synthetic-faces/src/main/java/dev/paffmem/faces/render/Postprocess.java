package dev.paffmem.faces.render;

/**
 * Capture effects applied to the painted face, in the order a camera applies them: illumination,
 * optical blur, sensor noise, 8-bit quantization, JPEG compression (a pure-Java baseline JPEG
 * quantization of 8x8 DCT blocks, so the artefacts are deterministic).
 */
final class Postprocess {
    private Postprocess() {
    }

    static byte[] finish(Canvas c, Nuisance n) {
        int w = c.width;
        int h = c.height;
        double[][] ch = {c.r, c.g, c.b};
        double[] tint = {n.tintR(), n.tintG(), n.tintB()};
        for (int y = 0; y < h; y++) {
            double fy = (y + 0.5 - h / 2.0) / (h / 2.0);
            for (int x = 0; x < w; x++) {
                double fx = (x + 0.5 - w / 2.0) / (w / 2.0);
                double k = n.gain() * (1 + n.gradientX() * fx + n.gradientY() * fy);
                int i = y * w + x;
                for (int k3 = 0; k3 < 3; k3++) {
                    ch[k3][i] *= k * tint[k3];
                }
            }
        }
        if (n.blurSigma() > 0.05) {
            for (double[] p : ch) {
                blur(p, w, h, n.blurSigma());
            }
        }
        byte[] out = new byte[w * h * 3];
        Rng noise = new Rng(n.noiseSeed());
        double sigma = n.noiseSigma();
        for (int i = 0; i < w * h; i++) {
            double lum = sigma > 0 ? noise.gaussian() * sigma : 0;
            for (int k3 = 0; k3 < 3; k3++) {
                double chroma = sigma > 0 ? noise.gaussian() * sigma * 0.35 : 0;
                out[i * 3 + k3] = (byte) quantize(ch[k3][i] + lum + chroma);
            }
        }
        if (n.jpegQuality() > 0) {
            JpegArtifacts.apply(out, w, h, n.jpegQuality());
        }
        return out;
    }

    static int quantize(double v) {
        double r = StrictMath.floor(v + 0.5);
        return r < 0 ? 0 : r > 255 ? 255 : (int) r;
    }

    private static void blur(double[] p, int w, int h, double sigma) {
        int radius = (int) StrictMath.ceil(2.5 * sigma);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = StrictMath.exp(-(i * i) / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        double[] tmp = new double[p.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int j = -radius; j <= radius; j++) {
                    int xx = Math.min(w - 1, Math.max(0, x + j));
                    acc += k[j + radius] * p[y * w + xx];
                }
                tmp[y * w + x] = acc;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double acc = 0;
                for (int j = -radius; j <= radius; j++) {
                    int yy = Math.min(h - 1, Math.max(0, y + j));
                    acc += k[j + radius] * tmp[yy * w + x];
                }
                p[y * w + x] = acc;
            }
        }
    }
}
