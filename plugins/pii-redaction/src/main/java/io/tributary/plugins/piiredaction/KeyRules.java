package io.tributary.plugins.piiredaction;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides per attribute key: never touch it (allow-listed), redact its whole value (its name says
 * it holds a secret), or scan its value. Immutable and thread-safe.
 *
 * <p>A key name matches as the last whole segments of the key, case-insensitively: segments are
 * separated by any character that is not an ASCII letter or digit, and by a lower-to-upper case
 * change ({@code userPassword}). Separators inside a configured name match any separator, so {@code
 * api_key} matches {@code x-api-key}, {@code API_KEY} and {@code api.key}; {@code token} matches
 * {@code access_token} and {@code authToken} but not {@code tokens}, {@code token_count} or {@code
 * gen_ai.token.type} (a name in the middle of a key usually qualifies something else).
 *
 * <p>Keys repeat from item to item, so verdicts are remembered in a small direct-mapped cache of
 * immutable entries (a racy but safe publication: a reader sees no entry, an old one or a complete
 * new one). It holds keys only, never values; a key seen for the first time, or evicted by a
 * colliding one, costs one small allocation.
 */
final class KeyRules {

  static final int SCAN = 0;
  static final int ALLOW = 1;
  static final int SECRET = 2;
  /** A custom detector's key: the verdict is this plus the detector's position. */
  static final int CUSTOM = 16;

  /** The processor's own counters are never scanned. */
  private static final String OWN_PREFIX = "pii.redact";

  private static final char SEP = '_';

  private final Set<String> allowExact;
  private final String[] allowPrefixes;
  private final char[][][] namesByFirst = new char[128][][];
  private final int[][] verdictsByFirst = new int[128][];
  private final boolean hasNames;
  private final Verdict[] cache = new Verdict[CACHE_SIZE];

  private static final int CACHE_SIZE = 1024; // a power of two

  /** One remembered verdict; immutable, so safe to share through a plain array slot. */
  private static final class Verdict {
    final String key;
    final int hash;
    final int verdict;

    Verdict(String key, int hash, int verdict) {
      this.key = key;
      this.hash = hash;
      this.verdict = verdict;
    }
  }

  /**
   * @param allowKeys exact keys, or prefixes ending in {@code *}; already validated
   * @param names normalised key names (see {@link #normalizeName}); empty when key-name matching is off
   */
  KeyRules(List<String> allowKeys, List<String> names) {
    this(allowKeys, names, List.of());
  }

  /**
   * @param customs custom detectors; those with keys give their keys the verdict {@link #CUSTOM}
   *     plus their position, before key names are looked at
   */
  KeyRules(List<String> allowKeys, List<String> names, List<CustomDetector> customs) {
    Set<String> exact = new HashSet<>();
    List<String> prefixes = new ArrayList<>();
    prefixes.add(OWN_PREFIX);
    for (String k : allowKeys) {
      if (k.endsWith("*")) {
        prefixes.add(k.substring(0, k.length() - 1));
      } else {
        exact.add(k);
      }
    }
    this.allowExact = exact;
    this.allowPrefixes = prefixes.toArray(new String[0]);
    boolean any = false;
    for (int d = 0; d < customs.size(); d++) {
      for (String key : customs.get(d).keys) {
        addName(key, CUSTOM + d);
        any = true;
      }
    }
    for (String name : names) {
      addName(name, SECRET);
      any = true;
    }
    this.hasNames = any;
  }

  private void addName(String name, int verdict) {
    char first = name.charAt(0);
    char[][] old = namesByFirst[first];
    int n = old == null ? 0 : old.length;
    char[][] grown = old == null ? new char[1][] : java.util.Arrays.copyOf(old, n + 1);
    int[] verdicts = old == null ? new int[1] : java.util.Arrays.copyOf(verdictsByFirst[first], n + 1);
    grown[n] = name.toCharArray();
    verdicts[n] = verdict;
    namesByFirst[first] = grown;
    verdictsByFirst[first] = verdicts;
  }

  /**
   * Returns the lower-case form of a configured key name with every separator as {@code _}, or null
   * if it is unusable (empty, not ASCII letters, digits and {@code . _ - space}, or not starting and
   * ending with a letter or digit).
   */
  static String normalizeName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.isEmpty() || !Scanner.isAlnum(n.charAt(0)) || !Scanner.isAlnum(n.charAt(n.length() - 1))) {
      return null;
    }
    StringBuilder sb = new StringBuilder(n.length());
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (Scanner.isAlnum(c)) {
        sb.append(c);
      } else if (c == '.' || c == '_' || c == '-' || c == ' ') {
        sb.append(SEP);
      } else {
        return null;
      }
    }
    return sb.toString();
  }

  int classify(String key) {
    int h = key.hashCode();
    int slot = (h ^ (h >>> 16)) & (CACHE_SIZE - 1);
    Verdict v = cache[slot];
    if (v != null && (v.key == key || (v.hash == h && v.key.equals(key)))) {
      return v.verdict;
    }
    int verdict = decide(key);
    cache[slot] = new Verdict(key, h, verdict);
    return verdict;
  }

  private int decide(String key) {
    if (!allowExact.isEmpty() && allowExact.contains(key)) {
      return ALLOW;
    }
    for (String p : allowPrefixes) {
      if (key.startsWith(p)) {
        return ALLOW;
      }
    }
    return hasNames ? namesVerdict(key, 0, key.length()) : SCAN;
  }

  /**
   * The verdict for a key inside a structured value ({@code s[from, to)}, a JSON object's key):
   * key names and custom keys only, not the allow-list (which names attribute keys). Not cached.
   */
  int classifyInner(String s, int from, int to) {
    return hasNames ? namesVerdict(s, from, to) : SCAN;
  }

  private int namesVerdict(String key, int from, int n) {
    char prev = 0;
    for (int i = from; i < n; i++) {
      char c = key.charAt(i);
      boolean boundary = i == from || !Scanner.isAlnum(prev) || (isUpper(c) && !isUpper(prev));
      prev = c;
      if (!boundary || c >= 128) {
        continue;
      }
      char[][] candidates = namesByFirst[lower(c)];
      if (candidates == null) {
        continue;
      }
      int[] verdicts = verdictsByFirst[lower(c)];
      for (int k = 0; k < candidates.length; k++) {
        if (matchesAt(key, i, n, candidates[k])) {
          return verdicts[k];
        }
      }
    }
    return SCAN;
  }

  private static boolean matchesAt(String key, int at, int n, char[] name) {
    if (at + name.length > n) {
      return false;
    }
    for (int j = 0; j < name.length; j++) {
      char k = key.charAt(at + j);
      char c = name[j];
      if (c == SEP) {
        if (Scanner.isAlnum(k)) {
          return false;
        }
      } else if (lower(k) != c) {
        return false;
      }
    }
    return at + name.length == n; // the last segments: "token_count" and "gen_ai.token.type" are no secrets
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static char lower(char c) {
    return isUpper(c) ? (char) (c + 32) : c;
  }
}
