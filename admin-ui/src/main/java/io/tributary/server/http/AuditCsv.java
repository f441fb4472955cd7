package io.tributary.server.http;

import io.tributary.catalog.AuditEvent;
import java.util.List;

/**
 * Audit events as CSV (RFC 4180: every cell quoted, quotes doubled, CRLF line ends) that a
 * spreadsheet opens as data, never as formulas.
 *
 * <p>A cell that starts with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage
 * return is read by Excel, LibreOffice and Google Sheets as a formula (CSV injection: an actor
 * name or reason such as {@code =HYPERLINK(...)} would run when the file is opened). As OWASP
 * recommends, such a cell is prefixed with a single quote, which the spreadsheet shows as text.
 */
final class AuditCsv {

  static final List<String> COLUMNS =
      List.of("id", "at", "actor", "action", "target", "reason", "before", "after", "hash");

  private AuditCsv() {}

  static String write(List<AuditEvent> events) {
    StringBuilder out = new StringBuilder();
    row(out, COLUMNS);
    for (AuditEvent e : events) {
      row(out, java.util.Arrays.asList(String.valueOf(e.id()), e.at().toString(), e.actor(), e.action(), e.target(),
          e.reason(), e.before(), e.after(), e.hash()));
    }
    return out.toString();
  }

  private static void row(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append('"').append(neutralise(cells.get(i)).replace("\"", "\"\"")).append('"');
    }
    out.append("\r\n");
  }

  /** The cell as a spreadsheet will show it as text: formula-like starts get a leading {@code '}. */
  static String neutralise(String cell) {
    if (cell == null || cell.isEmpty()) {
      return "";
    }
    switch (cell.charAt(0)) {
      case '=': case '+': case '-': case '@': case '\t': case '\r':
        return "'" + cell;
      default:
        return cell;
    }
  }
}
