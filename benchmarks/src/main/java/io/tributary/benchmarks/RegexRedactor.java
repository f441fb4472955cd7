package io.tributary.benchmarks;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same PII rules as the pii-redaction processor written the obvious way, with {@code
 * java.util.regex}: one pattern per type, each run over every value. The reference the scanner is
 * measured against.
 */
final class RegexRedactor {

  private static final List<Pattern> PATTERNS = List.of(
      Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"),
      Pattern.compile("(?<![\\w.])(?:\\d[ -]?){12,18}\\d(?![\\w])"),
      Pattern.compile("\\+\\d[\\d ().-]{7,20}\\d|\\(\\d{3}\\) ?\\d{3}-\\d{4}|(?<!\\w)\\d{3}[-. ]\\d{3}[-. ]\\d{4}(?!\\w)"),
      Pattern.compile("(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?![\\w.])"),
      Pattern.compile("(?<![\\w:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?"),
      Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*"),
      Pattern.compile("(?i)bearer +[A-Za-z0-9._~+/=-]{8,}"),
      Pattern.compile("(?:sk_live_|sk_test_|ghp_|gho_|xoxb-|xoxp-|glpat-|AKIA|AIza)[A-Za-z0-9_-]{12,}"));

  void process(Item item) {
    Attributes a = item.attributes();
    for (int i = 0; i < a.size(); i++) {
      String v = a.stringAt(i);
      if (v != null) {
        String r = redact(v);
        if (r != v) {
          a.setStringAt(i, r);
        }
      }
    }
    if (item.body() != null) {
      item.body(redact(item.body()));
    }
  }

  static String redact(String value) {
    String out = value;
    for (int t = 0; t < PATTERNS.size(); t++) {
      Matcher m = PATTERNS.get(t).matcher(out);
      if (m.find()) {
        StringBuilder sb = new StringBuilder();
        do {
          if (t != 1 || luhn(m.group())) {
            m.appendReplacement(sb, "[REDACTED]");
          }
        } while (m.find());
        m.appendTail(sb);
        out = sb.toString();
      }
    }
    return out;
  }

  private static boolean luhn(String s) {
    int sum = 0;
    int n = 0;
    for (int i = s.length() - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if ((n++ & 1) == 1) {
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      }
      sum += d;
    }
    return sum % 10 == 0;
  }
}
