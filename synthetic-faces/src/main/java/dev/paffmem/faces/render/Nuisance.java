package dev.paffmem.faces.render;

/**
 * Capture conditions of one image: pose jitter, gaze, illumination, blur, sensor noise and JPEG
 * compression. {@link #NONE} renders the clean canonical face.
 *
 * @param rotationDeg   in-plane rotation around the image centre
 * @param shiftX        horizontal shift in pixels
 * @param shiftY        vertical shift in pixels
 * @param scale         zoom around the image centre
 * @param gazeX         iris offset as a fraction of the iris radius
 * @param gazeY         iris offset as a fraction of the iris radius
 * @param gain          global brightness factor
 * @param gradientX     brightness slope across the image (fraction per half image)
 * @param gradientY     brightness slope down the image
 * @param tintR         per-channel colour temperature factors
 * @param tintG         ...
 * @param tintB         ...
 * @param lightShift    change of the light direction (radians) relative to the person's own
 * @param blurSigma     gaussian blur, pixels (0 = none)
 * @param noiseSigma    gaussian sensor noise, grey levels (0 = none)
 * @param jpegQuality   1..100 (IJG scale) or 0 for no compression artefacts
 * @param noiseSeed     seed of the noise field
 */
public record Nuisance(
        double rotationDeg, double shiftX, double shiftY, double scale,
        double gazeX, double gazeY,
        double gain, double gradientX, double gradientY,
        double tintR, double tintG, double tintB, double lightShift,
        double blurSigma, double noiseSigma, int jpegQuality, long noiseSeed) {

    public static final Nuisance NONE = new Nuisance(0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0);

    /** Independent random capture conditions, as in a still-image dataset. */
    public static Nuisance random(Rng rng) {
        return new Nuisance(
                rng.uniform(-7, 7), rng.uniform(-3, 3), rng.uniform(-3, 3), rng.uniform(0.92, 1.08),
                rng.uniform(-0.35, 0.35), rng.uniform(-0.2, 0.2),
                rng.uniform(0.78, 1.15), rng.uniform(-0.18, 0.18), rng.uniform(-0.12, 0.12),
                rng.uniform(0.93, 1.07), rng.uniform(0.96, 1.04), rng.uniform(0.93, 1.07), rng.uniform(-0.8, 0.8),
                rng.chance(0.5) ? rng.uniform(0.3, 1.0) : 0, rng.uniform(0, 7),
                rng.chance(0.7) ? 30 + rng.nextInt(66) : 0, rng.nextLong());
    }
}
