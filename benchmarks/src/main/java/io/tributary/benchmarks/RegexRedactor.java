package io.tributary.benchmarks;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The baseline for {@link PiiRedactionBenchmark}: the pii-redaction processor's default rules (mask
 * every type, default key names and allow-list, counts) written the obvious way, one precompiled
 * {@link java.util.regex.Pattern} per type applied in turn, with Luhn, issuer and digit-count
 * checks in code where a regex cannot express them. Thread-safe.
 *
 * <p>It produces the same output as the processor on the benchmark's data (the test checks that);
 * on contrived input where two findings overlap, the order of passes can differ from the
 * processor's left-to-right scan.
 */
final class RegexRedactor {

  private static final String NOT_BEFORE_NUMBER = "(?<![A-Za-z0-9_\\-./\\\\#+,])";
  private static final String NUMBER_END = "(?![A-Za-z0-9_@])(?![.\\-/:,][A-Za-z0-9_])";

  private static final Pattern KEY_NAME = Pattern.compile(
      "(?:^|[^A-Za-z0-9]|(?<=[a-z0-9])(?=[A-Z]))(?i:password|passwd|secret|authorization|cookie"
          + "|set[^A-Za-z0-9]cookie|api[^A-Za-z0-9]key|apikey|token|private[^A-Za-z0-9]key"
          + "|credit[^A-Za-z0-9]card|card[^A-Za-z0-9]number|cvv|ssn)(?:$|[^A-Za-z0-9]|(?=[A-Z]))");

  private static final Set<String> ALLOW = Set.of(
      "trace_id", "span_id", "parent_span_id", "http.request.method", "http.route", "url.scheme");

  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final String IPV4 = OCTET + "(?:\\." + OCTET + "){3}";
  private static final String H = "[0-9A-Fa-f]{1,4}";

  private enum Rule {
    API_KEY("api_key", "(?<![A-Za-z0-9_-])(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9_-]{10,}"
        + "|A[KS]IA[A-Z0-9]{16}(?![A-Za-z0-9_])|gh[pousr]_[A-Za-z0-9_-]{20,}"
        + "|github_pat_[A-Za-z0-9_-]{20,}|xox[bp]-[A-Za-z0-9_-]{10,}|glpat-[A-Za-z0-9_-]{20,})"),
    JWT("jwt", "(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{7,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*"
        + "(?:\\.[A-Za-z0-9_-]+){0,2}"),
    BEARER("bearer", "(?<![A-Za-z0-9_])(?i:bearer) {1,9}([A-Za-z0-9_\\-.~+/]+=*)"),
    EMAIL("email", "(?<![A-Za-z0-9_.%+-])[A-Za-z0-9_.%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+"
        + "[A-Za-z]{2,63}(?![A-Za-z0-9_@-])(?!\\.[A-Za-z0-9])"),
    IPV4_RULE("ipv4", "(?<![A-Za-z0-9_.])" + IPV4 + "(?![A-Za-z0-9_])(?!\\.[0-9])"),
    CARD("card", NOT_BEFORE_NUMBER + "(?:[0-9]{13,19}|[0-9]{3,6}([ -])[0-9]{3,6}(?:\\1[0-9]{3,6}){0,4})"
        + NUMBER_END),
    PHONE("phone", "(?:\\+[0-9]{1,15}(?:[ .-]?(?:\\([0-9]{1,5}\\)|[0-9]{1,15})){0,7}"
        + "|(?<![A-Za-z0-9_\\-./+])\\([0-9]{1,5}\\)(?:[ .-]?[0-9]{1,15}){1,7}"
        + "|" + NOT_BEFORE_NUMBER + "[0-9]{1,4}([ .-])[0-9]{2,4}(?:\\2[0-9]{2,4}){1,3})" + NUMBER_END),
    IPV6("ipv6", "(?<![A-Za-z0-9_:.])(?:(?:" + H + ":){7}" + H
        + "|(?:" + H + ":){1,7}:|(?:" + H + ":){1,6}:" + H + "|(?:" + H + ":){1,5}(?::" + H + "){1,2}"
        + "|(?:" + H + ":){1,4}(?::" + H + "){1,3}|(?:" + H + ":){1,3}(?::" + H + "){1,4}"
        + "|(?:" + H + ":){1,2}(?::" + H + "){1,5}|" + H + ":(?::" + H + "){1,6}|:(?::" + H + "){1,7}"
        + "|::(?:ffff(?::0{1,4})?:)?" + IPV4 + "|(?:" + H + ":){1,4}:" + IPV4 + ")"
        + "(?![A-Za-z0-9_:])(?!\\.[A-Za-z0-9])");

    final String id;
    final Pattern pattern;
    final String marker;

    Rule(String id, String regex) {
      this.id = id;
      this.pattern = Pattern.compile(regex);
      this.marker = "[REDACTED:" + id + "]";
    }
  }

  private static final Rule[] RULES = Rule.values();

  /** Redacts {@code item} in place as the processor would with its default configuration. */
  void redact(Item item) {
    int[] counts = new int[RULES.length + 1];
    Attributes a = item.attributes();
    for (int i = 0; i < a.size(); i++) {
      String key = a.keyAt(i);
      if (ALLOW.contains(key) || key.startsWith("pii.redact")) {
        continue;
      }
      if (KEY_NAME.matcher(key).find()) {
        String s = a.stringAt(i);
        if (s == null || !s.isEmpty()) {
          a.setStringAt(i, "[REDACTED:key_name]");
          counts[RULES.length]++;
        }
        continue;
      }
      String value = a.stringAt(i);
      if (value != null) {
        String redacted = redact(value, counts);
        if (!redacted.equals(value)) {
          a.setStringAt(i, redacted);
        }
      }
    }
    String body = item.body();
    if (body != null) {
      String redacted = redact(body, counts);
      if (!redacted.equals(body)) {
        item.body(redacted);
      }
    }
    long total = 0;
    for (int r = 0; r < RULES.length; r++) {
      if (counts[r] > 0) {
        a.put("pii.redacted." + RULES[r].id, (long) counts[r]);
        total += counts[r];
      }
    }
    if (counts[RULES.length] > 0) {
      a.put("pii.redacted.key_name", (long) counts[RULES.length]);
      total += counts[RULES.length];
    }
    if (total > 0) {
      a.put("pii.redacted.count", total);
    }
  }

  /**
   * The string value the processor would leave under attribute {@code key}: {@code value} itself
   * when nothing matches. For callers that hold attributes in a map (the Kafka Connect chain).
   */
  String redactAttribute(String key, String value, int[] counts) {
    if (ALLOW.contains(key) || key.startsWith("pii.redact")) {
      return value;
    }
    if (KEY_NAME.matcher(key).find()) {
      if (value.isEmpty()) {
        return value;
      }
      counts[RULES.length]++;
      return "[REDACTED:key_name]";
    }
    return redact(value, counts);
  }

  /** The size of the counts array {@link #redact(String, int[])} and friends take. */
  static int countSlots() {
    return RULES.length + 1;
  }

  String redact(String value, int[] counts) {
    String v = value;
    for (int r = 0; r < RULES.length; r++) {
      Rule rule = RULES[r];
      Matcher m = rule.pattern.matcher(v);
      StringBuilder sb = null;
      int pos = 0;
      int from = 0;
      while (from <= v.length() && m.find(from)) {
        int start = rule == Rule.BEARER ? m.start(1) : m.start();
        int end = rule == Rule.BEARER ? m.end(1) : m.end();
        end = rule == Rule.CARD ? cardEnd(v, start, end) : confirm(rule, v, start, end) ? end : -1;
        if (end < 0) {
          from = m.start() + 1; // as the scanner does: try the next start
          continue;
        }
        if (sb == null) {
          sb = new StringBuilder(v.length());
        }
        sb.append(v, pos, start).append(rule.marker);
        pos = end;
        from = end;
        counts[r]++;
      }
      if (sb != null) {
        v = sb.append(v, pos, v.length()).toString();
      }
    }
    return v;
  }

  /**
   * The end of the longest card number among the whole match and its shorter runs of groups that
   * end at a space (13–19 digits, issuer digit 2–6, Luhn), or -1.
   */
  private static int cardEnd(String v, int start, int end) {
    char first = v.charAt(start);
    if (first < '2' || first > '6') {
      return -1;
    }
    int e = end;
    while (e > start) {
      int digits = 0;
      for (int i = start; i < e; i++) {
        digits += Character.isDigit(v.charAt(i)) ? 1 : 0;
      }
      boolean endsWell = e == end || v.charAt(e) == ' ';
      if (endsWell && digits >= 13 && digits <= 19 && luhn(v, start, e)) {
        return e;
      }
      do {
        e--;
      } while (e > start && v.charAt(e) != ' ' && v.charAt(e) != '-');
    }
    return -1;
  }

  private static boolean confirm(Rule rule, String v, int start, int end) {
    switch (rule) {
      case PHONE: {
        int digits = 0;
        for (int i = start; i < end; i++) {
          digits += Character.isDigit(v.charAt(i)) ? 1 : 0;
        }
        char first = v.charAt(start);
        return first == '+' ? digits >= 8 && digits <= 15 : digits >= 10 && digits <= 11;
      }
      case BEARER:
        return end - start >= 8;
      case IPV6: {
        for (int i = start; i < end; i++) {
          if (Character.isDigit(v.charAt(i))) {
            return true;
          }
        }
        return false;
      }
      default:
        return true;
    }
  }

  private static boolean luhn(String s, int from, int to) {
    int sum = 0;
    boolean twice = false;
    for (int k = to - 1; k >= from; k--) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (twice) {
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }
}
