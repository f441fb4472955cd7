package io.tributary.plugins.piiredaction;

/**
 * Scans a structured value written as JSON text (how the gateway hands a processor an OTLP map or
 * nested array, and how many applications write their log lines) value by value: every string is
 * scanned on its own, so no finding crosses from one value into the next; every object key is
 * looked up like an attribute key (key names and custom detectors' keys), and the value under a
 * sensitive key is redacted whole, whatever its type. A finding that replaces a number, a literal
 * or a whole object or array is marked {@link Spans#QUOTE} so that its replacement is written as
 * a JSON string and the text stays valid JSON. One pass, linear in the text's length; allocates
 * nothing for a clean value. Stateless.
 */
final class JsonValues {

  /** Returned when the text is not JSON after all: the caller scans it as plain text. */
  static final Spans NOT_JSON = new Spans();

  private static final int MAX_DEPTH = 128;

  private JsonValues() {}

  /** Whether {@code s} starts with {@code {} or {@code [} and ends with the matching bracket. */
  static boolean looksLikeJson(String s) {
    int n = s.length();
    if (n < 2) {
      return false;
    }
    int a = 0;
    while (a < n && isSpace(s.charAt(a))) {
      a++;
    }
    int b = n - 1;
    while (b > a && isSpace(s.charAt(b))) {
      b--;
    }
    if (b <= a) {
      return false;
    }
    char first = s.charAt(a);
    char last = s.charAt(b);
    return (first == '{' && last == '}') || (first == '[' && last == ']');
  }

  /**
   * The findings in {@code s}, null if none, or {@link #NOT_JSON}.
   *
   * @param keyNameKind whether sensitive key names are looked for (type key_name enabled)
   */
  static Spans scan(String s, Scanner scanner, KeyRules keys, CustomDetector[] customs) {
    int end = s.length();
    Spans spans = null;
    long objects0 = 0; // bit d: the container at depth d is an object
    long objects1 = 0;
    int depth = 0;
    boolean expectKey = false;
    int pending = KeyRules.SCAN; // the verdict of the key whose value comes next
    int redactFrom = -1; // a whole object or array under a sensitive key, from here
    int redactDepth = -1;
    int redactKind = 0;
    boolean needSeparator = false; // a value or key was just read: ',', ':' or a closing bracket must follow
    int p = 0;
    while (p < end) {
      char c = s.charAt(p);
      switch (c) {
        case ' ': case '\t': case '\n': case '\r': case ',': case ':':
          if (c == ',' || c == ':') {
            if (!needSeparator) {
              return NOT_JSON;
            }
            needSeparator = false;
          }
          if (c == ',') {
            expectKey = depth > 0 && isObject(objects0, objects1, depth - 1);
            pending = KeyRules.SCAN;
          } else if (c == ':') {
            expectKey = false;
          }
          p++;
          break;
        case '{': case '[': {
          if (depth == MAX_DEPTH || needSeparator) {
            return NOT_JSON;
          }
          if (redactFrom < 0 && pending != KeyRules.SCAN) {
            int kind = kindOf(pending, customs);
            if (kind >= 0) {
              redactFrom = p;
              redactDepth = depth;
              redactKind = kind;
            }
          }
          if (c == '{') {
            if (depth < 64) {
              objects0 |= 1L << depth;
            } else {
              objects1 |= 1L << (depth - 64);
            }
          } else if (depth < 64) {
            objects0 &= ~(1L << depth);
          } else {
            objects1 &= ~(1L << (depth - 64));
          }
          depth++;
          expectKey = c == '{';
          pending = KeyRules.SCAN;
          p++;
          break;
        }
        case '}': case ']': {
          if (depth == 0 || isObject(objects0, objects1, depth - 1) != (c == '}')) {
            return NOT_JSON;
          }
          depth--;
          p++;
          needSeparator = true;
          if (redactFrom >= 0 && depth == redactDepth) {
            spans = Spans.add(spans, redactKind | Spans.QUOTE, redactFrom, p);
            redactFrom = -1;
          }
          expectKey = false;
          pending = KeyRules.SCAN;
          break;
        }
        case '"': {
          int cs = p + 1;
          int q = cs;
          while (q < end) {
            char x = s.charAt(q);
            if (x == '"') {
              break;
            }
            q += x == '\\' ? 2 : 1;
          }
          if (q >= end || needSeparator) {
            return NOT_JSON;
          }
          needSeparator = true;
          if (redactFrom < 0) {
            if (expectKey) {
              pending = keys.classifyInner(s, cs, q);
              expectKey = false;
            } else {
              spans = value(s, cs, q, pending, false, spans, scanner, customs);
              pending = KeyRules.SCAN;
            }
          }
          p = q + 1;
          break;
        }
        default: {
          // A number or a literal.
          int q = p;
          while (q < end && isLiteralChar(s.charAt(q))) {
            q++;
          }
          if (q == p || expectKey || needSeparator || !isLiteral(s, p, q)) {
            return NOT_JSON;
          }
          needSeparator = true;
          if (redactFrom < 0) {
            spans = value(s, p, q, pending, true, spans, scanner, customs);
          }
          pending = KeyRules.SCAN;
          p = q;
        }
      }
    }
    return depth == 0 ? spans : NOT_JSON;
  }

  /** The findings in one value: the whole of it under a sensitive key, else what the scanner finds. */
  private static Spans value(String s, int from, int to, int verdict, boolean bare, Spans spans,
      Scanner scanner, CustomDetector[] customs) {
    int quote = bare ? Spans.QUOTE : 0;
    if (verdict == KeyRules.SECRET) {
      if (to == from || (!bare && s.startsWith(PiiType.KEY_NAME.marker, from)
          && to - from == PiiType.KEY_NAME.marker.length()) || (bare && s.startsWith("null", from))) {
        return spans; // nothing to hide, or already masked
      }
      return Spans.add(spans, PiiType.KEY_NAME.ordinal() | quote, from, to);
    }
    if (verdict >= KeyRules.CUSTOM) {
      CustomDetector d = customs[verdict - KeyRules.CUSTOM];
      return d.acceptsValue(s, from, to) ? Spans.add(spans, d.kind | quote, from, to) : spans;
    }
    if (!bare) {
      int before = spans == null ? 0 : spans.size();
      Spans found = scanner.scan(s, from, to, spans);
      return found == null ? null : keepEscapesWhole(s, found, before);
    }
    Spans found = scanner.scan(s, from, to, null); // a card number written as a JSON number
    return found == null ? spans : Spans.add(spans, found.kind(0) | Spans.QUOTE, from, to);
  }

  /**
   * A finding in a JSON string must not start inside an escape sequence ({@code \\nalice@…} would
   * leave {@code \\[REDACTED…}, which is not JSON): such a start moves past the escape, and a
   * finding left empty is dropped. (Findings end at a backslash, never inside an escape.)
   */
  private static Spans keepEscapesWhole(String s, Spans spans, int from) {
    for (int k = from; k < spans.size(); k++) {
      int start = spans.start(k);
      int backslashes = 0;
      while (start - backslashes - 1 >= 0 && s.charAt(start - backslashes - 1) == '\\') {
        backslashes++;
      }
      if (backslashes % 2 == 1) {
        int skip = s.charAt(start) == 'u' ? 5 : 1;
        if (start + skip >= spans.end(k)) {
          if (k == spans.size() - 1) {
            spans.removeLast();
            break;
          }
          skip = 0; // cannot happen for the detectors' findings; leave it rather than reorder
        }
        spans.setStart(k, start + skip);
      }
    }
    return spans.size() == 0 ? null : spans;
  }

  private static int kindOf(int verdict, CustomDetector[] customs) {
    if (verdict == KeyRules.SECRET) {
      return PiiType.KEY_NAME.ordinal();
    }
    if (verdict >= KeyRules.CUSTOM && customs[verdict - KeyRules.CUSTOM].pattern == null) {
      return customs[verdict - KeyRules.CUSTOM].kind;
    }
    return -1;
  }

  /** Whether {@code s[p, q)} is {@code true}, {@code false}, {@code null} or a JSON number. */
  private static boolean isLiteral(String s, int p, int q) {
    int n = q - p;
    if ((n == 4 && (s.startsWith("true", p) || s.startsWith("null", p)))
        || (n == 5 && s.startsWith("false", p))) {
      return true;
    }
    int k = p;
    if (k < q && s.charAt(k) == '-') {
      k++;
    }
    int digits = k;
    while (k < q && isDigit(s.charAt(k))) {
      k++;
    }
    if (k == digits) {
      return false;
    }
    if (k < q && s.charAt(k) == '.') {
      int f = ++k;
      while (k < q && isDigit(s.charAt(k))) {
        k++;
      }
      if (k == f) {
        return false;
      }
    }
    if (k < q && (s.charAt(k) == 'e' || s.charAt(k) == 'E')) {
      k++;
      if (k < q && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
        k++;
      }
      int e = k;
      while (k < q && isDigit(s.charAt(k))) {
        k++;
      }
      if (k == e) {
        return false;
      }
    }
    return k == q;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isObject(long objects0, long objects1, int depth) {
    return depth < 64 ? (objects0 >>> depth & 1L) != 0 : (objects1 >>> (depth - 64) & 1L) != 0;
  }

  private static boolean isLiteralChar(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.'
        || c == 'E';
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
}
