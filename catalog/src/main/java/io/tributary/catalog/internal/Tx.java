package io.tributary.catalog.internal;

import io.tributary.catalog.AuditEvent;
import io.tributary.catalog.CatalogException;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * One catalog write transaction. It holds the audit chain head's row lock from the start, so the
 * events it appends get the next ids and chain onto the latest hash.
 *
 * <p>Before its first append it checks the head's seal (see {@link AuditChain#headSeal}). A head
 * without a valid seal was moved or edited without the audit key — typically the newest events
 * deleted and the head moved back. Appending to it would seal the shortened trail anew and hide
 * the deletion, so every catalog change (each one is audited) is refused instead, fail closed as
 * Vault refuses requests it cannot audit, until the catalog is restored from a backup. A
 * transaction that appends nothing (a start finding its seed data present) goes through, so the
 * node still starts and can report. Each event appended re-seals the head in the same
 * transaction.
 */
public final class Tx {

  private final Handle handle;
  private final Instant now;
  private final byte[] auditKey;
  private long lastId;
  private String lastHash;
  private final String headSeal;
  private final long startId;
  private final String startHash;
  private boolean appended;
  private final boolean checkHead;

  private Tx(
      Handle handle, Instant now, byte[] auditKey, long lastId, String lastHash, String headSeal, boolean checkHead) {
    this.handle = handle;
    this.checkHead = checkHead;
    this.now = now;
    this.auditKey = auditKey;
    this.lastId = lastId;
    this.lastHash = lastHash;
    this.headSeal = headSeal;
    this.startId = lastId;
    this.startHash = lastHash;
  }

  /**
   * Locks the chain head; if {@code checkHead}, the first append refuses a head whose seal does
   * not match. Only opening the catalog passes false: to check the key, and to seal a head from
   * before seals existed.
   */
  static Tx begin(Handle handle, Instant now, byte[] auditKey, boolean checkHead) {
    Tx tx =
        handle
            .createQuery("SELECT last_id, last_hash, head_seal FROM audit_chain WHERE id = 1 FOR UPDATE")
            .map(
                (rs, ctx) ->
                    new Tx(
                        handle, now, auditKey, rs.getLong("last_id"), rs.getString("last_hash"),
                        rs.getString("head_seal"), checkHead))
            .findOne()
            .orElseThrow(() -> new IllegalStateException("the audit chain head row is missing"));
    return tx;
  }

  private void requireSealedHead() {
    if (checkHead && !appended && !headIsSealed()) {
      throw new CatalogException(
          CatalogException.Kind.TAMPERED,
          "the audit trail's head (event " + lastId + ") "
              + (headSeal == null ? "has no seal" : "does not match its seal")
              + ": it was moved or edited in the database without the audit key, typically after"
              + " deleting the newest audit events. Catalog changes are refused so that new events cannot"
              + " cover that up; verify the audit trail for details and restore the catalog from a backup.");
    }
  }

  /** Whether the head this transaction started from carries a valid seal. */
  boolean headIsSealed() {
    return AuditChain.same(headSeal, AuditChain.headSeal(auditKey, startId, startHash));
  }

  /** The head as this transaction leaves it: the last event's id, 0 for none. */
  long lastId() {
    return lastId;
  }

  String lastHash() {
    return lastHash;
  }

  /** The head this transaction started from. */
  long startId() {
    return startId;
  }

  String startHash() {
    return startHash;
  }

  /** Whether this transaction appended an event. */
  boolean appended() {
    return appended;
  }

  /** Seals the current head (opening the catalog only: a head from before seals existed). */
  void sealHead() {
    handle
        .createUpdate("UPDATE audit_chain SET head_seal = :seal WHERE id = 1")
        .bind("seal", AuditChain.headSeal(auditKey, lastId, lastHash))
        .execute();
  }

  byte[] auditKey() {
    return auditKey;
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
    requireSealedHead();
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
        .createUpdate("UPDATE audit_chain SET last_id = :id, last_hash = :hash, head_seal = :seal WHERE id = 1")
        .bind("id", id)
        .bind("hash", hash)
        .bind("seal", AuditChain.headSeal(auditKey, id, hash))
        .execute();
    lastId = id;
    lastHash = hash;
    appended = true;
    return new AuditEvent(id, now, actor, action, target, before, after, reason, hash);
  }
}
