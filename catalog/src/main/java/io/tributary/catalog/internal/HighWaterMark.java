package io.tributary.catalog.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest audit event this node has written or seen verified, kept in its data directory,
 * outside the database: {@code <id> <hash>} in the file {@value #FILE}.
 *
 * <p>Why: the keyed head seal stops an attacker with database access from <em>making</em> a head
 * for a shortened trail, but not from putting back a head (with its seal) that they copied
 * earlier, together with the events up to it. Such a rollback is consistent in itself; only
 * someone who remembers a later head can tell. Each node remembers the newest head it knew, so
 * {@link AuditStore#verify} reports a trail that ends before it ("rolled back"), or whose event at
 * that id has another hash (rolled back, then written again). Transparency-log clients keep the
 * last signed tree head they saw for the same reason.
 *
 * <p>What it does not see: a rollback to a point after the newest event this node knew (events
 * written only by other nodes sharing the database), or on a node whose data directory is new.
 * After restoring the catalog from a backup on purpose, delete this file on each node (verify
 * names it), or every node reports the restore as a rollback.
 *
 * <p>The mark only moves forward. It is written after the transaction commits, so a crash between
 * the two leaves it behind, never ahead of, the database. Thread-safe; several catalogs opened on
 * the same data directory in one process share the file.
 */
final class HighWaterMark {

  static final String FILE = "audit-high-water";

  private static final Logger LOG = LoggerFactory.getLogger(HighWaterMark.class);
  private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

  /** An event id and its chain hash. */
  record Mark(long id, String hash) {}

  private final Path file;
  private final Object lock;

  HighWaterMark(Path dataDir) {
    this.file = dataDir.toAbsolutePath().normalize().resolve(FILE);
    this.lock = LOCKS.computeIfAbsent(file, f -> new Object());
  }

  Path file() {
    return file;
  }

  /** The mark, or empty if this node has none yet (or the file cannot be read: logged). */
  Optional<Mark> read() {
    synchronized (lock) {
      return readLocked();
    }
  }

  /**
   * After a write that chained events onto the head {@code fromId}/{@code fromHash}: moves the
   * mark to {@code toId} if that is newer, unless the write started behind the mark or on another
   * event at the mark's id (the trail was rolled back under it: moving the mark would hide that).
   * Never fails the caller.
   */
  void advanceAfterWrite(long fromId, String fromHash, long toId, String toHash) {
    synchronized (lock) {
      Optional<Mark> current = readLocked();
      if (current.isPresent()
          && (fromId < current.get().id()
              || (fromId == current.get().id() && !current.get().hash().equals(fromHash)))) {
        return;
      }
      writeLocked(current, toId, toHash);
    }
  }

  /** After a verification that found the trail intact up to {@code id}: moves the mark there. */
  void advanceVerified(long id, String hash) {
    synchronized (lock) {
      writeLocked(readLocked(), id, hash);
    }
  }

  private void writeLocked(Optional<Mark> current, long id, String hash) {
    if (id <= 0 || (current.isPresent() && current.get().id() >= id)) {
      return;
    }
    try {
      Path tmp = file.resolveSibling(FILE + ".tmp");
      Files.writeString(tmp, id + " " + hash + "\n", StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      LOG.warn("Cannot record the newest audit event ({}) in {}: {}", id, file, e.toString());
    }
  }

  private Optional<Mark> readLocked() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      String[] parts = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
      if (parts.length == 2) {
        return Optional.of(new Mark(Long.parseLong(parts[0]), parts[1]));
      }
    } catch (IOException | NumberFormatException e) {
      LOG.warn("Cannot read {}: {}", file, e.toString());
      return Optional.empty();
    }
    LOG.warn("{} is malformed; ignoring it", file);
    return Optional.empty();
  }
}
