package io.tributary.catalog.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.tributary.catalog.CatalogSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the database, migrates it, checks the key, seeds it, and holds the stores. */
public final class Stores implements AutoCloseable {

  /**
   * PostgreSQL compatibility for the shared migrations; WRITE_DELAY=0 so an acknowledged commit
   * survives kill -9; a lock timeout long enough for a queued catalog write.
   */
  public static final String H2_FLAGS =
      ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;LOCK_TIMEOUT=10000";

  private static final Logger LOG = LoggerFactory.getLogger(Stores.class);

  private final HikariDataSource dataSource;
  private final boolean embedded;
  public final ProcessorStore processors;
  public final EnvironmentStore environments;
  public final PipelineStore pipelines;
  public final PrincipalStore principals;
  public final ChangeRequestStore changeRequests;
  public final AuditStore audit;
  public final NodeStore nodes;
  public final StageSampleStore stageSamples;

  private Stores(HikariDataSource dataSource, boolean embedded, Db db, SecretBox box) {
    this.dataSource = dataSource;
    this.embedded = embedded;
    this.processors = new ProcessorStore(db);
    this.pipelines = new PipelineStore(db, box);
    this.environments = new EnvironmentStore(db, pipelines);
    this.principals = new PrincipalStore(db);
    this.changeRequests = new ChangeRequestStore(db, pipelines);
    this.audit = new AuditStore(db);
    this.nodes = new NodeStore(db);
    this.stageSamples = new StageSampleStore(db);
  }

  /** @param env reads environment variables (System::getenv, or a map in tests) */
  public static Stores open(CatalogSettings settings, Function<String, String> env) {
    Path dataDir = settings.dataDir().toAbsolutePath();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
    }
    Keys keys = Keys.load(settings.masterKey(), env, dataDir);
    boolean embedded = settings.isEmbedded();
    HikariConfig config = new HikariConfig();
    config.setPoolName("tributary-catalog");
    config.setJdbcUrl(embedded ? h2Url(dataDir) : settings.jdbcUrl());
    if (settings.user() != null) {
      config.setUsername(settings.user());
    }
    if (settings.password() != null) {
      config.setPassword(settings.password());
    }
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      Migrations.migrate(dataSource);
      Db db = new Db(Jdbi.create(dataSource), settings.clock(), keys, dataDir);
      checkKey(db, keys);
      sealWhatPredatesSeals(db);
      Stores stores = new Stores(dataSource, embedded, db, new SecretBox(keys));
      stores.environments.seed();
      LOG.info("catalog open: {}", embedded ? "embedded H2 in " + dataDir : "PostgreSQL");
      return stores;
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  public static String h2Url(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("catalog") + H2_FLAGS;
  }

  /**
   * The first start after the upgrade that added the chain head's seal and revision seals (or of a
   * new catalog): seals the head and every revision as they are, and records that as one {@code
   * audit.migrated} event listing each revision's seal. What was stored before cannot be checked
   * back (it was never sealed): this trusts it on first use, like the chain itself did.
   *
   * <p>It runs only while the head has no seal, which a later start never sees unless someone
   * removed it in the database. If this node has seen the trail before (its {@link HighWaterMark}
   * exists), an unsealed head is that removal: nothing is sealed, writes stay refused and verify
   * reports it. A node that has not (a new one on a shared database) cannot tell, and seals; the
   * second {@code audit.migrated} event in the trail then gives it away to {@link AuditStore#verify}.
   */
  private static void sealWhatPredatesSeals(Db db) {
    db.writeUnchecked(
        tx -> {
          Handle h = tx.handle();
          String headSeal =
              h.createQuery("SELECT head_seal FROM audit_chain WHERE id = 1").mapTo(String.class).findOne().orElse(null);
          if (headSeal != null) {
            if (!tx.headIsSealed()) {
              LOG.error(
                  "The audit trail's head (event {}) does not match its seal: it was moved or edited in the database"
                      + " without the audit key, typically after deleting the newest audit events. Catalog changes are"
                      + " refused; verify the audit trail and restore the catalog from a backup.",
                  tx.lastId());
            }
            return null;
          }
          List<PipelineStore.Stored> unsealed =
              h.createQuery(
                      "SELECT " + PipelineStore.COLUMNS + ", seal FROM pipeline_revisions WHERE seal IS NULL"
                          + " ORDER BY env, revision")
                  .map(PipelineStore.ROW)
                  .list();
          if (tx.lastId() == 0 && unsealed.isEmpty()) {
            tx.sealHead();
            return null;
          }
          var seen = db.highWater().read();
          if (seen.isPresent()) {
            LOG.error(
                "The audit trail's head (event {}) has no seal, but this node has already seen events up to {}:"
                    + " the seal was removed in the database. Nothing is sealed; catalog writes are refused."
                    + " Verify the audit trail and restore the catalog from a backup.",
                tx.lastId(), seen.get().id());
            return null;
          }
          List<Map<String, Object>> sealed = new ArrayList<>();
          for (PipelineStore.Stored stored : unsealed) {
            String seal = stored.expectedSeal(tx.auditKey());
            h.createUpdate("UPDATE pipeline_revisions SET seal = :seal WHERE env = :env AND revision = :revision")
                .bind("seal", seal)
                .bind("env", stored.revision().env())
                .bind("revision", stored.revision().revision())
                .execute();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("env", stored.revision().env());
            entry.put("revision", stored.revision().revision());
            entry.put("seal", seal);
            sealed.add(entry);
          }
          Map<String, Object> after = new LinkedHashMap<>();
          after.put("eventsBefore", tx.lastId());
          after.put("sealedRevisions", sealed);
          tx.audit(
              "system", "audit.migrated", "catalog", null, Json.write(after),
              "first start with a sealed audit head and sealed pipeline revisions: what was stored is sealed as it is");
          LOG.info(
              "Sealed the audit trail's head (after event {}) and {} pipeline revision(s) written before seals existed",
              tx.lastId() - 1, sealed.size());
          return null;
        });
  }

  /** Refuses to open a catalog with a different master key than it was created with. */
  private static void checkKey(Db db, Keys keys) {
    db.writeUnchecked(
        tx -> {
          var stored =
              tx.handle().createQuery("SELECT key_check FROM catalog_meta WHERE id = 1").mapTo(String.class).findOne();
          if (stored.isEmpty()) {
            tx.handle()
                .createUpdate("INSERT INTO catalog_meta (id, key_check, created_at) VALUES (1, :check, :at)")
                .bind("check", keys.keyCheck())
                .bind("at", Db.timestamp(tx.now()))
                .execute();
          } else if (!stored.get().equals(keys.keyCheck())) {
            throw new IllegalStateException(
                "this catalog was created with a different master key: set the one it was created with"
                    + " (settings, " + Keys.ENV_VARIABLE + " or " + Keys.KEY_FILE + " in the data directory);"
                    + " without it secrets cannot be decrypted and the audit trail cannot be verified");
          }
          return null;
        });
  }

  public boolean isEmbedded() {
    return embedded;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
