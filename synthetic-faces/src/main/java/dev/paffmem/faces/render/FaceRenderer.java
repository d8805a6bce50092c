// Over 400 lines: the renderer's drawing steps in painting order, one method per face part.
package dev.paffmem.faces.render;

import dev.paffmem.faces.render.Canvas.Paint;
import dev.paffmem.faces.render.Canvas.Sdf;

/**
 * Renders a 96x96 RGB face from an identity, an expression style, (arousal, valence) and capture
 * conditions. Pure Java arithmetic only: the same inputs give the same bytes on every machine.
 * Thread-safe (no shared mutable state).
 */
public final class FaceRenderer {
    public static final int SIZE = FaceGeometry.SIZE;
    /**
     * Which face model renders: recorded in every dataset's manifest.json, because the same seed gives other pixels
     * under another model. 1 (until 2026-12-03): valence in the mouth, the lower lids (smiles) and the brows only
     * when unpleasant and aroused or subdued; 2: also the brow lowerer (AU4) at every arousal, {@link Expression}.
     */
    public static final String FACE_MODEL = "2";
    /** Opacity of the vertical furrows between the brows at a full brow knit. */
    static final double KNIT_FURROW = 0.6;

    /** A rendered face: RGB bytes (row-major, R G B), its geometry, landmarks and face box in pixels. */
    public record Rendered(byte[] rgb, FaceGeometry geometry, double[][] landmarks, int[] faceBox) {
        public int width() {
            return SIZE;
        }

        public int height() {
            return SIZE;
        }
    }

    public Rendered render(Identity id, ExpressionStyle style, double arousal, double valence, Nuisance n) {
        return render(id, Anatomy.NONE, style, arousal, valence, n);
    }

    /** A face with identity-level anatomy ({@link Anatomy}): the same traits at every emotion. */
    public Rendered render(Identity id, Anatomy anatomy, ExpressionStyle style, double arousal, double valence,
            Nuisance n) {
        Expression ex = style.express(clamp1(arousal), clamp1(valence));
        return render(id, anatomy, ex, n);
    }

    public Rendered render(Identity id, Expression ex, Nuisance n) {
        return render(id, Anatomy.NONE, ex, n);
    }

    public Rendered render(Identity id, Anatomy anatomy, Expression ex, Nuisance n) {
        FaceGeometry geo = new FaceGeometry(id, anatomy, ex, n.gazeX(), n.gazeY());
        Canvas canvas = new Canvas(SIZE, n.rotationDeg(), n.shiftX(), n.shiftY(), n.scale());
        paint(canvas, geo, n);
        byte[] rgb = Postprocess.finish(canvas, n);
        double[][] canonical = geo.landmarks68();
        double[][] landmarks = new double[68][];
        for (int i = 0; i < 68; i++) {
            landmarks[i] = canvas.toPixel(canonical[i][0], canonical[i][1]);
        }
        return new Rendered(rgb, geo, landmarks, faceBox(canvas, geo));
    }

    private static double clamp1(double x) {
        return Math.max(-1, Math.min(1, x));
    }

    /** Bounding box {x, y, width, height} of the face outline (forehead to chin, ear to ear) in pixels. */
    private static int[] faceBox(Canvas canvas, FaceGeometry g) {
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (int k = 0; k < 32; k++) {
            double t = 2 * StrictMath.PI * k / 32;
            double y = g.cy + g.faceB * StrictMath.sin(t);
            double x = g.cx + g.faceHalfWidthAt(y) * StrictMath.cos(t);
            double[] p = canvas.toPixel(x, y);
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        int x0 = Math.max(0, (int) StrictMath.floor(minX));
        int y0 = Math.max(0, (int) StrictMath.floor(minY));
        int x1 = Math.min(SIZE, (int) StrictMath.ceil(maxX));
        int y1 = Math.min(SIZE, (int) StrictMath.ceil(maxY));
        return new int[] {x0, y0, x1 - x0, y1 - y0};
    }

    // ---- painting, back to front ----------------------------------------------------------

    private static void paint(Canvas c, FaceGeometry g, Nuisance n) {
        Identity id = g.id;
        double lightAngle = id.lightAngle() + n.lightShift();
        double lx = StrictMath.sin(lightAngle) * 0.8;
        double ly = -0.35;
        double lz = 0.6;
        double ll = StrictMath.sqrt(lx * lx + ly * ly + lz * lz);
        final double lightX = lx / ll;
        final double lightY = ly / ll;
        final double lightZ = lz / ll;
        final double diffuse = id.lightStrength();

        background(c, id);
        hairBack(c, g);
        // clothes and neck
        c.fill(Canvas.ellipse(g.cx, 122, 50, 34), 0, 86, 96, 96, Paint.of(id.clothes()), 1);
        double neckW = g.faceA * 0.48;
        c.fill(Canvas.roundedBox(g.cx, g.cy + g.faceB + 8, neckW, 16, 3), g.cx - neckW - 1, g.cy + g.faceB - 10,
                g.cx + neckW + 1, 96, Paint.of(id.skin().scale(0.78)), 1);
        // ears
        for (int s = 0; s < 2; s++) {
            double side = s == 0 ? -1 : 1;
            double ex = g.cx + side * g.faceA * 0.97;
            double ey = g.eyeY + 3;
            double rx = 3.6 * id.earSize();
            double ry = 7.0 * id.earSize();
            double shade = 0.86 + 0.1 * side * lightX;
            c.fill(Canvas.ellipse(ex, ey, rx, ry), ex - rx - 1, ey - ry - 1, ex + rx + 1, ey + ry + 1,
                    Paint.of(id.skin().scale(shade)), 1);
        }
        // face with ellipsoid shading
        Sdf face = faceOutline(g);
        Rgb skin = id.skin();
        double ambient = 1 - diffuse;
        Paint skinPaint = (x, y, out) -> {
            double nx = (x - g.cx) / (g.faceA * 1.15);
            double ny = (y - g.cy) / (g.faceB * 1.15);
            double nz2 = 1 - nx * nx - ny * ny;
            double nz = nz2 > 0 ? StrictMath.sqrt(nz2) : 0;
            double lam = nx * lightX + ny * lightY + nz * lightZ;
            double k = ambient + diffuse * (lam > 0 ? lam : 0) * 1.25;
            out[0] = skin.r() * k;
            out[1] = skin.g() * k;
            out[2] = skin.b() * k;
        };
        c.fill(face, g.cx - g.faceA - 1, g.cy - g.faceB - 1, g.cx + g.faceA + 1, g.cy + g.faceB + 1, skinPaint, 1);
        beard(c, g, face);
        nasolabialFolds(c, g);
        lines(c, g);
        nose(c, g, lightX);
        mouth(c, g);
        for (int s = 0; s < 2; s++) {
            eye(c, g, s);
            browRidge(c, g, s);
            brow(c, g, s);
        }
        hairFront(c, g);
        glasses(c, g);
        tintedLenses(c, g);
    }

    // ---- identity-level anatomy (Anatomy): textures that look like expression ------------------------------------

    /**
     * Forehead lines, frown lines between the brows, crow's feet: each painted only when its opacity is above 0.
     * The frown lines are the person's own (anatomy) plus the furrows a brow knit (AU4) makes.
     */
    private static void lines(Canvas c, FaceGeometry g) {
        Anatomy a = g.anatomy;
        double frown = Math.min(1, a.frownLines() + KNIT_FURROW * g.ex.browKnit());
        Rgb line = g.id.skin().scale(0.58);
        double browTop = Math.min(g.browMid[0][1], g.browMid[1][1]);
        for (int k = 0; k < 3; k++) {
            double y = browTop - 3.2 - 2.6 * k;
            double hw = g.faceA * (0.50 - 0.05 * k);
            c.fill(Canvas.stroke(g.cx - hw, y + 0.8, g.cx, y - 0.7, g.cx + hw, y + 0.8, 0.35, 0.35, 8),
                    g.cx - hw - 2, y - 3, g.cx + hw + 2, y + 3, Paint.of(line), a.foreheadLines());
        }
        for (int s = 0; s < 2; s++) {
            double side = s == 0 ? -1 : 1;
            double x = g.cx + side * 1.6;
            double top = g.browInner[s][1] - 4;
            c.fill(Canvas.stroke(x + side * 0.4, top, x, top + 3, x - side * 0.2, top + 6, 0.35, 0.3, 4),
                    x - 3, top - 2, x + 3, top + 8, Paint.of(line), frown);
            double ox = g.eyeX[s] + side * (g.eyeW + 1.2);
            for (int k = -1; k <= 1; k++) {
                c.fill(Canvas.stroke(ox, g.eyeY + k * 0.8, ox + side * 1.6, g.eyeY + k * 1.6,
                                ox + side * 3.2, g.eyeY + k * 2.6, 0.3, 0.25, 4),
                        ox - 4, g.eyeY - 5, ox + 4, g.eyeY + 5, Paint.of(line), a.crowsFeet());
            }
            double x0 = g.cx + side * g.id.noseWidth() * 0.95;
            double x1 = g.cx + side * (g.mouthW + 2.2);
            double y1 = g.mouthY - g.cornerLiftPx[s] + 1.5;
            c.fill(Canvas.stroke(x0, g.noseTipY - 1.5, x1 + side * 1.2, (g.noseTipY + y1) / 2, x1, y1, 0.55, 0.7, 6),
                    Math.min(x0, x1) - 4, g.noseTipY - 4, Math.max(x0, x1) + 4, y1 + 3, Paint.of(line), a.foldDepth());
        }
    }

    /** The shadow a heavy brow ridge casts on the upper lid. */
    private static void browRidge(Canvas c, FaceGeometry g, int s) {
        double ex = g.eyeX[s];
        double y = (g.eyeY - g.eyeUp[s] + g.browMid[s][1]) / 2 + 0.5;
        double rx = g.eyeW * 1.3;
        double ry = Math.max(1.5, (g.eyeY - g.browMid[s][1]) * 0.45);
        c.fill(Canvas.ellipse(ex, y, rx, ry), ex - rx - 1, y - ry - 1, ex + rx + 1, y + ry + 1,
                Paint.of(g.id.skin().scale(0.5)), g.anatomy.browRidge());
    }

    /** Tinted lenses over both eyes (an occluder of the eye cues), drawn with or without a frame. */
    private static void tintedLenses(Canvas c, FaceGeometry g) {
        double tint = g.anatomy.lensTint();
        if (tint <= 0) {
            return;
        }
        double rx = g.eyeW * 1.5;
        double ry = g.eyeW * 1.1;
        for (int s = 0; s < 2; s++) {
            double ex = g.eyeX[s];
            double cy = g.eyeY + 0.5;
            c.fill(Canvas.roundedBox(ex, cy, rx, ry, 2.2), ex - rx - 1, cy - ry - 1, ex + rx + 1, cy + ry + 1,
                    Paint.of(Rgb.of(28, 30, 36)), tint);
        }
    }

    private static Sdf faceOutline(FaceGeometry g) {
        return Canvas.implicit((x, y) -> {
            double hw = g.faceHalfWidthAt(y);
            double u = (x - g.cx) / hw;
            double v = (y - g.cy) / g.faceB;
            return (u * u + v * v - 1) * g.faceA * 0.5;
        });
    }

    private static void background(Canvas c, Identity id) {
        double dx = StrictMath.cos(id.backgroundAngle());
        double dy = StrictMath.sin(id.backgroundAngle());
        Rgb a = id.background1();
        Rgb b = id.background2();
        Paint gradient = (x, y, out) -> {
            double t = 0.5 + ((x - 48) * dx + (y - 48) * dy) / 110;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            out[0] = a.r() + (b.r() - a.r()) * t;
            out[1] = a.g() + (b.g() - a.g()) * t;
            out[2] = a.b() + (b.b() - a.b()) * t;
        };
        c.fill((x, y) -> -1000, -40, -40, 136, 136, gradient, 1);
        // a door or window edge behind the person, position from the background angle
        double wx = 10 + 76 * (0.5 + 0.5 * dx);
        c.fill(Canvas.roundedBox(wx, 20, 9, 26, 1), wx - 10, -10, wx + 10, 47, Paint.of(b.mix(a, 0.5).scale(1.15)), 0.5);
    }

    private static void hairBack(Canvas c, FaceGeometry g) {
        Identity id = g.id;
        Paint hair = Paint.of(id.hair().scale(0.85));
        switch (id.hairStyle()) {
            case LONG -> c.fill(Canvas.roundedBox(g.cx, g.cy + 6, g.faceA + 6, g.faceB + 12, g.faceA * 0.9),
                    g.cx - g.faceA - 7, g.cy - g.faceB - 7, g.cx + g.faceA + 7, g.cy + g.faceB + 19, hair, 1);
            case CURLY -> c.fill(Canvas.ellipse(g.cx, g.cy - 6, g.faceA + 10, g.faceB + 6),
                    g.cx - g.faceA - 11, g.cy - g.faceB - 13, g.cx + g.faceA + 11, g.cy + g.faceB + 1, hair, 1);
            case BUN -> c.fill(Canvas.circle(g.cx, g.cy - g.faceB - 5, 8.5),
                    g.cx - 10, g.cy - g.faceB - 15, g.cx + 10, g.cy - g.faceB + 5, hair, 1);
            default -> { }
        }
    }

    private static void hairFront(Canvas c, FaceGeometry g) {
        Identity id = g.id;
        if (id.hairStyle() == Identity.HairStyle.BALD) {
            // a fringe of hair over the ears only
            Sdf sides = Canvas.intersect(Canvas.ellipse(g.cx, g.cy - 4, g.faceA + 2, g.faceB),
                    (x, y) -> Math.max(Math.max(g.eyeY - 8 - y, y - (g.eyeY + 4)), g.faceA * 0.78 - Math.abs(x - g.cx)));
            c.fill(sides, g.cx - g.faceA - 3, g.eyeY - 9, g.cx + g.faceA + 3, g.eyeY + 5, Paint.of(id.hair()), 0.9);
            return;
        }
        double top = g.cy - g.faceB;
        double browTop = Math.min(g.browInner[0][1], g.browInner[1][1]) - 5.5;
        double fringeLine = Math.min(g.eyeY - g.eyeW * 0.62 - id.browGap() - 7.5, browTop);
        Canvas.Curve hairline = switch (id.hairStyle()) {
            case FRINGE -> x -> fringeLine + 1.5 * StrictMath.sin((x - g.cx) * 0.9);
            default -> x -> {
                double u = (x - g.cx) / g.faceA;
                return top + g.faceB * 0.30 + g.faceB * 0.35 * u * u * u * u;
            };
        };
        Sdf cap = Canvas.intersect(Canvas.ellipse(g.cx, g.cy - 3, g.faceA + 2.6, g.faceB + 3.5),
                (x, y) -> (y - hairline.y(x)) * 0.8);
        Rgb hair = id.hair();
        Paint paint = (x, y, out) -> {
            // lighter towards the crown, with faint strands
            double k = 0.92 + 0.12 * Math.max(0, (g.cy - y) / g.faceB) + 0.04 * StrictMath.sin(x * 1.7 + y * 0.3);
            out[0] = hair.r() * k;
            out[1] = hair.g() * k;
            out[2] = hair.b() * k;
        };
        c.fill(cap, g.cx - g.faceA - 4, top - 8, g.cx + g.faceA + 4, g.eyeY + 6, paint, 1);
        if (id.hairStyle() == Identity.HairStyle.LONG) {
            // strands falling beside the cheeks
            for (int s = 0; s < 2; s++) {
                double side = s == 0 ? -1 : 1;
                double x0 = g.cx + side * (g.faceA - 1);
                c.fill(Canvas.stroke(x0 - side * 3, g.cy - g.faceB * 0.6, x0 + side * 1, g.cy, x0 + side * 3,
                                g.cy + g.faceB * 0.9, 3.0, 2.2, 6),
                        x0 - 8, g.cy - g.faceB, x0 + 8, g.cy + g.faceB + 4, paint, 1);
            }
        }
    }

    private static void beard(Canvas c, FaceGeometry g, Sdf face) {
        Identity id = g.id;
        Paint beard = Paint.of(id.hair().scale(0.92));
        switch (id.beard()) {
            case FULL -> {
                Sdf region = Canvas.intersect(face, (x, y) -> {
                    double u = (x - g.cx) / g.faceA;
                    return (g.noseTipY + 3 + 4 * (1 - u * u) - 9 * u * u - y) * 0.7;
                });
                c.fill(region, g.cx - g.faceA - 1, g.eyeY, g.cx + g.faceA + 1, g.cy + g.faceB + 1, beard, 0.92);
            }
            case MOUSTACHE -> c.fill(Canvas.stroke(g.cx - g.mouthW * 0.95, g.mouthY - 1.5, g.cx, g.noseTipY + 1,
                            g.cx + g.mouthW * 0.95, g.mouthY - 1.5, 1.8, 1.8, 8),
                    g.cx - g.mouthW - 3, g.noseTipY - 2, g.cx + g.mouthW + 3, g.mouthY + 2, beard, 0.95);
            case GOATEE -> {
                double y = (g.mouthY + g.cy + g.faceB) / 2 + 2;
                c.fill(Canvas.ellipse(g.cx, y, g.mouthW * 0.55, 4.5), g.cx - g.mouthW, y - 6, g.cx + g.mouthW, y + 6,
                        beard, 0.95);
            }
            default -> { }
        }
    }

    private static void nasolabialFolds(Canvas c, FaceGeometry g) {
        Rgb fold = g.id.skin().scale(0.66);
        for (int s = 0; s < 2; s++) {
            double side = s == 0 ? -1 : 1;
            double smile = Math.max(0, g.ex.cornerLift()[s]);
            double opacity = 0.12 + 0.45 * Math.min(1, smile);
            double x0 = g.cx + side * g.id.noseWidth() * 0.95;
            double x1 = g.cx + side * (g.mouthW + 2.2);
            double y1 = g.mouthY - g.cornerLiftPx[s] + 1.5;
            c.fill(Canvas.stroke(x0, g.noseTipY - 1.5, x1 + side * 1.2, (g.noseTipY + y1) / 2, x1, y1, 0.45, 0.6, 6),
                    Math.min(x0, x1) - 4, g.noseTipY - 4, Math.max(x0, x1) + 4, y1 + 3, Paint.of(fold), opacity);
        }
    }

    private static void nose(Canvas c, FaceGeometry g, double lightX) {
        Identity id = g.id;
        Rgb dark = id.skin().scale(0.55);
        double nw = id.noseWidth();
        double side = lightX >= 0 ? -1 : 1; // shadow side of the nose
        c.fill(Canvas.stroke(g.cx + side * 1.2, g.noseTopY + 2, g.cx + side * 2.2, (g.noseTopY + g.noseTipY) / 2,
                        g.cx + side * nw * 0.55, g.noseTipY - 1, 0.5, 0.9, 6),
                g.cx - nw - 2, g.noseTopY, g.cx + nw + 2, g.noseTipY + 2, Paint.of(id.skin().scale(0.72)), 0.55);
        c.fill(Canvas.stroke(g.cx - nw * 0.55, g.noseTipY - 0.5, g.cx, g.noseTipY + 2.2, g.cx + nw * 0.55,
                        g.noseTipY - 0.5, 0.45, 0.45, 6),
                g.cx - nw - 1, g.noseTipY - 3, g.cx + nw + 1, g.noseTipY + 4, Paint.of(id.skin().scale(0.68)), 0.6);
        for (int s = 0; s < 2; s++) {
            double x = g.cx + (s == 0 ? -1 : 1) * nw * 0.42;
            c.fill(Canvas.ellipse(x, g.noseTipY + 0.6, 1.5, 0.95), x - 3, g.noseTipY - 2, x + 3, g.noseTipY + 3,
                    Paint.of(dark), 0.85);
        }
    }

    private static void mouth(Canvas c, FaceGeometry g) {
        Identity id = g.id;
        double l = g.cx - g.mouthW;
        double r = g.cx + g.mouthW;
        double top = g.mouthY - Math.max(g.cornerLiftPx[0], g.cornerLiftPx[1]) - g.mouthOpenPx * 0.3 - id.upperLip() - 3;
        double bottom = g.mouthY + Math.max(0, -Math.min(g.cornerLiftPx[0], g.cornerLiftPx[1])) + g.mouthOpenPx
                + id.lowerLip() + 3;
        double ul = id.upperLip();
        double ll = id.lowerLip();
        Canvas.Curve upper = g::upperLipY;
        Canvas.Curve lower = g::lowerLipY;
        double mw = g.mouthW;
        Canvas.Curve upperOuter = x -> {
            double u = (x - g.cx) / mw;
            double t = Math.max(0, 1 - u * u);
            // cupid's bow: a small dip in the middle of the upper lip
            return g.upperLipY(x) - ul * StrictMath.sqrt(t) + 0.5 * StrictMath.exp(-u * u * 40);
        };
        Canvas.Curve lowerOuter = x -> {
            double u = (x - g.cx) / mw;
            return g.lowerLipY(x) + ll * StrictMath.sqrt(Math.max(0, 1 - u * u));
        };
        Rgb lips = id.lips();
        c.fill(Canvas.band(l, r, upperOuter, lower), l - 1, top, r + 1, bottom, Paint.of(lips.scale(0.92)), 1);
        c.fill(Canvas.band(l, r, lower, lowerOuter), l - 1, top, r + 1, bottom, Paint.of(lips), 1);
        // the lip gap: a thin dark line when closed, the mouth cavity when open
        Sdf cavity = Canvas.band(l, r, x -> upper.y(x) - 0.45, x -> lower.y(x) + 0.45);
        c.fill(cavity, l - 1, top, r + 1, bottom, Paint.of(Rgb.of(58, 22, 26)), 1);
        if (g.mouthOpenPx > 1.0) {
            double teeth = Math.min(2.8, 0.4 * g.mouthOpenPx);
            Sdf teethBand = Canvas.band(g.cx - mw * 0.72, g.cx + mw * 0.72, upper, x -> upper.y(x) + teeth);
            c.fillClipped(teethBand, cavity, l - 1, top, r + 1, bottom, Paint.of(Rgb.of(236, 230, 218)), 0.95);
        }
    }

    private static void eye(Canvas c, FaceGeometry g, int s) {
        double ex = g.eyeX[s];
        double ey = g.eyeY;
        double ew = g.eyeW;
        double up = g.eyeUp[s];
        double low = g.eyeLow[s];
        Canvas.Curve top = x -> {
            double u = (x - ex) / ew;
            return ey - up * (1 - u * u);
        };
        Canvas.Curve bottom = x -> {
            double u = (x - ex) / ew;
            return ey + low * (1 - u * u);
        };
        double x0 = ex - ew - 2;
        double x1 = ex + ew + 2;
        double y0 = ey - up - 3;
        double y1 = ey + low + 3;
        // socket shadow
        c.fill(Canvas.ellipse(ex, ey - 1, ew * 1.25, ew * 0.85), ex - ew * 1.4, ey - ew, ex + ew * 1.4, ey + ew,
                Paint.of(g.id.skin().scale(0.8)), 0.35);
        Sdf opening = Canvas.band(ex - ew, ex + ew, top, bottom);
        c.fill(opening, x0, y0, x1, y1, Paint.of(Rgb.of(238, 236, 230)), 1);
        double ix = ex + g.gazeX;
        double iy = ey + g.gazeY;
        c.fillClipped(Canvas.circle(ix, iy, g.irisR), opening, x0, y0, x1, y1, Paint.of(g.id.iris()), 1);
        c.fillClipped(Canvas.circle(ix, iy, g.irisR * 0.45), opening, x0, y0, x1, y1, Paint.of(Rgb.of(12, 10, 10)), 1);
        c.fillClipped(Canvas.circle(ix - g.irisR * 0.35, iy - g.irisR * 0.35, 0.65), opening, x0, y0, x1, y1,
                Paint.of(Rgb.of(250, 250, 250)), 0.9);
        // upper lid line with lashes, faint lower lid line
        Rgb lash = Rgb.of(30, 22, 20);
        c.fill(Canvas.band(ex - ew - 0.6, ex + ew + 0.4, x -> top.y(x) - 1.15, x -> top.y(x) + 0.35), x0, y0, x1, y1,
                Paint.of(lash), 0.95);
        c.fill(Canvas.band(ex - ew, ex + ew, x -> bottom.y(x) - 0.2, x -> bottom.y(x) + 0.45), x0, y0, x1, y1,
                Paint.of(g.id.skin().scale(0.6)), 0.5);
        // lid crease
        c.fill(Canvas.band(ex - ew * 0.8, ex + ew * 0.8, x -> top.y(x) - 2.6 - 0.5 * up / ew,
                        x -> top.y(x) - 2.0 - 0.5 * up / ew), x0, y0 - 3, x1, y1, Paint.of(g.id.skin().scale(0.7)), 0.35);
    }

    private static void brow(Canvas c, FaceGeometry g, int s) {
        double[] a = g.browInner[s];
        double[] m = g.browMid[s];
        double[] b = g.browOuter[s];
        double t = g.id.browThickness();
        c.fill(Canvas.stroke(a[0], a[1], m[0], m[1], b[0], b[1], t * 0.6, t * 0.35, 8),
                Math.min(a[0], b[0]) - 4, Math.min(Math.min(a[1], b[1]), m[1]) - 4,
                Math.max(a[0], b[0]) + 4, Math.max(a[1], b[1]) + 4, Paint.of(g.id.brow()), 1);
    }

    private static void glasses(Canvas c, FaceGeometry g) {
        Identity id = g.id;
        if (id.glasses() == Identity.Glasses.NONE) {
            return;
        }
        Paint frame = Paint.of(id.glassesColour());
        double rx = g.eyeW * 1.5;
        double ry = g.eyeW * 1.1;
        double[] centreY = {g.eyeY + 0.5, g.eyeY + 0.5};
        for (int s = 0; s < 2; s++) {
            double ex = g.eyeX[s];
            Sdf lens = id.glasses() == Identity.Glasses.ROUND
                    ? Canvas.ellipse(ex, centreY[s], rx, ry * 1.15)
                    : Canvas.roundedBox(ex, centreY[s], rx, ry, 2.2);
            c.fill(lens, ex - rx - 2, centreY[s] - ry * 1.2 - 2, ex + rx + 2, centreY[s] + ry * 1.2 + 2,
                    Paint.of(Rgb.of(225, 235, 245)), 0.10);
            c.fill(Canvas.ring(lens, 1.1), ex - rx - 2, centreY[s] - ry * 1.2 - 2, ex + rx + 2, centreY[s] + ry * 1.2 + 2,
                    frame, 1);
            double side = s == 0 ? -1 : 1;
            double ox = ex + side * rx;
            double fx = g.cx + side * g.faceA * 0.99;
            c.fill(Canvas.stroke(ox, centreY[s] - 1, (ox + fx) / 2, centreY[s] - 1.5, fx, centreY[s] - 1.5, 0.55, 0.55, 2),
                    Math.min(ox, fx) - 2, centreY[s] - 4, Math.max(ox, fx) + 2, centreY[s] + 2, frame, 1);
        }
        double ix0 = g.eyeX[0] + rx;
        double ix1 = g.eyeX[1] - rx;
        c.fill(Canvas.stroke(ix0, g.eyeY - 0.5, g.cx, g.eyeY - 2.5, ix1, g.eyeY - 0.5, 0.55, 0.55, 4),
                ix0 - 2, g.eyeY - 5, ix1 + 2, g.eyeY + 2, frame, 1);
    }
}
