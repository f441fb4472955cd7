package io.tributary.catalog.internal;

import io.tributary.catalog.AuditEvent;
import io.tributary.catalog.AuditLog;
import io.tributary.catalog.AuditQuery;
import io.tributary.catalog.AuditVerification;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.mapper.RowMapper;

/** The audit trail: appends go through {@link Tx#audit}; this reads and verifies the chain. */
public final class AuditStore implements AuditLog {

  private static final String COLUMNS =
      "id, occurred_at, actor, action, target, before_json, after_json, reason, hash";
  private static final int PAGE = 500;

  private static final RowMapper<AuditEvent> ROW =
      (rs, ctx) ->
          new AuditEvent(
              rs.getLong("id"),
              Db.instant(rs, "occurred_at"),
              rs.getString("actor"),
              rs.getString("action"),
              rs.getString("target"),
              rs.getString("before_json"),
              rs.getString("after_json"),
              rs.getString("reason"),
              rs.getString("hash"));

  private final Db db;

  public AuditStore(Db db) {
    this.db = db;
  }

  @Override
  public AuditEvent append(
      String actor, String action, String target, String before, String after, String reason) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(action, "action");
    return db.write(tx -> tx.audit(actor, action, target, before, after, reason));
  }

  @Override
  public List<AuditEvent> query(AuditQuery q) {
    Objects.requireNonNull(q, "query");
    List<String> where = new ArrayList<>();
    if (q.env() != null) {
      where.add("target = :target");
    }
    if (q.actor() != null) {
      where.add("actor = :actor");
    }
    if (q.action() != null) {
      where.add("action = :action");
    }
    if (q.since() != null) {
      where.add("occurred_at >= :since");
    }
    if (q.until() != null) {
      where.add("occurred_at < :until");
    }
    String sql =
        "SELECT " + COLUMNS + " FROM audit_events"
            + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY id DESC LIMIT :limit OFFSET :offset";
    return db.read(
        h -> {
          var query = h.createQuery(sql).bind("limit", q.limit()).bind("offset", q.offset());
          if (q.env() != null) {
            query.bind("target", "env:" + q.env());
          }
          if (q.actor() != null) {
            query.bind("actor", q.actor());
          }
          if (q.action() != null) {
            query.bind("action", q.action());
          }
          if (q.since() != null) {
            query.bind("since", Db.timestamp(q.since()));
          }
          if (q.until() != null) {
            query.bind("until", Db.timestamp(q.until()));
          }
          return query.map(ROW).list();
        });
  }

  /**
   * Walks the chain in id order up to the head recorded in {@code audit_chain}. Ids are dense (they
   * are assigned under the chain lock), so a missing id is a deleted event: the event after the gap
   * is named. An event whose stored hash differs from the recomputed one was edited: it is named.
   */
  @Override
  public AuditVerification verify() {
    byte[] key = db.keys().auditKey();
    return db.read(
        h -> {
          var head =
              h.createQuery("SELECT last_id, last_hash FROM audit_chain WHERE id = 1")
                  .map((rs, ctx) -> new Object[] {rs.getLong("last_id"), rs.getString("last_hash")})
                  .one();
          long headId = (Long) head[0];
          String headHash = (String) head[1];
          long expectedId = 1;
          String previousHash = "";
          long checked = 0;
          while (expectedId <= headId) {
            List<AuditEvent> page =
                h.createQuery(
                        "SELECT " + COLUMNS + " FROM audit_events WHERE id >= :from AND id <= :head"
                            + " ORDER BY id LIMIT " + PAGE)
                    .bind("from", expectedId)
                    .bind("head", headId)
                    .map(ROW)
                    .list();
            if (page.isEmpty()) {
              break;
            }
            for (AuditEvent e : page) {
              checked++;
              if (e.id() != expectedId) {
                String missing = e.id() - expectedId == 1
                    ? "event " + expectedId + " is"
                    : "events " + expectedId + " to " + (e.id() - 1) + " are";
                return new AuditVerification(
                    false, checked, e.id(), missing + " missing before event " + e.id() + " (deleted)");
              }
              String expected =
                  AuditChain.hash(
                      key, previousHash, e.id(), e.at(), e.actor(), e.action(), e.target(), e.before(),
                      e.after(), e.reason());
              if (!expected.equals(e.hash())) {
                return new AuditVerification(
                    false, checked, e.id(),
                    "event " + e.id() + " does not match its hash (edited, or written with another key)");
              }
              previousHash = e.hash();
              expectedId++;
            }
          }
          if (expectedId <= headId) {
            return new AuditVerification(
                false, checked, expectedId,
                "events " + expectedId + " to " + headId + " are missing from the end of the trail (deleted)");
          }
          if (!previousHash.equals(headHash)) {
            return new AuditVerification(
                false, checked, headId, "the chain head does not match event " + headId + " (edited)");
          }
          return new AuditVerification(true, checked, null, null);
        });
  }
}
