package io.tributary.server.config;

import io.tributary.gateway.Gateway;
import java.util.Objects;

/**
 * Where accepted telemetry waits for export, as a node runs with it.
 *
 * @param kind {@code DISK} (files under {@code <data-dir>/queue}: survives a crash) or {@code
 *     MEMORY}
 * @param maxBytes the most the queue holds, in bytes
 * @param sync for a disk queue, whether a request is answered once its items are written
 *     ({@code WRITE}: survives a crash of the process) or once forced to the disk ({@code FSYNC}:
 *     survives power loss)
 */
public record QueueSettings(Gateway.QueueKind kind, long maxBytes, Gateway.QueueSync sync) {

  /** The default disk queue's size: 1 GiB. */
  public static final long DEFAULT_DISK_BYTES = 1L << 30;
  /** The default memory queue's size: 64 MiB. */
  public static final long DEFAULT_MEMORY_BYTES = 64L << 20;
  /** The items a memory queue holds at most (a disk queue is bounded in bytes only). */
  public static final int MEMORY_ITEMS = 50_000;

  public QueueSettings {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(sync, "sync");
    if (maxBytes < (1L << 20) || maxBytes > (1L << 40)) {
      throw new InvalidConfigException(Setting.QUEUE_MAX_BYTES, "Invalid value for option '"
          + Setting.QUEUE_MAX_BYTES.flag() + "': " + maxBytes + " bytes is out of range (1 MiB to 1 TiB)");
    }
  }

  /** The product's default: a disk queue of 1 GiB, answered once written. */
  public static QueueSettings defaults() {
    return new QueueSettings(Gateway.QueueKind.DISK, DEFAULT_DISK_BYTES, Gateway.QueueSync.WRITE);
  }

  /** The gateway settings for this queue. */
  public Gateway.Settings apply(Gateway.Settings base) {
    int items = kind == Gateway.QueueKind.DISK ? Integer.MAX_VALUE / 4 : MEMORY_ITEMS;
    return base.withQueue(kind, items, maxBytes, sync);
  }
}
