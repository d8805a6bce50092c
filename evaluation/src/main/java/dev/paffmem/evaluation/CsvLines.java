package dev.paffmem.evaluation;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CSV through Jackson's CSV module (RFC 4180: quoted cells, doubled quotes, commas and line breaks inside
 * quotes): a header-keyed reader, a row writer, and the writers' number formatting.
 */
final class CsvLines {

  private static final CsvMapper MAPPER = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
      .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
      .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING); // a cell is quoted only when it must be
  private static final ObjectWriter ROW = MAPPER.writerFor(List.class).with(CsvSchema.emptySchema().withLineSeparator(""));

  private CsvLines() {}

  /** A parsed file: the header's column positions and the records, each as its cells. */
  record Table(Path file, List<String> header, Map<String, Integer> columns, List<List<String>> rows) {

    boolean has(String column) {
      return columns.containsKey(column);
    }

    String get(List<String> row, String column) {
      Integer i = columns.get(column);
      if (i == null) {
        throw new IllegalArgumentException(file + ": no column '" + column + "' (header: " + String.join(",", header) + ")");
      }
      return i < row.size() ? row.get(i) : "";
    }

    double getDouble(List<String> row, String column, int rowNumber) {
      String v = get(row, column).trim();
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + " row " + rowNumber + ": column '" + column + "' is not a number: '" + v + "'");
      }
    }
  }

  /** Reads a CSV file; one whose name ends in {@code .gz} is gunzipped on the way. */
  static Table read(Path file) throws IOException {
    List<List<String>> all = new ArrayList<>();
    try (Reader in = file.getFileName().toString().endsWith(".gz")
            ? new java.io.BufferedReader(new java.io.InputStreamReader(
                new java.util.zip.GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))
            : Files.newBufferedReader(file, StandardCharsets.UTF_8);
        MappingIterator<List<String>> it = MAPPER.readerFor(List.class).with(CsvSchema.emptySchema()).readValues(in)) {
      while (it.hasNext()) {
        List<String> row = it.next();
        if (!(row.size() == 1 && row.get(0).isBlank())) {
          all.add(row);
        }
      }
    }
    if (all.isEmpty()) {
      throw new IOException(file + " is empty");
    }
    List<String> header = new ArrayList<>(all.get(0));
    if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
      header.set(0, header.get(0).substring(1));
    }
    header = header.stream().map(String::trim).toList();
    Map<String, Integer> columns = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      columns.putIfAbsent(header.get(i), i);
    }
    return new Table(file, header, columns, List.copyOf(all.subList(1, all.size())));
  }

  /** One CSV line (no line break) of these cells, each quoted when it needs it. */
  static String row(List<String> cells) {
    try {
      return ROW.writeValueAsString(cells);
    } catch (IOException e) {
      throw new IllegalStateException("CSV row " + cells, e);
    }
  }

  /** {@link #row(List)} of these cells. */
  static String row(String... cells) {
    return row(List.of(cells));
  }

  /** A number with {@code digits} decimals, '.' as separator; NaN as the empty string. */
  static String number(double v, int digits) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + digits + "f", v);
  }
}
