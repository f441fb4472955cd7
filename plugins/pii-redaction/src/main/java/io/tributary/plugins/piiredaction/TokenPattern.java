package io.tributary.plugins.piiredaction;

/**
 * A custom detector's pattern: a safe subset of regular expressions, matched against one token of
 * at most {@link #MAX_TOKEN} characters by simulating all its states at once, so no pattern and no
 * input can make it backtrack. Immutable and thread-safe; matching allocates nothing.
 *
 * <p>The subset: literal ASCII characters (escape {@code \ . [ ] { } ( ) | * + ?} with {@code \}),
 * {@code \d} (a digit), {@code \w} (a letter, digit or {@code _}), {@code \a} (a letter), {@code
 * .} (any printable ASCII character but space), classes {@code [A-Z0-9_-]} and {@code [^...]},
 * each optionally followed by one quantifier: {@code ?}, {@code *}, {@code +}, {@code {n}}, {@code
 * {m,n}} or {@code {m,}}. No groups, alternation, anchors or back-references: a pattern is a
 * sequence of quantified characters, at most {@link #MAX_STATES} states once repetitions are
 * written out ({@code \d{6}} is six).
 */
final class TokenPattern {

  static final int MAX_STATES = 62;
  static final int MAX_TOKEN = 64;

  /** Per state, the 128-bit set of ASCII characters it accepts (two longs). */
  private final long[] classes;
  private final long optional;
  private final long loop;
  private final int states;
  /** The characters a match can start with. */
  private final long[] first = new long[2];
  final String source;

  private TokenPattern(String source, long[] classes, long optional, long loop, int states) {
    this.source = source;
    this.classes = classes;
    this.optional = optional;
    this.loop = loop;
    this.states = states;
    long start = closure(1L);
    for (int k = 0; k < states; k++) {
      if ((start >>> k & 1L) != 0) {
        first[0] |= classes[2 * k];
        first[1] |= classes[2 * k + 1];
      }
    }
  }

  /**
   * Compiles {@code pattern}.
   *
   * @throws IllegalArgumentException saying what is not supported, or where the pattern is wrong
   */
  static TokenPattern compile(String pattern) {
    long[] classes = new long[2 * MAX_STATES];
    long optional = 0;
    long loop = 0;
    int n = 0;
    int p = 0;
    int len = pattern.length();
    if (len == 0) {
      throw new IllegalArgumentException("the pattern is empty");
    }
    while (p < len) {
      long[] set = new long[2];
      char c = pattern.charAt(p);
      if (c >= 128 || c < 32) {
        throw new IllegalArgumentException("only printable ASCII is supported (at " + p + ")");
      }
      if (c == '(' || c == ')' || c == '|') {
        throw new IllegalArgumentException("groups and alternation are not supported (at " + p + ")");
      }
      if (c == '^' || c == '$') {
        throw new IllegalArgumentException("anchors are not supported: a pattern always matches a "
            + "whole token (at " + p + ")");
      }
      if (c == '*' || c == '+' || c == '?' || c == '{' || c == '}' || c == ']') {
        throw new IllegalArgumentException("'" + c + "' has nothing to repeat or is unbalanced (at " + p + ")");
      }
      if (c == '[') {
        p = parseClass(pattern, p + 1, set);
      } else if (c == '\\') {
        if (p + 1 >= len) {
          throw new IllegalArgumentException("a pattern cannot end with '\\'");
        }
        escape(pattern.charAt(p + 1), set, p);
        p += 2;
      } else if (c == '.') {
        addRange(set, '!', '~');
        p++;
      } else {
        add(set, c);
        p++;
      }
      int min = 1;
      int max = 1;
      if (p < len) {
        char q = pattern.charAt(p);
        if (q == '?') {
          min = 0;
          p++;
        } else if (q == '*') {
          min = 0;
          max = -1;
          p++;
        } else if (q == '+') {
          max = -1;
          p++;
        } else if (q == '{') {
          int close = pattern.indexOf('}', p);
          if (close < 0) {
            throw new IllegalArgumentException("'{' without '}' (at " + p + ")");
          }
          String body = pattern.substring(p + 1, close);
          int comma = body.indexOf(',');
          try {
            if (comma < 0) {
              min = max = Integer.parseInt(body);
            } else {
              min = Integer.parseInt(body.substring(0, comma));
              max = comma == body.length() - 1 ? -1 : Integer.parseInt(body.substring(comma + 1));
            }
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'{" + body + "}' is not a repetition (at " + p + ")");
          }
          if (min < 0 || (max >= 0 && max < min) || max == 0) {
            throw new IllegalArgumentException("'{" + body + "}' is not a repetition (at " + p + ")");
          }
          p = close + 1;
        }
      }
      int copies = max < 0 ? Math.max(min, 1) : max;
      if (n + copies > MAX_STATES) {
        throw new IllegalArgumentException("the pattern is too long: at most " + MAX_STATES
            + " characters once repetitions are written out");
      }
      for (int k = 0; k < copies; k++) {
        classes[2 * n] = set[0];
        classes[2 * n + 1] = set[1];
        if (k >= min) {
          optional |= 1L << n;
        }
        if (max < 0 && k == copies - 1) {
          loop |= 1L << n;
        }
        n++;
      }
    }
    if (n == 0 || Long.bitCount(optional) == n) {
      throw new IllegalArgumentException("the pattern matches an empty token");
    }
    return new TokenPattern(pattern, java.util.Arrays.copyOf(classes, 2 * n), optional, loop, n);
  }

  private static int parseClass(String pattern, int p, long[] set) {
    int len = pattern.length();
    boolean negate = p < len && pattern.charAt(p) == '^';
    if (negate) {
      p++;
    }
    long[] inner = new long[2];
    int start = p;
    while (p < len && (pattern.charAt(p) != ']' || p == start)) {
      char c = pattern.charAt(p);
      if (c >= 128 || c < 32) {
        throw new IllegalArgumentException("only printable ASCII is supported (at " + p + ")");
      }
      if (c == '\\') {
        if (p + 1 >= len) {
          throw new IllegalArgumentException("'[' without ']'");
        }
        escape(pattern.charAt(p + 1), inner, p);
        p += 2;
        continue;
      }
      if (p + 2 < len && pattern.charAt(p + 1) == '-' && pattern.charAt(p + 2) != ']') {
        char to = pattern.charAt(p + 2);
        if (to < c || to >= 128) {
          throw new IllegalArgumentException("bad range " + c + "-" + to + " (at " + p + ")");
        }
        addRange(inner, c, to);
        p += 3;
        continue;
      }
      add(inner, c);
      p++;
    }
    if (p >= len) {
      throw new IllegalArgumentException("'[' without ']'");
    }
    if (negate) {
      long[] all = new long[2];
      addRange(all, '!', '~');
      set[0] = all[0] & ~inner[0];
      set[1] = all[1] & ~inner[1];
    } else {
      set[0] = inner[0];
      set[1] = inner[1];
    }
    return p + 1;
  }

  private static void escape(char e, long[] set, int at) {
    switch (e) {
      case 'd':
        addRange(set, '0', '9');
        break;
      case 'w':
        addRange(set, '0', '9');
        addRange(set, 'a', 'z');
        addRange(set, 'A', 'Z');
        add(set, '_');
        break;
      case 'a':
        addRange(set, 'a', 'z');
        addRange(set, 'A', 'Z');
        break;
      default:
        if (Scanner.isAlnum(e)) {
          throw new IllegalArgumentException("'\\" + e + "' is not supported (at " + at + ")");
        }
        add(set, e);
    }
  }

  private static void add(long[] set, char c) {
    set[c >> 6] |= 1L << (c & 63);
  }

  private static void addRange(long[] set, char from, char to) {
    for (char c = from; c <= to; c++) {
      add(set, c);
    }
  }

  private long closure(long active) {
    long a = active;
    for (int k = 0; k < states; k++) {
      if ((a >>> k & 1L) != 0 && (optional >>> k & 1L) != 0) {
        a |= 1L << (k + 1);
      }
    }
    return a;
  }

  /** Whether a match can start with {@code c}. */
  boolean mayStartWith(char c) {
    return c < 128 && (first[c >> 6] >>> (c & 63) & 1L) != 0;
  }

  /**
   * The end of the longest match starting at {@code i} that ends a token (at {@code end} or before
   * a character that is not a letter, digit or {@code _}), at most {@link #MAX_TOKEN} long; or -1.
   */
  int matchAt(String s, int i, int end) {
    long active = closure(1L);
    long accept = 1L << states;
    int best = -1;
    int limit = Math.min(end, i + MAX_TOKEN);
    for (int p = i; p < limit; p++) {
      char c = s.charAt(p);
      if (c >= 128) {
        break;
      }
      long next = step(active, accept, c);
      if (next == 0) {
        break;
      }
      active = closure(next);
      if ((active & accept) != 0 && (p + 1 == end || !Scanner.isWordChar(s.charAt(p + 1)))) {
        best = p + 1;
      }
    }
    return best;
  }

  /**
   * The states reached from {@code active} by reading {@code c}, before their closure; 0 when
   * none. {@code accept} is the accepting state's bit, which has no way out.
   */
  private long step(long active, long accept, char c) {
    long next = 0;
    long a = active & (accept - 1);
    while (a != 0) {
      int k = Long.numberOfTrailingZeros(a);
      a &= a - 1;
      if ((classes[2 * k + (c >> 6)] >>> (c & 63) & 1L) != 0) {
        next |= 1L << (k + 1);
        if ((loop >>> k & 1L) != 0) {
          next |= 1L << k;
        }
      }
    }
    return next;
  }

  /** Whether the whole of {@code s[from, to)} matches. */
  boolean matchesWhole(String s, int from, int to) {
    return to - from <= MAX_TOKEN && to > from && matchAtExactly(s, from, to);
  }

  private boolean matchAtExactly(String s, int from, int to) {
    long active = closure(1L);
    long accept = 1L << states;
    for (int p = from; p < to; p++) {
      char c = s.charAt(p);
      if (c >= 128) {
        return false;
      }
      long next = step(active, accept, c);
      if (next == 0) {
        return false;
      }
      active = closure(next);
    }
    return (active & accept) != 0;
  }
}
