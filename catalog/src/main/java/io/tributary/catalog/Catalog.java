package io.tributary.catalog;

import io.tributary.catalog.internal.Stores;
import java.util.Objects;
import java.util.function.Function;

/**
 * The catalog database: processors ever seen, environments, pipeline revisions, principals,
 * change requests and the audit trail. Embedded H2 by default, PostgreSQL when several nodes share
 * it; the same migrations run on both.
 *
 * <p>Thread-safe. Open once per process; close on shutdown.
 */
public final class Catalog implements AutoCloseable {

  private final Stores stores;

  private Catalog(Stores stores) {
    this.stores = stores;
  }

  /**
   * Opens (and migrates) the catalog. On the first start it creates {@code dev}, {@code staging}
   * and {@code prod} (protected), each with revision 1 of the default pipeline {@code correlation →
   * semconv-upgrade → environment → pii-redaction} ({@code pii-redaction} dead-letters an item it
   * fails on rather than pass it on unredacted; the others skip).
   *
   * @throws IllegalStateException if the database was created with a different master key
   */
  public static Catalog open(CatalogSettings settings) {
    return open(settings, System::getenv);
  }

  /** As {@link #open(CatalogSettings)}, reading environment variables through {@code env}. */
  static Catalog open(CatalogSettings settings, Function<String, String> env) {
    Objects.requireNonNull(settings, "settings");
    return new Catalog(Stores.open(settings, env));
  }

  public ProcessorCatalog processors() {
    return stores.processors;
  }

  public Environments environments() {
    return stores.environments;
  }

  public Pipelines pipelines() {
    return stores.pipelines;
  }

  public Principals principals() {
    return stores.principals;
  }

  public ChangeRequests changeRequests() {
    return stores.changeRequests;
  }

  public AuditLog audit() {
    return stores.audit;
  }

  /** The nodes sharing this catalog. */
  public Nodes nodes() {
    return stores.nodes;
  }

  /** What each node's stages did, 10 s at a time: the timings history. */
  public StageSamples stageSamples() {
    return stores.stageSamples;
  }

  /** True for the embedded H2 database. */
  public boolean isEmbedded() {
    return stores.isEmbedded();
  }

  /** Closes the connection pool (and with it the embedded database). Idempotent. */
  @Override
  public void close() {
    stores.close();
  }
}
