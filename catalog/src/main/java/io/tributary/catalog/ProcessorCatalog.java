package io.tributary.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every (processor id, version) ever discovered, with where it came from and whether it is available now. */
public interface ProcessorCatalog {

  /** What discovery reports for one processor version. */
  record Discovered(
      String id, String version, Map<String, Object> descriptor, String pluginId, String pluginVersion,
      String sha256, String source) {}

  /**
   * Records that exactly {@code available} are offered now: each is inserted (first seen) or
   * refreshed (last seen, available), every other version is marked unavailable. Idempotent: the
   * same call twice changes nothing but last-seen times.
   *
   * @return the versions that were new to the catalog or became available again
   */
  List<CatalogProcessor> synchronize(List<Discovered> available, Instant at);

  /** Every version of every processor, by id then version. */
  List<CatalogProcessor> list();

  /** Every version of {@code id} ever seen, oldest first. */
  List<CatalogProcessor> versions(String id);

  Optional<CatalogProcessor> get(String id, String version);
}
