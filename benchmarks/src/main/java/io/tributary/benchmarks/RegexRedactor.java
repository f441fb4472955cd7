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
 * checks in code where a regex cannot express them (Luhn, issuer digits, digit counts, IBAN
 * lengths and mod 97, SSN ranges, Basic credentials that decode to {@code user:password},
 * placeholders after credential words). Thread-safe.
 *
 * <p>Not mirrored: the processor's scanning of JSON text value by value (the benchmark's items
 * hold no JSON) and custom detectors (off by default).
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
          + "|access[^A-Za-z0-9]key|secret[^A-Za-z0-9]key"
          + "|credit[^A-Za-z0-9]card|card[^A-Za-z0-9]number|cvv|ssn)$");

  private static final Set<String> ALLOW = Set.of(
      "trace_id", "span_id", "parent_span_id", "http.request.method", "http.route", "url.scheme");

  private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final String IPV4 = OCTET + "(?:\\." + OCTET + "){3}";
  private static final String H = "[0-9A-Fa-f]{1,4}";

  private enum Rule {
    PRIVATE_KEY("private_key", "-----BEGIN [A-Z0-9 ]{0,42}PRIVATE KEY(?: BLOCK)?-----"
        + "(?:(?s:.*?)-----END [^-]*-----|(?s:.*))"),
    URL_CREDENTIAL("credential", "://[A-Za-z0-9._~%!$&'*+,;=-]*:([A-Za-z0-9._~%!$&'*+,;=:-]+)@(?=[A-Za-z0-9\\[])"),
    API_KEY("api_key", "(?<![A-Za-z0-9_-])(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9_-]{10,}"
        + "|A(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16}(?![A-Za-z0-9_])|gh[pousr]_[A-Za-z0-9_-]{20,}"
        + "|AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])|npm_[A-Za-z0-9_-]{36}(?![A-Za-z0-9_-])"
        + "|github_pat_[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9_-]{10,}|glpat-[A-Za-z0-9_-]{20,})"),
    JWT("jwt", "(?<![A-Za-z0-9_.-])eyJ[A-Za-z0-9_-]{7,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*"
        + "(?:\\.[A-Za-z0-9_-]+){0,2}"),
    BEARER("bearer", "(?<![A-Za-z0-9_])(?i:bearer) {1,9}([A-Za-z0-9_\\-.~+/]+=*)"),
    CREDENTIAL("credential", "(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{0,64}?)(?i:password|passwd|pwd|passphrase"
        + "|secret|token|api[_.-]key|apikey|access[_.-]key|secret[_.-]key|private[_.-]key|sig"
        + "|signature|authorization|credentials?)(?![A-Za-z0-9_.-])\\\\?[\"']?[ ]{0,3}(?:=>?|:=?)[ \t]{0,8}"
        + "(?:\\\\?\"([^\"\\n\\\\]*)|'([^'\\n]*)|(?:(?i:basic|token) +)?([^\\s&,;\"')\\]}<>|\\\\`]+))"),
    GENERIC_TOKEN("credential", "(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{0,64}?)(?i:password|passwd|pwd"
        + "|passphrase|secret|token|api[_.-]key|apikey|access[_.-]key|secret[_.-]key|private[_.-]key|sig"
        + "|signature|authorization|credentials?)(?![A-Za-z0-9_]) ([A-Za-z0-9+/=_.-]{16,257})(?![A-Za-z0-9_])"),
    BASIC("credential", "(?<![A-Za-z0-9_])(?i:basic) {1,16}([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9_])"),
    IBAN("iban", "(?<![A-Za-z0-9_\\-./\\\\#+,])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9_])"),
    SSN("ssn", NOT_BEFORE_NUMBER + "[0-9]{3}([- ])[0-9]{2}\\1[0-9]{4}" + NUMBER_END),
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

  /**
   * The order the passes run in: formats that a credential value may be first (so that {@code
   * token=sk_live_…} is an API key, as in the processor), URL user info before emails, then the
   * rest.
   */
  private static final Rule[] RULES = {
      Rule.PRIVATE_KEY, Rule.URL_CREDENTIAL, Rule.API_KEY, Rule.JWT, Rule.BEARER, Rule.EMAIL,
      Rule.IPV4_RULE, Rule.IBAN, Rule.SSN, Rule.CARD, Rule.PHONE, Rule.IPV6, Rule.BASIC,
      Rule.CREDENTIAL, Rule.GENERIC_TOKEN};

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
        String key = "pii.redacted." + RULES[r].id; // three rules count as credential
        a.put(key, a.getLong(key, 0L) + counts[r]);
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
        int group = valueGroup(rule, m);
        int start = m.start(group);
        int end = m.end(group);
        if (rule == Rule.CREDENTIAL) {
          end = credentialEnd(v, m, group);
        } else if (rule == Rule.GENERIC_TOKEN) {
          end = genericTokenEnd(v, m);
        } else {
          end = rule == Rule.CARD ? cardEnd(v, start, end) : confirm(rule, v, start, end) ? end : -1;
        }
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

  private static int valueGroup(Rule rule, Matcher m) {
    switch (rule) {
      case BEARER:
      case URL_CREDENTIAL:
      case BASIC:
        return 1;
      case CREDENTIAL:
        return m.group(2) != null ? 2 : m.group(3) != null ? 3 : 4;
      case GENERIC_TOKEN:
        return 2;
      default:
        return 0;
    }
  }

  private static final Set<String> NOT_SECRETS = Set.of(
      "true", "false", "null", "none", "nil", "undefined", "empty", "redacted", "hidden",
      "masked", "filtered", "removed", "required", "missing", "invalid", "expired", "unset",
      "changed", "reset", "yes", "no", "ok", "n/a");
  private static final Pattern PLACEHOLDER = Pattern.compile(
      "\\[(?:REDACTED|HASH:|FILTERED|MASKED).*|\\$[{A-Z].*|\\{\\{.*|%[s(].*|<.*>|[*xX#\u2022.]{3,}");
  private static final Pattern KEY_NEXT = Pattern.compile("[A-Za-z0-9_.-]+[=:].*");

  /**
   * The end of a credential value, or -1: the word must end the key as a whole segment, the value
   * must not be empty, the next key, a scheme word before a bearer token, or a placeholder.
   */
  private static int credentialEnd(String v, Matcher m, int group) {
    String prefix = m.group(1);
    if (!prefix.isEmpty()) {
      char prev = prefix.charAt(prefix.length() - 1);
      char first = v.charAt(m.end(1));
      boolean alnum = Character.isLetterOrDigit(prev);
      if (alnum && !(Character.isUpperCase(first) && !Character.isUpperCase(prev))) {
        return -1;
      }
    }
    int start = m.start(group);
    int end = m.end(group);
    if (group == 4) {
      if (start > 0 && v.charAt(start - 1) == ' ' && KEY_NEXT.matcher(v.substring(start, end)).matches()
          && v.charAt(m.start(group) - 1) == ' ' && !v.substring(m.end(1), start).matches("(?i).*(basic|token) +")) {
        return -1; // "password= user=bob"
      }
      if (v.substring(start, end).equalsIgnoreCase("bearer") && end < v.length() && v.charAt(end) == ' ') {
        return -1; // the bearer rule's
      }
      if (end - start > 1 && v.charAt(end - 1) == '.' && (end == v.length() || v.charAt(end) == ' ')) {
        end--;
      }
    }
    String value = v.substring(start, end);
    if (value.isEmpty() || NOT_SECRETS.contains(value.toLowerCase(java.util.Locale.ROOT))
        || PLACEHOLDER.matcher(value).matches()) {
      return -1;
    }
    return end;
  }

  /**
   * The end of a random-looking token after a credential word and a space, or -1: a letter and a
   * digit, at most two separators, at least 10 different characters (half its length if shorter).
   */
  private static int genericTokenEnd(String v, Matcher m) {
    String prefix = m.group(1);
    if (!prefix.isEmpty()) {
      char prev = prefix.charAt(prefix.length() - 1);
      char first = v.charAt(m.end(1));
      if (Character.isLetterOrDigit(prev) && !(Character.isUpperCase(first) && !Character.isUpperCase(prev))) {
        return -1;
      }
      if (prefix.contains(".") || prefix.contains("-")) {
        return -1; // the processor reads a word of letters, digits and '_' before the space
      }
    }
    String token = m.group(2);
    int end = m.end(2);
    while (token.endsWith(".")) {
      token = token.substring(0, token.length() - 1);
      end--;
    }
    long separators = token.chars().filter(c -> c == '_' || c == '-' || c == '.').count();
    boolean digit = token.chars().anyMatch(Character::isDigit);
    boolean letter = token.chars().anyMatch(Character::isLetter);
    long distinct = token.chars().distinct().count();
    return token.length() >= 16 && token.length() <= 256 && digit && letter && separators <= 2
        && distinct >= Math.min(10, token.length() / 2) ? end : -1;
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
        return end - start >= 8 && !v.substring(start, end).matches("[A-Za-z]?[a-z]*");
      case BASIC: {
        String decoded;
        try {
          decoded = new String(java.util.Base64.getDecoder().decode(v.substring(start, end)),
              java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException e) {
          return false;
        }
        int colon = decoded.indexOf(':');
        return (end - start) % 4 == 0 && decoded.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)
            && colon >= 0 && colon < decoded.length() - 1;
      }
      case URL_CREDENTIAL:
        return !NOT_SECRETS.contains(v.substring(start, end).toLowerCase(java.util.Locale.ROOT))
            && !PLACEHOLDER.matcher(v.substring(start, end)).matches();
      case IBAN: {
        String iban = v.substring(start, end).replace(" ", "");
        int at = IBAN_LENGTHS.indexOf(iban.substring(0, 2));
        if (at < 0 || at % 5 != 0 || Integer.parseInt(IBAN_LENGTHS.substring(at + 2, at + 4)) != iban.length()) {
          return false;
        }
        String moved = iban.substring(4) + iban.substring(0, 4);
        int rem = 0;
        for (char c : moved.toCharArray()) {
          rem = Character.isDigit(c) ? (rem * 10 + (c - '0')) % 97 : (rem * 100 + (c - 'A' + 10)) % 97;
        }
        return rem == 1;
      }
      case SSN: {
        String d = v.substring(start, end).replaceAll("[^0-9]", "");
        int area = Integer.parseInt(d.substring(0, 3));
        int group = Integer.parseInt(d.substring(3, 5));
        int serial = Integer.parseInt(d.substring(5));
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
            && !d.equals("123456789") && !d.equals("078051120") && !d.equals("219099999");
      }
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

  private static final String IBAN_LENGTHS = "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 "
      + "CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 "
      + "HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 "
      + "MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 "
      + "SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 ";

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
