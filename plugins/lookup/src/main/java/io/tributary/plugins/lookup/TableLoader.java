package io.tributary.plugins.lookup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a CSV file or the inline config into a {@link Table}. */
final class TableLoader {

  private TableLoader() {}

  /**
   * Parses a CSV file's {@code bytes}: the first record is the header, whose names are trimmed;
   * the key column is {@code keyColumn} (the first column when null).
   *
   * @throws IllegalArgumentException naming the file and line, or the config key, at fault, but
   *     nothing the file holds
   */
  static Table fromCsv(byte[] bytes, String source, Table.Settings s) {
    List<Csv.Record> records = Csv.read(bytes, source);
    if (records.isEmpty()) {
      throw new IllegalArgumentException(source + ": the file is empty (it needs a header row)");
    }
    List<String> header = new ArrayList<>();
    for (String name : records.get(0).fields()) {
      header.add(name.trim());
    }
    Table.checkHeader(source, header, true);
    int keyIndex = 0;
    if (s.keyColumn() != null) {
      keyIndex = header.indexOf(s.keyColumn());
      if (keyIndex < 0) {
        throw new IllegalArgumentException("config 'keyColumn': '" + s.keyColumn()
            + "' is not a column of " + source + " (its header has " + header.size()
            + (header.size() == 1 ? " column)" : " columns)"));
      }
    }
    if (header.size() < 2) {
      throw new IllegalArgumentException(source + " line 1: the header names only the key column; "
          + "a lookup table needs at least one value column");
    }
    List<Table.RawRow> rows = new ArrayList<>(records.size());
    for (int r = 1; r < records.size(); r++) {
      Csv.Record record = records.get(r);
      String where = source + " line " + record.line();
      if (record.fields().size() != header.size()) {
        throw new IllegalArgumentException(where + ": " + record.fields().size()
            + (record.fields().size() == 1 ? " field" : " fields") + ", but the header has " + header.size());
      }
      rows.add(new Table.RawRow(where, record.fields()));
    }
    return Table.build(s, source, header, keyIndex, rows, true);
  }

  /**
   * Builds a table from {@code inline}: key → {@code column=value;column=value}. Inside a value,
   * {@code \;}, {@code \=} and {@code \\} stand for themselves.
   */
  static Table fromInline(Map<String, String> inline, Table.Settings s) {
    Map<String, Map<String, String>> parsed = new LinkedHashMap<>();
    List<String> header = new ArrayList<>();
    header.add(""); // the key column, which has no name in the inline form
    for (Map.Entry<String, String> e : inline.entrySet()) {
      String where = "config 'inline' entry '" + e.getKey() + "'";
      Map<String, String> cells = parseCells(e.getValue(), where);
      for (String column : cells.keySet()) {
        if (!header.contains(column)) {
          header.add(column);
        }
      }
      parsed.put(e.getKey(), cells);
    }
    if (header.size() < 2) {
      throw new IllegalArgumentException("config 'inline': no entry has a column=value pair");
    }
    List<Table.RawRow> rows = new ArrayList<>();
    parsed.forEach((key, cells) -> {
      List<String> aligned = new ArrayList<>(header.size());
      aligned.add(key);
      for (int j = 1; j < header.size(); j++) {
        aligned.add(cells.getOrDefault(header.get(j), ""));
      }
      rows.add(new Table.RawRow("config 'inline' entry '" + key + "'", aligned));
    });
    return Table.build(s, "config 'inline'", header, 0, rows, false);
  }

  static Map<String, String> parseCells(String text, String where) {
    Map<String, String> cells = new LinkedHashMap<>();
    StringBuilder part = new StringBuilder();
    String column = null;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : ';';
      if (c == '\\' && i + 1 < text.length()) {
        part.append(text.charAt(++i));
      } else if (c == '=' && column == null) {
        column = part.toString().trim();
        part.setLength(0);
        if (column.isEmpty()) {
          throw new IllegalArgumentException(where + ": a '=' without a column name before it");
        }
      } else if (c == ';') {
        if (column == null) {
          if (!part.toString().isBlank()) {
            throw new IllegalArgumentException(where + ": '" + part.toString().trim()
                + "' is not column=value (pairs are separated by ';')");
          }
        } else if (cells.put(column, part.toString().trim()) != null) {
          throw new IllegalArgumentException(where + ": column '" + column + "' is given twice");
        }
        column = null;
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    return cells;
  }
}
