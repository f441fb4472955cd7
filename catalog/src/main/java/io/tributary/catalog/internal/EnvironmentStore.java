package io.tributary.catalog.internal;

import io.tributary.catalog.CatalogException;
import io.tributary.catalog.CatalogException.Kind;
import io.tributary.catalog.Environment;
import io.tributary.catalog.Environments;
import io.tributary.catalog.PipelineRevision;
import io.tributary.catalog.StageRecord;
import io.tributary.catalog.Texts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Environments, and the first-start seed. */
public final class EnvironmentStore implements Environments {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  /**
   * The default pipeline of a fresh install. {@code pii-redaction} dead-letters on failure: if it
   * cannot redact an item, letting the item through (skip) would send the PII it exists to remove.
   */
  public static final List<StageRecord> DEFAULT_PIPELINE =
      List.of(
          new StageRecord("correlation", "correlation", null, true, Map.of(), "skip"),
          new StageRecord("semconv-upgrade", "semconv-upgrade", null, true, Map.of(), "skip"),
          new StageRecord("environment", "environment", null, true, Map.of(), "skip"),
          new StageRecord("pii-redaction", "pii-redaction", null, true, Map.of(), "dead-letter"));

  static final String SYSTEM = "system";

  private static final RowMapper<Environment> ROW =
      (rs, ctx) -> new Environment(rs.getString("name"), rs.getBoolean("is_protected"), Db.instant(rs, "created_at"),
          rs.getBoolean("fail_open"));

  private final Db db;
  private final PipelineStore pipelines;

  public EnvironmentStore(Db db, PipelineStore pipelines) {
    this.db = db;
    this.pipelines = pipelines;
  }

  @Override
  public List<Environment> list() {
    return db.read(
        h -> h.createQuery("SELECT name, is_protected, created_at, fail_open FROM environments ORDER BY name").map(ROW).list());
  }

  @Override
  public Optional<Environment> get(String name) {
    return db.read(
        h -> h.createQuery("SELECT name, is_protected, created_at, fail_open FROM environments WHERE name = :name")
            .bind("name", name)
            .map(ROW)
            .findOne());
  }

  @Override
  public Environment create(String name, boolean protectedEnv, String actor) {
    Objects.requireNonNull(actor, "actor");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new CatalogException(
          Kind.INVALID, "environment name '" + name + "' must match [a-z][a-z0-9-]{0,31}");
    }
    return db.write(tx -> create(tx, name, protectedEnv, List.of(), actor, null));
  }

  @Override
  public Environment setFailOpen(String name, boolean failOpen, String actor, String rawReason) {
    Objects.requireNonNull(actor, "actor");
    String reason = Texts.reason(rawReason);
    return db.write(tx -> {
      Handle h = tx.handle();
      if (Db.lockEnvironment(h, name) == null) {
        throw new CatalogException(Kind.NOT_FOUND, "no environment '" + name + "'");
      }
      Environment before = h.createQuery(
              "SELECT name, is_protected, created_at, fail_open FROM environments WHERE name = :name")
          .bind("name", name).map(ROW).one();
      if (failOpen && before.protectedEnv()) {
        throw new CatalogException(Kind.FORBIDDEN, "environment '" + name + "' is protected: its telemetry "
            + "is never passed through unprocessed (failOpen cannot be set for a protected environment)");
      }
      if (before.failOpen() == failOpen) {
        return before;
      }
      h.createUpdate("UPDATE environments SET fail_open = :failOpen WHERE name = :name")
          .bind("failOpen", failOpen)
          .bind("name", name)
          .execute();
      tx.audit(actor, "environment.fail_open", "env:" + name, Json.write(Map.of("failOpen", before.failOpen())),
          Json.write(Map.of("failOpen", failOpen)), reason);
      return new Environment(name, before.protectedEnv(), before.createdAt(), failOpen);
    });
  }

  private Environment create(
      Tx tx, String name, boolean protectedEnv, List<StageRecord> stages, String actor, String reason) {
    Handle h = tx.handle();
    if (Db.lockEnvironment(h, name) != null) {
      throw new CatalogException(Kind.CONFLICT, "environment '" + name + "' already exists");
    }
    h.createUpdate(
            "INSERT INTO environments (name, is_protected, created_at, head_revision)"
                + " VALUES (:name, :protected, :at, 0)")
        .bind("name", name)
        .bind("protected", protectedEnv)
        .bind("at", Db.timestamp(tx.now()))
        .execute();
    PipelineRevision first = pipelines.insert(tx, name, 1, stages, null, actor, reason, null, null, null);
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("name", name);
    after.put("protected", protectedEnv);
    after.put(
        "pipeline",
        Json.readMap(
            PipelineStore.revisionJson(
                first, SecretFields.lookup(h, first.stages()), PipelineStore.sealOf(tx.auditKey(), first))));
    tx.audit(actor, "environment.created", "env:" + name, null, Json.write(after), reason);
    return new Environment(name, protectedEnv, tx.now());
  }

  /**
   * Creates {@code dev}, {@code staging} and {@code prod} if the catalog has no environment yet.
   * Safe when several nodes start at once: the write holds the audit chain lock, so the second
   * node sees the first one's environments and does nothing.
   */
  public void seed() {
    db.write(
        tx -> {
          long count = tx.handle().createQuery("SELECT COUNT(*) FROM environments").mapTo(Long.class).one();
          if (count == 0) {
            String reason = "first start: default environments";
            create(tx, "dev", false, DEFAULT_PIPELINE, SYSTEM, reason);
            create(tx, "staging", false, DEFAULT_PIPELINE, SYSTEM, reason);
            create(tx, "prod", true, DEFAULT_PIPELINE, SYSTEM, reason);
          }
          return null;
        });
  }
}
