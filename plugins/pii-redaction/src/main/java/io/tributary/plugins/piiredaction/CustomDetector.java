package io.tributary.plugins.piiredaction;

import java.util.List;

/**
 * A detector added through configuration: a name (its kind, marker and count key), an optional
 * {@link TokenPattern}, optional key names, an optional validator. With keys, only values under
 * those keys (attribute keys, JSON keys, {@code key=value} in text) are looked at, and redacted
 * when they match the pattern (or always, without a pattern); without keys the pattern is looked
 * for at every word start. Immutable.
 */
final class CustomDetector {

  /** A check on a pattern's match. */
  enum Validator {
    NONE,
    /** The digits of the match pass the Luhn check. */
    LUHN,
    /** The match, letters counted as 10–35 (ISO 7064 MOD 97-10), is 1 modulo 97. */
    MOD97;

    static final String[] IDS = {"none", "luhn", "mod97"};

    static Validator byId(String id) {
      for (Validator v : values()) {
        if (v.name().equalsIgnoreCase(id)) {
          return v;
        }
      }
      return null;
    }
  }

  final String name;
  /** The kind index: {@code PiiType.VALUES.length} + the detector's position. */
  final int kind;
  /** Null: any value under one of {@link #keys}. */
  final TokenPattern pattern;
  /** Normalised key names (see {@link KeyRules#normalizeName}); empty: the pattern anywhere. */
  final List<String> keys;
  final Validator validator;

  CustomDetector(String name, int kind, TokenPattern pattern, List<String> keys, Validator validator) {
    this.name = name;
    this.kind = kind;
    this.pattern = pattern;
    this.keys = List.copyOf(keys);
    this.validator = validator;
  }

  /** Whether {@code s[from, to)}, found by the pattern, passes the validator. */
  boolean valid(String s, int from, int to) {
    switch (validator) {
      case LUHN:
        return Scanner.luhn(s, from, to);
      case MOD97:
        return mod97(s, from, to);
      default:
        return true;
    }
  }

  /** Whether a whole value found under one of the keys is this detector's. */
  boolean acceptsValue(String s, int from, int to) {
    if (pattern == null) {
      return to > from;
    }
    return pattern.matchesWhole(s, from, to) && valid(s, from, to);
  }

  static boolean mod97(String s, int from, int to) {
    int rem = 0;
    int seen = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        rem = (rem * 10 + (c - '0')) % 97;
      } else if (c >= 'A' && c <= 'Z') {
        rem = (rem * 100 + (c - 'A' + 10)) % 97;
      } else if (c >= 'a' && c <= 'z') {
        rem = (rem * 100 + (c - 'a' + 10)) % 97;
      } else {
        continue;
      }
      seen++;
    }
    return seen > 0 && rem == 1;
  }
}
