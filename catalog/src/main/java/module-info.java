/** Persistence of the catalog, environments, pipeline revisions, principals and audit. */
module io.tributary.catalog {
  requires transitive io.tributary.api;
  requires java.sql;
  // Semantic versions, ordered by the same rule as the runtime (the library PF4J brings).
  requires com.github.zafarkhaja.semver;
  requires org.slf4j;
  requires org.jdbi.v3.core;
  requires com.fasterxml.jackson.databind;
  requires com.zaxxer.hikari;
  requires flyway.core;
  // Not referenced from code, but resolved so that their drivers and Flyway plugin are found by
  // ServiceLoader when the server runs on the module path.
  requires flyway.database.postgresql;
  requires com.h2database;
  requires org.postgresql.jdbc;
  // Dependencies of automatic modules (which declare none): without these the module path fails
  // with ClassNotFoundException inside Flyway (Jackson 3) and Jdbi (geantyref).
  requires tools.jackson.databind;
  requires io.leangen.geantyref;

  exports io.tributary.catalog;
}
