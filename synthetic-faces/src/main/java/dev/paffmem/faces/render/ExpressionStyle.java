package dev.paffmem.faces.render;

/**
 * A person's way of showing emotion: how (arousal, valence) become the dimensionless expression
 * features of {@link Expression}.
 *
 * <pre>
 *   (a', v') = swapAxes ? (v, a) : (a, v);  v' *= valenceSign
 *   mouth valence  vM = gainValenceMouth * v' + restValence      (corner lift, mouth width)
 *   brow valence   vB = gainValenceBrow  * v' + restValence      (brow tilt)
 *   eye arousal    aE = gainArousalEye   * a' + restArousal      (eye opening)
 *   brow arousal   aB = gainArousalBrow  * a' + restArousal      (brow raise)
 *   mouth arousal  aM = gainArousalMouth * a' + restArousal      (mouth opening)
 * </pre>
 * The resting offset is added after the gains, so at (0, 0) the person shows a typical face of
 * (restArousal, restValence). Asymmetry scales the movements of one side of the face up and the other down.
 */
public record ExpressionStyle(
        ExpresserKind kind,
        double gainValenceMouth,
        double gainValenceBrow,
        double gainArousalEye,
        double gainArousalBrow,
        double gainArousalMouth,
        double restArousal,
        double restValence,
        boolean swapAxes,
        double valenceSign,
        double asymmetry) {

    /** The centre of the typical population: what an ideal general model learns. */
    public static ExpressionStyle reference() {
        return new ExpressionStyle(ExpresserKind.TYPICAL, 1, 1, 1, 1, 1, 0, 0, false, 1, 0);
    }

    /** Draws a style of the given kind; the typical ranges are the spread every kind starts from. */
    public static ExpressionStyle random(ExpresserKind kind, Rng rng) {
        double gvm = rng.uniform(0.8, 1.2);
        double gvb = rng.uniform(0.8, 1.2);
        double gae = rng.uniform(0.7, 1.2);
        double gab = rng.uniform(0.6, 1.2);
        double gam = rng.uniform(0.6, 1.2);
        double ra = rng.uniform(-0.12, 0.12);
        double rv = rng.uniform(-0.12, 0.12);
        double asym = rng.uniform(0, 0.15) * (rng.chance(0.5) ? 1 : -1);
        boolean swap = false;
        double sign = 1;
        switch (kind) {
            case TYPICAL, IDENTITY_CONFOUND -> { }
            case RESTING_OFFSET -> {
                double angle = rng.uniform(0, 2 * StrictMath.PI);
                double radius = rng.uniform(0.5, 0.7);
                ra = radius * StrictMath.sin(angle);
                rv = radius * StrictMath.cos(angle);
            }
            case INVERTED_VALENCE -> sign = -1;
            case SWAPPED_AXES -> swap = true;
            case ODD_AROUSAL_CARRIER -> {
                gae = -0.6;
                gab = 0;
                gam = 1.6;
            }
            case MUTED -> {
                double k = rng.uniform(0.3, 0.4);
                gvm *= k;
                gvb *= k;
                gae *= k;
                gab *= k;
                gam *= k;
                ra *= k;
                rv *= k;
            }
        }
        return new ExpressionStyle(kind, gvm, gvb, gae, gab, gam, ra, rv, swap, sign, asym);
    }

    /** The expression features this person shows at (arousal, valence), both in [-1, 1]. */
    public Expression express(double arousal, double valence) {
        double a = swapAxes ? valence : arousal;
        double v = (swapAxes ? arousal : valence) * valenceSign;
        double vM = clamp(gainValenceMouth * v + restValence);
        double vB = clamp(gainValenceBrow * v + restValence);
        double aE = clamp(gainArousalEye * a + restArousal);
        double aB = clamp(gainArousalBrow * a + restArousal);
        double aM = clamp(gainArousalMouth * a + restArousal);
        return Expression.of(aE, aB, aM, vM, vB, asymmetry);
    }

    private static double clamp(double x) {
        return Math.max(-1.25, Math.min(1.25, x));
    }
}
