package io.tributary.plugins.correlation;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates and checks request ids: UUIDs version 7 (RFC 9562). Not W3C trace context, so not in
 * {@code io.tributary.api.trace}; trace and span ids are {@code TraceParent}'s.
 *
 * <p>Generated ids are <em>unique, not secret</em>: their random bits come from {@link
 * ThreadLocalRandom}, which is fast and contention-free but predictable. Never use them as tokens,
 * nonces or keys.
 *
 * <p>All methods are thread-safe and never block. The checking methods accept {@code null} (which
 * is never valid) and never throw.
 */
final class RequestIds {

  private static final int UUID_LENGTH = 36;

  /**
   * Last issued UUIDv7 prefix: the 48-bit millisecond timestamp shifted left by 12, plus the
   * 12-bit counter held in {@code rand_a}. Only ever grows.
   */
  private static final AtomicLong lastRequestIdPrefix = new AtomicLong();

  private RequestIds() {}

  /**
   * Returns a new UUID version 7 (RFC 9562) in its canonical 36-character lowercase form, for
   * example {@code 01890a5d-ac96-774b-bcce-b302099a8057}.
   *
   * <p>Layout: a 48-bit Unix timestamp in milliseconds, the version {@code 7}, a 12-bit counter
   * ({@code rand_a}), the variant bits {@code 10}, then 62 random bits ({@code rand_b}).
   *
   * <p>Guarantee: within one loaded copy of this class, every id is strictly greater than every id
   * issued before it, compared as strings or as unsigned 128-bit numbers, across all threads. The
   * counter restarts at zero each new millisecond; if more than 4096 ids are requested within one
   * millisecond, or the wall clock steps back, the embedded timestamp runs ahead of the clock until
   * the clock catches up (RFC 9562, section 6.2). Ids from different JVMs are ordered only by their
   * millisecond timestamps and are unique thanks to the 62 random bits.
   */
  static String newRequestId() {
    long now = System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL;
    long candidate = now << 12;
    long prefix;
    long previous;
    do {
      previous = lastRequestIdPrefix.get();
      prefix = candidate > previous ? candidate : previous + 1;
    } while (!lastRequestIdPrefix.compareAndSet(previous, prefix));

    long timestamp = prefix >>> 12;
    long counter = prefix & 0xFFF;
    long mostSignificant = (timestamp << 16) | 0x7000L | counter;
    long leastSignificant =
        (ThreadLocalRandom.current().nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | Long.MIN_VALUE;

    // java.util.UUID writes the canonical lowercase 8-4-4-4-12 form.
    return new java.util.UUID(mostSignificant, leastSignificant).toString();
  }

  /**
   * Returns whether {@code uuid} has the RFC 9562 string form: 36 characters, hex digits in groups
   * of 8-4-4-4-12 separated by {@code '-'}. Hex digits may be upper or lower case, as the RFC
   * allows on input. Version and variant are not checked, so the nil and max UUIDs are valid.
   */
  static boolean isValidUuid(CharSequence uuid) {
    if (uuid == null || uuid.length() != UUID_LENGTH) {
      return false;
    }
    for (int i = 0; i < UUID_LENGTH; i++) {
      char c = uuid.charAt(i);
      boolean dashPosition = i == 8 || i == 13 || i == 18 || i == 23;
      if (dashPosition ? c != '-' : hexValue(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns whether {@code uuid} is {@linkplain #isValidUuid valid} with version 7 and the RFC
   * 9562 variant ({@code 10} in the top bits of the 17th hex digit).
   */
  static boolean isUuidV7(CharSequence uuid) {
    if (!isValidUuid(uuid)) {
      return false;
    }
    int variant = hexValue(uuid.charAt(19));
    return uuid.charAt(14) == '7' && (variant & 0b1100) == 0b1000;
  }

  /** Returns the value of an ASCII hex digit of either case, or -1. */
  private static int hexValue(char c) {
    return c < 128 ? Character.digit(c, 16) : -1;
  }
}
