/** Persistence of the catalog, environments, pipeline revisions, principals and audit. */
module io.tributary.catalog {
  requires transitive io.tributary.api;

  exports io.tributary.catalog;
}
