package io.tributary.catalog;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Base of the store tests: each concrete test class runs once on H2 (a file in a temp dir) and
 * once on PostgreSQL (its own schema in the test cluster).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
@ExtendWith(PostgresCluster.class)
abstract class StoreTest {

  /** A fixed master key, so tests can reopen a catalog. */
  static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  @Parameter TestDatabase database;
  @TempDir Path dataDir;

  TestDatabase.Target target;
  MutableClock clock;
  Catalog catalog;
  private final List<Catalog> opened = new ArrayList<>();

  @BeforeEach
  void openCatalog() {
    target = database.newTarget(dataDir);
    clock = new MutableClock(Instant.parse("2025-06-01T10:00:00.123456789Z"));
    catalog = open();
  }

  @AfterEach
  void closeCatalogs() {
    for (Catalog c : opened) {
      c.close();
    }
  }

  /** Opens (another) catalog on this test's database; closed after the test. */
  Catalog open() {
    Catalog c = Catalog.open(target.settings(KEY, clock), name -> null);
    opened.add(c);
    return c;
  }

  /** A principal created by the system (no creator), e.g. a requester or an approver. */
  Principal person(String name, boolean approver) {
    return catalog.principals().issue(name, Role.OPERATOR, approver, null, null).principal();
  }

  int sql(String statement, Object... args) throws SQLException {
    try (Connection c = target.connect();
        PreparedStatement ps = c.prepareStatement(statement)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate();
    }
  }

  String queryString(String query, Object... args) throws SQLException {
    try (Connection c = target.connect();
        PreparedStatement ps = c.prepareStatement(query)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  long count(String table) throws SQLException {
    return Long.parseLong(queryString("SELECT COUNT(*) FROM " + table));
  }

  static StageRecord stage(String processor, Map<String, Object> config) {
    return new StageRecord(processor, processor, null, true, config, "skip");
  }

  static StageRecord stage(String processor) {
    return stage(processor, Map.of());
  }
}
