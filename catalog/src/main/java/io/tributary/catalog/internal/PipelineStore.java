package io.tributary.catalog.internal;

import io.tributary.catalog.CatalogException;
import io.tributary.catalog.CatalogException.Kind;
import io.tributary.catalog.PipelineRevision;
import io.tributary.catalog.Pipelines;
import io.tributary.catalog.StageRecord;
import io.tributary.catalog.Texts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Pipeline revisions: optimistic concurrency on the environment row, secrets sealed at rest. */
public final class PipelineStore implements Pipelines {

  static final RowMapper<PipelineRevision> STORED =
      (rs, ctx) ->
          new PipelineRevision(
              rs.getString("env"),
              rs.getLong("revision"),
              Stages.fromJson(rs.getString("stages")),
              rs.getString("author"),
              rs.getString("reason"),
              Db.instant(rs, "created_at"),
              Db.nullableLong(rs, "rolled_back_from"),
              Db.nullableLong(rs, "change_request"));

  private static final String COLUMNS =
      "env, revision, stages, author, reason, created_at, rolled_back_from, change_request";

  private final Db db;
  private final SecretFields secrets;

  public PipelineStore(Db db, SecretBox box) {
    this.db = db;
    this.secrets = new SecretFields(box);
  }

  @Override
  public PipelineRevision current(String env) {
    return db.read(h -> open(storedCurrent(h, env)));
  }

  @Override
  public PipelineRevision revision(String env, long n) {
    return db.read(
        h -> open(stored(h, env, n).orElseThrow(() -> notFound(h, env, n))));
  }

  @Override
  public PipelineRevision masked(PipelineRevision revision) {
    Map<String, Set<String>> secret = db.read(h -> SecretFields.lookup(h, revision.stages()));
    return withStages(revision, SecretFields.mask(revision.stages(), secret));
  }

  @Override
  public List<PipelineRevision> history(String env) {
    return db.read(
        h -> {
          requireEnvironment(h, env);
          List<PipelineRevision> stored =
              h.createQuery("SELECT " + COLUMNS + " FROM pipeline_revisions WHERE env = :env ORDER BY revision DESC")
                  .bind("env", env)
                  .map(STORED)
                  .list();
          Map<String, Set<String>> secret =
              SecretFields.lookup(h, stored.stream().flatMap(r -> r.stages().stream()).toList());
          return stored.stream().map(r -> withStages(r, SecretFields.mask(r.stages(), secret))).toList();
        });
  }

  @Override
  public PipelineRevision write(
      String env, long baseRevision, List<StageRecord> stages, String actor, String rawReason) {
    Objects.requireNonNull(actor, "actor");
    String reason = Texts.reason(rawReason);
    Stages.validate(stages);
    return db.write(
        tx -> {
          Handle h = tx.handle();
          long head = lockAtBase(h, env, baseRevision);
          PipelineRevision base = stored(h, env, head).orElseThrow();
          PipelineRevision created = insert(tx, env, head + 1, stages, base, actor, reason, null, null, "pipeline.revised");
          return open(created);
        });
  }

  @Override
  public PipelineRevision rollback(
      String env, long baseRevision, long target, String actor, String rawReason) {
    Objects.requireNonNull(actor, "actor");
    String reason = Texts.reason(rawReason);
    return db.write(
        tx -> {
          Handle h = tx.handle();
          long head = lockAtBase(h, env, baseRevision);
          PipelineRevision restored = stored(h, env, target).orElseThrow(() -> notFound(h, env, target));
          PipelineRevision base = stored(h, env, head).orElseThrow();
          List<StageRecord> content = secrets.open(restored.stages(), "env '" + env + "' revision " + target);
          return open(insert(tx, env, head + 1, content, base, actor, reason, target, null, "pipeline.rolled_back"));
        });
  }

  @Override
  public Map<String, Long> heads() {
    return db.read(
        h -> {
          Map<String, Long> heads = new LinkedHashMap<>();
          h.createQuery("SELECT name, head_revision FROM environments ORDER BY name")
              .map((rs, ctx) -> Map.entry(rs.getString("name"), rs.getLong("head_revision")))
              .forEach(e -> heads.put(e.getKey(), e.getValue()));
          return heads;
        });
  }

  /**
   * Locks {@code env} and checks that {@code baseRevision} is its head.
   *
   * @return the head revision
   */
  static long lockAtBase(Handle h, String env, long baseRevision) {
    Long head = Db.lockEnvironment(h, env);
    if (head == null) {
      throw new CatalogException(Kind.NOT_FOUND, "no environment '" + env + "'");
    }
    if (head != baseRevision) {
      throw new CatalogException(
          Kind.STALE_REVISION,
          "environment '" + env + "' is at revision " + head + ", not " + baseRevision
              + "; reload it and apply your change again",
          head);
    }
    return head;
  }

  /**
   * Inserts revision {@code number} (the environment must be locked at {@code number - 1}) with
   * {@code stages} sealed against {@code base}, moves the head and audits it as {@code action}
   * (null: the caller audits).
   */
  PipelineRevision insert(
      Tx tx, String env, long number, List<StageRecord> stages, PipelineRevision base, String actor,
      String reason, Long rolledBackFrom, Long changeRequest, String action) {
    Stages.validate(stages);
    Handle h = tx.handle();
    Map<String, Set<String>> secret =
        SecretFields.lookup(h, concat(stages, base == null ? List.of() : base.stages()));
    List<StageRecord> sealed =
        secrets.seal(stages, base == null ? List.of() : base.stages(), "revision " + (number - 1), secret);
    PipelineRevision created =
        new PipelineRevision(env, number, sealed, actor, reason, tx.now(), rolledBackFrom, changeRequest);
    try {
      h.createUpdate(
              "INSERT INTO pipeline_revisions (" + COLUMNS + ") VALUES (:env, :revision, :stages, :author,"
                  + " :reason, :createdAt, :rolledBackFrom, :changeRequest)")
          .bind("env", env)
          .bind("revision", number)
          .bind("stages", Stages.toJson(sealed))
          .bind("author", actor)
          .bind("reason", reason)
          .bind("createdAt", Db.timestamp(tx.now()))
          .bind("rolledBackFrom", rolledBackFrom)
          .bind("changeRequest", changeRequest)
          .execute();
    } catch (RuntimeException e) {
      if (Db.isUniqueViolation(e)) {
        // Only reachable if something bypassed the row lock; the primary key still refuses it.
        throw new CatalogException(
            Kind.STALE_REVISION, "revision " + number + " of '" + env + "' was written concurrently", number);
      }
      throw e;
    }
    h.createUpdate("UPDATE environments SET head_revision = :revision WHERE name = :env")
        .bind("revision", number)
        .bind("env", env)
        .execute();
    ChangeRequestStore.supersede(tx, env, number, changeRequest, actor);
    if (action == null) {
      return created;
    }
    tx.audit(
        actor,
        action,
        "env:" + env,
        base == null ? null : revisionJson(base, secret),
        revisionJson(created, secret),
        reason);
    return created;
  }

  /** Revision JSON for audit diffs: always masked. */
  static String revisionJson(PipelineRevision r, Map<String, Set<String>> secret) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("revision", r.revision());
    if (r.rolledBackFrom() != null) {
      m.put("rolledBackFrom", r.rolledBackFrom());
    }
    if (r.changeRequest() != null) {
      m.put("changeRequest", r.changeRequest());
    }
    m.put("stages", Json.readList(Stages.toJson(SecretFields.mask(r.stages(), secret))));
    return Json.write(m);
  }

  static Optional<PipelineRevision> stored(Handle h, String env, long n) {
    return h.createQuery("SELECT " + COLUMNS + " FROM pipeline_revisions WHERE env = :env AND revision = :n")
        .bind("env", env)
        .bind("n", n)
        .map(STORED)
        .findOne();
  }

  static PipelineRevision storedCurrent(Handle h, String env) {
    return h.createQuery(
            "SELECT r.env, r.revision, r.stages, r.author, r.reason, r.created_at, r.rolled_back_from,"
                + " r.change_request FROM environments e JOIN pipeline_revisions r"
                + " ON r.env = e.name AND r.revision = e.head_revision WHERE e.name = :env")
        .bind("env", env)
        .map(STORED)
        .findOne()
        .orElseThrow(() -> new CatalogException(Kind.NOT_FOUND, "no environment '" + env + "'"));
  }

  static void requireEnvironment(Handle h, String env) {
    boolean exists =
        h.createQuery("SELECT COUNT(*) FROM environments WHERE name = :env").bind("env", env).mapTo(Long.class).one() > 0;
    if (!exists) {
      throw new CatalogException(Kind.NOT_FOUND, "no environment '" + env + "'");
    }
  }

  private static CatalogException notFound(Handle h, String env, long n) {
    requireEnvironment(h, env);
    return new CatalogException(Kind.NOT_FOUND, "environment '" + env + "' has no revision " + n);
  }

  PipelineRevision open(PipelineRevision stored) {
    return withStages(stored, secrets.open(stored.stages(), "env '" + stored.env() + "' revision " + stored.revision()));
  }

  SecretFields secrets() {
    return secrets;
  }

  static PipelineRevision withStages(PipelineRevision r, List<StageRecord> stages) {
    return new PipelineRevision(
        r.env(), r.revision(), stages, r.author(), r.reason(), r.createdAt(), r.rolledBackFrom(), r.changeRequest());
  }

  private static List<StageRecord> concat(List<StageRecord> a, List<StageRecord> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
