package dev.paffmem.faces.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.paffmem.faces.persons.Person;
import dev.paffmem.faces.persons.Population;
import dev.paffmem.faces.persons.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * For typical persons the face moves with emotion in the documented direction, measured on the
 * geometry model and on the pixels; atypical persons depart from it in their documented way.
 */
class ExpressionTest {
    private static final double[] STEPS = {-1, -0.5, 0, 0.5, 1};
    private final FaceRenderer renderer = new FaceRenderer();

    static List<Person> typicalPersons(int n) {
        Population pop = new Population(Population.DEFAULT_SEED, Split.TRAIN, 0.0);
        List<Person> out = new ArrayList<>();
        for (int i = 0; out.size() < n; i++) {
            Person p = pop.person(i);
            // a beard or glasses would sit inside the pixel windows measured below
            if (p.identity().beard() == Identity.Beard.NONE && p.identity().glasses() == Identity.Glasses.NONE) {
                out.add(p);
            }
        }
        return out;
    }

    static Person personOfKind(ExpresserKind kind, int nth) {
        Population pop = new Population(Population.DEFAULT_SEED, Split.EVAL, 0.5);
        int seen = 0;
        for (int i = 0; ; i++) {
            if (pop.kindOf(i) == kind && seen++ == nth) {
                return pop.person(i);
            }
        }
    }

    private FaceGeometry geometry(Person p, double a, double v) {
        return new FaceGeometry(p.identity(), p.style().express(a, v), 0, 0);
    }

    private static double lift(Person p, double a, double v) {
        double[] c = p.style().express(a, v).cornerLift();
        return (c[0] + c[1]) / 2;
    }

    private static double corner(FaceGeometry g) {
        return (g.cornerHeightAboveCentre(0) + g.cornerHeightAboveCentre(1)) / 2;
    }

    private static double eye(FaceGeometry g) {
        return (g.eyeOpening(0) + g.eyeOpening(1)) / 2;
    }

    private static void assertIncreasing(double[] values, String what) {
        for (int i = 1; i < values.length; i++) {
            assertTrue(values[i] > values[i - 1], what + " not increasing: " + Arrays.toString(values));
        }
    }

    private static void assertDecreasing(double[] values, String what) {
        for (int i = 1; i < values.length; i++) {
            assertTrue(values[i] < values[i - 1], what + " not decreasing: " + Arrays.toString(values));
        }
    }

    private static void assertNonDecreasingAndRising(double[] values, double minRise, String what) {
        for (int i = 1; i < values.length; i++) {
            assertTrue(values[i] >= values[i - 1], what + " decreases: " + Arrays.toString(values));
        }
        assertTrue(values[values.length - 1] - values[0] >= minRise, what + " rises too little: " + Arrays.toString(values));
    }

    // ---- geometry model ---------------------------------------------------------------------

    @Test
    void typicalMouthCornersRiseWithValence() {
        for (Person p : typicalPersons(20)) {
            for (double a : new double[] {-0.8, 0, 0.8}) {
                double[] c = Arrays.stream(STEPS).map(v -> corner(geometry(p, a, v))).toArray();
                assertIncreasing(c, p.id() + " corner height at arousal " + a);
                assertTrue(c[4] - c[0] > 5, p.id() + " corner range " + Arrays.toString(c));
            }
        }
    }

    @Test
    void typicalEyesBrowsAndMouthOpenWithArousal() {
        for (Person p : typicalPersons(20)) {
            for (double v : new double[] {-0.8, 0, 0.8}) {
                assertIncreasing(Arrays.stream(STEPS).map(a -> eye(geometry(p, a, v))).toArray(), p.id() + " eye opening");
                if (v >= 0) {
                    assertIncreasing(Arrays.stream(STEPS).map(a -> geometry(p, a, v).browHeight()).toArray(), p.id() + " brows");
                } else {
                    // at negative valence arousal turns sad brows (inner ends up) into angry ones (inner ends down)
                    assertDecreasing(Arrays.stream(STEPS).map(a -> p.style().express(a, v).browTilt()).toArray(),
                            p.id() + " brow tilt");
                }
                double[] open = Arrays.stream(STEPS).map(a -> geometry(p, a, v).mouthOpenPx).toArray();
                assertNonDecreasingAndRising(open, 4, p.id() + " mouth opening");
            }
        }
    }

    /** Horizontal gap between the inner brow ends, pixels. */
    private static double innerBrowGap(FaceGeometry g) {
        return g.browInner[1][0] - g.browInner[0][0];
    }

    @Test
    void typicalBrowsKnitWithUnpleasantnessAtEveryArousal() {
        for (Person p : typicalPersons(20)) {
            for (double a : new double[] {-0.8, 0, 0.8}) {
                // from -1 to 0 the inner brow ends part as unpleasantness fades, at low, middle and high arousal
                double[] gap = Arrays.stream(new double[] {-1, -0.5, 0}).map(v -> innerBrowGap(geometry(p, a, v))).toArray();
                assertIncreasing(gap, p.id() + " inner brow gap at arousal " + a);
                assertTrue(gap[2] - gap[0] > 2.5, p.id() + " knit range " + Arrays.toString(gap));
                // pleasant faces do not knit
                assertEquals(0, p.style().express(a, 0.5).browKnit(), 1e-12, p.id() + " knit at valence 0.5");
            }
        }
    }

    // ---- pixels -------------------------------------------------------------------------------

    private static double lum(byte[] rgb, int x, int y) {
        int i = (y * 96 + x) * 3;
        return 0.299 * (rgb[i] & 0xFF) + 0.587 * (rgb[i + 1] & 0xFF) + 0.114 * (rgb[i + 2] & 0xFF);
    }

    /**
     * Mouth opening in pixels: pixels of the mouth window (below the nostrils) whose luminance differs
     * by more than 25 from the same person's closed-mouth face (cavity and teeth both count).
     */
    static int mouthChangedPixels(byte[] rgb, byte[] closed, FaceGeometry g) {
        int count = 0;
        for (int y = (int) (g.mouthY - 4); y <= (int) (g.mouthY + 12); y++) {
            for (int x = (int) (g.cx - g.id.mouthHalfWidth() * 1.2); x <= (int) (g.cx + g.id.mouthHalfWidth() * 1.2); x++) {
                if (Math.abs(lum(rgb, x, y) - lum(closed, x, y)) > 25) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Sclera pixels (bright, unsaturated) in both eye windows. */
    static int whiteOfEyes(byte[] rgb, FaceGeometry g) {
        int count = 0;
        for (int s = 0; s < 2; s++) {
            for (int y = (int) (g.eyeY - g.eyeW); y <= (int) (g.eyeY + g.eyeW); y++) {
                for (int x = (int) (g.eyeX[s] - g.eyeW); x <= (int) (g.eyeX[s] + g.eyeW); x++) {
                    int i = (y * 96 + x) * 3;
                    int r = rgb[i] & 0xFF;
                    int gg = rgb[i + 1] & 0xFF;
                    int b = rgb[i + 2] & 0xFF;
                    int min = Math.min(r, Math.min(gg, b));
                    int max = Math.max(r, Math.max(gg, b));
                    if (min > 200 && max - min < 20) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    /** Lip line: row of the most line-like dark pixel per column; centre row minus mean corner row (+ = corners up). */
    static double lipLineCornerLift(byte[] rgb, FaceGeometry g) {
        double w = g.id.mouthHalfWidth();
        double centre = darkestRow(rgb, (int) g.cx, g);
        double left = darkestRow(rgb, (int) StrictMath.round(g.cx - 0.75 * w), g);
        double right = darkestRow(rgb, (int) StrictMath.round(g.cx + 0.75 * w), g);
        return centre - (left + right) / 2;
    }

    /** Row where the column is darkest relative to the pixels 2 rows above and below (a thin dark line). */
    private static double darkestRow(byte[] rgb, int x, FaceGeometry g) {
        int best = -1;
        double bestContrast = Double.MAX_VALUE;
        for (int y = (int) g.mouthY - 7; y <= (int) g.mouthY + 7; y++) {
            double contrast = lum(rgb, x, y) - (lum(rgb, x, y - 2) + lum(rgb, x, y + 2)) / 2;
            if (contrast < bestContrast) {
                bestContrast = contrast;
                best = y;
            }
        }
        return best;
    }

    private byte[] pixels(Person p, double a, double v) {
        return renderer.render(p.identity(), p.style(), a, v, Nuisance.NONE).rgb();
    }

    /**
     * Ten typical persons with light to medium skin: the simple pixel windows below need a dark line (lip line,
     * furrow) to stand out from the skin around it.
     */
    private static List<Person> lightSkinnedTypicalPersons() {
        List<Person> persons = typicalPersons(40).stream().filter(p -> {
            Rgb s = p.identity().skin();
            return 0.299 * s.r() + 0.587 * s.g() + 0.114 * s.b() > 110;
        }).limit(10).toList();
        assertTrue(persons.size() >= 8);
        return persons;
    }

    @Test
    void typicalPixelsFollowTheGeometry() {
        for (Person p : lightSkinnedTypicalPersons()) {
            FaceGeometry g0 = geometry(p, 0, 0);
            double[] lift = Arrays.stream(STEPS).map(v -> lipLineCornerLift(pixels(p, -1, v), g0)).toArray();
            assertNonDecreasingAndRising(lift, 4, p.id() + " lip-line corner lift (pixels) vs valence");
            byte[] closed = pixels(p, -1, 0);
            double[] open = Arrays.stream(STEPS).map(a -> mouthChangedPixels(pixels(p, a, 0), closed, g0)).toArray();
            assertNonDecreasingAndRising(open, 30, p.id() + " open-mouth pixels vs arousal");
            double[] white = Arrays.stream(STEPS).map(a -> whiteOfEyes(pixels(p, a, 0), g0)).toArray();
            assertNonDecreasingAndRising(white, 6, p.id() + " white-of-eye pixels vs arousal");
        }
    }

    /** Mean luminance of the skin between the inner brow ends, where a knit's vertical furrows are. */
    private static double glabella(byte[] rgb, FaceGeometry g) {
        double sum = 0;
        int n = 0;
        int top = (int) Math.min(g.browInner[0][1], g.browInner[1][1]) - 3;
        for (int y = top; y <= top + 5; y++) {
            for (int x = (int) g.cx - 3; x <= (int) g.cx + 3; x++) {
                sum += lum(rgb, x, y);
                n++;
            }
        }
        return sum / n;
    }

    @Test
    void aKnitDarkensTheSkinBetweenTheBrowsAtNeutralArousal() {
        // furrows darker than the skin around them
        for (Person p : lightSkinnedTypicalPersons()) {
            FaceGeometry g0 = geometry(p, 0, 0);
            double unpleasant = glabella(pixels(p, 0, -1), g0);
            double pleasant = glabella(pixels(p, 0, 0.5), g0);
            assertTrue(unpleasant < pleasant - 2, p.id() + " glabella luminance " + unpleasant + " vs " + pleasant);
        }
    }

    // ---- atypical kinds -------------------------------------------------------------------

    @Test
    void invertedValenceMovesTheMouthTheWrongWay() {
        for (int k = 0; k < 3; k++) {
            Person p = personOfKind(ExpresserKind.INVERTED_VALENCE, k);
            assertDecreasing(Arrays.stream(STEPS).map(v -> corner(geometry(p, 0, v))).toArray(), p.id() + " corner");
            // arousal cues stay typical
            assertIncreasing(Arrays.stream(STEPS).map(a -> eye(geometry(p, a, 0))).toArray(), p.id() + " eye");
        }
    }

    @Test
    void swappedAxesShowArousalOnTheMouthCornersAndValenceInTheEyes() {
        for (int k = 0; k < 3; k++) {
            Person p = personOfKind(ExpresserKind.SWAPPED_AXES, k);
            assertIncreasing(Arrays.stream(STEPS).map(a -> lift(p, a, 0)).toArray(), p.id() + " corner lift vs arousal");
            assertIncreasing(Arrays.stream(STEPS).map(v -> eye(geometry(p, 0, v))).toArray(), p.id() + " eye vs valence");
            double[] flat = Arrays.stream(STEPS).map(v -> lift(p, 0.3, v)).toArray();
            assertEquals(flat[0], flat[4], 1e-9, p.id() + " corner lift ignores valence");
        }
    }

    @Test
    void restingOffsetShowsATypicalExpressionAtRest() {
        for (int k = 0; k < 3; k++) {
            Person p = personOfKind(ExpresserKind.RESTING_OFFSET, k);
            ExpressionStyle s = p.style();
            double radius = StrictMath.hypot(s.restArousal(), s.restValence());
            assertTrue(radius >= 0.5 && radius <= 0.7, "offset " + radius);
            Expression atRest = s.express(0, 0);
            Expression typical = Expression.of(s.restArousal(), s.restArousal(), s.restArousal(), s.restValence(),
                    s.restValence(), s.asymmetry());
            assertArrayEquals(typical.cornerLift(), atRest.cornerLift());
            assertArrayEquals(typical.eyeOpen(), atRest.eyeOpen());
            assertEquals(typical.mouthOpen(), atRest.mouthOpen(), 1e-12);
            // and the dynamics around the offset are typical
            assertIncreasing(Arrays.stream(STEPS).map(v -> corner(geometry(p, 0, v * 0.3))).toArray(), p.id() + " corner");
        }
    }

    private static void assertArrayEquals(double[] a, double[] b) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, 1e-12);
    }

    @Test
    void oddArousalCarrierSquintsAndOpensTheMouth() {
        for (int k = 0; k < 3; k++) {
            Person p = personOfKind(ExpresserKind.ODD_AROUSAL_CARRIER, k);
            assertDecreasing(Arrays.stream(STEPS).map(a -> eye(geometry(p, a, 0))).toArray(), p.id() + " eye vs arousal");
            double[] brows = Arrays.stream(STEPS).map(a -> geometry(p, a, 0).browHeight()).toArray();
            assertEquals(brows[0], brows[4], 1e-9, p.id() + " brows still");
            double[] open = Arrays.stream(STEPS).map(a -> geometry(p, a, 0).mouthOpenPx).toArray();
            assertNonDecreasingAndRising(open, 8, p.id() + " mouth opening");
        }
    }

    @Test
    void mutedMovesAtMostFortyPercentOfTypical() {
        Person ref = typicalPersons(1).get(0);
        double typicalRange = corner(geometry(ref, 0, 1)) - corner(geometry(ref, 0, -1));
        for (int k = 0; k < 3; k++) {
            Person p = personOfKind(ExpresserKind.MUTED, k);
            double range = corner(geometry(p, 0, 1)) - corner(geometry(p, 0, -1));
            assertTrue(range > 0 && range < 0.4 * 1.2 / 0.8 * typicalRange, p.id() + " muted range " + range);
            assertIncreasing(Arrays.stream(STEPS).map(v -> corner(geometry(p, 0, v))).toArray(), p.id() + " corner");
        }
    }
}
