package dev.paffmem.faces.datasets;

import java.util.Locale;

/** Number formatting for the CSV files: locale-independent, fixed decimals. */
final class Csv {
    private Csv() {
    }

    static String f(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** AffectNet's facial_landmarks cell: x1;y1;x2;y2;... with two decimals. */
    static String landmarks(double[][] points) {
        StringBuilder sb = new StringBuilder(68 * 12);
        for (double[] p : points) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(f(p[0], 2)).append(';').append(f(p[1], 2));
        }
        return sb.toString();
    }
}
