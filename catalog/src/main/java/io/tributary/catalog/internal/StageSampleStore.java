package io.tributary.catalog.internal;

import io.tributary.catalog.StageSamples;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link StageSamples} in the {@code stage_samples} table. Samples are figures, not changes: not audited. */
public final class StageSampleStore implements StageSamples {

  private static final String COLUMNS = "node_id, env, stage, processor, at, items, modified, failed, skipped,"
      + " dead_lettered, batches, total_nanos";

  private static final RowMapper<Sample> ROW = (rs, ctx) -> new Sample(rs.getString("node_id"), rs.getString("env"),
      rs.getString("stage"), rs.getString("processor"), Db.instant(rs, "at"), rs.getLong("items"),
      rs.getLong("modified"), rs.getLong("failed"), rs.getLong("skipped"), rs.getLong("dead_lettered"),
      rs.getLong("batches"), rs.getLong("total_nanos"));

  private final Db db;

  public StageSampleStore(Db db) {
    this.db = db;
  }

  @Override
  public void record(List<Sample> samples) {
    Objects.requireNonNull(samples, "samples");
    if (samples.isEmpty()) {
      return;
    }
    db.autocommit(h -> h.inTransaction(tx -> {
      for (Sample s : samples) {
        int updated = tx.createUpdate("UPDATE stage_samples SET processor = :processor, items = items + :items,"
                + " modified = modified + :modified, failed = failed + :failed, skipped = skipped + :skipped,"
                + " dead_lettered = dead_lettered + :deadLettered, batches = batches + :batches,"
                + " total_nanos = total_nanos + :totalNanos"
                + " WHERE env = :env AND at = :at AND node_id = :node AND stage = :stage")
            .bindMethods(s).bind("at", Db.timestamp(s.at())).execute();
        if (updated == 0) {
          tx.createUpdate("INSERT INTO stage_samples (" + COLUMNS + ") VALUES (:node, :env, :stage, :processor,"
                  + " :at, :items, :modified, :failed, :skipped, :deadLettered, :batches, :totalNanos)")
              .bindMethods(s).bind("at", Db.timestamp(s.at())).execute();
        }
      }
      return null;
    }));
  }

  @Override
  public List<Sample> range(String env, Instant from, Instant to) {
    return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM stage_samples"
            + " WHERE env = :env AND at >= :from AND at < :to ORDER BY at, node_id, stage")
        .bind("env", env).bind("from", Db.timestamp(from)).bind("to", Db.timestamp(to)).map(ROW).list());
  }

  @Override
  public int prune(Instant before) {
    return db.autocommit(h -> h.createUpdate("DELETE FROM stage_samples WHERE at < :before")
        .bind("before", Db.timestamp(before)).execute());
  }
}
