package io.tributary.plugins.piiredaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds PII in a string in one left-to-right pass, without regular expressions.
 *
 * <p>The pass looks at one character at a time through a 128-entry class table and does more only
 * at <em>triggers</em>: the first character of a word (a digit, a hex letter, {@code e} of {@code
 * eyJ}, {@code B} of {@code Bearer}, {@code Basic} and {@code BEGIN}, the first letter of a known
 * API key prefix, of an IBAN country code or of a custom pattern), {@code @}, {@code +}, {@code (},
 * {@code ::}, {@code ://}, and {@code =} or {@code :} after a credential word ({@code
 * password=}, {@code "token":}). A trigger runs one small hand-written check.
 *
 * <p><b>Linear time.</b> Every check either looks at a bounded number of characters (IP
 * addresses, card, phone, SSN and IBAN numbers read at most ~45, a credential word at most 64
 * backwards, a custom pattern at most 64) or reads a run of characters that it then reports as a
 * finding, or that no later check of the same kind can start inside of (an email's local part and
 * domain exclude {@code @}; JWT, bearer and API key bodies start only after a character their body
 * cannot contain; a URL's user info excludes {@code /}). A credential value is read in full only
 * once it is known to be reported. So a value of n characters costs O(n) whatever it holds; the
 * adversarial tests check this.
 *
 * <p><b>No allocation</b> unless something is found: the result is null for a clean value.
 *
 * <p>Immutable and thread-safe.
 */
final class Scanner {

  // Character classes (ASCII only; every other character separates words and triggers nothing).
  private static final byte WORD = 1; // [A-Za-z0-9_]
  private static final byte SPECIAL = 2; // @ + ( : =
  private static final byte[] CLASS = new byte[128];

  // What the first character of a word may start.
  private static final int D_NUMBER = 1;
  private static final int D_HEX = 2;
  private static final int D_JWT = 4;
  private static final int D_BEARER = 8; // and Basic
  private static final int D_API_KEY = 16;
  private static final int D_PEM = 32;
  private static final int D_IBAN = 64;
  private static final int D_CUSTOM = 128;

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
    CLASS['='] = SPECIAL;
  }

  /** An API key format: a literal prefix followed by a body of key characters. */
  static final class KeyPrefix {
    final String prefix;
    /** Minimum number of body characters after the prefix. */
    final int minBody;
    /** Exact body length, or 0 for at least {@link #minBody}. */
    final int exactBody;
    /** AWS access key ids: upper-case letters and digits only. */
    final boolean aws;

    KeyPrefix(String prefix, int minBody, boolean aws) {
      this(prefix, minBody, aws ? minBody : 0, aws);
    }

    KeyPrefix(String prefix, int minBody, int exactBody, boolean aws) {
      this.prefix = prefix;
      this.minBody = minBody;
      this.exactBody = exactBody;
      this.aws = aws;
    }
  }

  /** The well-known API key formats; user prefixes are added with a minimum body of 8. */
  static List<KeyPrefix> builtInKeyPrefixes() {
    List<KeyPrefix> list = new ArrayList<>();
    for (String p : new String[] {"sk_live_", "sk_test_", "rk_live_", "rk_test_"}) {
      list.add(new KeyPrefix(p, 10, false)); // Stripe secret and restricted keys
    }
    for (String p : new String[] {"AKIA", "ASIA", "ABIA", "ACCA"}) {
      list.add(new KeyPrefix(p, 16, true)); // AWS access key ids (long-term, temporary, ...)
    }
    list.add(new KeyPrefix("AIza", 35, 35, false)); // Google API key
    for (String p : new String[] {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}) {
      list.add(new KeyPrefix(p, 20, false)); // GitHub tokens
    }
    for (String p : new String[] {"xoxa-", "xoxb-", "xoxp-", "xoxr-"}) {
      list.add(new KeyPrefix(p, 10, false)); // Slack app, bot, user and refresh tokens
    }
    list.add(new KeyPrefix("npm_", 36, 36, false)); // npm access token
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
  private final boolean credential;
  private final boolean privateKey;
  private final boolean iban;
  private final boolean ssn;
  private final boolean cardIinCheck;
  private final boolean anySpecial;
  private final int[] dispatch = new int[128];
  /** What the main loop does at each ASCII character: one of the ACT_ values. */
  private final byte[] act = new byte[128];
  private static final byte ACT_NONE = 0;
  private static final byte ACT_WORD = 1; // a word no detector starts with: skip it
  private static final byte ACT_CHECK = 2; // a word some detector may start with
  private static final byte ACT_SPECIAL = 3;
  /**
   * For each first character of a word, a 128-bit set of the second characters that can continue
   * an enabled detector (two longs per first character); a word failing it costs one more read.
   */
  private final long[] secondChars = new long[256];
  private final KeyPrefix[][] prefixesByFirst = new KeyPrefix[128][];
  /** Credential words and custom detectors' keys, by their last character (lower case). */
  private final char[][][] namesByLast = new char[128][][];
  private final int[][] kindsByLast = new int[128][];
  /** For each last character, the 128-bit set of characters that can come before it in a name. */
  private final long[] beforeLast = new long[256];
  /** Custom detectors with keys, by kind index minus the built-in kinds; null when there are none. */
  private final CustomDetector[] customs;
  /** Custom detectors without keys (patterns looked for everywhere), by their first character. */
  private final CustomDetector[][] customsByFirst = new CustomDetector[128][];

  Scanner(Set<PiiType> enabled, boolean cardIinCheck, List<KeyPrefix> keyPrefixes) {
    this(enabled, cardIinCheck, keyPrefixes, List.of(), List.of());
  }

  /**
   * @param credentialWords normalised names (see {@link KeyRules#normalizeName}) after which a
   *     value is a credential
   * @param customs custom detectors, in kind order
   */
  Scanner(Set<PiiType> enabled, boolean cardIinCheck, List<KeyPrefix> keyPrefixes,
      List<String> credentialWords, List<CustomDetector> customs) {
    this.email = enabled.contains(PiiType.EMAIL);
    this.card = enabled.contains(PiiType.CARD);
    this.phone = enabled.contains(PiiType.PHONE);
    this.ipv4 = enabled.contains(PiiType.IPV4);
    this.ipv6 = enabled.contains(PiiType.IPV6);
    this.jwt = enabled.contains(PiiType.JWT);
    this.bearer = enabled.contains(PiiType.BEARER);
    this.apiKey = enabled.contains(PiiType.API_KEY) && !keyPrefixes.isEmpty();
    this.credential = enabled.contains(PiiType.CREDENTIAL);
    this.privateKey = enabled.contains(PiiType.PRIVATE_KEY);
    this.iban = enabled.contains(PiiType.IBAN);
    this.ssn = enabled.contains(PiiType.SSN);
    this.cardIinCheck = cardIinCheck;
    this.customs = customs.isEmpty() ? null : customs.toArray(new CustomDetector[0]);
    boolean anyNames = false;
    if (credential) {
      for (String w : credentialWords) {
        addName(w, PiiType.CREDENTIAL.ordinal());
        anyNames = true;
      }
    }
    for (CustomDetector d : customs) {
      for (String k : d.keys) {
        addName(k, d.kind);
        anyNames = true;
      }
    }
    this.anySpecial = email || phone || ipv6 || credential || anyNames;
    for (char c = '0'; c <= '9'; c++) {
      if (ipv4 || ipv6 || card || phone || ssn) {
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
    if (bearer || credential) {
      dispatch['B'] |= D_BEARER;
      dispatch['b'] |= D_BEARER;
    }
    if (privateKey) {
      dispatch['B'] |= D_PEM;
    }
    if (iban) {
      for (int k = 0; k < IBAN_LENGTHS.length(); k += 5) {
        dispatch[IBAN_LENGTHS.charAt(k)] |= D_IBAN;
      }
    }
    for (CustomDetector d : customs) {
      if (!d.keys.isEmpty() || d.pattern == null) {
        continue;
      }
      for (char c = 0; c < 128; c++) {
        if (isWord(c) && d.pattern.mayStartWith(c)) {
          CustomDetector[] old = customsByFirst[c];
          CustomDetector[] grown = old == null ? new CustomDetector[1] : java.util.Arrays.copyOf(old, old.length + 1);
          grown[grown.length - 1] = d;
          customsByFirst[c] = grown;
          dispatch[c] |= D_CUSTOM;
        }
      }
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
      int d = dispatch[c];
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
        allow(c, "eEaA");
      }
      if ((d & D_PEM) != 0) {
        allow(c, "E");
      }
      if ((d & D_IBAN) != 0) {
        allow(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
      }
      if ((d & D_CUSTOM) != 0) {
        for (char c2 = 0; c2 < 128; c2++) {
          allow(c, String.valueOf(c2));
        }
      }
      if ((d & D_API_KEY) != 0) {
        for (KeyPrefix k : prefixesByFirst[c]) {
          allow(c, k.prefix.substring(1, 2));
        }
      }
    }
    fillActions();
  }

  private void fillActions() {
    for (char c = 0; c < 128; c++) {
      if (CLASS[c] == WORD) {
        act[c] = dispatch[c] != 0 ? ACT_CHECK : ACT_WORD;
      } else if (CLASS[c] == SPECIAL && anySpecial) {
        act[c] = ACT_SPECIAL;
      }
    }
  }

  private void addName(String name, int kind) {
    char last = name.charAt(name.length() - 1);
    addNameUnder(last, name, kind);
    char upper = Character.toUpperCase(last);
    if (upper != last) {
      addNameUnder(upper, name, kind);
    }
  }

  private void addNameUnder(char c, String name, int kind) {
    if (name.length() == 1) {
      beforeLast[c * 2] = beforeLast[c * 2 + 1] = -1L;
    } else {
      char b = name.charAt(name.length() - 2);
      for (char x = 0; x < 128; x++) {
        boolean ok = b == '_' ? !isAlnum(x) : (x == b || x == Character.toUpperCase(b));
        if (ok) {
          beforeLast[c * 2 + (x >> 6)] |= 1L << (x & 63);
        }
      }
    }
    char[][] old = namesByLast[c];
    int n = old == null ? 0 : old.length;
    char[][] names = old == null ? new char[1][] : java.util.Arrays.copyOf(old, n + 1);
    int[] kinds = old == null ? new int[1] : java.util.Arrays.copyOf(kindsByLast[c], n + 1);
    names[n] = name.toCharArray();
    kinds[n] = kind;
    namesByLast[c] = names;
    kindsByLast[c] = kinds;
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
    return scan(s, 0, end, null);
  }

  /**
   * Adds the findings in {@code s[from, end)} to {@code spans} (created on the first one) and
   * returns it. Only {@code s[from - 1]} is read before {@code from}, as the character a word
   * start follows; nothing past {@code end} is read.
   */
  Spans scan(String s, int from, int end, Spans spans) {
    final byte[] act = this.act;
    int lastEnd = from;
    int i = from;
    while (i < end) {
      char c = s.charAt(i);
      int a = c < 128 ? act[c] : ACT_NONE;
      if (a == ACT_NONE) {
        i++;
        continue;
      }
      if (a == ACT_SPECIAL) {
        long m = atSpecial(s, i, end, c, lastEnd);
        if (m != NONE) {
          spans = Spans.add(spans, kind(m), start(m), end(m));
          i = lastEnd = end(m);
          continue;
        }
        i++;
        continue;
      }
      if (a == ACT_CHECK) {
        // A word start some detector may take: at most one check.
        long m = wordStart(s, i, end, c, lastEnd, from);
        if (m != NONE) {
          spans = Spans.add(spans, kind(m), start(m), end(m));
          i = lastEnd = end(m);
          continue;
        }
      }
      // The rest of the word, in a tight loop.
      int ws = i++;
      while (i < end && (c = s.charAt(i)) < 128 && CLASS[c] == WORD) {
        i++;
      }
      if (credential && i + 16 < end && s.charAt(i) == ' ' && i - ws >= 3) {
        long m = tokenAfterWord(s, ws, i, end);
        if (m != NONE) {
          spans = Spans.add(spans, kind(m), start(m), end(m));
          i = lastEnd = end(m);
        }
      }
    }
    return spans;
  }

  /** A word starts at {@code i} with a character some detector may start with. */
  private long wordStart(String s, int i, int end, char c, int lastEnd, int from) {
    int d = dispatch[c];
    if (i + 1 < end) {
      char c2 = s.charAt(i + 1);
      if ((c2 < 128 && (secondChars[c * 2 + (c2 >> 6)] >>> (c2 & 63) & 1L) == 0)
          || !worthChecking(d, s, i, end, from)) {
        return NONE;
      }
    }
    return atWordStart(s, i, end, c, d, lastEnd, from);
  }

  // ---------------------------------------------------------------- dispatch

  /**
   * For a word start that only one kind of detector can take, a cheap look ahead: most such words
   * are ordinary numbers, hex-lettered words that are no IPv6 address, or capitalised words that are
   * no IBAN.
   */
  private boolean worthChecking(int d, String s, int i, int end, int from) {
    switch (d) {
      case D_NUMBER:
        return numberMayStart(s, i, end, from);
      case D_HEX:
        return colonAfterHexRun(s, i, end);
      case D_IBAN:
        return i + 2 < end && isDigit(s.charAt(i + 2));
      default:
        return true;
    }
  }

  /**
   * Small enough to be inlined: false for the ordinary numbers (status codes, ids, durations)
   * that cannot start a card, phone, IPv4 or IPv6 finding, judged by the leading digit run and
   * the character after it.
   */
  private boolean numberMayStart(String s, int i, int end, int from) {
    if (i > from && s.charAt(i - 1) == '.') {
      return false; // "1.22.13", "5.0": after a dot no number detector starts (see atWordStart)
    }
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
        || (q - i <= 4 && isHex(next) && ipv6 && colonAfterHexRun(s, i, end));
  }

  private long atWordStart(String s, int i, int end, char c, int d, int lastEnd, int from) {
    char prev = i > from ? s.charAt(i - 1) : ' ';
    if ((d & D_PEM) != 0 && prev == '-') {
      long m = pem(s, i, end, lastEnd);
      if (m != NONE) {
        return m;
      }
    }
    if ((d & D_IBAN) != 0 && !isWordOrJoin(prev)) {
      long m = iban(s, i, end);
      if (m != NONE) {
        return m;
      }
    }
    if ((d & D_CUSTOM) != 0) {
      for (CustomDetector k : customsByFirst[c]) {
        int e = k.pattern.matchAt(s, i, end);
        if (e > 0 && k.valid(s, i, e)) {
          return match(k.kind, i, e);
        }
      }
    }
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
      long m = bearer ? bearer(s, i, end) : NONE;
      if (m == NONE && credential) {
        m = basic(s, i, end);
      }
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
      if ((card || phone || ssn) && (separated || run >= 10) && !joinedBefore(prev)) {
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
      case '=':
        return namesBefore(s, i, end, lastEnd);
      default: // ':'
        if (i + 1 < end && s.charAt(i + 1) == ':') {
          if (ipv6 && (i == 0 || !isIpv6Char(s.charAt(i - 1)))) {
            int e = ipv6(s, i, end);
            return e > 0 ? match(PiiType.IPV6, i, e) : NONE;
          }
          return NONE;
        }
        if (credential && i + 2 < end && s.charAt(i + 1) == '/' && s.charAt(i + 2) == '/') {
          return urlCredential(s, i, end);
        }
        return namesBefore(s, i, end, lastEnd);
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
    if (ssn && digits == 9 && groups == 3 && consistentGroups == 3 && (sep == '-' || sep == ' ')
        && len(lens, 0) == 3 && len(lens, 1) == 2 && !truncated && endsClean(s, p, end)
        && ssnValid(s, i)) {
      return match(PiiType.SSN, i, p);
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
    return p - start >= 8 && !plainWord(s, start, p) ? match(PiiType.BEARER, start, p) : NONE;
  }

  /** Whether {@code s[from, to)} is only lower-case letters, or a capital and then lower case: prose. */
  private static boolean plainWord(String s, int from, int to) {
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      if (!(c >= 'a' && c <= 'z') && !(k == from && isUpper(c))) {
        return false;
      }
    }
    return true;
  }

  private long apiKey(String s, int i, int end, char c) {
    for (KeyPrefix k : prefixesByFirst[c]) {
      if (!s.startsWith(k.prefix, i)) {
        continue;
      }
      int body = i + k.prefix.length();
      if (k.aws) {
        int q = body;
        while (q < end && q - body <= k.exactBody) {
          char x = s.charAt(q);
          if (!isDigit(x) && (x < 'A' || x > 'Z')) {
            break;
          }
          q++;
        }
        if (q - body == k.exactBody && (q == end || !isWord(s.charAt(q)))) {
          return match(PiiType.API_KEY, i, q);
        }
        continue;
      }
      int p = skipBase64Url(s, body, end);
      if (k.exactBody > 0 ? p - body == k.exactBody : p - body >= k.minBody) {
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

  /**
   * A US social security number at {@code i} as {@code AAA?GG?SSSS}: area 001–899 but not 666,
   * group 01–99, serial 0001–9999, and not one of the numbers published in advertising.
   */
  private static boolean ssnValid(String s, int i) {
    int area = (s.charAt(i) - '0') * 100 + (s.charAt(i + 1) - '0') * 10 + (s.charAt(i + 2) - '0');
    int group = (s.charAt(i + 4) - '0') * 10 + (s.charAt(i + 5) - '0');
    int serial = 0;
    for (int k = i + 7; k < i + 11; k++) {
      serial = serial * 10 + (s.charAt(k) - '0');
    }
    if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
      return false;
    }
    // 123-45-6789 and the Woolworth wallet card 078-05-1120 were printed as examples; 219-09-9999 in an ad.
    return !((area == 123 && group == 45 && serial == 6789)
        || (area == 78 && group == 5 && serial == 1120)
        || (area == 219 && group == 9 && serial == 9999));
  }

  // ---------------------------------------------------------------- IBAN

  /** Country codes and IBAN lengths (ISO 13616 registry), five characters per country. */
  static final String IBAN_LENGTHS = "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 "
      + "CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 "
      + "HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 "
      + "MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 "
      + "SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 ";

  private static int ibanLength(char a, char b) {
    for (int k = 0; k < IBAN_LENGTHS.length(); k += 5) {
      if (IBAN_LENGTHS.charAt(k) == a && IBAN_LENGTHS.charAt(k + 1) == b) {
        return (IBAN_LENGTHS.charAt(k + 2) - '0') * 10 + (IBAN_LENGTHS.charAt(k + 3) - '0');
      }
    }
    return 0;
  }

  /**
   * An IBAN at {@code i}: a country code, two check digits and the country's length in upper-case
   * letters and digits, bare or in groups of four joined by single spaces; mod 97 must be 1.
   */
  private static long iban(String s, int i, int end) {
    if (i + 15 > end || !isUpper(s.charAt(i + 1)) || !isDigit(s.charAt(i + 2))
        || !isDigit(s.charAt(i + 3))) {
      return NONE;
    }
    int len = ibanLength(s.charAt(i), s.charAt(i + 1));
    if (len == 0) {
      return NONE;
    }
    int p = i;
    int n = 0;
    while (n < len && p < end) {
      char c = s.charAt(p);
      if (isDigit(c) || isUpper(c)) {
        n++;
        p++;
      } else if (c == ' ' && n % 4 == 0 && p + 1 < end && s.charAt(p - 1) != ' ') {
        p++;
      } else {
        break;
      }
    }
    if (n != len || (p < end && isWord(s.charAt(p)))) {
      return NONE;
    }
    int rem = 0;
    for (int pass = 0; pass < 2; pass++) {
      int from = pass == 0 ? i + 4 : i;
      int to = pass == 0 ? p : i + 4;
      for (int k = from; k < to; k++) {
        char c = s.charAt(k);
        if (isDigit(c)) {
          rem = (rem * 10 + (c - '0')) % 97;
        } else if (c != ' ') {
          rem = (rem * 100 + (c - 'A' + 10)) % 97;
        }
      }
    }
    return rem == 1 ? match(PiiType.IBAN, i, p) : NONE;
  }

  // ---------------------------------------------------------------- credentials

  /** The longest credential word or custom key looked for before {@code =} or {@code :}. */
  private static final int MAX_KEY = 64;

  /**
   * {@code s[i]} is {@code =} or {@code :}. If a credential word (or a custom detector's key) ends
   * the word before it, as its last segments ({@code password}, {@code db.password}, {@code
   * userPassword}, {@code "client_secret"}, {@code X-Amz-Signature}), returns the value after it.
   */
  private long namesBefore(String s, int i, int end, int lastEnd) {
    int k = i;
    while (k > lastEnd && i - k < 3 && s.charAt(k - 1) == ' ') {
      k--;
    }
    if (k > lastEnd && (s.charAt(k - 1) == '"' || s.charAt(k - 1) == '\'')) {
      k--;
      if (k > lastEnd && s.charAt(k - 1) == '\\') {
        k--; // a JSON-escaped quote inside a string
      }
    }
    if (k <= lastEnd) {
      return NONE;
    }
    char last = s.charAt(k - 1);
    if (last >= 128 || namesByLast[last] == null) {
      return NONE; // the common case: a time, a URL, a label that is no credential word
    }
    char before = k - 2 >= lastEnd ? s.charAt(k - 2) : ' ';
    if (before >= 128 || (beforeLast[last * 2 + (before >> 6)] >>> (before & 63) & 1L) == 0) {
      return NONE;
    }
    int ke = k;
    int ks = ke;
    while (ks > lastEnd && ke - ks <= MAX_KEY && isKeyChar(s.charAt(ks - 1))) {
      ks--;
    }
    if (ke - ks > MAX_KEY) {
      return NONE;
    }
    char[][] names = namesByLast[last];
    for (int n = 0; n < names.length; n++) {
      if (endsWithName(s, ks, ke, names[n])) {
        return valueAfter(s, i, end, kindsByLast[last][n]);
      }
    }
    return NONE;
  }

  /** The longest token read after a credential word and a space. */
  private static final int MAX_GENERIC_TOKEN = 256;

  /**
   * The word {@code s[ws, we)}, followed by a space, ends with a credential word ({@code token
   * 8f3kQ2…}, {@code api_key AbC…}): the next token is a credential if it looks random — 16 to 256
   * characters of base64, hex or base64url, with a letter and a digit, at most two separators
   * ({@code _ - .}), and at least 10 different characters (half its length, for shorter ones).
   * Prose ("password reset", "token expired"), identifiers ({@code user_profile_v2_cache}) and
   * numbers are not. Each token is read by at most one such check, so this stays linear.
   */
  private long tokenAfterWord(String s, int ws, int we, int end) {
    char last = s.charAt(we - 1);
    if (last >= 128 || namesByLast[last] == null) {
      return NONE;
    }
    char before = s.charAt(we - 2);
    if ((beforeLast[last * 2 + (before >> 6)] >>> (before & 63) & 1L) == 0) {
      return NONE;
    }
    char[][] names = namesByLast[last];
    int[] kinds = kindsByLast[last];
    boolean word = false;
    for (int n = 0; n < names.length && !word; n++) {
      word = kinds[n] == PiiType.CREDENTIAL.ordinal() && endsWithName(s, ws, we, names[n]);
    }
    if (!word) {
      return NONE;
    }
    int ts = we + 1;
    int p = ts;
    long seen0 = 0;
    long seen1 = 0;
    int separators = 0;
    boolean digit = false;
    boolean letter = false;
    while (p < end && p - ts <= MAX_GENERIC_TOKEN) {
      char c = s.charAt(p);
      if (isDigit(c)) {
        digit = true;
      } else if (isAlnum(c)) {
        letter = true;
      } else if (c == '_' || c == '-' || c == '.') {
        separators++;
      } else if (c != '+' && c != '/' && c != '=') {
        break;
      }
      if (c < 64) {
        seen0 |= 1L << c;
      } else {
        seen1 |= 1L << (c - 64);
      }
      p++;
    }
    while (p > ts && s.charAt(p - 1) == '.') {
      p--; // a full stop ending a sentence
    }
    int len = p - ts;
    if (len < 16 || len > MAX_GENERIC_TOKEN || !digit || !letter || separators > 2
        || (p < end && isWord(s.charAt(p)))) {
      return NONE;
    }
    int distinct = Long.bitCount(seen0) + Long.bitCount(seen1);
    return distinct >= Math.min(10, len / 2) ? match(PiiType.CREDENTIAL, ts, p) : NONE;
  }

  /** Whether {@code s[ks, ke)} ends with {@code name} as whole segments, case-insensitively. */
  private static boolean endsWithName(String s, int ks, int ke, char[] name) {
    int n = name.length;
    int at = ke - n;
    if (at < ks) {
      return false;
    }
    for (int j = 0; j < n; j++) {
      char k = s.charAt(at + j);
      char c = name[j];
      if (c == '_') {
        if (isAlnum(k)) {
          return false;
        }
      } else if (lower(k) != c) {
        return false;
      }
    }
    if (at == ks) {
      return true;
    }
    char prev = s.charAt(at - 1);
    if (at - 1 == ks && ks > 0 && s.charAt(ks - 1) == '\\' && (prev == 'n' || prev == 't' || prev == 'r')) {
      return true; // "\npassword=": an escaped newline or tab before the word, as JSON and many loggers write it
    }
    return !isAlnum(prev) || (isUpper(s.charAt(at)) && !isUpper(prev));
  }

  /** Characters of a placeholder's prefix that are checked before a value is read in full. */
  private static final int PLACEHOLDER_PEEK = 24;

  private static final String[] NOT_SECRETS = {
      "true", "false", "null", "none", "nil", "undefined", "empty", "redacted", "hidden",
      "masked", "filtered", "removed", "required", "missing", "invalid", "expired", "unset",
      "changed", "reset", "yes", "no", "ok", "n/a"};

  /**
   * The value after the separator at {@code i}: quoted (to the closing quote), or up to a space,
   * {@code & , ; ) ] } < > |} or a quote. An HTTP scheme word ({@code Basic}, {@code Token}) is
   * kept; after {@code Bearer} the bearer detector takes over. Placeholders ({@code ****}, {@code
   * [REDACTED]}, {@code <password>}, {@code ${VAR}}, {@code true}, ...) are not findings, and are
   * recognised from at most {@link #PLACEHOLDER_PEEK} characters, so a value is read in full only
   * when it is reported.
   */
  private long valueAfter(String s, int i, int end, int kind) {
    int p = i + 1;
    if (p < end && (s.charAt(p) == '>' || (s.charAt(i) == ':' && s.charAt(p) == '='))) {
      p++; // "=>" and ":="
    }
    int afterSeparator = p;
    while (p < end && p - i <= 8 && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
      p++;
    }
    if (p >= end || (p > afterSeparator && nextIsKey(s, p, end))) {
      return NONE; // "password= user=bob": the value is empty
    }
    char q = s.charAt(p);
    boolean escapedQuote = false;
    if (q == '\\' && p + 1 < end && (s.charAt(p + 1) == '"' || s.charAt(p + 1) == '\'')) {
      escapedQuote = true;
      q = s.charAt(++p);
    }
    boolean quoted = q == '"' || q == '\'' || q == '`';
    int vs = quoted ? p + 1 : p;
    if (kind == PiiType.CREDENTIAL.ordinal()) {
      int afterScheme = afterScheme(s, vs, end);
      if (afterScheme < 0) {
        return NONE; // "Bearer …": the bearer detector's
      }
      vs = afterScheme;
    }
    if (vs >= end) {
      return NONE;
    }
    if (kind >= PiiType.VALUES.length) {
      // A custom detector's key: the value must match its pattern (a token of at most 64).
      int ve = vs;
      while (ve < end && ve - vs <= TokenPattern.MAX_TOKEN && !endsValue(s.charAt(ve), quoted, q)) {
        ve++;
      }
      CustomDetector d = customs[kind - PiiType.VALUES.length];
      return ve > vs && d.acceptsValue(s, vs, ve) ? match(kind, vs, ve) : NONE;
    }
    if (placeholder(s, vs, end, quoted, q)) {
      return NONE;
    }
    int ve = vs;
    while (ve < end) {
      char c = s.charAt(ve);
      if (escapedQuote ? (c == '\\' || c == q) : endsValue(c, quoted, q)) {
        break;
      }
      ve++;
    }
    if (!quoted && ve - vs > 1 && s.charAt(ve - 1) == '.' && (ve == end || s.charAt(ve) == ' ')) {
      ve--; // a full stop ending a sentence
    }
    if (ve == vs) {
      return NONE;
    }
    char first = s.charAt(vs);
    if (first < 128 && CLASS[first] == WORD && dispatch[first] != 0) {
      // A value that is a known format keeps its own kind: "token=eyJ…" is a JWT.
      long m = atWordStart(s, vs, end, first, dispatch[first], vs, vs);
      if (m != NONE && start(m) == vs && end(m) == ve) {
        return m;
      }
    }
    return match(kind, vs, ve);
  }

  /** Whether a key and its separator start at {@code p} ({@code user=}, {@code token:}). */
  private static boolean nextIsKey(String s, int p, int end) {
    int q = p;
    while (q < end && q - p <= MAX_KEY && isKeyChar(s.charAt(q))) {
      q++;
    }
    return q > p && q < end && (s.charAt(q) == '=' || s.charAt(q) == ':');
  }

  private static boolean endsValue(char c, boolean quoted, char q) {
    if (quoted) {
      return c == q || c == '\n' || c == '\r';
    }
    switch (c) {
      case ' ': case '\t': case '\n': case '\r': case '&': case ',': case ';': case '"': case '\'':
      case ')': case ']': case '}': case '<': case '>': case '|': case '\\': case '`':
        return true;
      default:
        return false;
    }
  }

  /** After an HTTP scheme word and its space, the credential's start; -1 after Bearer. */
  private static int afterScheme(String s, int vs, int end) {
    int len;
    if (s.regionMatches(true, vs, "basic ", 0, 6) || s.regionMatches(true, vs, "token ", 0, 6)) {
      len = 6;
    } else if (s.regionMatches(true, vs, "bearer ", 0, 7)) {
      return -1;
    } else {
      return vs;
    }
    int p = vs + len;
    while (p < end && p - vs < 16 && s.charAt(p) == ' ') {
      p++;
    }
    return p;
  }

  /** Whether the value at {@code vs} is a placeholder, judged from its first characters only. */
  private static boolean placeholder(String s, int vs, int end, boolean quoted, char q) {
    int ve = vs;
    int limit = Math.min(end, vs + PLACEHOLDER_PEEK);
    while (ve < limit && !endsValue(s.charAt(ve), quoted, q)) {
      ve++;
    }
    boolean whole = ve < limit || ve == end;
    char c = s.charAt(vs);
    if (c == '[' && (s.startsWith("[REDACTED", vs) || s.startsWith("[HASH:", vs)
        || s.startsWith("[FILTERED", vs) || s.startsWith("[MASKED", vs))) {
      return true;
    }
    if ((c == '$' && vs + 1 < end && (s.charAt(vs + 1) == '{' || isUpper(s.charAt(vs + 1))))
        || (c == '{' && vs + 1 < end && s.charAt(vs + 1) == '{')
        || (c == '%' && vs + 1 < end && (s.charAt(vs + 1) == 's' || s.charAt(vs + 1) == '('))
        || (c == '<' && whole && s.charAt(ve - 1) == '>')) {
      return true; // a template variable or a <placeholder>
    }
    if (!whole) {
      return false;
    }
    boolean masks = true;
    for (int k = vs; k < ve && masks; k++) {
      char m = s.charAt(k);
      masks = m == '*' || m == 'x' || m == 'X' || m == '#' || m == '\u2022' || m == '.';
    }
    if (masks && ve - vs >= 3) {
      return true;
    }
    int len = ve - vs;
    for (String word : NOT_SECRETS) {
      if (word.length() == len && s.regionMatches(true, vs, word, 0, len)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code s[i, i + 3)} is {@code ://}: the password of a URL's user info ({@code
   * https://user:pass@host/}), or NONE. The run read excludes {@code /}, so no later check of this
   * kind starts inside it.
   */
  private static long urlCredential(String s, int i, int end) {
    int p = i + 3;
    int colon = -1;
    while (p < end) {
      char c = s.charAt(p);
      if (c == '@') {
        break;
      }
      if (c == ':' && colon < 0) {
        colon = p;
      } else if (!isUserInfoChar(c)) {
        return NONE;
      }
      p++;
    }
    if (p + 1 >= end || colon < 0 || colon + 1 == p) {
      return NONE;
    }
    char host = s.charAt(p + 1);
    if (!isAlnum(host) && host != '[') {
      return NONE;
    }
    if (placeholder(s, colon + 1, p, true, '@')) {
      return NONE;
    }
    return match(PiiType.CREDENTIAL, colon + 1, p);
  }

  /**
   * {@code Basic <base64>} where the base64 decodes to printable {@code user:password}: the
   * encoded credentials are the finding.
   */
  private static long basic(String s, int i, int end) {
    if (i + 6 >= end || !s.regionMatches(true, i, "basic ", 0, 6)) {
      return NONE;
    }
    int start = i + 6;
    while (start < end && start - i < 16 && s.charAt(start) == ' ') {
      start++;
    }
    int p = start;
    while (p < end && (isAlnum(s.charAt(p)) || s.charAt(p) == '+' || s.charAt(p) == '/')) {
      p++;
    }
    int data = p;
    while (p < end && p - data < 2 && s.charAt(p) == '=') {
      p++;
    }
    if (p - start < 8 || (p - start) % 4 != 0 || (p < end && isWord(s.charAt(p)))) {
      return NONE;
    }
    // Decode on the fly: every byte printable ASCII, a ':' with something after it.
    int bits = 0;
    int nbits = 0;
    int colonAt = -1;
    int bytes = 0;
    for (int k = start; k < data; k++) {
      bits = (bits << 6) | base64Value(s.charAt(k));
      nbits += 6;
      if (nbits >= 8) {
        nbits -= 8;
        int b = (bits >> nbits) & 0xFF;
        if (b < 0x20 || b > 0x7E) {
          return NONE;
        }
        if (b == ':' && colonAt < 0) {
          colonAt = bytes;
        }
        bytes++;
      }
    }
    return colonAt >= 0 && colonAt < bytes - 1 ? match(PiiType.CREDENTIAL, start, p) : NONE;
  }

  private static int base64Value(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '+' ? 62 : 63;
  }

  // ---------------------------------------------------------------- private keys

  /**
   * {@code s[i]} starts {@code BEGIN} after {@code -----}: a PEM block whose label says PRIVATE
   * KEY, up to its END line, or to the end of the value if it has none (a truncated key is still a
   * secret).
   */
  private static long pem(String s, int i, int end, int lastEnd) {
    if (i - 5 < lastEnd || !s.startsWith("BEGIN ", i) || !s.startsWith("-----", i - 5)) {
      return NONE;
    }
    int p = i + 6;
    while (p < end && p - i < 48 && (isUpper(s.charAt(p)) || s.charAt(p) == ' ' || isDigit(s.charAt(p)))) {
      p++;
    }
    if (p + 5 > end || !s.startsWith("-----", p)) {
      return NONE;
    }
    String label = s.substring(i + 6, p);
    if (!label.endsWith("PRIVATE KEY") && !label.endsWith("PRIVATE KEY BLOCK")) {
      return NONE;
    }
    int endLine = s.indexOf("-----END ", p + 5);
    if (endLine < 0 || endLine + 9 > end) {
      return match(PiiType.PRIVATE_KEY, i - 5, end);
    }
    int close = s.indexOf("-----", endLine + 9);
    if (close < 0 || close + 5 > end) {
      return match(PiiType.PRIVATE_KEY, i - 5, end);
    }
    return match(PiiType.PRIVATE_KEY, i - 5, close + 5);
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

  static boolean isWordChar(char c) {
    return isWord(c);
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static char lower(char c) {
    return isUpper(c) ? (char) (c + 32) : c;
  }

  private static boolean isKeyChar(char c) {
    return isWord(c) || c == '-' || c == '.';
  }

  private static boolean isUserInfoChar(char c) {
    return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '%' || c == '!'
        || c == '$' || c == '&' || c == '\'' || c == '*' || c == '+' || c == ',' || c == ';'
        || c == '=';
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

  // kind (8 bits) | start (28 bits) | end (28 bits); values are at most maxScanLength < 2^28.
  private static long match(PiiType type, int start, int end) {
    return match(type.ordinal(), start, end);
  }

  private static long match(int kind, int start, int end) {
    return ((long) kind << 56) | ((long) start << 28) | end;
  }

  private static int kind(long m) {
    return (int) (m >>> 56);
  }

  private static int start(long m) {
    return (int) ((m >>> 28) & 0xFFF_FFFF);
  }

  private static int end(long m) {
    return (int) (m & 0xFFF_FFFF);
  }
}
