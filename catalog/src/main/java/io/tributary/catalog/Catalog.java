package io.tributary.catalog;

/**
 * The catalog database: processors ever seen, environments, pipeline revisions, principals,
 * change requests and the audit trail. Embedded H2 by default, PostgreSQL when several nodes share
 * it; the same migrations run on both.
 *
 * <p>Thread-safe. Open once per process; close on shutdown.
 */
public final class Catalog implements AutoCloseable {

  private Catalog() {}

  /**
   * Opens (and migrates) the catalog. On the first start it creates {@code dev}, {@code staging}
   * and {@code prod} (protected), each with revision 1 of the default pipeline {@code correlation →
   * semconv-upgrade → environment → pii-redaction}.
   */
  public static Catalog open(CatalogSettings settings) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public ProcessorCatalog processors() {
    throw new UnsupportedOperationException();
  }

  public Environments environments() {
    throw new UnsupportedOperationException();
  }

  public Pipelines pipelines() {
    throw new UnsupportedOperationException();
  }

  public Principals principals() {
    throw new UnsupportedOperationException();
  }

  public ChangeRequests changeRequests() {
    throw new UnsupportedOperationException();
  }

  public AuditLog audit() {
    throw new UnsupportedOperationException();
  }

  /** True for the embedded H2 database. */
  public boolean isEmbedded() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void close() {}
}
