package dev.paffmem.faces.render;

/**
 * A tiny deterministic rasterizer: shapes are signed-distance functions in canonical face
 * coordinates, painted in order with analytic anti-aliasing (coverage = clamp(0.5 - distance)).
 * It uses only +, -, *, /, sqrt and StrictMath, so the result is bit-identical on every JVM
 * (no Java2D, no fonts, no native code).
 */
final class Canvas {

    /** Signed distance in canonical pixels, negative inside. */
    interface Sdf {
        double sd(double x, double y);
    }

    /** Colour of a shape at a canonical point, written into out[0..2]. */
    interface Paint {
        void colour(double x, double y, double[] out);

        static Paint of(Rgb c) {
            return (x, y, out) -> {
                out[0] = c.r();
                out[1] = c.g();
                out[2] = c.b();
            };
        }
    }

    final int width;
    final int height;
    final double[] r;
    final double[] g;
    final double[] b;
    // pixel p -> canonical u = c + R(-theta) (p - c - t) / s
    private final double cos;
    private final double sin;
    private final double scale;
    private final double tx;
    private final double ty;
    private final double centre;
    private final double[] tmp = new double[3];

    Canvas(int size, double rotationDeg, double shiftX, double shiftY, double scale) {
        this.width = size;
        this.height = size;
        this.r = new double[size * size];
        this.g = new double[size * size];
        this.b = new double[size * size];
        double theta = StrictMath.toRadians(rotationDeg);
        this.cos = StrictMath.cos(theta);
        this.sin = StrictMath.sin(theta);
        this.scale = scale;
        this.tx = shiftX;
        this.ty = shiftY;
        this.centre = size / 2.0;
    }

    /** Canonical point to pixel coordinates (for landmarks and face boxes). */
    double[] toPixel(double x, double y) {
        double dx = x - centre;
        double dy = y - centre;
        return new double[] {
            centre + tx + scale * (cos * dx - sin * dy),
            centre + ty + scale * (sin * dx + cos * dy)};
    }

    /** Paints shape with paint over the canonical box [x0,x1]x[y0,y1], at the given opacity. */
    void fill(Sdf shape, double x0, double y0, double x1, double y1, Paint paint, double opacity) {
        fillClipped(shape, null, x0, y0, x1, y1, paint, opacity);
    }

    /** Like {@link #fill} but only where the clip shape also covers (coverage = min of both). */
    void fillClipped(Sdf shape, Sdf clip, double x0, double y0, double x1, double y1, Paint paint, double opacity) {
        if (opacity <= 0) {
            return;
        }
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        double[][] corners = {toPixel(x0, y0), toPixel(x1, y0), toPixel(x0, y1), toPixel(x1, y1)};
        for (double[] c : corners) {
            minX = Math.min(minX, c[0]);
            maxX = Math.max(maxX, c[0]);
            minY = Math.min(minY, c[1]);
            maxY = Math.max(maxY, c[1]);
        }
        int px0 = Math.max(0, (int) StrictMath.floor(minX) - 1);
        int py0 = Math.max(0, (int) StrictMath.floor(minY) - 1);
        int px1 = Math.min(width - 1, (int) StrictMath.ceil(maxX) + 1);
        int py1 = Math.min(height - 1, (int) StrictMath.ceil(maxY) + 1);
        double[] col = tmp;
        for (int py = py0; py <= py1; py++) {
            double dy = py + 0.5 - centre - ty;
            for (int px = px0; px <= px1; px++) {
                double dx = px + 0.5 - centre - tx;
                double ux = centre + (cos * dx + sin * dy) / scale;
                double uy = centre + (-sin * dx + cos * dy) / scale;
                double cov = coverage(shape.sd(ux, uy));
                if (cov <= 0) {
                    continue;
                }
                if (clip != null) {
                    cov = Math.min(cov, coverage(clip.sd(ux, uy)));
                    if (cov <= 0) {
                        continue;
                    }
                }
                double alpha = cov * opacity;
                paint.colour(ux, uy, col);
                int i = py * width + px;
                r[i] += (col[0] - r[i]) * alpha;
                g[i] += (col[1] - g[i]) * alpha;
                b[i] += (col[2] - b[i]) * alpha;
            }
        }
    }

    private double coverage(double canonicalDistance) {
        double c = 0.5 - canonicalDistance * scale;
        return c <= 0 ? 0 : c >= 1 ? 1 : c;
    }

    // ---- shape helpers -------------------------------------------------------------------

    /** Axis-aligned ellipse (approximate distance, exact on the axes). */
    static Sdf ellipse(double cx, double cy, double rx, double ry) {
        return (x, y) -> {
            double px = (x - cx) / rx;
            double py = (y - cy) / ry;
            double k0 = StrictMath.sqrt(px * px + py * py);
            double qx = px / rx;
            double qy = py / ry;
            double k1 = StrictMath.sqrt(qx * qx + qy * qy);
            if (k1 < 1e-9) {
                return -Math.min(rx, ry);
            }
            return k0 * (k0 - 1.0) / k1;
        };
    }

    static Sdf circle(double cx, double cy, double radius) {
        return (x, y) -> {
            double dx = x - cx;
            double dy = y - cy;
            return StrictMath.sqrt(dx * dx + dy * dy) - radius;
        };
    }

    /** Rounded box centred at (cx, cy) with half sizes hx, hy and corner radius rad. */
    static Sdf roundedBox(double cx, double cy, double hx, double hy, double rad) {
        return (x, y) -> {
            double qx = Math.abs(x - cx) - hx + rad;
            double qy = Math.abs(y - cy) - hy + rad;
            double ox = Math.max(qx, 0);
            double oy = Math.max(qy, 0);
            return StrictMath.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0) - rad;
        };
    }

    /** The outline of a shape as a ring of the given thickness. */
    static Sdf ring(Sdf shape, double thickness) {
        return (x, y) -> Math.abs(shape.sd(x, y)) - thickness / 2;
    }

    static Sdf intersect(Sdf a, Sdf b) {
        return (x, y) -> Math.max(a.sd(x, y), b.sd(x, y));
    }

    static Sdf union(Sdf a, Sdf b) {
        return (x, y) -> Math.min(a.sd(x, y), b.sd(x, y));
    }

    static Sdf subtract(Sdf a, Sdf b) {
        return (x, y) -> Math.max(a.sd(x, y), -b.sd(x, y));
    }

    /** Distance from a point to the segment (ax,ay)-(bx,by), and the segment parameter in out[0]. */
    static double segment(double x, double y, double ax, double ay, double bx, double by, double[] tOut) {
        double vx = bx - ax;
        double vy = by - ay;
        double wx = x - ax;
        double wy = y - ay;
        double len2 = vx * vx + vy * vy;
        double t = len2 <= 0 ? 0 : (wx * vx + wy * vy) / len2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        double dx = wx - t * vx;
        double dy = wy - t * vy;
        if (tOut != null) {
            tOut[0] = t;
        }
        return StrictMath.sqrt(dx * dx + dy * dy);
    }

    /**
     * A stroke along the quadratic Bezier p0-c-p1, radius going linearly from r0 to r1, as a
     * polyline of n segments.
     */
    static Sdf stroke(double p0x, double p0y, double cx, double cy, double p1x, double p1y, double r0, double r1, int n) {
        double[] xs = new double[n + 1];
        double[] ys = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            double t = (double) i / n;
            double u = 1 - t;
            xs[i] = u * u * p0x + 2 * u * t * cx + t * t * p1x;
            ys[i] = u * u * p0y + 2 * u * t * cy + t * t * p1y;
        }
        return (x, y) -> {
            double best = Double.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                double vx = xs[i + 1] - xs[i];
                double vy = ys[i + 1] - ys[i];
                double wx = x - xs[i];
                double wy = y - ys[i];
                double len2 = vx * vx + vy * vy;
                double t = len2 <= 0 ? 0 : (wx * vx + wy * vy) / len2;
                t = t < 0 ? 0 : t > 1 ? 1 : t;
                double dx = wx - t * vx;
                double dy = wy - t * vy;
                double rad = r0 + (r1 - r0) * (i + t) / n;
                best = Math.min(best, StrictMath.sqrt(dx * dx + dy * dy) - rad);
            }
            return best;
        };
    }

    /** Vertical band between two curves over [x0, x1] (distance measured along the axes). */
    interface Curve {
        double y(double x);
    }

    static Sdf band(double x0, double x1, Curve top, Curve bottom) {
        return (x, y) -> Math.max(Math.max(x0 - x, x - x1), Math.max(top.y(x) - y, y - bottom.y(x)));
    }

    /** Signed distance of an implicit function f (negative inside) by f / |grad f|. */
    interface Implicit {
        double f(double x, double y);
    }

    static Sdf implicit(Implicit f) {
        return (x, y) -> {
            double v = f.f(x, y);
            double h = 0.25;
            double gx = (f.f(x + h, y) - f.f(x - h, y)) / (2 * h);
            double gy = (f.f(x, y + h) - f.f(x, y - h)) / (2 * h);
            double gl = StrictMath.sqrt(gx * gx + gy * gy);
            return gl < 1e-9 ? v : v / gl;
        };
    }
}
