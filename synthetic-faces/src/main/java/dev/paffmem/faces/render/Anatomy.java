package dev.paffmem.faces.render;

/**
 * Identity-level facial anatomy that <em>looks like</em> expression and is present at every emotion: anatomically
 * down- or upturned mouth corners, permanently raised or lowered inner brows, low- or high-set brows, narrow or wide
 * eye apertures, a heavy brow ridge, wrinkles and folds, tinted lenses. Real individual differences of this kind make
 * a general model read a neutral face as sad, angry, tired or happy (a "resting face").
 *
 * <p>Unlike {@link ExpresserKind#RESTING_OFFSET}, which shifts the expression <em>drives</em> (every frame is then a
 * typical face at another emotion, pixel for pixel), anatomy is rendered in geometry and appearance only: it moves
 * one feature (the corners, the inner brow ends, the lids) or adds a texture (lines, shading), while every other
 * expression cue follows the true emotion, and it stays the same whatever the emotion. A generator that carries the
 * person's appearance into its edits shows the memory how this face looks at each emotion.
 *
 * <p>Lengths are canonical pixels of the 96x96 frame; opacities are in [0, 1].
 *
 * @param cornerTiltPx  mouth-corner height at rest, + = upturned (reads as a smile), - = downturned (reads as sad)
 * @param innerBrowPx   inner brow ends at rest, + = raised (worried, sad look), - = lowered (stern, angry look)
 * @param browLevelPx   the whole brow, + = high-set (surprised look), - = low-set (tired, stern look)
 * @param eyeAperture   factor on the upper-lid opening: below 1 narrow (reads as low arousal), above 1 wide (high)
 * @param browRidge     opacity of the shadow a heavy brow ridge casts on the upper lids (reads as a frown)
 * @param foreheadLines opacity of horizontal forehead lines (read as raised brows)
 * @param frownLines    opacity of vertical lines between the brows (read as anger)
 * @param crowsFeet     opacity of lines fanning from the outer eye corners (read as a smile)
 * @param foldDepth     extra opacity of the nasolabial folds (read as a smile)
 * @param lensTint      darkness of tinted lenses over the eyes, 0 = none (an occluder of the eye cues)
 */
public record Anatomy(
        double cornerTiltPx,
        double innerBrowPx,
        double browLevelPx,
        double eyeAperture,
        double browRidge,
        double foreheadLines,
        double frownLines,
        double crowsFeet,
        double foldDepth,
        double lensTint) {

    /** The reference anatomy: nothing added. Renders are identical to the renderer without anatomy. */
    public static final Anatomy NONE = new Anatomy(0, 0, 0, 1, 0, 0, 0, 0, 0, 0);

    /** Half-ranges of the wide (evaluation) spread; a population's spread scales them. */
    static final double CORNER_MAX = 3.4;
    static final double INNER_BROW_MAX = 2.6;
    static final double BROW_LEVEL_MAX = 2.6;
    static final double APERTURE_MAX = 0.42;
    static final double RIDGE_MAX = 0.6;
    static final double LINES_MAX = 0.7;
    static final double FOLD_MAX = 0.45;
    static final double TINT_MAX = 0.7;

    /**
     * The traits a confounded person can be dominated by: the first four look like a valence cue, the last three
     * like an arousal cue.
     */
    public enum Trait {
        CORNERS, INNER_BROWS, BROW_RIDGE, LINES, BROW_LEVEL, EYE_APERTURE, TINTED_LENSES;

        static final Trait[] VALENCE_LIKE = {CORNERS, INNER_BROWS, BROW_RIDGE, LINES};
        static final Trait[] AROUSAL_LIKE = {BROW_LEVEL, EYE_APERTURE, TINTED_LENSES};
    }

    /**
     * Anatomy drawn independently per trait, uniform within {@code spread} times the wide ranges
     * (spread 1 = the evaluation persons' full range; the PK's training persons use a narrower one).
     */
    public static Anatomy random(Rng rng, double spread) {
        if (spread < 0 || spread > 1) {
            throw new IllegalArgumentException("anatomy spread must be in [0, 1]: " + spread);
        }
        double s = spread;
        return new Anatomy(
                rng.uniform(-1, 1) * CORNER_MAX * s,
                rng.uniform(-1, 1) * INNER_BROW_MAX * s,
                rng.uniform(-1, 1) * BROW_LEVEL_MAX * s,
                1 + rng.uniform(-1, 1) * APERTURE_MAX * s,
                rng.uniform(0, 1) * RIDGE_MAX * s,
                rng.uniform(0, 1) * LINES_MAX * s,
                rng.uniform(0, 1) * LINES_MAX * s,
                rng.uniform(0, 1) * LINES_MAX * s,
                rng.uniform(0, 1) * FOLD_MAX * s,
                0);
    }

    /**
     * A person with an identity-level confound: every trait drawn within {@code baseSpread}, then two dominant
     * traits, one that looks like a valence cue and one that looks like an arousal cue ({@link Trait}), each set to
     * 80-130 % of the wide range with a random sign (where the trait has one): beyond anything the narrow spread of
     * ordinary persons shows, so a general model has never seen such a face at rest.
     */
    public static Anatomy confounded(Rng rng, double baseSpread) {
        Anatomy a = random(rng, baseSpread);
        a = a.withDominant(Trait.VALENCE_LIKE[rng.nextInt(Trait.VALENCE_LIKE.length)], rng);
        return a.withDominant(Trait.AROUSAL_LIKE[rng.nextInt(Trait.AROUSAL_LIKE.length)], rng);
    }

    private Anatomy withDominant(Trait t, Rng rng) {
        double m = rng.uniform(0.8, 1.3);
        double sign = rng.chance(0.5) ? 1 : -1;
        return switch (t) {
            case CORNERS -> new Anatomy(sign * m * CORNER_MAX, innerBrowPx, browLevelPx, eyeAperture, browRidge,
                    foreheadLines, frownLines, crowsFeet, foldDepth, lensTint);
            case INNER_BROWS -> new Anatomy(cornerTiltPx, sign * m * INNER_BROW_MAX, browLevelPx, eyeAperture, browRidge,
                    foreheadLines, frownLines, crowsFeet, foldDepth, lensTint);
            case BROW_LEVEL -> new Anatomy(cornerTiltPx, innerBrowPx, sign * m * BROW_LEVEL_MAX, eyeAperture, browRidge,
                    foreheadLines, frownLines, crowsFeet, foldDepth, lensTint);
            case EYE_APERTURE -> new Anatomy(cornerTiltPx, innerBrowPx, browLevelPx, 1 + sign * m * APERTURE_MAX,
                    browRidge, foreheadLines, frownLines, crowsFeet, foldDepth, lensTint);
            case BROW_RIDGE -> new Anatomy(cornerTiltPx, innerBrowPx, browLevelPx, eyeAperture, m * RIDGE_MAX,
                    foreheadLines, m * LINES_MAX * 0.6, crowsFeet, foldDepth, lensTint);
            case LINES -> sign > 0
                    // the smiling kind of lines: crow's feet and deep folds
                    ? new Anatomy(cornerTiltPx, innerBrowPx, browLevelPx, eyeAperture, browRidge, foreheadLines,
                            frownLines, m * LINES_MAX, m * FOLD_MAX, lensTint)
                    // the worried/angry kind: forehead and frown lines
                    : new Anatomy(cornerTiltPx, innerBrowPx, browLevelPx, eyeAperture, browRidge, m * LINES_MAX,
                            m * LINES_MAX, crowsFeet, foldDepth, lensTint);
            case TINTED_LENSES -> new Anatomy(cornerTiltPx, innerBrowPx, browLevelPx, eyeAperture, browRidge,
                    foreheadLines, frownLines, crowsFeet, foldDepth, m * TINT_MAX);
        };
    }

    /** Short description of the strongest traits, for persons.csv and reports, e.g. "corners-2.9;brow_ridge0.5". */
    public String describe() {
        StringBuilder b = new StringBuilder();
        append(b, "corners", cornerTiltPx, CORNER_MAX);
        append(b, "inner_brows", innerBrowPx, INNER_BROW_MAX);
        append(b, "brow_level", browLevelPx, BROW_LEVEL_MAX);
        append(b, "eye_aperture", eyeAperture - 1, APERTURE_MAX);
        append(b, "brow_ridge", browRidge, RIDGE_MAX);
        append(b, "forehead_lines", foreheadLines, LINES_MAX);
        append(b, "frown_lines", frownLines, LINES_MAX);
        append(b, "crows_feet", crowsFeet, LINES_MAX);
        append(b, "folds", foldDepth, FOLD_MAX);
        append(b, "tinted_lenses", lensTint, TINT_MAX);
        return b.length() == 0 ? "none" : b.toString();
    }

    private static void append(StringBuilder b, String name, double value, double max) {
        if (Math.abs(value) >= 0.5 * max) {
            if (b.length() > 0) {
                b.append(';');
            }
            b.append(name).append(String.format(java.util.Locale.ROOT, "%+.2f", value));
        }
    }
}
