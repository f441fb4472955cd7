package io.tributary.catalog.internal;

import io.tributary.catalog.AuditEvent;
import io.tributary.catalog.AuditLog;
import io.tributary.catalog.AuditQuery;
import io.tributary.catalog.AuditVerification;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
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
    Map<String, Object> binds = new LinkedHashMap<>();
    if (q.env() != null) {
      where.add("target = :env");
      binds.put("env", "env:" + q.env());
    }
    contains(where, binds, "actor", q.actor(), "actor");
    contains(where, binds, "action", q.action(), "action");
    contains(where, binds, "target", q.target(), "target");
    if (q.text() != null) {
      String pattern = pattern(q.text());
      where.add("(LOWER(reason) LIKE :text ESCAPE '!' OR LOWER(before_json) LIKE :text ESCAPE '!'"
          + " OR LOWER(after_json) LIKE :text ESCAPE '!')");
      binds.put("text", pattern);
    }
    if (q.since() != null) {
      where.add("occurred_at >= :since");
      binds.put("since", Db.timestamp(q.since()));
    }
    if (q.until() != null) {
      where.add("occurred_at < :until");
      binds.put("until", Db.timestamp(q.until()));
    }
    if (q.beforeId() != null) {
      where.add("id < :beforeId");
      binds.put("beforeId", q.beforeId());
    }
    if (q.afterId() != null) {
      where.add("id > :afterId");
      binds.put("afterId", q.afterId());
    }
    // Paging towards newer events takes the ones just above the cursor, then shows them newest first.
    boolean upwards = q.afterId() != null && q.beforeId() == null;
    String sql =
        "SELECT " + COLUMNS + " FROM audit_events"
            + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY id " + (upwards ? "ASC" : "DESC") + " LIMIT :limit OFFSET :offset";
    List<AuditEvent> events =
        db.read(
            h -> {
              var query = h.createQuery(sql).bind("limit", q.limit()).bind("offset", q.offset());
              binds.forEach(query::bind);
              return query.map(ROW).list();
            });
    if (upwards) {
      events = new ArrayList<>(events);
      java.util.Collections.reverse(events);
    }
    return events;
  }

  private static void contains(
      List<String> where, Map<String, Object> binds, String column, String value, String name) {
    if (value != null) {
      where.add("LOWER(" + column + ") LIKE :" + name + " ESCAPE '!'");
      binds.put(name, pattern(value));
    }
  }

  /**
   * A LIKE pattern matching {@code text} literally anywhere, lower-cased (the column is compared
   * lower-cased): the user's {@code %}, {@code _} and the escape character {@code !} are escaped.
   */
  static String pattern(String text) {
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    StringBuilder out = new StringBuilder(lower.length() + 8).append('%');
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (c == '%' || c == '_' || c == '!') {
        out.append('!');
      }
      out.append(c);
    }
    return out.append('%').toString();
  }

  /**
   * Walks the chain in id order up to the head recorded in {@code audit_chain}, then checks the
   * head, this node's high-water mark and the pipeline revisions; returns the first problem.
   *
   * <ul>
   *   <li>Ids are dense (they are assigned under the chain lock), so a missing id is a deleted
   *       event: the event after the gap is named. An event whose stored hash differs from the
   *       recomputed one was edited: it is named.
   *   <li>The head must carry its seal (HMAC with the audit key over its last id and hash). Deleting
   *       the newest events and moving the head back to the last one left cannot make that seal.
   *   <li>The {@link HighWaterMark} catches what the seal cannot: an older head put back together
   *       with its seal (copied before), i.e. a rollback to a point this node has seen passed.
   *   <li>Every revision must match its seal and the seal the trail first recorded for it (so a
   *       revision edited, its seal removed and sealed again by the one-time upgrade sealing, is
   *       still caught); every revision the trail recorded must exist, and each environment's head
   *       must be its newest revision.
   * </ul>
   *
   * <p>Not detected: a rollback of the whole database to a point after the newest event this node
   * knew, on a database no node with a high-water mark uses; anything done with the audit key.
   * An intact trail moves this node's high-water mark to its head.
   */
  @Override
  public AuditVerification verify() {
    byte[] key = db.keys().auditKey();
    HighWaterMark highWater = db.highWater();
    Optional<HighWaterMark.Mark> seen = highWater.read();
    Walk walk = db.read(h -> walk(h, key, seen));
    if (walk.result.valid()) {
      highWater.advanceVerified(walk.headId, walk.headHash);
    }
    return walk.result;
  }

  /** What a walk found: the result, and the head it checked. */
  private record Walk(AuditVerification result, long headId, String headHash) {}

  private Walk walk(Handle h, byte[] key, Optional<HighWaterMark.Mark> seen) {
    var head =
        h.createQuery("SELECT last_id, last_hash, head_seal FROM audit_chain WHERE id = 1")
            .map((rs, ctx) -> new Object[] {rs.getLong("last_id"), rs.getString("last_hash"), rs.getString("head_seal")})
            .one();
    long headId = (Long) head[0];
    String headHash = (String) head[1];
    String headSeal = (String) head[2];
    long expectedId = 1;
    String previousHash = "";
    long checked = 0;
    String hashAtSeen = null;
    Map<String, Recorded> recorded = new LinkedHashMap<>();
    List<Long> migrations = new ArrayList<>();
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
          return new Walk(
              new AuditVerification(
                  false, checked, e.id(), missing + " missing before event " + e.id() + " (deleted)", "deleted"),
              headId, headHash);
        }
        String expected =
            AuditChain.hash(
                key, previousHash, e.id(), e.at(), e.actor(), e.action(), e.target(), e.before(),
                e.after(), e.reason());
        if (!expected.equals(e.hash())) {
          return new Walk(
              new AuditVerification(
                  false, checked, e.id(),
                  "event " + e.id() + " does not match its hash (edited, or written with another key)", "edited"),
              headId, headHash);
        }
        record(e, recorded, migrations);
        if (seen.isPresent() && seen.get().id() == e.id()) {
          hashAtSeen = e.hash();
        }
        previousHash = e.hash();
        expectedId++;
      }
    }
    long found = expectedId - 1;
    if (expectedId <= headId) {
      return new Walk(
          new AuditVerification(
              false, checked, expectedId,
              "truncated: the head says " + headId + " events up to id " + headId + ", found " + found
                  + " (events " + expectedId + " to " + headId + " are missing from the end of the trail: deleted)",
              "truncated"),
          headId, headHash);
    }
    if (!previousHash.equals(headHash)) {
      return new Walk(
          new AuditVerification(
              false, checked, headId, "the chain head does not match event " + headId + " (edited)", "truncated"),
          headId, headHash);
    }
    if (!AuditChain.same(headSeal, AuditChain.headSeal(key, headId, headHash))) {
      String seenText = seen.isPresent() && seen.get().id() > headId
          ? "; this node has seen events up to id " + seen.get().id() + ", so events " + (headId + 1) + " to "
              + seen.get().id() + " were deleted"
          : "";
      return new Walk(
          new AuditVerification(
              false, checked, headId + 1,
              "truncated: the head says " + headId + " events up to id " + headId + ", found " + found
                  + ", but the head " + (headSeal == null ? "has no seal" : "does not match its seal")
                  + ": it was moved or edited in the database without the audit key, which is what deleting the"
                  + " newest events takes" + seenText,
              "truncated"),
          headId, headHash);
    }
    if (seen.isPresent() && seen.get().id() > headId) {
      return new Walk(
          new AuditVerification(
              false, checked, headId + 1,
              "rolled back: the trail ends at event " + headId + " (its head sealed), but this node has written or"
                  + " verified events up to id " + seen.get().id() + ": events " + (headId + 1) + " to "
                  + seen.get().id() + " were deleted and an older head put back (if the catalog was restored from a"
                  + " backup on purpose, delete " + HighWaterMark.FILE + " in this node's data directory)",
              "rolled_back"),
          headId, headHash);
    }
    if (seen.isPresent() && !AuditChain.same(hashAtSeen, seen.get().hash())) {
      return new Walk(
          new AuditVerification(
              false, checked, seen.get().id(),
              "rolled back: event " + seen.get().id() + " is not the one this node wrote or verified: the trail was"
                  + " rolled back to an older head and written again from there (if the catalog was restored from a"
                  + " backup on purpose, delete " + HighWaterMark.FILE + " in this node's data directory)",
              "rolled_back"),
          headId, headHash);
    }
    if (migrations.size() > 1) {
      return new Walk(
          new AuditVerification(
              false, checked, migrations.get(1),
              "the one-time sealing of a catalog from before seals existed ran again at event " + migrations.get(1)
                  + " (first at event " + migrations.get(0) + "): the seals were removed in the database and"
                  + " whatever was stored then was sealed as it was",
              "seals_removed"),
          headId, headHash);
    }
    AuditVerification revisions = checkRevisions(h, key, checked, recorded);
    return new Walk(revisions, headId, headHash);
  }

  /** A revision seal the trail recorded, and the event that recorded it. */
  private record Recorded(long event, String seal) {}

  /**
   * Collects the revision seals an event records: {@code after.seal} of a revision written,
   * {@code after.pipeline.seal} of an environment created, {@code after.sealedRevisions} of the
   * one-time sealing.
   */
  private static void record(AuditEvent e, Map<String, Recorded> recorded, List<Long> migrations) {
    if ("audit.migrated".equals(e.action())) {
      migrations.add(e.id());
    }
    if (e.after() == null || !e.after().contains("\"seal\"")) {
      return;
    }
    Map<String, Object> after;
    try {
      after = Json.readMap(e.after());
    } catch (RuntimeException notAnObject) {
      return;
    }
    String env = e.target() != null && e.target().startsWith("env:") ? e.target().substring(4) : null;
    if (env != null) {
      put(recorded, env, after, e.id());
      if (after.get("pipeline") instanceof Map<?, ?> pipeline) {
        put(recorded, env, pipeline, e.id());
      }
    }
    if (after.get("sealedRevisions") instanceof List<?> sealed) {
      for (Object o : sealed) {
        if (o instanceof Map<?, ?> m && m.get("env") instanceof String sealedEnv) {
          put(recorded, sealedEnv, m, e.id());
        }
      }
    }
  }

  /** The first record of a revision's seal wins: a later one can only come from sealing it again. */
  private static void put(Map<String, Recorded> recorded, String env, Map<?, ?> m, long event) {
    if (m.get("revision") instanceof Number n && m.get("seal") instanceof String seal) {
      recorded.putIfAbsent(env + "@" + n.longValue(), new Recorded(event, seal));
    }
  }

  private static AuditVerification checkRevisions(
      Handle h, byte[] key, long checked, Map<String, Recorded> recorded) {
    Map<String, Long> newest = new LinkedHashMap<>();
    Set<String> present = new HashSet<>();
    List<PipelineStore.Stored> rows =
        h.createQuery("SELECT " + PipelineStore.COLUMNS + ", seal FROM pipeline_revisions ORDER BY env, revision")
            .map(PipelineStore.ROW)
            .list();
    for (PipelineStore.Stored row : rows) {
      var r = row.revision();
      String id = r.env() + "@" + r.revision();
      present.add(id);
      newest.merge(r.env(), r.revision(), Math::max);
      Recorded rec = recorded.get(id);
      Long event = rec == null ? null : rec.event();
      String name = "revision " + r.revision() + " of '" + r.env() + "'";
      if (!row.intact(key)) {
        return new AuditVerification(
            false, checked, event,
            name + (row.seal() == null ? " has no seal" : " does not match its seal")
                + ": its content (stages, config, author, reason, time) was edited in the database; nodes refuse to run it",
            "revision_tampered");
      }
      if (rec == null) {
        return new AuditVerification(
            false, checked, null, name + " is not recorded in the audit trail: it did not come through Tributary",
            "revision_tampered");
      }
      if (!AuditChain.same(rec.seal(), row.seal())) {
        return new AuditVerification(
            false, checked, event,
            name + " is not the one audit event " + event + " recorded: it was replaced or edited in the database"
                + " (and sealed again)",
            "revision_tampered");
      }
    }
    for (Map.Entry<String, Recorded> e : recorded.entrySet()) {
      if (!present.contains(e.getKey())) {
        String[] parts = e.getKey().split("@", 2);
        return new AuditVerification(
            false, checked, e.getValue().event(),
            "revision " + parts[1] + " of '" + parts[0] + "' was recorded by audit event " + e.getValue().event()
                + " but is missing from the catalog (deleted)",
            "revision_tampered");
      }
    }
    List<Map.Entry<String, Long>> heads =
        h.createQuery("SELECT name, head_revision FROM environments ORDER BY name")
            .map((rs, ctx) -> Map.entry(rs.getString("name"), rs.getLong("head_revision")))
            .list();
    for (Map.Entry<String, Long> head : heads) {
      Long max = newest.get(head.getKey());
      if (max != null && max.longValue() != head.getValue()) {
        return new AuditVerification(
            false, checked, null,
            "environment '" + head.getKey() + "' is at revision " + head.getValue() + " but its newest revision is "
                + max + ": its head was moved in the database",
            "revision_tampered");
      }
    }
    return new AuditVerification(true, checked, null, null, null);
  }
}
