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

/**
 * Pipeline revisions: optimistic concurrency on the environment row, secrets sealed at rest.
 *
 * <p><b>Revision seals.</b> Every revision is written with a seal, an HMAC under the audit key
 * (which lives outside the database) over its stored content: environment, number, the exact
 * stages text (secret values encrypted), author, reason, time and links (see {@link
 * AuditChain#revisionSeal}). The seal is also recorded in the revision's audit event, so the
 * chain covers it. The reads that hand a revision to be run or edited ({@link #current}, {@link
 * #revision}, the content a rollback restores) check the seal first and throw {@link
 * CatalogException.Kind#TAMPERED} for a revision edited in the database: it is never compiled.
 * A write on top of such a revision keeps none of its secrets ({@code {"set": true}} is refused:
 * the value must be given again). {@link #history} still lists it (masked) so people can see it.
 *
 * <p>Revisions written before seals existed are sealed once, as they are, on the first start
 * after the upgrade, and that is audited ({@code audit.migrated}); see {@link Stores}.
 */
public final class PipelineStore implements Pipelines {

  /** A revision as stored: its exact stages text and seal, to check before it is used. */
  record Stored(PipelineRevision revision, String stagesJson, String seal) {

    /** Whether the content matches its seal under {@code auditKey}. */
    boolean intact(byte[] auditKey) {
      return AuditChain.same(seal, expectedSeal(auditKey));
    }

    String expectedSeal(byte[] auditKey) {
      PipelineRevision r = revision;
      return AuditChain.revisionSeal(
          auditKey, r.env(), r.revision(), stagesJson, r.author(), r.reason(), r.createdAt(), r.rolledBackFrom(),
          r.changeRequest());
    }
  }

  /**
   * Maps a row; stages text that does not parse (only an edit in the database writes such) maps to
   * no stages, so the seal check, which reads the text, refuses it rather than the read failing.
   */
  static final RowMapper<Stored> ROW =
      (rs, ctx) -> {
        String stages = rs.getString("stages");
        List<StageRecord> parsed;
        try {
          parsed = Stages.fromJson(stages);
        } catch (RuntimeException unreadable) {
          parsed = List.of();
        }
        return new Stored(
            new PipelineRevision(
                rs.getString("env"),
                rs.getLong("revision"),
                parsed,
                rs.getString("author"),
                rs.getString("reason"),
                Db.instant(rs, "created_at"),
                Db.nullableLong(rs, "rolled_back_from"),
                Db.nullableLong(rs, "change_request")),
            stages,
            rs.getString("seal"));
      };

  static final String COLUMNS =
      "env, revision, stages, author, reason, created_at, rolled_back_from, change_request";

  private final Db db;
  private final SecretFields secrets;

  public PipelineStore(Db db, SecretBox box) {
    this.db = db;
    this.secrets = new SecretFields(box);
  }

  /** @throws CatalogException TAMPERED if the revision does not match its seal */
  @Override
  public PipelineRevision current(String env) {
    return db.read(h -> open(checked(storedCurrent(h, env)).revision()));
  }

  /** @throws CatalogException TAMPERED if the revision does not match its seal */
  @Override
  public PipelineRevision revision(String env, long n) {
    return db.read(
        h -> open(checked(storedRow(h, env, n).orElseThrow(() -> notFound(h, env, n))).revision()));
  }

  /** {@code stored} if it matches its seal. @throws CatalogException TAMPERED naming it otherwise */
  Stored checked(Stored stored) {
    if (!stored.intact(db.keys().auditKey())) {
      throw tampered(stored.revision());
    }
    return stored;
  }

  static CatalogException tampered(PipelineRevision r) {
    return new CatalogException(
        Kind.TAMPERED,
        "revision " + r.revision() + " of '" + r.env() + "' does not match its seal: it was edited in the"
            + " database, not through Tributary, and is not used; write a new revision or roll back to an"
            + " intact one",
        r.revision());
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
              h.createQuery("SELECT " + COLUMNS + ", seal FROM pipeline_revisions WHERE env = :env ORDER BY revision DESC")
                  .bind("env", env)
                  .map(ROW)
                  .map(Stored::revision)
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
          Stored base = storedRow(h, env, head).orElseThrow();
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
          PipelineRevision restored =
              checked(storedRow(h, env, target).orElseThrow(() -> notFound(h, env, target))).revision();
          Stored base = storedRow(h, env, head).orElseThrow();
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
   * {@code stages} sealed against {@code base} (whose secrets are kept only if it is intact), seals
   * it, moves the head and audits it as {@code action} (null: the caller audits, recording {@link
   * #revisionJson(PipelineRevision, Map, String)} with the seal).
   */
  PipelineRevision insert(
      Tx tx, String env, long number, List<StageRecord> stages, Stored base, String actor,
      String reason, Long rolledBackFrom, Long changeRequest, String action) {
    Stages.validate(stages);
    Handle h = tx.handle();
    List<StageRecord> baseStages = base == null ? List.of() : base.revision().stages();
    boolean baseIntact = base == null || base.intact(tx.auditKey());
    Map<String, Set<String>> secret = SecretFields.lookup(h, concat(stages, baseStages));
    List<StageRecord> sealed =
        baseIntact
            ? secrets.seal(stages, baseStages, "revision " + (number - 1), secret)
            : secrets.seal(
                stages, List.of(), "revision " + (number - 1) + " (it fails its integrity check, so none of its"
                    + " secrets are kept)", secret);
    PipelineRevision created =
        new PipelineRevision(env, number, sealed, actor, reason, tx.now(), rolledBackFrom, changeRequest);
    String stagesJson = Stages.toJson(sealed);
    String seal = sealOf(tx.auditKey(), created);
    try {
      h.createUpdate(
              "INSERT INTO pipeline_revisions (" + COLUMNS + ", seal) VALUES (:env, :revision, :stages, :author,"
                  + " :reason, :createdAt, :rolledBackFrom, :changeRequest, :seal)")
          .bind("env", env)
          .bind("revision", number)
          .bind("stages", stagesJson)
          .bind("seal", seal)
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
    String before = null;
    if (base != null) {
      Map<String, Object> b = Json.readMap(revisionJson(base.revision(), secret));
      if (!baseIntact) {
        b.put("tampered", true);
      }
      before = Json.write(b);
    }
    tx.audit(actor, action, "env:" + env, before, revisionJson(created, secret, seal), reason);
    return created;
  }

  /** The seal of a revision in its stored form (secrets encrypted), as {@link #insert} writes it. */
  static String sealOf(byte[] auditKey, PipelineRevision stored) {
    return new Stored(stored, Stages.toJson(stored.stages()), null).expectedSeal(auditKey);
  }

  /** Revision JSON for audit diffs: always masked. */
  static String revisionJson(PipelineRevision r, Map<String, Set<String>> secret) {
    return revisionJson(r, secret, null);
  }

  /**
   * Revision JSON for audit diffs, always masked, with the revision's seal when it is the one
   * written: that puts the seal, and with it the revision's exact content, under the chain.
   */
  static String revisionJson(PipelineRevision r, Map<String, Set<String>> secret, String seal) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("revision", r.revision());
    if (r.rolledBackFrom() != null) {
      m.put("rolledBackFrom", r.rolledBackFrom());
    }
    if (r.changeRequest() != null) {
      m.put("changeRequest", r.changeRequest());
    }
    m.put("stages", Json.readList(Stages.toJson(SecretFields.mask(r.stages(), secret))));
    if (seal != null) {
      m.put("seal", seal);
    }
    return Json.write(m);
  }

  static Optional<Stored> storedRow(Handle h, String env, long n) {
    return h.createQuery("SELECT " + COLUMNS + ", seal FROM pipeline_revisions WHERE env = :env AND revision = :n")
        .bind("env", env)
        .bind("n", n)
        .map(ROW)
        .findOne();
  }

  static Stored storedCurrent(Handle h, String env) {
    return h.createQuery(
            "SELECT r.env, r.revision, r.stages, r.author, r.reason, r.created_at, r.rolled_back_from,"
                + " r.change_request, r.seal FROM environments e JOIN pipeline_revisions r"
                + " ON r.env = e.name AND r.revision = e.head_revision WHERE e.name = :env")
        .bind("env", env)
        .map(ROW)
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
