package dev.paffmem.evaluation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A small CSV reader (RFC 4180 quotes, one record per line) and number formatting for the writers. */
final class CsvLines {

  private CsvLines() {}

  /** A parsed file: the header's column positions and the records, each with its raw line. */
  record Table(Path file, List<String> header, Map<String, Integer> columns, List<List<String>> rows, List<String> lines) {

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

  static Table read(Path file) throws IOException {
    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (all.isEmpty()) {
      throw new IOException(file + " is empty");
    }
    String first = all.get(0);
    if (!first.isEmpty() && first.charAt(0) == '\uFEFF') {
      first = first.substring(1);
    }
    List<String> header = split(first).stream().map(String::trim).toList();
    Map<String, Integer> columns = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      columns.putIfAbsent(header.get(i), i);
    }
    List<List<String>> rows = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (String line : all.subList(1, all.size())) {
      if (line.isBlank()) {
        continue;
      }
      rows.add(split(line));
      lines.add(line);
    }
    return new Table(file, header, columns, rows, lines);
  }

  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    out.add(cell.toString());
    return out;
  }

  /** Quotes a cell when it needs it. */
  static String cell(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /** A number with {@code digits} decimals, '.' as separator; NaN as the empty string. */
  static String number(double v, int digits) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + digits + "f", v);
  }
}
