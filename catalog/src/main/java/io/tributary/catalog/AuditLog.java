package io.tributary.catalog;

import java.util.List;

/**
 * The append-only audit trail. Each event's hash is an HMAC (keyed with the catalog key) over the
 * previous event's hash and this event's content, so editing or deleting a row breaks the chain
 * at that point. The stores append their own events in the same transaction as the change.
 */
public interface AuditLog {

  /** Appends an event that is not part of another catalog write (failed logins, plugin events). */
  AuditEvent append(String actor, String action, String target, String before, String after, String reason);

  List<AuditEvent> query(AuditQuery query);

  /**
   * Checks the whole chain, the keyed head (so deleting the newest events shows), this node's
   * record of the newest event it knew (so putting back an older head shows), and every pipeline
   * revision against its seal and the event that recorded it; names the first problem.
   */
  AuditVerification verify();
}
