package io.tributary.api.trace;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A W3C Trace Context {@code traceparent} header: version, trace id, parent (span) id and trace
 * flags.
 *
 * <p>Two ways in. {@link #parse} takes untrusted header values and returns {@code null} for
 * anything invalid, without throwing; {@link #validate} says why. {@link #of} and the canonical
 * constructor take values chosen by code and throw {@link IllegalArgumentException} naming the
 * problem.
 *
 * <p>Parsing rules (Trace Context level 1 and 2):
 *
 * <ul>
 *   <li>Spaces and horizontal tabs around the whole header are ignored, as HTTP strips them from
 *       field values (the W3C test suite sends such headers and expects them accepted). Any other
 *       character outside the fields, including other whitespace, makes the header invalid.
 *   <li>The version is 2 lowercase hex digits; {@code ff} is invalid.
 *   <li>The trace id is 32 and the parent id 16 lowercase hex digits, neither all zero; the flags
 *       are 2 lowercase hex digits. Upper case hex is invalid.
 *   <li>Version {@code 00} must end right after the flags (55 characters).
 *   <li>A higher version is parsed for forward compatibility: its first four fields must be as
 *       above, and anything after the flags must start with {@code '-'}; that rest is ignored.
 * </ul>
 *
 * <p>Instances are immutable. {@link #format} always writes version {@code 00} and keeps the flags
 * byte as it is.
 *
 * <p>Static helpers generate and check the ids on their own: {@link #newTraceId}, {@link
 * #newSpanId}, {@link #isValidTraceId}, {@link #isValidSpanId} and {@link #normalizeTraceId}.
 * Generated ids are <em>unique, not secret</em>: they come from {@link ThreadLocalRandom}, which is
 * fast and contention-free but predictable. Never use them as tokens, nonces or keys. The helpers
 * are thread-safe and never block; the checking methods accept {@code null} (which is never valid)
 * and never throw.
 *
 * @param version the version read from the header, 0 to 254; 0 for instances made by {@link #of}
 * @param traceId 32 lowercase hex characters, not all zero
 * @param spanId the parent id: 16 lowercase hex characters, not all zero
 * @param flags the trace-flags byte, 0 to 255; bit 0 is {@linkplain #sampled() sampled}
 */
public record TraceParent(int version, String traceId, String spanId, int flags) {

  private static final int VERSION_00_LENGTH = 55;
  private static final int TRACE_ID_LENGTH = 32;
  private static final int SPAN_ID_LENGTH = 16;
  private static final int SAMPLED = 0x01;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * Validates every component.
   *
   * @throws IllegalArgumentException if a component is out of range or malformed
   * @throws NullPointerException if {@code traceId} or {@code spanId} is null
   */
  public TraceParent {
    if (version < 0 || version > 0xfe) {
      throw new IllegalArgumentException("version must be 0 to 254 (ff is forbidden): " + version);
    }
    if (!isValidTraceId(requireNonNull(traceId, "traceId"))) {
      throw new IllegalArgumentException(
          "traceId must be 32 lowercase hex characters, not all zero: \"" + traceId + '"');
    }
    if (!isValidSpanId(requireNonNull(spanId, "spanId"))) {
      throw new IllegalArgumentException(
          "spanId must be 16 lowercase hex characters, not all zero: \"" + spanId + '"');
    }
    if (flags < 0 || flags > 0xff) {
      throw new IllegalArgumentException("flags must be 0 to 255: " + flags);
    }
  }

  /**
   * Returns a version 00 trace parent.
   *
   * @throws IllegalArgumentException if an id is malformed or all zero, or {@code flags} is not 0
   *     to 255
   * @throws NullPointerException if an id is null
   */
  public static TraceParent of(String traceId, String spanId, int flags) {
    return new TraceParent(0, traceId, spanId, flags);
  }

  /**
   * Parses a {@code traceparent} header value.
   *
   * @param header the header value; may be null
   * @return the trace parent, or {@code null} if {@code header} is null or invalid; never throws
   */
  public static TraceParent parse(CharSequence header) {
    if (problem(header) != null) {
      return null;
    }
    int start = firstNonOws(header);
    return new TraceParent(
        parseHex(header, start, 2),
        header.subSequence(start + 3, start + 35).toString(),
        header.subSequence(start + 36, start + 52).toString(),
        parseHex(header, start + 53, 2));
  }

  /**
   * Explains why {@link #parse} rejects a header, for logging.
   *
   * @param header the header value; may be null
   * @return a short English description of the first problem found, or {@code null} if the header
   *     is valid; never throws
   */
  public static String validate(CharSequence header) {
    return problem(header);
  }

  /**
   * Returns a new random trace id: 32 lowercase hex characters, never all zero (128 random bits).
   * Unique, not secret: see the class description.
   */
  public static String newTraceId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high;
    long low;
    do {
      high = random.nextLong();
      low = random.nextLong();
    } while (high == 0 && low == 0);
    char[] chars = new char[TRACE_ID_LENGTH];
    writeHex(high, chars, 0, 16);
    writeHex(low, chars, 16, 16);
    return new String(chars);
  }

  /**
   * Returns a new random span id: 16 lowercase hex characters, never all zero (64 random bits).
   * Unique, not secret: see the class description.
   */
  public static String newSpanId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    char[] chars = new char[SPAN_ID_LENGTH];
    writeHex(id, chars, 0, 16);
    return new String(chars);
  }

  /**
   * Returns whether {@code id} is a valid W3C trace id: exactly 32 lowercase hex characters, not
   * all zero.
   */
  public static boolean isValidTraceId(CharSequence id) {
    return id != null && id.length() == TRACE_ID_LENGTH && isLowerHexId(id, 0, TRACE_ID_LENGTH);
  }

  /**
   * Returns whether {@code id} is a valid W3C span (parent) id: exactly 16 lowercase hex
   * characters, not all zero.
   */
  public static boolean isValidSpanId(CharSequence id) {
    return id != null && id.length() == SPAN_ID_LENGTH && isLowerHexId(id, 0, SPAN_ID_LENGTH);
  }

  /**
   * Returns {@code id} as a valid trace id, lowercasing it if needed, or {@code null} if it cannot
   * be repaired (null, wrong length, a non-hex character, or all zero). Useful for ids taken from
   * systems that print hex in upper case; {@link #parse} itself stays strict.
   */
  public static String normalizeTraceId(CharSequence id) {
    if (id == null || id.length() != TRACE_ID_LENGTH) {
      return null;
    }
    char[] chars = new char[TRACE_ID_LENGTH];
    boolean nonZero = false;
    for (int i = 0; i < TRACE_ID_LENGTH; i++) {
      int value = hexValue(id.charAt(i));
      if (value < 0) {
        return null;
      }
      nonZero |= value != 0;
      chars[i] = HEX[value];
    }
    return nonZero ? new String(chars) : null;
  }

  /** Returns whether the sampled flag (bit 0 of {@link #flags()}) is set. */
  public boolean sampled() {
    return (flags & SAMPLED) != 0;
  }

  /**
   * Returns the header value in version 00 form, for example {@code
   * 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01}, whatever {@link #version()} was
   * parsed.
   */
  public String format() {
    char[] chars = new char[VERSION_00_LENGTH];
    chars[0] = '0';
    chars[1] = '0';
    chars[2] = '-';
    traceId.getChars(0, TRACE_ID_LENGTH, chars, 3);
    chars[35] = '-';
    spanId.getChars(0, SPAN_ID_LENGTH, chars, 36);
    chars[52] = '-';
    writeHex(flags, chars, 53, 2);
    return new String(chars);
  }

  // The messages are constants so that rejecting a header allocates nothing.
  private static String problem(CharSequence header) {
    if (header == null) {
      return "header is missing";
    }
    int start = firstNonOws(header);
    int end = header.length();
    while (end > start && isOws(header.charAt(end - 1))) {
      end--;
    }
    if (start == end) {
      return "header is empty";
    }

    int versionEnd = fieldEnd(header, start, end, 2);
    if (versionEnd - start != 2 || !isLowerHex(header, start, 2)) {
      return "version must be 2 lowercase hex digits";
    }
    if (header.charAt(start) == 'f' && header.charAt(start + 1) == 'f') {
      return "version ff is forbidden";
    }
    if (versionEnd == end) {
      return "trace-id is missing";
    }

    int traceIdStart = versionEnd + 1;
    int traceIdEnd = fieldEnd(header, traceIdStart, end, TRACE_ID_LENGTH);
    if (traceIdEnd - traceIdStart != TRACE_ID_LENGTH
        || !isLowerHex(header, traceIdStart, TRACE_ID_LENGTH)) {
      return "trace-id must be 32 lowercase hex digits";
    }
    if (!isLowerHexId(header, traceIdStart, TRACE_ID_LENGTH)) {
      return "trace-id must not be all zeros";
    }
    if (traceIdEnd == end) {
      return "parent-id is missing";
    }

    int spanIdStart = traceIdEnd + 1;
    int spanIdEnd = fieldEnd(header, spanIdStart, end, SPAN_ID_LENGTH);
    if (spanIdEnd - spanIdStart != SPAN_ID_LENGTH
        || !isLowerHex(header, spanIdStart, SPAN_ID_LENGTH)) {
      return "parent-id must be 16 lowercase hex digits";
    }
    if (!isLowerHexId(header, spanIdStart, SPAN_ID_LENGTH)) {
      return "parent-id must not be all zeros";
    }
    if (spanIdEnd == end) {
      return "trace-flags are missing";
    }

    int flagsStart = spanIdEnd + 1;
    int flagsEnd = fieldEnd(header, flagsStart, end, 2);
    if (flagsEnd - flagsStart != 2 || !isLowerHex(header, flagsStart, 2)) {
      return "trace-flags must be 2 lowercase hex digits";
    }
    boolean version00 = header.charAt(start) == '0' && header.charAt(start + 1) == '0';
    if (flagsEnd != end && version00) {
      return "version 00 must end after trace-flags (55 characters)";
    }
    return null;
  }

  /**
   * Returns the index of the first {@code '-'} at or after {@code from}, looking at no more than
   * {@code expected + 1} characters, so a huge header is not scanned to its end. If there is none,
   * returns {@code end} when the field runs to the end of the header, or a position past a field
   * of the expected length otherwise; either way the caller sees the field's true end or a length
   * that is wrong.
   */
  private static int fieldEnd(CharSequence s, int from, int end, int expected) {
    int limit = Math.min(end, from + expected + 1);
    for (int i = from; i < limit; i++) {
      if (s.charAt(i) == '-') {
        return i;
      }
    }
    return limit;
  }

  private static boolean isLowerHex(CharSequence s, int start, int length) {
    for (int i = start; i < start + length; i++) {
      if (!isLowerHex(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static int parseHex(CharSequence s, int start, int length) {
    int value = 0;
    for (int i = start; i < start + length; i++) {
      value = (value << 4) | hexValue(s.charAt(i));
    }
    return value;
  }

  /**
   * Returns whether {@code s[start, start + length)} is lowercase hex with at least one non-zero
   * digit. The caller checks the bounds.
   */
  private static boolean isLowerHexId(CharSequence s, int start, int length) {
    boolean nonZero = false;
    for (int i = start; i < start + length; i++) {
      char c = s.charAt(i);
      if (!isLowerHex(c)) {
        return false;
      }
      nonZero |= c != '0';
    }
    return nonZero;
  }

  private static boolean isLowerHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  /** Returns the value of a hex digit of either case, or -1. */
  static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Writes the low {@code digits * 4} bits of {@code value} as lowercase hex at {@code offset}. */
  private static void writeHex(long value, char[] out, int offset, int digits) {
    for (int i = offset + digits - 1; i >= offset; i--) {
      out[i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }

  private static int firstNonOws(CharSequence s) {
    int i = 0;
    while (i < s.length() && isOws(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }
}
