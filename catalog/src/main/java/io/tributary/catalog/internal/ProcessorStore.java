package io.tributary.catalog.internal;

import io.tributary.catalog.CatalogProcessor;
import io.tributary.catalog.ProcessorCatalog;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Every processor version ever discovered. */
public final class ProcessorStore implements ProcessorCatalog {

  private static final String COLUMNS =
      "processor_id, version, descriptor, plugin_id, plugin_version, sha256, source, first_seen, last_seen,"
          + " available";

  private static final RowMapper<CatalogProcessor> ROW =
      (rs, ctx) ->
          new CatalogProcessor(
              rs.getString("processor_id"),
              rs.getString("version"),
              Json.readMap(rs.getString("descriptor")),
              rs.getString("plugin_id"),
              rs.getString("plugin_version"),
              rs.getString("sha256"),
              rs.getString("source"),
              Db.instant(rs, "first_seen"),
              Db.instant(rs, "last_seen"),
              rs.getBoolean("available"));

  private final Db db;

  public ProcessorStore(Db db) {
    this.db = db;
  }

  @Override
  public List<CatalogProcessor> synchronize(List<Discovered> available, Instant at) {
    Objects.requireNonNull(available, "available");
    Instant when = Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.MICROS);
    Map<String, Discovered> offered = new LinkedHashMap<>();
    for (Discovered d : available) {
      Objects.requireNonNull(d.id(), "id");
      Objects.requireNonNull(d.version(), "version");
      offered.putIfAbsent(key(d.id(), d.version()), d);
    }
    return db.write(
        tx -> {
          Handle h = tx.handle();
          Map<String, CatalogProcessor> known = new HashMap<>();
          for (CatalogProcessor p : h.createQuery("SELECT " + COLUMNS + " FROM processor_versions").map(ROW).list()) {
            known.put(key(p.id(), p.version()), p);
          }
          List<CatalogProcessor> arrived = new ArrayList<>();
          for (Map.Entry<String, Discovered> e : offered.entrySet()) {
            Discovered d = e.getValue();
            CatalogProcessor before = known.get(e.getKey());
            String descriptor = Json.write(d.descriptor() == null ? Map.of() : d.descriptor());
            if (before == null) {
              h.createUpdate(
                      "INSERT INTO processor_versions (" + COLUMNS + ") VALUES (:id, :version, :descriptor,"
                          + " :pluginId, :pluginVersion, :sha256, :source, :at, :at, TRUE)")
                  .bind("id", d.id())
                  .bind("version", d.version())
                  .bind("descriptor", descriptor)
                  .bind("pluginId", d.pluginId())
                  .bind("pluginVersion", d.pluginVersion())
                  .bind("sha256", d.sha256())
                  .bind("source", d.source() == null ? "plugin" : d.source())
                  .bind("at", Db.timestamp(when))
                  .execute();
            } else {
              h.createUpdate(
                      "UPDATE processor_versions SET descriptor = :descriptor, plugin_id = :pluginId,"
                          + " plugin_version = :pluginVersion, sha256 = :sha256, source = :source,"
                          + " last_seen = :at, available = TRUE WHERE processor_id = :id AND version = :version")
                  .bind("id", d.id())
                  .bind("version", d.version())
                  .bind("descriptor", descriptor)
                  .bind("pluginId", d.pluginId())
                  .bind("pluginVersion", d.pluginVersion())
                  .bind("sha256", d.sha256())
                  .bind("source", d.source() == null ? before.source() : d.source())
                  .bind("at", Db.timestamp(when))
                  .execute();
              if (before.available()) {
                continue;
              }
            }
            CatalogProcessor now = find(h, d.id(), d.version()).orElseThrow();
            arrived.add(now);
            tx.audit(
                EnvironmentStore.SYSTEM,
                "processor.discovered",
                target(d.id(), d.version()),
                before == null ? null : Json.write(summary(before)),
                Json.write(summary(now)),
                before == null ? "new to the catalog" : "available again");
          }
          for (CatalogProcessor p : known.values()) {
            if (p.available() && !offered.containsKey(key(p.id(), p.version()))) {
              h.createUpdate(
                      "UPDATE processor_versions SET available = FALSE WHERE processor_id = :id AND version = :version")
                  .bind("id", p.id())
                  .bind("version", p.version())
                  .execute();
              tx.audit(
                  EnvironmentStore.SYSTEM,
                  "processor.unavailable",
                  target(p.id(), p.version()),
                  Json.write(summary(p)),
                  null,
                  "no longer offered by any plugin or module");
            }
          }
          return arrived;
        });
  }

  @Override
  public List<CatalogProcessor> list() {
    return sorted(db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM processor_versions").map(ROW).list()));
  }

  @Override
  public List<CatalogProcessor> versions(String id) {
    return sorted(
        db.read(
            h -> h.createQuery("SELECT " + COLUMNS + " FROM processor_versions WHERE processor_id = :id")
                .bind("id", id)
                .map(ROW)
                .list()));
  }

  @Override
  public Optional<CatalogProcessor> get(String id, String version) {
    return db.read(h -> find(h, id, version));
  }

  private static Optional<CatalogProcessor> find(Handle h, String id, String version) {
    return h.createQuery("SELECT " + COLUMNS + " FROM processor_versions WHERE processor_id = :id AND version = :version")
        .bind("id", id)
        .bind("version", version)
        .map(ROW)
        .findOne();
  }

  /** By id, then by semantic version (so 1.10.0 follows 1.9.0). */
  private static List<CatalogProcessor> sorted(List<CatalogProcessor> rows) {
    List<CatalogProcessor> out = new ArrayList<>(rows);
    out.sort((a, b) -> {
      int byId = a.id().compareTo(b.id());
      return byId != 0 ? byId : SemVer.compare(a.version(), b.version());
    });
    return out;
  }

  private static Map<String, Object> summary(CatalogProcessor p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("version", p.version());
    m.put("pluginId", p.pluginId());
    m.put("pluginVersion", p.pluginVersion());
    m.put("sha256", p.sha256());
    m.put("source", p.source());
    m.put("available", p.available());
    return m;
  }

  private static String target(String id, String version) {
    return "processor:" + id + "@" + version;
  }

  private static String key(String id, String version) {
    return id + '\u0000' + version;
  }
}
