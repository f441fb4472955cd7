package io.tributary.catalog.internal;

import io.tributary.catalog.CatalogException;
import io.tributary.catalog.CatalogException.Kind;
import io.tributary.catalog.ChangeRequest;
import io.tributary.catalog.ChangeRequest.Status;
import io.tributary.catalog.ChangeRequests;
import io.tributary.catalog.PipelineRevision;
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
          + " decided_at, applied_revision";

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
              Db.nullableLong(rs, "applied_revision"));

  private final Db db;
  private final PipelineStore pipelines;

  public ChangeRequestStore(Db db, PipelineStore pipelines) {
    this.db = db;
    this.pipelines = pipelines;
  }

  @Override
  public ChangeRequest submit(
      String env, long baseRevision, List<StageRecord> stages, String requester, String reason) {
    Objects.requireNonNull(requester, "requester");
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
                      "INSERT INTO change_requests (env, base_revision, stages, requester, reason, status,"
                          + " created_at) VALUES (:env, :base, :stages, :requester, :reason, 'PENDING', :at)")
                  .bind("env", env)
                  .bind("base", baseRevision)
                  .bind("stages", Stages.toJson(sealed))
                  .bind("requester", requester)
                  .bind("reason", reason)
                  .bind("at", Db.timestamp(tx.now()))
                  .executeAndReturnGeneratedKeys("id")
                  .mapTo(Long.class)
                  .one();
          ChangeRequest created =
              new ChangeRequest(
                  id, env, baseRevision, sealed, requester, reason, Status.PENDING, null, null, tx.now(), null, null);
          Map<String, Object> after = new LinkedHashMap<>();
          after.put("changeRequest", id);
          after.put("baseRevision", baseRevision);
          after.put("stages", Json.readList(Stages.toJson(SecretFields.mask(sealed, secret))));
          tx.audit(
              requester,
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
          List<ChangeRequest> stored = query.map(STORED).list();
          Map<String, Set<String>> secret =
              SecretFields.lookup(h, stored.stream().flatMap(c -> c.stages().stream()).toList());
          return stored.stream().map(c -> withStages(c, SecretFields.mask(c.stages(), secret))).toList();
        });
  }

  @Override
  public ChangeRequest approve(long id, String approver, String reason) {
    Objects.requireNonNull(approver, "approver");
    return db.write(
        tx -> {
          Handle h = tx.handle();
          ChangeRequest request = decidable(h, id, approver, "approve");
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
          h.createUpdate(
                  "UPDATE change_requests SET status = 'APPLIED', decided_by = :by, decision_reason = :reason,"
                      + " decided_at = :at, applied_revision = :revision WHERE id = :id")
              .bind("by", approver)
              .bind("reason", reason)
              .bind("at", Db.timestamp(tx.now()))
              .bind("revision", applied.revision())
              .bind("id", id)
              .execute();
          tx.audit(
              approver,
              "change.approved",
              "env:" + request.env(),
              null,
              Json.write(Map.of("changeRequest", id, "appliedRevision", applied.revision())),
              reason);
          return masked(h, find(h, id, false));
        });
  }

  @Override
  public ChangeRequest reject(long id, String approver, String reason) {
    Objects.requireNonNull(approver, "approver");
    return db.write(
        tx -> {
          Handle h = tx.handle();
          ChangeRequest request = decidable(h, id, approver, "reject");
          h.createUpdate(
                  "UPDATE change_requests SET status = 'REJECTED', decided_by = :by, decision_reason = :reason,"
                      + " decided_at = :at WHERE id = :id")
              .bind("by", approver)
              .bind("reason", reason)
              .bind("at", Db.timestamp(tx.now()))
              .bind("id", id)
              .execute();
          tx.audit(
              approver,
              "change.rejected",
              "env:" + request.env(),
              null,
              Json.write(Map.of("changeRequest", id)),
              reason);
          return masked(h, find(h, id, false));
        });
  }

  /** Locks the request and checks it may be decided by {@code approver}. */
  private static ChangeRequest decidable(Handle h, long id, String approver, String verb) {
    ChangeRequest request = find(h, id, true);
    if (request.requester().equals(approver)) {
      throw new CatalogException(
          Kind.FORBIDDEN, "'" + approver + "' requested change " + id + " and cannot " + verb + " it; ask another approver");
    }
    if (request.status() != Status.PENDING) {
      throw new CatalogException(
          Kind.CONFLICT, "change request " + id + " is already " + request.status().name().toLowerCase(Locale.ROOT));
    }
    return request;
  }

  private static ChangeRequest find(Handle h, long id, boolean lock) {
    return h.createQuery("SELECT " + COLUMNS + " FROM change_requests WHERE id = :id" + (lock ? " FOR UPDATE" : ""))
        .bind("id", id)
        .map(STORED)
        .findOne()
        .orElseThrow(() -> new CatalogException(Kind.NOT_FOUND, "no change request " + id));
  }

  private static ChangeRequest masked(Handle h, ChangeRequest c) {
    return withStages(c, SecretFields.mask(c.stages(), SecretFields.lookup(h, c.stages())));
  }

  private static ChangeRequest withStages(ChangeRequest c, List<StageRecord> stages) {
    return new ChangeRequest(
        c.id(), c.env(), c.baseRevision(), stages, c.requester(), c.reason(), c.status(), c.decidedBy(),
        c.decisionReason(), c.createdAt(), c.decidedAt(), c.appliedRevision());
  }

  private static List<StageRecord> concat(List<StageRecord> a, List<StageRecord> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
