package io.tributary.catalog.internal;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The database as the stores see it: reads on a plain handle, writes in a READ COMMITTED
 * transaction that first locks the audit chain head, so that catalog writes are serialised across
 * every node sharing the database and each appends its audit events in order.
 */
public final class Db {

  /** Serialization failure, deadlock (both databases), H2's concurrent update of a locked row. */
  private static final Set<String> RETRYABLE = Set.of("40001", "40P01", "90131");
  private static final int ATTEMPTS = 6;

  private final Jdbi jdbi;
  private final Clock clock;
  private final Keys keys;
  private final HighWaterMark highWater;

  public Db(Jdbi jdbi, Clock clock, Keys keys, Path dataDir) {
    this.jdbi = jdbi;
    this.clock = clock;
    this.keys = keys;
    this.highWater = new HighWaterMark(dataDir);
  }

  public <T> T read(HandleCallback<T, RuntimeException> work) {
    return jdbi.withHandle(work);
  }

  /** Runs {@code work} on a handle in autocommit mode, outside the audit chain lock. */
  public <T> T autocommit(HandleCallback<T, RuntimeException> work) {
    return jdbi.withHandle(work);
  }

  /**
   * Runs {@code work} in one transaction (retried on serialization failures); all or nothing.
   *
   * @throws io.tributary.catalog.CatalogException TAMPERED if the audit chain head is not sealed
   *     with the audit key (see {@link Tx})
   */
  public <T> T write(Function<Tx, T> work) {
    return write(work, true);
  }

  /** As {@link #write(Function)}, without checking the head's seal: only for opening the catalog. */
  <T> T writeUnchecked(Function<Tx, T> work) {
    return write(work, false);
  }

  private <T> T write(Function<Tx, T> work, boolean checkHead) {
    for (int attempt = 1; ; attempt++) {
      try {
        Tx[] last = new Tx[1];
        T result =
            jdbi.inTransaction(
                TransactionIsolationLevel.READ_COMMITTED,
                handle -> {
                  last[0] = Tx.begin(handle, now(), keys.auditKey(), checkHead);
                  return work.apply(last[0]);
                });
        if (last[0].appended()) {
          Tx tx = last[0];
          highWater.advanceAfterWrite(tx.startId(), tx.startHash(), tx.lastId(), tx.lastHash());
        }
        return result;
      } catch (RuntimeException e) {
        if (attempt >= ATTEMPTS || !isRetryable(e)) {
          throw e;
        }
        backOff(attempt);
      }
    }
  }

  /** The current time at the precision both databases store (microseconds). */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  Keys keys() {
    return keys;
  }

  /** The newest audit event this node has written or verified (kept outside the database). */
  HighWaterMark highWater() {
    return highWater;
  }

  static boolean isRetryable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException s = sql; s != null; s = s.getNextException()) {
          if (s.getSQLState() != null && RETRYABLE.contains(s.getSQLState())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L << attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a catalog write", e);
    }
  }

  /**
   * Binds an instant as TIMESTAMP WITH TIME ZONE in UTC (null-safe) on both drivers, truncated to
   * microseconds: the databases would round, which can move an expiry later.
   */
  public static Argument timestamp(Instant instant) {
    return (position, statement, ctx) -> {
      if (instant == null) {
        statement.setNull(position, Types.TIMESTAMP_WITH_TIMEZONE);
      } else {
        statement.setObject(position, instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
      }
    };
  }

  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  public static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  /** Locks the environment row; its current revision, or null if there is no such environment. */
  static Long lockEnvironment(Handle h, String env) {
    return h.createQuery("SELECT head_revision FROM environments WHERE name = :name FOR UPDATE")
        .bind("name", env)
        .mapTo(Long.class)
        .findOne()
        .orElse(null);
  }
}
