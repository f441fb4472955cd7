package io.tributary.plugins.piiredaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds PII in a string in one left-to-right pass, without regular expressions.
 *
 * <p>The pass looks at one character at a time through a 128-entry class table and does more only
 * at <em>triggers</em>: the first character of a word (a digit, a hex letter, {@code e} of {@code
 * eyJ}, {@code B} of {@code Bearer}, the first letter of a known API key prefix), {@code @},
 * {@code +}, {@code (} and {@code ::}. A trigger runs one small hand-written check.
 *
 * <p><b>Linear time.</b> Every check either looks at a bounded number of characters (IP
 * addresses, card and phone numbers read at most ~45) or reads a run of characters that no later
 * check of the same kind can start inside of (an email's local part and domain exclude {@code @};
 * JWT, bearer and API key bodies start only after a character their body cannot contain). So a
 * value of n characters costs O(n) whatever it holds; the adversarial tests check this.
 *
 * <p><b>No allocation</b> unless something is found: the result is null for a clean value.
 *
 * <p>Immutable and thread-safe.
 */
final class Scanner {

  // Character classes (ASCII only; every other character separates words and triggers nothing).
  private static final byte WORD = 1; // [A-Za-z0-9_]
  private static final byte SPECIAL = 2; // @ + ( :
  private static final byte[] CLASS = new byte[128];

  // What the first character of a word may start.
  private static final byte D_NUMBER = 1;
  private static final byte D_HEX = 2;
  private static final byte D_JWT = 4;
  private static final byte D_BEARER = 8;
  private static final byte D_API_KEY = 16;

  private static final long NONE = -1L;

  static {
    for (int c = 0; c < 128; c++) {
      if (isAlnum((char) c) || c == '_') {
        CLASS[c] = WORD;
      }
    }
    CLASS['@'] = SPECIAL;
    CLASS['+'] = SPECIAL;
    CLASS['('] = SPECIAL;
    CLASS[':'] = SPECIAL;
  }

  /** An API key format: a literal prefix followed by a body of key characters. */
  static final class KeyPrefix {
    final String prefix;
    /** Minimum number of body characters after the prefix. */
    final int minBody;
    /** AWS access key ids: exactly 16 upper-case letters or digits after the prefix. */
    final boolean aws;

    KeyPrefix(String prefix, int minBody, boolean aws) {
      this.prefix = prefix;
      this.minBody = minBody;
      this.aws = aws;
    }
  }

  /** The well-known API key formats; user prefixes are added with a minimum body of 8. */
  static List<KeyPrefix> builtInKeyPrefixes() {
    List<KeyPrefix> list = new ArrayList<>();
    for (String p : new String[] {"sk_live_", "sk_test_", "rk_live_", "rk_test_"}) {
      list.add(new KeyPrefix(p, 10, false)); // Stripe secret and restricted keys
    }
    list.add(new KeyPrefix("AKIA", 16, true)); // AWS access key id
    list.add(new KeyPrefix("ASIA", 16, true)); // AWS temporary access key id
    for (String p : new String[] {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}) {
      list.add(new KeyPrefix(p, 20, false)); // GitHub tokens
    }
    list.add(new KeyPrefix("xoxb-", 10, false)); // Slack bot token
    list.add(new KeyPrefix("xoxp-", 10, false)); // Slack user token
    list.add(new KeyPrefix("glpat-", 20, false)); // GitLab personal access token
    return list;
  }

  static final int USER_PREFIX_MIN_BODY = 8;

  private final boolean email;
  private final boolean card;
  private final boolean phone;
  private final boolean ipv4;
  private final boolean ipv6;
  private final boolean jwt;
  private final boolean bearer;
  private final boolean apiKey;
  private final boolean cardIinCheck;
  private final boolean anySpecial;
  private final byte[] dispatch = new byte[128];
  /**
   * For each first character of a word, a 128-bit set of the second characters that can continue
   * an enabled detector (two longs per first character); a word failing it costs one more read.
   */
  private final long[] secondChars = new long[256];
  private final KeyPrefix[][] prefixesByFirst = new KeyPrefix[128][];

  Scanner(Set<PiiType> enabled, boolean cardIinCheck, List<KeyPrefix> keyPrefixes) {
    this.email = enabled.contains(PiiType.EMAIL);
    this.card = enabled.contains(PiiType.CARD);
    this.phone = enabled.contains(PiiType.PHONE);
    this.ipv4 = enabled.contains(PiiType.IPV4);
    this.ipv6 = enabled.contains(PiiType.IPV6);
    this.jwt = enabled.contains(PiiType.JWT);
    this.bearer = enabled.contains(PiiType.BEARER);
    this.apiKey = enabled.contains(PiiType.API_KEY) && !keyPrefixes.isEmpty();
    this.cardIinCheck = cardIinCheck;
    this.anySpecial = email || phone || ipv6;
    for (char c = '0'; c <= '9'; c++) {
      if (ipv4 || ipv6 || card || phone) {
        dispatch[c] |= D_NUMBER;
      }
    }
    if (ipv6) {
      for (char c : "abcdefABCDEF".toCharArray()) {
        dispatch[c] |= D_HEX;
      }
    }
    if (jwt) {
      dispatch['e'] |= D_JWT;
    }
    if (bearer) {
      dispatch['B'] |= D_BEARER;
      dispatch['b'] |= D_BEARER;
    }
    if (apiKey) {
      for (KeyPrefix k : keyPrefixes) {
        char c = k.prefix.charAt(0);
        KeyPrefix[] old = prefixesByFirst[c];
        KeyPrefix[] grown = old == null ? new KeyPrefix[1] : java.util.Arrays.copyOf(old, old.length + 1);
        grown[grown.length - 1] = k;
        // Longest prefix first, so "github_pat_" is tried before a user's "gh".
        java.util.Arrays.sort(grown, (a, b) -> b.prefix.length() - a.prefix.length());
        prefixesByFirst[c] = grown;
        dispatch[c] |= D_API_KEY;
      }
    }
    for (char c = 0; c < 128; c++) {
      byte d = dispatch[c];
      if ((d & D_NUMBER) != 0) {
        allow(c, "0123456789.:- abcdefABCDEF"); // digits, separators, a hex IPv6 group
      }
      if ((d & D_HEX) != 0) {
        allow(c, "0123456789abcdefABCDEF:");
      }
      if ((d & D_JWT) != 0) {
        allow(c, "y");
      }
      if ((d & D_BEARER) != 0) {
        allow(c, "eE");
      }
      if ((d & D_API_KEY) != 0) {
        for (KeyPrefix k : prefixesByFirst[c]) {
          allow(c, k.prefix.substring(1, 2));
        }
      }
    }
  }

  private void allow(char first, String seconds) {
    for (int k = 0; k < seconds.length(); k++) {
      char c2 = seconds.charAt(k);
      secondChars[first * 2 + (c2 >> 6)] |= 1L << (c2 & 63);
    }
  }


  /**
   * Returns the findings in {@code s[0, end)}, or null if there are none. Nothing past {@code end}
   * is read, so a finding that would cross it is not found.
   */
  Spans scan(String s, int end) {
    Spans spans = null;
    int lastEnd = 0;
    int i = 0;
    while (i < end) {
      char c = s.charAt(i);
      if (c >= 128) {
        i++;
        continue;
      }
      byte cls = CLASS[c];
      if (cls == WORD) {
        // A word start: at most one check, then the rest of the word in a tight loop.
        byte d = dispatch[c];
        if (d != 0 && i + 1 < end) {
          char c2 = s.charAt(i + 1);
          if ((c2 >= 128 || (secondChars[c * 2 + (c2 >> 6)] >>> (c2 & 63) & 1L) != 0)
              && (d != D_NUMBER || numberMayStart(s, i, end))) {
            long m = atWordStart(s, i, end, c, d);
            if (m != NONE) {
              spans = Spans.add(spans, type(m), start(m), end(m));
              i = lastEnd = end(m);
              continue;
            }
          }
        } else if (d != 0) {
          long m = atWordStart(s, i, end, c, d); // a one-character value
          if (m != NONE) {
            spans = Spans.add(spans, type(m), start(m), end(m));
            i = lastEnd = end(m);
            continue;
          }
        }
        i++;
        while (i < end && (c = s.charAt(i)) < 128 && CLASS[c] == WORD) {
          i++;
        }
        continue;
      }
      if (cls == SPECIAL && anySpecial) {
        long m = atSpecial(s, i, end, c, lastEnd);
        if (m != NONE) {
          spans = Spans.add(spans, type(m), start(m), end(m));
          i = lastEnd = end(m);
          continue;
        }
      }
      i++;
    }
    return spans;
  }

  // ---------------------------------------------------------------- dispatch

  /**
   * Small enough to be inlined: false for the ordinary numbers (status codes, ids, durations)
   * that cannot start a card, phone, IPv4 or IPv6 finding, judged by the leading digit run and
   * the character after it.
   */
  private static boolean numberMayStart(String s, int i, int end) {
    int q = i + 1;
    char next = ' ';
    while (q < end) {
      next = s.charAt(q);
      if (next < '0' || next > '9') {
        break;
      }
      if (++q - i >= 10) {
        return true; // long enough to be a bare card number
      }
    }
    if (q >= end) {
      return false;
    }
    return next == '.' || next == '-' || next == ' ' || next == ':'
        || (q - i <= 4 && isHex(next));
  }

  private long atWordStart(String s, int i, int end, char c, byte d) {
    char prev = i > 0 ? s.charAt(i - 1) : ' ';
    if ((d & D_API_KEY) != 0 && prev != '-') {
      long m = apiKey(s, i, end, c);
      if (m != NONE) {
        return m;
      }
    }
    if ((d & D_JWT) != 0 && prev != '-' && prev != '.') {
      int e = jwt(s, i, end);
      if (e > 0) {
        return match(PiiType.JWT, i, e);
      }
    }
    if ((d & D_BEARER) != 0) {
      long m = bearer(s, i, end);
      if (m != NONE) {
        return m;
      }
    }
    if ((d & D_NUMBER) != 0) {
      // Read the leading digit run once: most numbers (status codes, ids, durations) are ruled
      // out by its length and the character after it.
      int q = i + 1;
      while (q < end && q - i < 10 && isDigit(s.charAt(q))) {
        q++;
      }
      int run = q - i;
      char next = q < end ? s.charAt(q) : ' ';
      boolean separated = (next == ' ' || next == '-' || next == '.') && q + 1 < end
          && isDigit(s.charAt(q + 1));
      if (run < 10 && !separated && (run > 4 || (next != ':' && !isHex(next)))) {
        return NONE; // not a card, phone, IPv4 or IPv6 start
      }
      if (ipv4 && prev != '.' && run <= 3 && next == '.') {
        int e = ipv4(s, i, end, true);
        if (e > 0) {
          return match(PiiType.IPV4, i, e);
        }
      }
      if ((card || phone) && (separated || run >= 10) && !joinedBefore(prev)) {
        long m = number(s, i, end);
        if (m != NONE) {
          return m;
        }
      }
    }
    if (ipv6 && (d & (D_NUMBER | D_HEX)) != 0 && prev != '.' && prev != ':'
        && colonAfterHexRun(s, i, end)) {
      int e = ipv6(s, i, end);
      if (e > 0) {
        return match(PiiType.IPV6, i, e);
      }
    }
    return NONE;
  }

  private long atSpecial(String s, int i, int end, char c, int lastEnd) {
    switch (c) {
      case '@':
        return email ? email(s, i, end, lastEnd) : NONE;
      case '+':
      case '(':
        if (phone && i + 1 < end && isDigit(s.charAt(i + 1))
            && (i == 0 || !isWordOrJoin(s.charAt(i - 1)))) {
          return phone(s, i, end, c == '+');
        }
        return NONE;
      default: // ':'
        if (ipv6 && i + 1 < end && s.charAt(i + 1) == ':'
            && (i == 0 || !isIpv6Char(s.charAt(i - 1)))) {
          int e = ipv6(s, i, end);
          return e > 0 ? match(PiiType.IPV6, i, e) : NONE;
        }
        return NONE;
    }
  }

  // ---------------------------------------------------------------- email

  /** {@code s[at]} is '@'. The local part is read leftwards (never before lastEnd), the domain rightwards. */
  private static long email(String s, int at, int end, int lastEnd) {
    int start = at;
    while (start > lastEnd && isLocalChar(s.charAt(start - 1))) {
      start--;
    }
    while (start < at && s.charAt(start) == '.') {
      start++;
    }
    if (start == at) {
      return NONE;
    }
    int e = domain(s, at + 1, end);
    return e > 0 ? match(PiiType.EMAIL, start, e) : NONE;
  }

  /**
   * Returns the end of a domain name of at least two labels starting at {@code p} whose last label
   * is at least two letters, or -1. Labels are 1–63 letters, digits and inner hyphens.
   */
  private static int domain(String s, int p, int end) {
    int labels = 0;
    int labelStart = p;
    while (true) {
      int q = labelStart;
      boolean letters = true;
      while (q < end && q - labelStart <= 63) {
        char c = s.charAt(q);
        if (isAlnum(c)) {
          letters &= !isDigit(c);
        } else if (c != '-') {
          break;
        }
        q++;
      }
      int len = q - labelStart;
      if (len == 0 || len > 63 || s.charAt(labelStart) == '-' || s.charAt(q - 1) == '-') {
        return -1;
      }
      labels++;
      if (q + 1 < end && s.charAt(q) == '.' && isAlnum(s.charAt(q + 1))) {
        labelStart = q + 1;
        continue;
      }
      if (labels < 2 || !letters || len < 2) {
        return -1;
      }
      if (q < end) {
        char c = s.charAt(q);
        if (c == '_' || c == '@') {
          return -1;
        }
      }
      return q;
    }
  }

  // ---------------------------------------------------------------- IP addresses

  /**
   * Returns the end of a dotted-quad IPv4 address at {@code i} (octets 0–255, no leading zeros), or
   * -1. With {@code standalone}, it must not run on into more word characters or dotted digits.
   */
  private static int ipv4(String s, int i, int end, boolean standalone) {
    int p = i;
    for (int octet = 0; octet < 4; octet++) {
      if (octet > 0) {
        if (p + 1 >= end || s.charAt(p) != '.') {
          return -1;
        }
        p++;
      }
      int start = p;
      int value = 0;
      while (p < end && p - start < 4) {
        char c = s.charAt(p);
        if (!isDigit(c)) {
          break;
        }
        value = value * 10 + (c - '0');
        p++;
      }
      int len = p - start;
      if (len == 0 || len > 3 || value > 255 || (len > 1 && s.charAt(start) == '0')) {
        return -1;
      }
    }
    if (standalone && p < end) {
      char c = s.charAt(p);
      if (isWord(c) || (c == '.' && p + 1 < end && isDigit(s.charAt(p + 1)))) {
        return -1;
      }
    }
    return p;
  }

  /**
   * Returns the end of an IPv6 address at {@code i}: eight groups of 1–4 hex digits, or fewer
   * with one {@code ::}, optionally ending in a dotted quad. To spare C++ and Ruby names
   * ({@code Abc::Def}), it must contain a decimal digit. -1 if none.
   */
  private static int ipv6(String s, int i, int end) {
    int p = i;
    int groups = 0;
    boolean compressed = false;
    boolean digit = false;
    if (s.charAt(p) == ':') {
      compressed = true;
      p += 2;
    }
    while (p < end && isHex(s.charAt(p))) {
      int gs = p;
      while (p < end && p - gs < 5) {
        char c = s.charAt(p);
        if (!isHex(c)) {
          break;
        }
        digit |= isDigit(c);
        p++;
      }
      if (p - gs > 4) {
        return -1;
      }
      if (p < end && s.charAt(p) == '.') {
        int e = ipv4(s, gs, end, false);
        if (e < 0) {
          return -1;
        }
        p = e;
        groups += 2;
        break;
      }
      groups++;
      if (groups > 8) {
        return -1;
      }
      if (p + 1 < end && s.charAt(p) == ':') {
        char next = s.charAt(p + 1);
        if (next == ':') {
          if (compressed) {
            return -1;
          }
          compressed = true;
          p += 2;
          continue;
        }
        if (isHex(next)) {
          p++;
          continue;
        }
      }
      break;
    }
    if (!digit || (compressed ? groups > 7 : groups != 8)) {
      return -1;
    }
    if (p < end) {
      char c = s.charAt(p);
      if (isWord(c) || c == ':' || (c == '.' && p + 1 < end && isAlnum(s.charAt(p + 1)))) {
        return -1;
      }
    }
    return p;
  }

  /** An IPv6 address starting with a hex digit has a ':' after at most four of them. */
  private static boolean colonAfterHexRun(String s, int i, int end) {
    int q = i + 1;
    while (q < end && q - i < 4 && isHex(s.charAt(q))) {
      q++;
    }
    return q < end && s.charAt(q) == ':';
  }

  // ---------------------------------------------------------------- card and phone numbers

  /**
   * A number at a word start: groups of digits joined by single spaces, dashes or dots. Tries a
   * payment card (the whole run, then shorter runs of whole groups when a space follows), then a
   * national phone number.
   */
  private long number(String s, int i, int end) {
    int p = i;
    int digits = 0;
    int groups = 0;
    char sep = 0;
    int consistentGroups = 0; // groups before the first separator that differs from the first one
    long lens = 0; // 5 bits per group
    long ends = 0; // 6 bits per group: end offset from i
    boolean truncated = false;
    while (true) {
      int q = p;
      while (q < end && q - p <= 19 && isDigit(s.charAt(q))) {
        q++;
      }
      int g = q - p;
      if (digits + g > 19 || groups == 10) {
        if (groups == 0) {
          return NONE;
        }
        truncated = true;
        p = i + offset(ends, groups - 1);
        break;
      }
      lens |= (long) g << (5 * groups);
      ends |= (long) (q - i) << (6 * groups);
      groups++;
      digits += g;
      p = q;
      if (p + 1 < end) {
        char c = s.charAt(p);
        if ((c == ' ' || c == '-' || c == '.') && isDigit(s.charAt(p + 1))) {
          if (sep == 0) {
            sep = c;
          } else if (c != sep && consistentGroups == 0) {
            consistentGroups = groups;
          }
          p++;
          continue;
        }
      }
      break;
    }
    if (consistentGroups == 0) {
      consistentGroups = groups;
    }
    if (digits < 10) {
      return NONE; // the common case: an ordinary number
    }
    boolean clean = !truncated && endsClean(s, p, end);
    if (card && digits >= 13) {
      long m = card(s, i, groups, lens, ends, sep, consistentGroups, clean, truncated);
      if (m != NONE) {
        return m;
      }
    }
    if (phone && clean && !truncated && consistentGroups == groups
        && nationalPhone(groups, lens, sep, digits)) {
      return match(PiiType.PHONE, i, p);
    }
    return NONE;
  }

  private long card(String s, int i, int groups, long lens, long ends, char sep,
      int consistentGroups, boolean clean, boolean truncated) {
    if (cardIinCheck) {
      char first = s.charAt(i);
      if (first < '2' || first > '6') {
        return NONE;
      }
    }
    if (groups == 1) {
      int e = i + offset(ends, 0);
      boolean standsAlone = truncated ? s.charAt(e) == ' ' : clean;
      return standsAlone && luhn(s, i, e) ? match(PiiType.CARD, i, e) : NONE;
    }
    if (sep != ' ' && sep != '-') {
      return NONE;
    }
    // Groups of 3–6 digits with one separator kind; the longest such prefix that is a card wins.
    int valid = 0;
    while (valid < consistentGroups) {
      int g = len(lens, valid);
      if (g < 3 || g > 6) {
        break;
      }
      valid++;
    }
    for (int k = valid; k >= 2; k--) {
      int digits = 0;
      for (int j = 0; j < k; j++) {
        digits += len(lens, j);
      }
      if (digits < 13 || digits > 19) {
        continue;
      }
      int e = i + offset(ends, k - 1);
      // The whole run must end cleanly; a shorter one (or a truncated run) must end at a space.
      boolean whole = k == groups && !truncated;
      if (whole ? !clean : s.charAt(e) != ' ') {
        continue;
      }
      if (luhn(s, i, e)) {
        return match(PiiType.CARD, i, e);
      }
    }
    return NONE;
  }

  /**
   * National formats with separators only (a bare run of digits is an id or a timestamp, never a
   * phone): 3–5 groups, one separator kind, 10–11 digits, first group 1–4 digits, the others 2–4,
   * the last 3–4, at least two groups of three or more. With dots, only 3-3-4 or 1-3-3-4.
   */
  private static boolean nationalPhone(int groups, long lens, char sep, int digits) {
    if (groups < 3 || groups > 5 || digits > 11) {
      return false;
    }
    int longGroups = 0;
    for (int j = 0; j < groups; j++) {
      int g = len(lens, j);
      if (g > 4 || (j > 0 && g < 2)) {
        return false;
      }
      if (g >= 3) {
        longGroups++;
      }
    }
    int last = len(lens, groups - 1);
    if (last < 3 || longGroups < 2) {
      return false;
    }
    if (sep == '.') {
      int shift = groups == 4 ? 1 : 0;
      return (groups == 3 || (groups == 4 && len(lens, 0) == 1))
          && len(lens, shift) == 3 && len(lens, shift + 1) == 3 && last == 4;
    }
    return true;
  }

  /**
   * A phone number starting with {@code +} (international: 8–15 digits) or {@code (} (national
   * area code in parentheses: 10–11 digits). Groups are digits or a parenthesised group such as
   * {@code (0)}, joined by single spaces, dashes or dots.
   */
  private static long phone(String s, int i, int end, boolean plus) {
    int p = plus ? i + 1 : i;
    int digits = 0;
    int groups = 0;
    int longGroups = 0;
    while (p < end) {
      char c = s.charAt(p);
      int g;
      if (c == '(') {
        int q = p + 1;
        while (q < end && q - p <= 6 && isDigit(s.charAt(q))) {
          q++;
        }
        g = q - p - 1;
        if (g == 0 || g > 5 || q >= end || s.charAt(q) != ')') {
          if (groups == 0) {
            return NONE;
          }
          break;
        }
        p = q + 1;
      } else if (isDigit(c)) {
        int q = p;
        while (q < end && q - p <= 15 && isDigit(s.charAt(q))) {
          q++;
        }
        g = q - p;
        p = q;
      } else {
        break;
      }
      digits += g;
      groups++;
      if (g >= 3) {
        longGroups++;
      }
      if (digits > 15 || groups > 8) {
        return NONE;
      }
      if (p + 1 < end) {
        char n = s.charAt(p);
        char after = s.charAt(p + 1);
        if ((n == ' ' || n == '-' || n == '.') && (isDigit(after) || after == '(')) {
          p++;
          continue;
        }
        if (n == '(' && isDigit(after)) {
          continue; // "+49(0)30"
        }
      }
      if (c == '(' && p < end && isDigit(s.charAt(p))) {
        continue; // "+49 (0)30"
      }
      break;
    }
    if (!endsClean(s, p, end)) {
      return NONE;
    }
    boolean ok = plus
        ? digits >= 8 && digits <= 15
        : digits >= 10 && digits <= 11 && groups >= 2 && longGroups >= 2;
    return ok ? match(PiiType.PHONE, i, p) : NONE;
  }

  /** Luhn checksum over the digits of {@code s[from, to)}; all-equal digits (placeholders) fail. */
  static boolean luhn(String s, int from, int to) {
    int sum = 0;
    boolean twice = false;
    char first = 0;
    boolean allSame = true;
    for (int k = to - 1; k >= from; k--) {
      char c = s.charAt(k);
      if (!isDigit(c)) {
        continue;
      }
      if (first == 0) {
        first = c;
      } else if (c != first) {
        allSame = false;
      }
      int d = c - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return !allSame && sum % 10 == 0;
  }

  /**
   * True if a number ending at {@code p} stands alone: what follows is not a word character, not
   * {@code @}, and not {@code . - / : ,} followed by a word character (a file name, a time, a
   * decimal, a longer id).
   */
  private static boolean endsClean(String s, int p, int end) {
    if (p >= end) {
      return true;
    }
    char c = s.charAt(p);
    if (isWord(c) || c == '@') {
      return false;
    }
    if (c == '.' || c == '-' || c == '/' || c == ':' || c == ',') {
      return p + 1 >= end || !isWord(s.charAt(p + 1));
    }
    return true;
  }

  /** A number right after one of these is part of a longer token (an id, a path, a version). */
  private static boolean joinedBefore(char prev) {
    return prev == '-' || prev == '.' || prev == '/' || prev == '\\' || prev == '#' || prev == '+'
        || prev == ',';
  }

  private static int offset(long ends, int group) {
    return (int) ((ends >>> (6 * group)) & 63);
  }

  private static int len(long lens, int group) {
    return (int) ((lens >>> (5 * group)) & 31);
  }

  // ---------------------------------------------------------------- tokens

  /**
   * A JWT: three base64url segments joined by dots (the header at least 10 characters and starting
   * {@code eyJ}, the payload at least 2, the signature possibly empty), or five for an encrypted
   * JWT. Returns its end or -1.
   */
  private static int jwt(String s, int i, int end) {
    if (i + 3 > end || s.charAt(i + 1) != 'y' || s.charAt(i + 2) != 'J') {
      return -1;
    }
    int p = skipBase64Url(s, i, end);
    if (p - i < 10 || p + 1 >= end || s.charAt(p) != '.') {
      return -1;
    }
    int payload = p + 1;
    p = skipBase64Url(s, payload, end);
    if (p - payload < 2 || p >= end || s.charAt(p) != '.') {
      return -1;
    }
    p = skipBase64Url(s, p + 1, end);
    for (int extra = 0; extra < 2 && p + 1 < end && s.charAt(p) == '.'
        && isBase64Url(s.charAt(p + 1)); extra++) {
      p = skipBase64Url(s, p + 1, end);
    }
    return p;
  }

  /** {@code Bearer <token>}: the token (RFC 6750 characters, at least 8) is the finding. */
  private static long bearer(String s, int i, int end) {
    if (i + 7 >= end || !s.regionMatches(true, i, "bearer", 0, 6) || s.charAt(i + 6) != ' ') {
      return NONE;
    }
    int start = i + 7;
    while (start < end && start - i < 16 && s.charAt(start) == ' ') {
      start++;
    }
    int p = start;
    while (p < end && isBearerChar(s.charAt(p))) {
      p++;
    }
    while (p < end && s.charAt(p) == '=') {
      p++;
    }
    while (p > start && s.charAt(p - 1) == '.') {
      p--; // a full stop ending a sentence
    }
    return p - start >= 8 ? match(PiiType.BEARER, start, p) : NONE;
  }

  private long apiKey(String s, int i, int end, char c) {
    for (KeyPrefix k : prefixesByFirst[c]) {
      if (!s.startsWith(k.prefix, i)) {
        continue;
      }
      int body = i + k.prefix.length();
      if (k.aws) {
        int q = body;
        while (q < end && q - body <= 16) {
          char x = s.charAt(q);
          if (!isDigit(x) && (x < 'A' || x > 'Z')) {
            break;
          }
          q++;
        }
        if (q - body == 16 && (q == end || !isWord(s.charAt(q)))) {
          return match(PiiType.API_KEY, i, q);
        }
        continue;
      }
      int p = skipBase64Url(s, body, end);
      if (p - body >= k.minBody) {
        return match(PiiType.API_KEY, i, p);
      }
    }
    return NONE;
  }

  private static int skipBase64Url(String s, int p, int end) {
    while (p < end && isBase64Url(s.charAt(p))) {
      p++;
    }
    return p;
  }

  // ---------------------------------------------------------------- characters

  static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isWord(char c) {
    return c < 128 && CLASS[c] == WORD;
  }

  private static boolean isWordOrJoin(char c) {
    return isWord(c) || c == '-' || c == '.' || c == '/' || c == '+';
  }

  private static boolean isIpv6Char(char c) {
    return isWord(c) || c == ':' || c == '.';
  }

  private static boolean isBase64Url(char c) {
    return isWord(c) || c == '-';
  }

  private static boolean isBearerChar(char c) {
    return isWord(c) || c == '-' || c == '.' || c == '~' || c == '+' || c == '/';
  }

  private static boolean isLocalChar(char c) {
    return isWord(c) || c == '.' || c == '%' || c == '+' || c == '-';
  }

  // ---------------------------------------------------------------- packed findings

  // type (4 bits) | start (30 bits) | end (30 bits); values are at most maxScanLength < 2^30.
  private static long match(PiiType type, int start, int end) {
    return ((long) type.ordinal() << 60) | ((long) start << 30) | end;
  }

  private static PiiType type(long m) {
    return PiiType.VALUES[(int) (m >>> 60)];
  }

  private static int start(long m) {
    return (int) ((m >>> 30) & 0x3FFF_FFFF);
  }

  private static int end(long m) {
    return (int) (m & 0x3FFF_FFFF);
  }
}
