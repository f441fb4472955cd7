package io.tributary.plugins.piiredaction;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed HMAC-SHA256 of found values, rendered as {@code [HASH:<type>:<hex>]} and truncated to a
 * fixed number of hex digits. The same key and value always give the same output, so redacted
 * values still correlate; without the key the output cannot be reversed or precomputed. One
 * {@link Mac} per thread; thread-safe.
 */
final class Hasher {

  private static final String ALGORITHM = "HmacSHA256";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final SecretKeySpec key;
  private final int hexDigits;
  private final ThreadLocal<Mac> macs;

  /** @throws IllegalStateException if the JDK cannot do HMAC-SHA256 (it always can) */
  Hasher(String secret, int hexDigits) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    this.hexDigits = hexDigits;
    newMac(key); // fail at creation, not on the hot path
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is not available", e);
    }
  }

  /** Returns the marker for {@code value}, found as {@code kind} (a type's or custom detector's id). */
  String hash(String kind, String value) {
    byte[] digest = macs.get().doFinal(value.getBytes(StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder(8 + kind.length() + hexDigits);
    sb.append("[HASH:").append(kind).append(':');
    for (int i = 0; i < hexDigits; i++) {
      int b = digest[i >> 1];
      sb.append(HEX[(i & 1) == 0 ? (b >> 4) & 0xF : b & 0xF]);
    }
    return sb.append(']').toString();
  }

  /**
   * The form of a found value that is hashed, so that equal values written differently correlate:
   * emails in lower case, card and social security numbers as digits only, phone numbers as
   * {@code +} and digits, IBANs without spaces. {@code type} is null for a custom detector.
   */
  static String normalize(PiiType type, String s, int start, int end) {
    if (type == null) {
      return s.substring(start, end);
    }
    switch (type) {
      case EMAIL: {
        StringBuilder sb = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
          char c = s.charAt(i);
          sb.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return sb.toString();
      }
      case IBAN: {
        StringBuilder sb = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
          char c = s.charAt(i);
          if (c != ' ') {
            sb.append(c);
          }
        }
        return sb.toString();
      }
      case CARD:
      case SSN:
      case PHONE: {
        StringBuilder sb = new StringBuilder(end - start);
        for (int i = start; i < end; i++) {
          char c = s.charAt(i);
          if ((c >= '0' && c <= '9') || c == '+') {
            sb.append(c);
          }
        }
        return sb.toString();
      }
      default:
        return s.substring(start, end);
    }
  }
}
