package dev.paffmem.faces.datasets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.util.List;
import java.util.Locale;

/** The CSV files' rows (Jackson's CSV module: a cell is quoted when it needs it) and number formatting. */
final class Csv {
    // strict check: a cell is quoted only when it must be (a separator, quote or line break in it)
    private static final ObjectWriter ROW = new CsvMapper().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).writerFor(List.class)
            .with(CsvSchema.emptySchema().withLineSeparator(""));

    private Csv() {
    }

    /** One CSV line of these cells, without the line break. */
    static String row(List<String> cells) {
        try {
            return ROW.writeValueAsString(cells);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("CSV row " + cells, e);
        }
    }

    /** {@link #row(List)} of these cells. */
    static String row(String... cells) {
        return row(List.of(cells));
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
