package io.tributary.plugins.piiredaction;

/**
 * Finds PII in text in one left-to-right pass. Each position is looked at by a cheap character
 * test; only a trigger character ('@', a digit, '+', '(', ':', the first letter of a known
 * prefix at a word start) starts a hand-written check of the candidate, and every check only
 * moves forward or scans a bounded distance back, so the whole scan is linear in the length of
 * the text whatever it contains. Nothing is allocated unless something is found.
 *
 * <p>Immutable and thread-safe; the findings go into a caller-owned {@link Findings}.
 */
final class PiiScanner {

  static final int EMAIL = 0;
  static final int CARD = 1;
  static final int PHONE = 2;
  static final int IP = 3;
  static final int JWT = 4;
  static final int BEARER = 5;
  static final int API_KEY = 6;
  /** Not found in text: an attribute whose key names a secret. */
  static final int SECRET_KEY = 7;
  /** Not found in text: a value longer than the scan limit, redacted whole. */
  static final int OVERSIZE = 8;
  static final int TYPES = 9;

  static final String[] TYPE_NAMES = {
    "email", "card", "phone", "ip", "jwt", "bearer", "apikey", "secret-key", "oversize"
  };

  /** Built-in API key prefixes with the minimum length of what follows them. */
  private static final String[] BUILT_IN_PREFIXES = {
    "sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "whsec_", "ghp_", "gho_", "ghu_", "ghs_",
    "ghr_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "xoxa-", "xoxs-", "xapp-", "AKIA", "ASIA", "AIza",
    "npm_", "SG.", "hf_"
  };

  private final boolean[] enabled;
  private final String[][] prefixesByFirstChar = new String[128][];
  /** Letters that can start a finding at a word start: JWTs, bearer tokens, API key prefixes. */
  private final boolean[] wordTriggers = new boolean[128];

  PiiScanner(boolean[] enabled, java.util.List<String> extraPrefixes) {
    this.enabled = enabled.clone();
    wordTriggers['e'] = enabled[JWT];
    wordTriggers['B'] = enabled[BEARER];
    wordTriggers['b'] = enabled[BEARER];
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(BUILT_IN_PREFIXES));
    all.addAll(extraPrefixes);
    for (String p : all) {
      char c = p.charAt(0);
      if (c >= 128 || CLASS[c] != WORD) {
        throw new IllegalArgumentException("config 'apiKeyPrefixes': '" + p + "' must start with an ASCII letter");
      }
      wordTriggers[c] |= enabled[API_KEY];
      String[] old = prefixesByFirstChar[c];
      String[] grown = old == null ? new String[1] : java.util.Arrays.copyOf(old, old.length + 1);
      grown[grown.length - 1] = p;
      prefixesByFirstChar[c] = grown;
    }
  }

  /** Spans found in one text, reused across calls by one thread. */
  static final class Findings {
    int[] starts = new int[8];
    int[] ends = new int[8];
    int[] types = new int[8];
    int size;
    /** Scratch for the digit groups of one run. */
    int[] groupStarts = new int[16];
    int[] groupEnds = new int[16];

    void group(int index, int start, int end) {
      if (index == groupStarts.length) {
        groupStarts = java.util.Arrays.copyOf(groupStarts, index * 2);
        groupEnds = java.util.Arrays.copyOf(groupEnds, index * 2);
      }
      groupStarts[index] = start;
      groupEnds[index] = end;
    }

    void clear() {
      size = 0;
    }

    void add(int start, int end, int type) {
      if (size == starts.length) {
        starts = java.util.Arrays.copyOf(starts, size * 2);
        ends = java.util.Arrays.copyOf(ends, size * 2);
        types = java.util.Arrays.copyOf(types, size * 2);
      }
      starts[size] = start;
      ends[size] = end;
      types[size] = type;
      size++;
    }
  }

  private static final byte PLAIN = 0;
  private static final byte WORD = 1;
  private static final byte DIGIT = 2;
  private static final byte AT = 3;
  private static final byte PHONE_START = 4;
  private static final byte COLON = 5;
  /** Character classes of ASCII; everything not listed is {@link #PLAIN}. */
  private static final byte[] CLASS = new byte[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      CLASS[c] = WORD;
      CLASS[Character.toUpperCase(c)] = WORD;
    }
    CLASS['_'] = WORD;
    for (char c = '0'; c <= '9'; c++) {
      CLASS[c] = DIGIT;
    }
    CLASS['@'] = AT;
    CLASS['+'] = PHONE_START;
    CLASS['('] = PHONE_START;
    CLASS[':'] = COLON;
  }

  /** Scans {@code s[0, limit)}, appending non-overlapping findings in order. */
  void scan(String s, int limit, Findings out) {
    int i = 0;
    boolean inWord = false; // is s[i - 1] a word character?
    while (i < limit) {
      char c = s.charAt(i);
      byte cls = c < 128 ? CLASS[c] : (Character.isLetterOrDigit(c) ? WORD : PLAIN);
      int end;
      switch (cls) {
        case WORD:
          // A letter starts something only at the start of a word, and only a few letters at all.
          if (inWord || c >= 128 || !wordTriggers[c]) {
            inWord = true;
            i++;
            continue;
          }
          end = word(s, i, limit, c, out);
          break;
        case DIGIT:
          end = digits(s, i, limit, out);
          if (end < 0) {
            end = Math.max(~end, i + 1); // not PII: skip the whole run
          }
          break;
        case AT:
          end = enabled[EMAIL] ? email(s, i, limit, out) : -1;
          break;
        case PHONE_START:
          end = enabled[PHONE] ? phone(s, i, limit, out) : -1;
          break;
        case COLON:
          end = enabled[IP] ? ipv6(s, i, limit, out) : -1;
          break;
        default:
          inWord = false;
          i++;
          continue;
      }
      if (end > i) {
        i = end;
        inWord = isWordChar(s.charAt(end - 1));
      } else {
        inWord = isWordChar(c);
        i++;
      }
    }
  }

  // ---------------------------------------------------------------- words: JWT, bearer, API keys

  private int word(String s, int i, int limit, char c, Findings out) {
    if (c == 'e' && enabled[JWT] && s.startsWith("eyJ", i)) {
      int end = jwt(s, i, limit);
      if (end > 0) {
        out.add(i, end, JWT);
        return end;
      }
    }
    if ((c == 'B' || c == 'b') && enabled[BEARER] && s.regionMatches(true, i, "bearer ", 0, 7)) {
      int start = i + 7;
      while (start < limit && s.charAt(start) == ' ') {
        start++;
      }
      int end = start;
      while (end < limit && isTokenChar(s.charAt(end))) {
        end++;
      }
      if (end - start >= 8) {
        out.add(start, end, BEARER);
        return end;
      }
    }
    String[] prefixes = enabled[API_KEY] ? prefixesByFirstChar[c] : null;
    if (prefixes != null) {
      for (String p : prefixes) {
        if (s.startsWith(p, i)) {
          int end = i + p.length();
          while (end < limit && isTokenChar(s.charAt(end)) && s.charAt(end) != '.') {
            end++;
          }
          if (end - i - p.length() >= 12) {
            out.add(i, end, API_KEY);
            return end;
          }
        }
      }
    }
    return -1;
  }

  /** eyJ… . … . … (the signature may be empty); returns the end or -1. */
  private static int jwt(String s, int i, int limit) {
    int end = i;
    int dots = 0;
    int segment = 0;
    while (end < limit) {
      char c = s.charAt(end);
      if (isBase64Url(c)) {
        segment++;
      } else if (c == '.' && segment > 0 && dots < 2) {
        dots++;
        segment = 0;
      } else {
        break;
      }
      end++;
    }
    return dots == 2 && end - i >= 20 ? end : -1;
  }

  // ---------------------------------------------------------------- email

  private static int email(String s, int at, int limit, Findings out) {
    int start = at;
    // The local part: bounded by what is already scanned (findings end before "at").
    int floor = out.size == 0 ? 0 : out.ends[out.size - 1];
    while (start > floor && start > at - 64 && isLocalChar(s.charAt(start - 1))) {
      start--;
    }
    if (start == at || s.charAt(start) == '.') {
      return -1;
    }
    int end = at + 1;
    int lastDot = -1;
    int label = 0;
    while (end < limit && end - at <= 255) {
      char c = s.charAt(end);
      if (isAlnum(c) || c == '-') {
        label++;
      } else if (c == '.' && label > 0) {
        lastDot = end;
        label = 0;
      } else {
        break;
      }
      end++;
    }
    if (end > at + 1 && s.charAt(end - 1) == '.') {
      end--; // a sentence full stop after the address
      lastDot = s.lastIndexOf('.', end - 1);
      if (lastDot <= at) {
        return -1;
      }
    }
    if (lastDot < 0 || end - lastDot - 1 < 2) {
      return -1;
    }
    for (int k = lastDot + 1; k < end; k++) {
      if (!isLetter(s.charAt(k))) {
        return -1; // the top-level domain is letters only
      }
    }
    out.add(start, end, EMAIL);
    return end;
  }

  // ---------------------------------------------------------------- digits: cards, phones, IPv4

  /**
   * A run starting with a digit: IPv4 addresses, card numbers and national phone numbers. A run
   * is digit groups joined by single spaces, dashes or dots; card numbers are looked for in every
   * window of whole groups (so two cards in a row are both found), a phone number is the whole
   * run. Returns the end of the run when something was found, else {@code ~end} of the run, to
   * skip it.
   */
  private int digits(String s, int i, int limit, Findings out) {
    if (i > 0 && isWordChar(s.charAt(i - 1))) {
      return ~skipWord(s, i, limit); // inside a longer token (a hex id, a version, a word)
    }
    if (enabled[IP]) {
      int end = ipv4(s, i, limit);
      if (end > 0) {
        out.add(i, end, IP);
        return end;
      }
    }
    int end = i;
    int groups = 0;
    while (end < limit) {
      int groupStart = end;
      while (end < limit && isDigit(s.charAt(end))) {
        end++;
      }
      out.group(groups++, groupStart, end);
      if (end + 1 >= limit) {
        break;
      }
      char sep = s.charAt(end);
      if ((sep == ' ' || sep == '-' || sep == '.') && isDigit(s.charAt(end + 1))) {
        end++;
      } else {
        break;
      }
    }
    int usable = groups;
    if (end < limit && isWordChar(s.charAt(end))) {
      usable--; // the last group runs on into a longer token: not a number of its own
      end = skipWord(s, end, limit);
    }
    int before = out.size;
    if (enabled[CARD]) {
      for (int g = 0; g < usable; g++) {
        int count = 0;
        for (int h = g; h < usable; h++) {
          count += out.groupEnds[h] - out.groupStarts[h];
          if (count > 19) {
            break;
          }
          if (count >= 13 && isCardNumber(s, out.groupStarts[g], out.groupEnds[h])) {
            out.add(out.groupStarts[g], out.groupEnds[h], CARD);
            g = h;
            break;
          }
        }
      }
    }
    if (out.size == before && enabled[PHONE] && usable == 3 && groups == 3
        && out.groupEnds[0] - out.groupStarts[0] == 3 && out.groupEnds[1] - out.groupStarts[1] == 3
        && out.groupEnds[2] - out.groupStarts[2] == 4) {
      out.add(i, out.groupEnds[2], PHONE);
    }
    return out.size > before ? end : ~end;
  }

  /** d{1,3}(.d{1,3}){3} with each part at most 255, not followed by more of the same. */
  private static int ipv4(String s, int i, int limit) {
    int end = i;
    for (int part = 0; part < 4; part++) {
      int start = end;
      int value = 0;
      while (end < limit && end - start < 3 && isDigit(s.charAt(end))) {
        value = value * 10 + (s.charAt(end) - '0');
        end++;
      }
      if (end == start || value > 255 || (end < limit && isDigit(s.charAt(end)))
          || (end - start > 1 && s.charAt(start) == '0')) {
        return -1;
      }
      if (part < 3) {
        if (end >= limit || s.charAt(end) != '.') {
          return -1;
        }
        end++;
      }
    }
    if (end < limit && (isWordChar(s.charAt(end)) || (s.charAt(end) == '.' && end + 1 < limit && isDigit(s.charAt(end + 1))))) {
      return -1;
    }
    return end;
  }

  /** Luhn-valid, and starting with an issuer prefix of a card network. */
  private static boolean isCardNumber(String s, int start, int end) {
    int sum = 0;
    int digits = 0;
    for (int k = end - 1; k >= start; k--) {
      char c = s.charAt(k);
      if (!isDigit(c)) {
        continue;
      }
      int d = c - '0';
      if ((digits & 1) == 1) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      digits++;
    }
    if (sum % 10 != 0) {
      return false;
    }
    int first = s.charAt(start) - '0';
    int second = -1;
    for (int k = start + 1; k < end; k++) {
      if (isDigit(s.charAt(k))) {
        second = s.charAt(k) - '0';
        break;
      }
    }
    int two = first * 10 + second;
    // Visa 4, Mastercard 51–55 and 22–27, Amex 34/37, Discover 60/64/65, JCB 35, Diners 30/36/38, UnionPay 62.
    return first == 4 || (two >= 51 && two <= 55) || (two >= 22 && two <= 27) || two == 34 || two == 37
        || two == 60 || two == 64 || two == 65 || two == 35 || two == 30 || two == 36 || two == 38 || two == 62;
  }

  /** +CC… (E.164: 8–15 digits with spaces, dashes, dots or one group in parentheses), or (ddd) ddd-dddd. */
  private static int phone(String s, int i, int limit, Findings out) {
    if (i > 0 && isWordChar(s.charAt(i - 1))) {
      return -1;
    }
    boolean international = s.charAt(i) == '+';
    int end = i + 1;
    int digits = 0;
    int parens = s.charAt(i) == '(' ? 1 : 0;
    char last = s.charAt(i);
    while (end < limit && end - i < 25) {
      char c = s.charAt(end);
      if (isDigit(c)) {
        digits++;
      } else if ((c == ' ' || c == '-' || c == '.') && (isDigit(last) || last == ')')) {
        // one separator between digit groups
      } else if (c == '(' && parens == 0 && !isDigit(last)) {
        parens = 1;
      } else if (c == ')' && parens == 1 && isDigit(last)) {
        parens = 2;
      } else {
        break;
      }
      last = c;
      end++;
    }
    while (end > i && !isDigit(s.charAt(end - 1))) {
      end--; // a trailing separator is not part of the number
    }
    if (end < limit && isWordChar(s.charAt(end))) {
      return -1;
    }
    boolean ok = international ? digits >= 8 && digits <= 15 && isDigit(s.charAt(i + 1))
        : digits == 10 && parens == 2;
    if (!ok) {
      return -1;
    }
    out.add(i, end, PHONE);
    return end;
  }

  // ---------------------------------------------------------------- IPv6

  /**
   * Called at a ':'; looks back over the hex-and-colon run it belongs to (never further back than
   * the last finding or the previous non-run character, so each character is revisited at most
   * once) and checks the IPv6 grammar: eight groups of 1–4 hex digits, or fewer with one "::".
   */
  private static int ipv6(String s, int colon, int limit, Findings out) {
    int floor = out.size == 0 ? 0 : out.ends[out.size - 1];
    int start = colon;
    while (start > floor && colon - start < 40 && (isHex(s.charAt(start - 1)) || s.charAt(start - 1) == ':')) {
      start--;
    }
    if (start > 0 && (isWordChar(s.charAt(start - 1)) || s.charAt(start - 1) == '.')) {
      return -1;
    }
    int end = colon;
    while (end < limit && end - start < 45 && (isHex(s.charAt(end)) || s.charAt(end) == ':')) {
      end++;
    }
    if (end < limit && (isWordChar(s.charAt(end)) || s.charAt(end) == '.')) {
      return -1; // an embedded IPv4 tail or a longer token: left alone (conservative)
    }
    int groups = 0;
    int doubleColons = 0;
    int groupLen = 0;
    int colons = 0;
    for (int k = start; k < end; k++) {
      char c = s.charAt(k);
      if (c == ':') {
        colons++;
        if (k + 1 < end && s.charAt(k + 1) == ':') {
          colons++;
          doubleColons++;
          if (groupLen > 0) {
            groups++;
          }
          groupLen = 0;
          k++;
          if (k + 1 < end && s.charAt(k + 1) == ':') {
            return -1;
          }
          continue;
        }
        if (groupLen == 0 && k != start) {
          return -1;
        }
        if (groupLen > 0) {
          groups++;
        }
        groupLen = 0;
        if (k == start || k == end - 1) {
          return -1; // a single ':' at either end
        }
      } else {
        if (++groupLen > 4) {
          return -1;
        }
      }
    }
    if (groupLen > 0) {
      groups++;
    }
    boolean valid = doubleColons == 0 ? groups == 8 : doubleColons == 1 && groups <= 7 && colons >= 2;
    if (!valid || end - start < 3) {
      return -1;
    }
    // Drop a finding the backward scan overlaps (it cannot: floor), then record this one.
    out.add(start, end, IP);
    return end;
  }

  // ---------------------------------------------------------------- character classes

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isAlnum(char c) {
    return isDigit(c) || isLetter(c);
  }

  private static boolean isHex(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** Letters, digits and '_' (and any non-ASCII letter): what makes a longer token. */
  private static boolean isWordChar(char c) {
    return isAlnum(c) || c == '_' || (c >= 128 && Character.isLetterOrDigit(c));
  }

  private static boolean isLocalChar(char c) {
    return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  }

  private static boolean isBase64Url(char c) {
    return isAlnum(c) || c == '-' || c == '_';
  }

  private static boolean isTokenChar(char c) {
    return isAlnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
  }

  private static int skipWord(String s, int i, int limit) {
    int end = i + 1;
    while (end < limit && isWordChar(s.charAt(end))) {
      end++;
    }
    return end;
  }
}
