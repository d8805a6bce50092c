package dev.paffmem.faces.render;

/**
 * Dimensionless expression features of one face, before they become pixels ({@link FaceGeometry}).
 * Index 0 is the image-left side of the face, 1 the image-right side.
 *
 * @param cornerLift     mouth-corner lift per side, + = up (smile), about -1.25..1.25
 * @param mouthOpen      lip gap, 0 (closed) .. about 1.2
 * @param mouthWidth     mouth width factor around 1
 * @param eyeOpen        upper-lid aperture per side relative to a relaxed eye, about 0.08..1.2
 * @param lowerLidRaise  cheek push on the lower lid (Duchenne smile), 0..0.45
 * @param browRaise      brow raise per side, + = up
 * @param browTilt       inner-brow lift, + = inner ends up (sadness), - = inner ends down (anger)
 * @param browKnit       brow lowerer (FACS AU4, corrugator supercilii), 0..about 1: the inner brow ends drawn down
 *                       and together, with vertical furrows between them. It tracks unpleasantness at every arousal,
 *                       as corrugator activity does in facial EMG (Larsen, Norris and Cacioppo, Psychophysiology 40,
 *                       2003), so valence shows above the mouth too, not only through the mouth's corners
 */
public record Expression(
        double[] cornerLift,
        double mouthOpen,
        double mouthWidth,
        double[] eyeOpen,
        double lowerLidRaise,
        double[] browRaise,
        double browTilt,
        double browKnit) {

    /** How much of an unpleasant face's brow valence becomes {@link #browKnit}. */
    static final double KNIT_GAIN = 0.8;

    /**
     * The shared (typical) feature model. Inputs are the per-feature drives of {@link ExpressionStyle}:
     * eye/brow/mouth arousal and mouth/brow valence; asymmetry in [-1, 1] enlarges the movements of one side.
     * Negative brow valence knits the brows at any arousal; arousal decides whether their inner ends also rise
     * (sad, low arousal) or drop (angry, high arousal).
     */
    public static Expression of(double aE, double aB, double aM, double vM, double vB, double asymmetry) {
        double left = 1 + asymmetry;
        double right = 1 - asymmetry;
        double smile = Math.max(0, vM);
        double negB = Math.max(0, -vB);
        double corner = vM;
        double open = Math.max(0, 0.9 * aM + 0.05);
        double width = 1 + 0.10 * vM + 0.05 * Math.max(0, aM);
        double eyeDelta = 0.38 * aE - 0.15 * smile;
        double raise = 0.85 * aB - 0.55 * negB * Math.max(0, aB);
        double tilt = -0.9 * negB * aB;
        return new Expression(
                new double[] {corner * left, corner * right},
                open,
                width,
                new double[] {Math.max(0.08, 0.72 + eyeDelta * left), Math.max(0.08, 0.72 + eyeDelta * right)},
                0.35 * smile,
                new double[] {raise * left, raise * right},
                tilt,
                KNIT_GAIN * negB);
    }
}
