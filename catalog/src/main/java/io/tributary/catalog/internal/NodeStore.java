package io.tributary.catalog.internal;

import io.tributary.catalog.Nodes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link Nodes} in the {@code nodes} table. Reports are not audited: they are liveness, not changes. */
public final class NodeStore implements Nodes {

  private static final int MAX_LISTENERS_JSON = 4000;

  private static final RowMapper<Node> ROW = (rs, ctx) -> new Node(rs.getString("id"), rs.getString("env"),
      rs.getString("version"), rs.getString("host"), rs.getString("listeners"), Db.instant(rs, "started_at"),
      Db.instant(rs, "last_seen"));

  private final Db db;

  public NodeStore(Db db) {
    this.db = db;
  }

  @Override
  public void report(Node node) {
    Objects.requireNonNull(node, "node");
    String listeners = node.listeners().length() > MAX_LISTENERS_JSON ? "[]" : node.listeners();
    db.autocommit(h -> {
      int updated = h.createUpdate("UPDATE nodes SET env = :env, version = :version, host = :host,"
              + " listeners = :listeners, last_seen = :now WHERE id = :id")
          .bind("id", node.id()).bind("env", node.env()).bind("version", cut(node.version(), 64))
          .bind("host", cut(node.host(), 255)).bind("listeners", listeners)
          .bind("now", Db.timestamp(db.now())).execute();
      if (updated == 0) {
        h.createUpdate("INSERT INTO nodes (id, env, version, host, listeners, started_at, last_seen)"
                + " VALUES (:id, :env, :version, :host, :listeners, :started, :now)")
            .bind("id", node.id()).bind("env", node.env()).bind("version", cut(node.version(), 64))
            .bind("host", cut(node.host(), 255)).bind("listeners", listeners)
            .bind("started", Db.timestamp(node.startedAt())).bind("now", Db.timestamp(db.now())).execute();
      }
      return null;
    });
  }

  @Override
  public void withdraw(String id) {
    db.autocommit(h -> h.createUpdate("DELETE FROM nodes WHERE id = :id").bind("id", id).execute());
  }

  @Override
  public List<Node> list(Duration window) {
    return db.read(h -> h.createQuery("SELECT id, env, version, host, listeners, started_at, last_seen FROM nodes"
            + " WHERE last_seen >= :since ORDER BY env, started_at")
        .bind("since", Db.timestamp(db.now().minus(window))).map(ROW).list());
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
