package dev.paffmem.faces.render;

/**
 * Where the features of one face are, in canonical pixels (96x96 frame, y down, before pose
 * jitter): the geometry model that turns {@link Identity} and {@link Expression} into shapes.
 * Side index 0 is the image-left side, 1 the image-right side. Tests measure expressions here.
 */
public final class FaceGeometry {
    public static final int SIZE = 96;
    /** Pixels per unit of the dimensionless expression features. */
    static final double CORNER_PX = 4.2;
    static final double MOUTH_OPEN_PX = 8.0;
    static final double BROW_RAISE_PX = 3.2;
    static final double BROW_TILT_PX = 2.8;
    /** How far a full brow knit (AU4) draws the inner brow ends towards the midline, and down. */
    static final double KNIT_IN_PX = 2.2;
    static final double KNIT_DOWN_PX = 1.6;

    public final Identity id;
    public final Expression ex;
    public final Anatomy anatomy;
    public final double cx = 48;
    public final double cy = 50;
    public final double faceA;
    public final double faceB;

    public final double[] eyeX = new double[2];
    public final double eyeY;
    public final double eyeW;
    /** Upper and lower lid heights above/below the eye line, per side. */
    public final double[] eyeUp = new double[2];
    public final double[] eyeLow = new double[2];
    public final double irisR;
    public final double gazeX;
    public final double gazeY;

    /** Brow inner end, control point and outer end, per side: {x, y}. */
    public final double[][] browInner = new double[2][];
    public final double[][] browMid = new double[2][];
    public final double[][] browOuter = new double[2][];

    public final double noseTipY;
    public final double noseTopY;

    public final double mouthY;
    public final double mouthW;
    /** Corner lift in pixels (+ = up), per side. */
    public final double[] cornerLiftPx = new double[2];
    public final double mouthOpenPx;

    public FaceGeometry(Identity id, Expression ex, double gazeX, double gazeY) {
        this(id, Anatomy.NONE, ex, gazeX, gazeY);
    }

    /** Geometry with identity-level anatomy: it moves the corners, brows and lids the same at every emotion. */
    public FaceGeometry(Identity id, Anatomy anatomy, Expression ex, double gazeX, double gazeY) {
        this.id = id;
        this.ex = ex;
        this.anatomy = anatomy;
        this.faceA = id.faceHalfWidth();
        this.faceB = id.faceHalfHeight();
        this.eyeY = cy - 0.17 * faceB + id.eyeHeightOffset();
        this.eyeW = id.eyeHalfWidth();
        this.irisR = eyeW * 0.5;
        this.gazeX = gazeX * irisR;
        this.gazeY = gazeY * irisR;
        for (int s = 0; s < 2; s++) {
            double side = s == 0 ? -1 : 1;
            eyeX[s] = cx + side * id.eyeSpacing();
            eyeUp[s] = eyeW * 0.62 * ex.eyeOpen()[s] * anatomy.eyeAperture();
            eyeLow[s] = eyeW * 0.30 * (0.7 + 0.3 * Math.min(1, ex.eyeOpen()[s])) * (1 - ex.lowerLidRaise());
            double base = eyeY - eyeW * 0.62 - id.browGap() - ex.browRaise()[s] * BROW_RAISE_PX - anatomy.browLevelPx();
            double innerX = eyeX[s] - side * (eyeW * 0.85 + ex.browKnit() * KNIT_IN_PX);
            double outerX = eyeX[s] + side * eyeW * 1.2;
            double innerY = base - ex.browTilt() * BROW_TILT_PX - anatomy.innerBrowPx() + ex.browKnit() * KNIT_DOWN_PX;
            double outerY = base + 0.8 + ex.browTilt() * 0.6;
            browInner[s] = new double[] {innerX, innerY};
            browOuter[s] = new double[] {outerX, outerY};
            browMid[s] = new double[] {(innerX + outerX) / 2, (innerY + outerY) / 2 - id.browArch() * 2};
        }
        this.noseTopY = eyeY + 1;
        this.noseTipY = eyeY + id.noseLength() + 4;
        this.mouthY = Math.max(noseTipY + 6.5, cy + 0.50 * faceB);
        this.mouthW = id.mouthHalfWidth() * ex.mouthWidth();
        for (int s = 0; s < 2; s++) {
            cornerLiftPx[s] = ex.cornerLift()[s] * CORNER_PX + anatomy.cornerTiltPx();
        }
        this.mouthOpenPx = ex.mouthOpen() * MOUTH_OPEN_PX;
    }

    /** Half width of the face outline at canonical height y (the jaw narrows towards the chin). */
    public double faceHalfWidthAt(double y) {
        double t = Math.max(0, (y - cy) / faceB);
        return faceA * (1 - id.jawTaper() * t * t);
    }

    // ---- mouth curves --------------------------------------------------------------------

    private double q(double x) {
        double u = (x - cx) / mouthW;
        return u * u;
    }

    private double lift(double x) {
        return x < cx ? cornerLiftPx[0] : cornerLiftPx[1];
    }

    /** Lower edge of the upper lip (top of the lip gap) at x. */
    public double upperLipY(double x) {
        double qq = Math.min(1, q(x));
        return mouthY - lift(x) * qq - mouthOpenPx * 0.25 * (1 - qq);
    }

    /** Upper edge of the lower lip (bottom of the lip gap) at x. */
    public double lowerLipY(double x) {
        double qq = Math.min(1, q(x));
        return upperLipY(x) + mouthOpenPx * (1 - qq);
    }

    /** Height of mouth corner s above the mouth centre line (pixels, + = corners above centre). */
    public double cornerHeightAboveCentre(int s) {
        double x = s == 0 ? cx - mouthW : cx + mouthW;
        return upperLipY(cx) - upperLipY(x);
    }

    /** Upper-lid aperture of eye s in pixels (what a viewer reads as eye opening). */
    public double eyeOpening(int s) {
        return eyeUp[s] + eyeLow[s];
    }

    /** Mean height of the brows above the eye line, pixels. */
    public double browHeight() {
        double sum = 0;
        for (int s = 0; s < 2; s++) {
            sum += eyeY - (browInner[s][1] + browOuter[s][1]) / 2;
        }
        return sum / 2;
    }

    /**
     * The 68 iBUG/Multi-PIE landmarks (as in AffectNet) in canonical pixels: jaw 0-16, brows 17-26,
     * nose 27-35, eyes 36-47, outer lips 48-59, inner lips 60-67. Subject's right = image left.
     */
    public double[][] landmarks68() {
        double[][] p = new double[68][];
        for (int k = 0; k <= 16; k++) {
            double t = StrictMath.toRadians(190 - k * 200.0 / 16);
            double yy = cy + faceB * StrictMath.sin(t);
            double x = cx + faceHalfWidthAt(yy) * StrictMath.cos(t);
            p[k] = new double[] {x, yy};
        }
        for (int s = 0; s < 2; s++) {
            int base = s == 0 ? 17 : 22;
            for (int k = 0; k < 5; k++) {
                // image-left brow runs outer -> inner, image-right brow inner -> outer
                double t = s == 0 ? 1 - k / 4.0 : k / 4.0;
                double u = 1 - t;
                double[] a = browInner[s];
                double[] m = browMid[s];
                double[] b = browOuter[s];
                p[base + k] = new double[] {
                    u * u * a[0] + 2 * u * t * m[0] + t * t * b[0],
                    u * u * a[1] + 2 * u * t * m[1] + t * t * b[1]};
            }
        }
        for (int k = 0; k < 4; k++) {
            p[27 + k] = new double[] {cx, noseTopY + (noseTipY - noseTopY) * k / 3.0};
        }
        double nw = id.noseWidth();
        for (int k = 0; k < 5; k++) {
            p[31 + k] = new double[] {cx - nw * 0.5 + nw * k / 4.0, noseTipY + (k == 2 ? 0.8 : 0.3)};
        }
        for (int s = 0; s < 2; s++) {
            int base = s == 0 ? 36 : 42;
            double ex0 = eyeX[s];
            double first = s == 0 ? -1 : 1; // 36 = image-left outer corner, 42 = image-right inner corner
            double[] xs = {ex0 + first * eyeW, ex0 + first * eyeW / 3, ex0 - first * eyeW / 3, ex0 - first * eyeW,
                ex0 - first * eyeW / 3, ex0 + first * eyeW / 3};
            for (int k = 0; k < 6; k++) {
                double u = (xs[k] - ex0) / eyeW;
                double shape = 1 - u * u;
                double y = k == 0 || k == 3 ? eyeY : k < 3 ? eyeY - eyeUp[s] * shape : eyeY + eyeLow[s] * shape;
                p[base + k] = new double[] {xs[k], y};
            }
        }
        double ul = id.upperLip();
        double ll = id.lowerLip();
        double left = cx - mouthW;
        double right = cx + mouthW;
        p[48] = new double[] {left, upperLipY(left)};
        for (int k = 1; k <= 5; k++) {
            double x = left + (right - left) * k / 6.0;
            double qq = q(x);
            p[48 + k] = new double[] {x, upperLipY(x) - ul * (1 - qq)};
        }
        p[54] = new double[] {right, upperLipY(right)};
        for (int k = 1; k <= 5; k++) {
            double x = right - (right - left) * k / 6.0;
            double qq = q(x);
            p[54 + k] = new double[] {x, lowerLipY(x) + ll * (1 - qq)};
        }
        p[60] = new double[] {left + 1, upperLipY(left + 1)};
        for (int k = 1; k <= 3; k++) {
            double x = left + (right - left) * k / 4.0;
            p[60 + k] = new double[] {x, upperLipY(x)};
        }
        p[64] = new double[] {right - 1, upperLipY(right - 1)};
        for (int k = 1; k <= 3; k++) {
            double x = right - (right - left) * k / 4.0;
            p[64 + k] = new double[] {x, lowerLipY(x)};
        }
        return p;
    }
}
