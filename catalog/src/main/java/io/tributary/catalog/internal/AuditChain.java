package io.tributary.catalog.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The keyed hash chain: {@code hash = HMAC-SHA256(auditKey, previousHash || canonical(event))},
 * where the canonical form is a JSON array of the event's fields in a fixed order (JSON escaping
 * makes it unambiguous) with the time at microsecond precision, so both databases verify.
 *
 * <p>Two more MACs under the same key, each over a JSON array that starts with its own label (an
 * event's canonical form starts with its id, a number, so no MAC can stand for another):
 *
 * <ul>
 *   <li>the <b>head seal</b> over the head's last event id and hash. The chain alone cannot show
 *       that its newest events were deleted if the head row is moved back to the last remaining
 *       event (that event's hash is stored next to it); moving it needs a new seal, which needs
 *       the key. This is the signed tree head of a transparency log, in its simplest form.
 *   <li>the <b>revision seal</b> over a pipeline revision's stored content, checked each time a
 *       revision is read to be run.
 * </ul>
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

  /** The seal of a chain head: {@code lastId} events, the newest with hash {@code lastHash}. */
  static String headSeal(byte[] auditKey, long lastId, String lastHash) {
    return mac(auditKey, Arrays.asList("tributary/audit-head/v1", lastId, lastHash));
  }

  /**
   * The seal of a pipeline revision over its content as stored: {@code stagesJson} is the exact
   * stored text (secret values encrypted), so any edit of it, however small, breaks the seal.
   */
  static String revisionSeal(
      byte[] auditKey, String env, long revision, String stagesJson, String author, String reason,
      Instant createdAt, Long rolledBackFrom, Long changeRequest) {
    return mac(
        auditKey,
        Arrays.asList(
            "tributary/pipeline-revision/v1", env, revision, stagesJson, author, reason,
            createdAt.toString(), rolledBackFrom, changeRequest));
  }

  private static String mac(byte[] auditKey, List<Object> canonical) {
    return HexFormat.of()
        .formatHex(Keys.hmac(auditKey, Json.write(canonical).getBytes(StandardCharsets.UTF_8)));
  }

  /** Compares two hex MACs in constant time; false if either is null. */
  static boolean same(String a, String b) {
    return a != null
        && b != null
        && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
