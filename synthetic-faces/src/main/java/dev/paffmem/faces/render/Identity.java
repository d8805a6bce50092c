package dev.paffmem.faces.render;

/**
 * Everything about a person's appearance that does not change with emotion. Lengths are in pixels
 * of the canonical 96x96 frame (face centred, before pose jitter).
 */
public record Identity(
        Rgb skin,
        double faceHalfWidth,
        double faceHalfHeight,
        double jawTaper,
        HairStyle hairStyle,
        Rgb hair,
        double eyeHalfWidth,
        double eyeSpacing,
        double eyeHeightOffset,
        Rgb iris,
        double browThickness,
        double browGap,
        double browArch,
        Rgb brow,
        double noseLength,
        double noseWidth,
        double mouthHalfWidth,
        double upperLip,
        double lowerLip,
        Rgb lips,
        Glasses glasses,
        Rgb glassesColour,
        Beard beard,
        double earSize,
        Rgb background1,
        Rgb background2,
        double backgroundAngle,
        Rgb clothes,
        double lightAngle,
        double lightStrength) {

    public enum HairStyle { BALD, SHORT, FRINGE, LONG, BUN, CURLY }

    public enum Glasses { NONE, ROUND, RECT }

    public enum Beard { NONE, FULL, MOUSTACHE, GOATEE }

    private static final Rgb[] SKIN = {
        Rgb.of(243, 212, 190), Rgb.of(226, 178, 146), Rgb.of(200, 140, 104),
        Rgb.of(164, 108, 74), Rgb.of(118, 76, 50), Rgb.of(82, 54, 38)};
    private static final Rgb[] HAIR = {
        Rgb.of(24, 20, 20), Rgb.of(58, 40, 30), Rgb.of(104, 70, 44), Rgb.of(146, 64, 36),
        Rgb.of(196, 160, 96), Rgb.of(226, 202, 150), Rgb.of(146, 146, 146), Rgb.of(222, 222, 216)};
    private static final double[] HAIR_WEIGHT = {0.26, 0.24, 0.16, 0.08, 0.10, 0.06, 0.06, 0.04};
    private static final Rgb[] IRIS = {
        Rgb.of(88, 54, 30), Rgb.of(48, 34, 24), Rgb.of(76, 118, 170), Rgb.of(86, 120, 78),
        Rgb.of(118, 128, 140), Rgb.of(128, 98, 50)};
    private static final Rgb[] FRAME = {Rgb.of(20, 20, 22), Rgb.of(90, 50, 30), Rgb.of(190, 160, 80), Rgb.of(170, 172, 178)};

    public static Identity random(Rng rng) {
        Rgb skin = Rgb.along(SKIN, rng.uniform(0, SKIN.length - 1)).jitter(rng, 6);
        double a = rng.uniform(19.5, 24.5);
        double b = rng.uniform(25.5, 30);
        double jaw = rng.uniform(0.0, 0.32);
        HairStyle style = HairStyle.values()[rng.nextInt(HairStyle.values().length)];
        Rgb hair = HAIR[pick(rng, HAIR_WEIGHT)].jitter(rng, 8);
        double ew = rng.uniform(4.6, 6.4);
        double spacing = a * rng.uniform(0.38, 0.46);
        Rgb brow = hair.scale(hair.r() > 150 ? 0.72 : 0.9);
        Rgb lips = skin.mix(Rgb.of(176, 72, 82), rng.uniform(0.3, 0.55)).scale(rng.uniform(0.82, 0.95));
        double g = rng.nextDouble();
        Glasses glasses = g < 0.14 ? Glasses.ROUND : g < 0.25 ? Glasses.RECT : Glasses.NONE;
        double d = rng.nextDouble();
        Beard beard = d < 0.08 ? Beard.FULL : d < 0.13 ? Beard.MOUSTACHE : d < 0.17 ? Beard.GOATEE : Beard.NONE;
        Rgb bg1 = Rgb.of(rng.uniform(30, 225), rng.uniform(30, 225), rng.uniform(30, 225));
        Rgb bg2 = bg1.mix(Rgb.of(rng.uniform(30, 225), rng.uniform(30, 225), rng.uniform(30, 225)), rng.uniform(0.2, 0.8));
        Rgb clothes = Rgb.of(rng.uniform(20, 220), rng.uniform(20, 220), rng.uniform(20, 220));
        return new Identity(skin, a, b, jaw, style, hair,
                ew, spacing, rng.uniform(-1.5, 1.5), IRIS[rng.nextInt(IRIS.length)],
                rng.uniform(1.3, 2.6), rng.uniform(2.2, 4.0), rng.uniform(0.4, 2.2), brow,
                rng.uniform(0.17, 0.26) * b, rng.uniform(4.5, 6.5),
                rng.uniform(7.5, 10.5), rng.uniform(1.2, 2.2), rng.uniform(1.6, 2.8), lips,
                glasses, FRAME[rng.nextInt(FRAME.length)], beard, rng.uniform(0.85, 1.15),
                bg1, bg2, rng.uniform(0, 2 * StrictMath.PI), clothes,
                rng.uniform(-2.2, 2.2), rng.uniform(0.25, 0.6));
    }

    private static int pick(Rng rng, double[] weights) {
        double u = rng.nextDouble();
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
