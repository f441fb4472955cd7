package io.tributary.catalog.internal;

import io.tributary.catalog.CatalogException;
import io.tributary.catalog.CatalogException.Kind;
import io.tributary.catalog.ChangeRequest;
import io.tributary.catalog.ChangeRequest.Status;
import io.tributary.catalog.ChangeRequests;
import io.tributary.catalog.PipelineRevision;
import io.tributary.catalog.Principal;
import io.tributary.catalog.Role;
import io.tributary.catalog.Texts;
import io.tributary.catalog.StageRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Change requests for protected environments; approval applies atomically with the revision check. */
public final class ChangeRequestStore implements ChangeRequests {

  private static final String COLUMNS =
      "id, env, base_revision, stages, requester, reason, status, decided_by, decision_reason, created_at,"
          + " decided_at, applied_revision, requester_id, decided_by_id";

  private static final RowMapper<ChangeRequest> STORED =
      (rs, ctx) ->
          new ChangeRequest(
              rs.getLong("id"),
              rs.getString("env"),
              rs.getLong("base_revision"),
              Stages.fromJson(rs.getString("stages")),
              rs.getString("requester"),
              rs.getString("reason"),
              Status.valueOf(rs.getString("status")),
              rs.getString("decided_by"),
              rs.getString("decision_reason"),
              Db.instant(rs, "created_at"),
              Db.instant(rs, "decided_at"),
              Db.nullableLong(rs, "applied_revision"),
              Db.nullableLong(rs, "requester_id"),
              Db.nullableLong(rs, "decided_by_id"),
              List.of());

  private final Db db;
  private final PipelineStore pipelines;

  public ChangeRequestStore(Db db, PipelineStore pipelines) {
    this.db = db;
    this.pipelines = pipelines;
  }

  @Override
  public ChangeRequest submit(
      String env, long baseRevision, List<StageRecord> stages, Principal requester, String rawReason) {
    Objects.requireNonNull(requester, "requester");
    String reason = Texts.reason(rawReason);
    Stages.validate(stages);
    return db.write(
        tx -> {
          Handle h = tx.handle();
          long head = PipelineStore.lockAtBase(h, env, baseRevision);
          PipelineStore.Stored stored = PipelineStore.storedRow(h, env, head).orElseThrow();
          PipelineRevision base = stored.revision();
          Map<String, Set<String>> secret = SecretFields.lookup(h, concat(stages, base.stages()));
          // A base edited in the database lends none of its secrets to the request.
          List<StageRecord> sealed =
              stored.intact(tx.auditKey())
                  ? pipelines.secrets().seal(stages, base.stages(), "revision " + head, secret)
                  : pipelines.secrets().seal(
                      stages, List.of(), "revision " + head + " (it fails its integrity check, so none of its"
                          + " secrets are kept)", secret);
          long id =
              h.createUpdate(
                      "INSERT INTO change_requests (env, base_revision, stages, requester, requester_id, reason,"
                          + " status, created_at) VALUES (:env, :base, :stages, :requester, :requesterId, :reason,"
                          + " 'PENDING', :at)")
                  .bind("env", env)
                  .bind("base", baseRevision)
                  .bind("stages", Stages.toJson(sealed))
                  .bind("requester", requester.name())
                  .bind("requesterId", requester.id())
                  .bind("reason", reason)
                  .bind("at", Db.timestamp(tx.now()))
                  .executeAndReturnGeneratedKeys("id")
                  .mapTo(Long.class)
                  .one();
          ChangeRequest created =
              new ChangeRequest(
                  id, env, baseRevision, sealed, requester.name(), reason, Status.PENDING, null, null, tx.now(), null,
                  null, requester.id(), null, List.of());
          Map<String, Object> after = new LinkedHashMap<>();
          after.put("changeRequest", id);
          after.put("baseRevision", baseRevision);
          after.put("requesterId", requester.id());
          after.put("stages", Json.readList(Stages.toJson(SecretFields.mask(sealed, secret))));
          tx.audit(
              requester.name(),
              "change.submitted",
              "env:" + env,
              PipelineStore.revisionJson(base, secret),
              Json.write(after),
              reason);
          return masked(h, created);
        });
  }

  @Override
  public ChangeRequest get(long id) {
    return db.read(h -> masked(h, find(h, id, false)));
  }

  @Override
  public List<ChangeRequest> list(Status status) {
    return db.read(
        h -> {
          var query =
              h.createQuery(
                  "SELECT " + COLUMNS + " FROM change_requests"
                      + (status == null ? "" : " WHERE status = :status")
                      + " ORDER BY id DESC");
          if (status != null) {
            query.bind("status", status.name());
          }
          return query.map(STORED).list().stream().map(c -> masked(h, c)).toList();
        });
  }

  @Override
  public ChangeRequest approve(long id, Principal approver, String rawReason) {
    Objects.requireNonNull(approver, "approver");
    String reason = Texts.reason(rawReason);
    return db.write(
        tx -> {
          Handle h = tx.handle();
          ChangeRequest request = decidable(tx, id, approver, "approve");
          long head = PipelineStore.lockAtBase(h, request.env(), request.baseRevision());
          PipelineStore.Stored base = PipelineStore.storedRow(h, request.env(), head).orElseThrow();
          List<StageRecord> content =
              pipelines.secrets().open(request.stages(), "change request " + id);
          String revisionReason = request.reason() == null
              ? "change request " + id
              : request.reason() + " (change request " + id + ")";
          PipelineRevision applied =
              pipelines.insert(
                  tx, request.env(), head + 1, content, base, request.requester(), revisionReason, null, id,
                  "pipeline.revised");
          decided(tx, id, Status.APPLIED, approver, reason, applied.revision());
          tx.audit(
              approver.name(),
              "change.approved",
              "env:" + request.env(),
              null,
              Json.write(Map.of("changeRequest", id, "appliedRevision", applied.revision(), "approverId",
                  approver.id(), "requesterId", request.requesterId() == null ? "unknown" : request.requesterId())),
              reason);
          return masked(h, find(h, id, false));
        });
  }

  @Override
  public ChangeRequest reject(long id, Principal approver, String rawReason) {
    Objects.requireNonNull(approver, "approver");
    String reason = Texts.reason(rawReason);
    return db.write(
        tx -> {
          Handle h = tx.handle();
          ChangeRequest request = decidable(tx, id, approver, "reject");
          decided(tx, id, Status.REJECTED, approver, reason, null);
          tx.audit(
              approver.name(),
              "change.rejected",
              "env:" + request.env(),
              null,
              Json.write(Map.of("changeRequest", id, "approverId", approver.id())),
              reason);
          return masked(h, find(h, id, false));
        });
  }

  @Override
  public ChangeRequest withdraw(long id, Principal caller, String rawReason) {
    Objects.requireNonNull(caller, "caller");
    String reason = Texts.reason(rawReason);
    return db.write(
        tx -> {
          Handle h = tx.handle();
          ChangeRequest request = find(h, id, true);
          boolean requester = request.requesterId() == null
              ? Texts.nameKey(request.requester()).equals(Texts.nameKey(caller.name()))
              : request.requesterId() == caller.id();
          if (!requester) {
            throw new CatalogException(
                Kind.FORBIDDEN, "change request " + id + " was requested by '" + request.requester() + "': only '"
                    + request.requester() + "' can withdraw it (an approver can reject it)");
          }
          if (request.status() != Status.PENDING) {
            throw new CatalogException(
                Kind.CONFLICT, "change request " + id + " is already "
                    + request.status().name().toLowerCase(Locale.ROOT) + ": only a pending request can be withdrawn");
          }
          decided(tx, id, Status.WITHDRAWN, caller, reason, null);
          tx.audit(
              caller.name(),
              "change.withdrawn",
              "env:" + request.env(),
              null,
              Json.write(Map.of("changeRequest", id, "baseRevision", request.baseRevision(), "requesterId",
                  caller.id())),
              reason);
          return masked(h, find(h, id, false));
        });
  }

  /**
   * Records that {@code by} decided request {@code id} now: {@code status}, {@code reason}, and the
   * revision it became ({@code appliedRevision}, null unless applied).
   */
  private static void decided(Tx tx, long id, Status status, Principal by, String reason, Long appliedRevision) {
    tx.handle().createUpdate("UPDATE change_requests SET status = :status, decided_by = :by, decided_by_id = :byId,"
            + " decision_reason = :reason, decided_at = :at, applied_revision = :revision WHERE id = :id")
        .bind("status", status.name())
        .bind("revision", appliedRevision)
        .bind("by", by.name())
        .bind("byId", by.id())
        .bind("reason", reason)
        .bind("at", Db.timestamp(tx.now()))
        .bind("id", id)
        .execute();
  }

  /**
   * Locks the request and checks that {@code approver} is a second person who may decide it:
   * compared by principal id, read again from the database (not the caller's copy).
   */
  private static ChangeRequest decidable(Tx tx, long id, Principal caller, String verb) {
    Handle h = tx.handle();
    ChangeRequest request = find(h, id, true);
    Principal approver = h.createQuery("SELECT " + PrincipalStore.COLUMNS + " FROM principals WHERE id = :id")
        .bind("id", caller.id())
        .map(PrincipalStore.ROW)
        .findOne()
        .filter(p -> p.isActive(tx.now()))
        .orElseThrow(() -> new CatalogException(Kind.FORBIDDEN, "principal " + caller.id() + " is not active"));
    if (!approver.approver() || !approver.role().atLeast(Role.OPERATOR)) {
      throw new CatalogException(Kind.FORBIDDEN, "'" + approver.name() + "' does not hold the approver right");
    }
    boolean sameRequester = request.requesterId() == null
        ? Texts.nameKey(request.requester()).equals(Texts.nameKey(approver.name()))
        : request.requesterId() == approver.id();
    if (sameRequester) {
      throw new CatalogException(
          Kind.FORBIDDEN, "'" + approver.name() + "' requested change " + id + " and cannot " + verb + " it;"
              + " ask another approver");
    }
    if (request.status() != Status.PENDING) {
      throw new CatalogException(
          Kind.CONFLICT, "change request " + id + " is already " + request.status().name().toLowerCase(Locale.ROOT)
              + (request.status() == Status.SUPERSEDED
                  ? ": environment '" + request.env() + "' has moved past revision " + request.baseRevision()
                      + " since it was made; submit the change again on the current revision"
                  : ""));
    }
    Long requester = request.requesterId();
    // A token is shown to whoever creates it: a creator (or one of theirs) can act as its creation.
    if (requester != null && lineage(h, approver.id()).contains(requester)) {
      throw new CatalogException(
          Kind.FORBIDDEN, "'" + approver.name() + "' was created or given the approver right by the requester of"
              + " change " + id + " (directly or through principals the requester created) and cannot " + verb
              + " it: the second person must not be the requester's own creation; ask another approver");
    }
    if (requester != null && lineage(h, requester).contains(approver.id())) {
      throw new CatalogException(
          Kind.FORBIDDEN, "'" + approver.name() + "' created the requester of change " + id + " (directly or through"
              + " principals it created), so it was shown the requester's token and cannot " + verb + " it; ask an"
              + " approver who did not create the requester");
    }
    if (approver.createdAt().isAfter(request.createdAt())
        || (approver.approverGrantedAt() != null && approver.approverGrantedAt().isAfter(request.createdAt()))) {
      throw new CatalogException(
          Kind.FORBIDDEN, "'" + approver.name() + "' was created or given the approver right after change " + id
              + " was requested (" + request.createdAt() + ") and cannot " + verb + " it; ask an approver who"
              + " existed before the request");
    }
    return request;
  }

  /**
   * The principals {@code id} descends from: who created it or granted it the approver right, who
   * created or granted those, and so on (the system, null, ends a line).
   */
  private static Set<Long> lineage(Handle h, long id) {
    Set<Long> seen = new java.util.HashSet<>();
    java.util.Deque<Long> next = new java.util.ArrayDeque<>(List.of(id));
    while (!next.isEmpty()) {
      long current = next.pop();
      h.createQuery("SELECT created_by, approver_granted_by FROM principals WHERE id = :id")
          .bind("id", current)
          .map((rs, ctx) -> java.util.Arrays.asList(Db.nullableLong(rs, "created_by"),
              Db.nullableLong(rs, "approver_granted_by")))
          .findOne()
          .orElse(List.of())
          .stream()
          .filter(Objects::nonNull)
          .filter(seen::add)
          .forEach(next::push);
    }
    return seen;
  }

  /**
   * Marks every pending request of {@code env} whose base is not {@code head} as superseded (but
   * {@code applying}, the one being approved, if any), audited; called with the environment locked,
   * whenever its head moves.
   */
  static void supersede(Tx tx, String env, long head, Long applying, String actor) {
    Handle h = tx.handle();
    List<Map.Entry<Long, Long>> stale = h.createQuery(
            "SELECT id, base_revision FROM change_requests WHERE env = :env AND status = 'PENDING'"
                + " AND base_revision <> :head AND id <> :applying ORDER BY id FOR UPDATE")
        .bind("env", env)
        .bind("head", head)
        .bind("applying", applying == null ? -1L : applying)
        .map((rs, ctx) -> Map.entry(rs.getLong("id"), rs.getLong("base_revision")))
        .list();
    for (Map.Entry<Long, Long> s : stale) {
      h.createUpdate("UPDATE change_requests SET status = 'SUPERSEDED', decided_at = :at WHERE id = :id")
          .bind("at", Db.timestamp(tx.now()))
          .bind("id", s.getKey())
          .execute();
      tx.audit(actor, "change.superseded", "env:" + env, null,
          Json.write(Map.of("changeRequest", s.getKey(), "baseRevision", s.getValue(), "currentRevision", head)),
          "environment '" + env + "' moved to revision " + head);
    }
  }

  private static ChangeRequest find(Handle h, long id, boolean lock) {
    return h.createQuery("SELECT " + COLUMNS + " FROM change_requests WHERE id = :id" + (lock ? " FOR UPDATE" : ""))
        .bind("id", id)
        .map(STORED)
        .findOne()
        .orElseThrow(() -> new CatalogException(Kind.NOT_FOUND, "no change request " + id));
  }

  /** The request with secrets masked, and the secrets it changes against its base named. */
  private static ChangeRequest masked(Handle h, ChangeRequest c) {
    List<StageRecord> base =
        PipelineStore.storedRow(h, c.env(), c.baseRevision()).map(s -> s.revision().stages()).orElse(List.of());
    Map<String, Set<String>> secret = SecretFields.lookup(h, concat(c.stages(), base));
    Map<String, StageRecord> baseByName = new java.util.HashMap<>();
    base.forEach(s -> baseByName.put(s.name(), s));
    List<String> changed = new java.util.ArrayList<>();
    for (StageRecord s : c.stages()) {
      StageRecord before = baseByName.get(s.name());
      for (Map.Entry<String, Object> e : s.config().entrySet()) {
        // An unchanged secret keeps its base ciphertext ({"set": true} reuses it), so any difference is a change.
        if (SecretBox.isEncrypted(e.getValue())
            && (before == null || !Objects.equals(before.config().get(e.getKey()), e.getValue()))) {
          changed.add(s.name() + "/" + e.getKey());
        }
      }
    }
    List<StageRecord> stages = SecretFields.mask(c.stages(), secret);
    return new ChangeRequest(
        c.id(), c.env(), c.baseRevision(), stages, c.requester(), c.reason(), c.status(), c.decidedBy(),
        c.decisionReason(), c.createdAt(), c.decidedAt(), c.appliedRevision(), c.requesterId(), c.decidedById(),
        changed);
  }

  private static List<StageRecord> concat(List<StageRecord> a, List<StageRecord> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
