package io.tributary.catalog.internal;

import io.tributary.catalog.AuditEvent;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * One catalog write transaction. It holds the audit chain head's row lock from the start, so the
 * events it appends get the next ids and chain onto the latest hash.
 */
public final class Tx {

  private final Handle handle;
  private final Instant now;
  private final byte[] auditKey;
  private long lastId;
  private String lastHash;

  private Tx(Handle handle, Instant now, byte[] auditKey, long lastId, String lastHash) {
    this.handle = handle;
    this.now = now;
    this.auditKey = auditKey;
    this.lastId = lastId;
    this.lastHash = lastHash;
  }

  static Tx begin(Handle handle, Instant now, byte[] auditKey) {
    return handle
        .createQuery("SELECT last_id, last_hash FROM audit_chain WHERE id = 1 FOR UPDATE")
        .map((rs, ctx) -> new Tx(handle, now, auditKey, rs.getLong("last_id"), rs.getString("last_hash")))
        .findOne()
        .orElseThrow(() -> new IllegalStateException("the audit chain head row is missing"));
  }

  public Handle handle() {
    return handle;
  }

  /** The time of everything this transaction records. */
  public Instant now() {
    return now;
  }

  /** Appends an audit event to the chain, in this transaction. */
  public AuditEvent audit(
      String actor, String action, String target, String before, String after, String reason) {
    long id = lastId + 1;
    String hash = AuditChain.hash(auditKey, lastHash, id, now, actor, action, target, before, after, reason);
    handle
        .createUpdate(
            "INSERT INTO audit_events (id, occurred_at, actor, action, target, before_json, after_json,"
                + " reason, hash) VALUES (:id, :at, :actor, :action, :target, :before, :after, :reason, :hash)")
        .bind("id", id)
        .bind("at", Db.timestamp(now))
        .bind("actor", actor)
        .bind("action", action)
        .bind("target", target)
        .bind("before", before)
        .bind("after", after)
        .bind("reason", reason)
        .bind("hash", hash)
        .execute();
    handle
        .createUpdate("UPDATE audit_chain SET last_id = :id, last_hash = :hash WHERE id = 1")
        .bind("id", id)
        .bind("hash", hash)
        .execute();
    lastId = id;
    lastHash = hash;
    return new AuditEvent(id, now, actor, action, target, before, after, reason, hash);
  }
}
