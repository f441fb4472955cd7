package io.tributary.catalog.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The keyed hash chain: {@code hash = HMAC-SHA256(auditKey, previousHash || canonical(event))},
 * where the canonical form is a JSON array of the event's fields in a fixed order (JSON escaping
 * makes it unambiguous) with the time at microsecond precision, so both databases verify.
 */
final class AuditChain {

  private AuditChain() {}

  static String hash(
      byte[] auditKey, String previousHash, long id, Instant at, String actor, String action,
      String target, String before, String after, String reason) {
    String canonical =
        Json.write(Arrays.asList(id, at.toString(), actor, action, target, before, after, reason));
    byte[] mac =
        Keys.hmac(
            auditKey,
            previousHash.getBytes(StandardCharsets.US_ASCII),
            canonical.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(mac);
  }
}
