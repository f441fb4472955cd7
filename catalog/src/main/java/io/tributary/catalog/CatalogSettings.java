package io.tributary.catalog;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * How to open the catalog.
 *
 * @param jdbcUrl null or blank for the embedded H2 file under {@code dataDir}; else e.g. {@code
 *     jdbc:postgresql://db:5432/tributary}
 * @param user database user, or null
 * @param password database password, or null
 * @param dataDir where the embedded database, the key file and the bootstrap token live
 * @param masterKey base64 of a 32-byte key for secrets and the audit chain, or null to use {@code
 *     TRIBUTARY_SECRET_KEY} or else {@code <dataDir>/secret.key} (created, mode 0600). Nodes
 *     sharing one database must share the key.
 * @param clock the time of every record
 */
public record CatalogSettings(
    String jdbcUrl, String user, String password, Path dataDir, String masterKey, Clock clock) {

  public CatalogSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(clock, "clock");
  }

  /** The embedded H2 database under {@code dataDir}. */
  public static CatalogSettings embedded(Path dataDir) {
    return new CatalogSettings(null, null, null, dataDir, null, Clock.systemUTC());
  }

  public boolean isEmbedded() {
    return jdbcUrl == null || jdbcUrl.isBlank();
  }
}
