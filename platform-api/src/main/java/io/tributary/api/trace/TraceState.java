package io.tributary.api.trace;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A W3C Trace Context {@code tracestate} header: an ordered list of at most {@value #MAX_MEMBERS}
 * vendor entries ({@code key=value}), the leftmost being the most recently updated.
 *
 * <p>Rules (Trace Context level 1):
 *
 * <ul>
 *   <li>A key is either a simple key, a lowercase letter followed by up to 255 of {@code a-z 0-9 _
 *       - * /}, or a multi-tenant key {@code tenant@system}: a tenant of up to 241 of those
 *       characters starting with a lowercase letter or digit, and a system of up to 14 starting
 *       with a lowercase letter.
 *   <li>A value is 1 to 256 printable ASCII characters ({@code 0x20-0x7E}) other than {@code ','}
 *       and {@code '='}, not ending in a space.
 *   <li>Spaces and tabs around each list-member are ignored, and empty list-members (as in {@code
 *       "a=1,,b=2"}) are skipped; they do not count towards the limit of {@value #MAX_MEMBERS}.
 *   <li>A header with an invalid member, a duplicate key or more than {@value #MAX_MEMBERS}
 *       members is invalid as a whole: the spec forbids propagating part of it.
 * </ul>
 *
 * <p>No length truncation: the spec suggests propagating at least 512 characters and allows
 * trimming longer headers, but this class keeps and formats every member. The member limit bounds
 * a header to about 16 KiB.
 *
 * <p>Instances are immutable and thread-safe. If a request carries several {@code tracestate}
 * header lines, join them with {@code ','} before parsing.
 */
public final class TraceState {

  /** The most list-members a trace state holds. */
  public static final int MAX_MEMBERS = 32;

  private static final int MAX_VALUE_LENGTH = 256;
  private static final int MAX_SIMPLE_KEY_LENGTH = 256;
  private static final int MAX_TENANT_LENGTH = 241;
  private static final int MAX_SYSTEM_LENGTH = 14;

  private static final TraceState EMPTY = new TraceState(new String[0]);

  /** Keys at even, values at odd indexes; never modified after construction. */
  private final String[] keysAndValues;

  private TraceState(String[] keysAndValues) {
    this.keysAndValues = keysAndValues;
  }

  /** Returns the trace state with no members. */
  public static TraceState empty() {
    return EMPTY;
  }

  /**
   * Parses a {@code tracestate} header value.
   *
   * @param header the header value; may be null
   * @return the parsed members, or {@link #empty()} if {@code header} is null, blank or invalid;
   *     never null, never throws
   */
  public static TraceState parse(CharSequence header) {
    if (header == null) {
      return EMPTY;
    }
    String[] parsed = new String[2 * MAX_MEMBERS];
    int[] count = new int[1];
    if (problem(header, parsed, count) != null || count[0] == 0) {
      return EMPTY;
    }
    return new TraceState(Arrays.copyOf(parsed, 2 * count[0]));
  }

  /**
   * Explains why {@link #parse} rejects a header, for logging.
   *
   * @param header the header value; may be null
   * @return a short English description of the first problem found, or {@code null} if the header
   *     is valid (an empty header is valid); never throws
   */
  public static String validate(CharSequence header) {
    if (header == null) {
      return "header is missing";
    }
    return problem(header, new String[2 * MAX_MEMBERS], new int[1]);
  }

  /** Returns the value for {@code key}, or {@code null} if there is none. */
  public String get(String key) {
    int index = indexOf(requireNonNull(key, "key"));
    return index < 0 ? null : keysAndValues[index + 1];
  }

  /**
   * Returns a trace state with {@code key} set to {@code value} as its leftmost member, removing
   * any earlier member with that key. If that makes more than {@value #MAX_MEMBERS} members, the
   * rightmost are dropped.
   *
   * @throws IllegalArgumentException if {@code key} or {@code value} breaks the rules above
   * @throws NullPointerException if {@code key} or {@code value} is null
   */
  public TraceState with(String key, String value) {
    if (!isValidKey(requireNonNull(key, "key"), 0, key.length())) {
      throw new IllegalArgumentException("invalid tracestate key: \"" + key + '"');
    }
    if (!isValidValue(requireNonNull(value, "value"), 0, value.length())) {
      throw new IllegalArgumentException(
          "invalid tracestate value for key " + key + ": \"" + value + '"');
    }
    String[] rest = without(key).keysAndValues;
    int kept = Math.min(rest.length, 2 * (MAX_MEMBERS - 1));
    String[] updated = new String[kept + 2];
    updated[0] = key;
    updated[1] = value;
    System.arraycopy(rest, 0, updated, 2, kept);
    return new TraceState(updated);
  }

  /** Returns a trace state without a member for {@code key}; {@code this} if there is none. */
  public TraceState without(String key) {
    int index = indexOf(requireNonNull(key, "key"));
    if (index < 0) {
      return this;
    }
    String[] updated = new String[keysAndValues.length - 2];
    System.arraycopy(keysAndValues, 0, updated, 0, index);
    System.arraycopy(keysAndValues, index + 2, updated, index, updated.length - index);
    return updated.length == 0 ? EMPTY : new TraceState(updated);
  }

  /** Returns the number of members. */
  public int size() {
    return keysAndValues.length / 2;
  }

  /** Returns whether there are no members. */
  public boolean isEmpty() {
    return keysAndValues.length == 0;
  }

  /** Returns the members as an unmodifiable map from key to value, leftmost first. */
  public Map<String, String> asMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }

  /**
   * Returns the header value: members as {@code key=value} joined by {@code ','}, leftmost first;
   * the empty string if there are none (omit the header then).
   */
  public String format() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (i > 0) {
        out.append(',');
      }
      out.append(keysAndValues[i]).append('=').append(keysAndValues[i + 1]);
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TraceState
        && Arrays.equals(keysAndValues, ((TraceState) other).keysAndValues);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(keysAndValues);
  }

  @Override
  public String toString() {
    return "TraceState{" + format() + '}';
  }

  private int indexOf(String key) {
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Parses {@code header} into {@code out} (keys and values alternating), setting {@code count[0]}
   * to the number of members. Returns the first problem, or null. The messages are constants so
   * that rejecting a header allocates nothing more.
   */
  private static String problem(CharSequence header, String[] out, int[] count) {
    int length = header.length();
    int members = 0;
    int memberStart = 0;
    while (memberStart <= length) {
      int memberEnd = memberStart;
      while (memberEnd < length && header.charAt(memberEnd) != ',') {
        memberEnd++;
      }
      int start = memberStart;
      int end = memberEnd;
      memberStart = memberEnd + 1;
      while (start < end && isOws(header.charAt(start))) {
        start++;
      }
      while (end > start && isOws(header.charAt(end - 1))) {
        end--;
      }
      if (start == end) {
        continue;
      }
      int equals = start;
      while (equals < end && header.charAt(equals) != '=') {
        equals++;
      }
      if (equals == end) {
        return "list-member has no '='";
      }
      if (!isValidKey(header, start, equals)) {
        return "invalid key";
      }
      if (!isValidValue(header, equals + 1, end)) {
        return "invalid value";
      }
      if (members == MAX_MEMBERS) {
        return "more than 32 list-members";
      }
      String key = header.subSequence(start, equals).toString();
      for (int i = 0; i < 2 * members; i += 2) {
        if (out[i].equals(key)) {
          return "duplicate key";
        }
      }
      out[2 * members] = key;
      out[2 * members + 1] = header.subSequence(equals + 1, end).toString();
      members++;
    }
    count[0] = members;
    return null;
  }

  private static boolean isValidKey(CharSequence s, int start, int end) {
    int at = -1;
    for (int i = start; i < end; i++) {
      if (s.charAt(i) == '@') {
        if (at >= 0) {
          return false;
        }
        at = i;
      }
    }
    if (at < 0) {
      return end - start <= MAX_SIMPLE_KEY_LENGTH && isKeyPart(s, start, end, false);
    }
    return at - start <= MAX_TENANT_LENGTH
        && end - (at + 1) <= MAX_SYSTEM_LENGTH
        && isKeyPart(s, start, at, true)
        && isKeyPart(s, at + 1, end, false);
  }

  /** A non-empty run of key characters, the first a lowercase letter (or a digit if allowed). */
  private static boolean isKeyPart(CharSequence s, int start, int end, boolean digitFirst) {
    if (start >= end) {
      return false;
    }
    char first = s.charAt(start);
    if (!isLcAlpha(first) && !(digitFirst && isDigit(first))) {
      return false;
    }
    for (int i = start + 1; i < end; i++) {
      char c = s.charAt(i);
      if (!isLcAlpha(c) && !isDigit(c) && c != '_' && c != '-' && c != '*' && c != '/') {
        return false;
      }
    }
    return true;
  }

  private static boolean isValidValue(CharSequence s, int start, int end) {
    if (start >= end || end - start > MAX_VALUE_LENGTH || s.charAt(end - 1) == ' ') {
      return false;
    }
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == ',' || c == '=') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLcAlpha(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }
}
