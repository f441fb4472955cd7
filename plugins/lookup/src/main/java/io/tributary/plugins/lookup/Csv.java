package io.tributary.plugins.lookup;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 4180 reader: comma-separated fields, records ending in CRLF or LF, fields
 * optionally in double quotes, which may then hold commas, line breaks and doubled quotes
 * ({@code ""}). Empty lines are skipped; a UTF-8 byte-order mark is ignored. Every problem throws
 * {@link IllegalArgumentException} naming the source and the line.
 */
final class Csv {

  /** One record and the line it starts on (from 1). */
  record Record(int line, List<String> fields) {}

  private Csv() {}

  /**
   * Parses a UTF-8 CSV file's bytes; {@code source} names it in messages, which give lines, never
   * the file's content.
   */
  static List<Record> read(byte[] bytes, String source) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(source + ": not UTF-8 text");
    }
    return parse(text, source);
  }

  static List<Record> parse(String text, String source) {
    List<Record> records = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int line = 1;
    int recordLine = 1;
    int quoteLine = 0;
    boolean inQuotes = false;
    boolean quoted = false; // the current field was quoted
    int i = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? 1 : 0;
    int n = text.length();
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (inQuotes) {
        if (c == '"') {
          if (i + 1 < n && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            inQuotes = false;
          }
        } else {
          if (c == '\n' || (c == '\r' && (i + 1 >= n || text.charAt(i + 1) != '\n'))) {
            line++;
          }
          field.append(c);
        }
        continue;
      }
      switch (c) {
        case ',':
          fields.add(field.toString());
          field.setLength(0);
          quoted = false;
          break;
        case '\r':
        case '\n':
          if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
            i++;
          }
          fields.add(field.toString());
          if (!(fields.size() == 1 && fields.get(0).isEmpty() && !quoted)) {
            records.add(new Record(recordLine, List.copyOf(fields)));
          }
          fields.clear();
          field.setLength(0);
          quoted = false;
          line++;
          recordLine = line;
          break;
        case '"':
          // A quote right after a closing quote never gets here: the two read as an escaped "".
          if (field.length() > 0 || quoted) {
            throw new IllegalArgumentException(source + " line " + line
                + ": a quote inside an unquoted field (quote the whole field and write the quote as \"\")");
          }
          inQuotes = true;
          quoted = true;
          quoteLine = line;
          break;
        default:
          if (quoted) {
            throw new IllegalArgumentException(source + " line " + line + ": unexpected character"
                + " after a closing quote (a quoted field must end at a comma or the end of the line)");
          }
          field.append(c);
      }
    }
    if (inQuotes) {
      throw new IllegalArgumentException(
          source + " line " + quoteLine + ": a quoted field is not closed before the end of the file");
    }
    if (field.length() > 0 || quoted || !fields.isEmpty()) {
      fields.add(field.toString());
      records.add(new Record(recordLine, List.copyOf(fields)));
    }
    return records;
  }
}
