package io.tributary.catalog;

import io.tributary.catalog.internal.Stores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;

/** The databases every store test runs against. */
enum TestDatabase {
  H2,
  POSTGRESQL;

  /** A fresh, empty database for one test. */
  Target newTarget(Path dataDir) {
    if (this == H2) {
      return new Target(this, dataDir, null, null, null);
    }
    PostgresCluster pg = PostgresCluster.get();
    return new Target(this, dataDir, pg.newSchemaUrl(), pg.user(), pg.password());
  }

  /** One test's database: settings to open it with, and raw JDBC access to tamper with it. */
  record Target(TestDatabase database, Path dataDir, String jdbcUrl, String user, String password) {

    CatalogSettings settings(String masterKey, Clock clock) {
      return new CatalogSettings(jdbcUrl, user, password, dataDir, masterKey, clock);
    }

    Connection connect() throws SQLException {
      return jdbcUrl == null
          ? DriverManager.getConnection(Stores.h2Url(dataDir))
          : DriverManager.getConnection(jdbcUrl, user, password);
    }
  }
}
