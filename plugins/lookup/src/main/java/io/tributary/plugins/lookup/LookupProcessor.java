package io.tributary.plugins.lookup;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorContext;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Looks the key attribute up in the current {@link Table} and writes the row. The table is an
 * immutable snapshot behind a volatile field; a background task may swap in a re-read CSV file,
 * read (like the first time) through the stage's {@link ProcessorContext}.
 */
final class LookupProcessor implements Processor {

  private static final System.Logger LOG = System.getLogger(LookupProcessor.class.getName());

  private final boolean keyInResource;
  private final String key;
  private final boolean overwrite;
  private volatile Table table;

  // Reloading (null/unused without reloadInterval).
  private final ProcessorContext context;
  private final String file;
  private final String source;
  private final Table.Settings settings;
  private final ScheduledExecutorService reloader;
  private String stamp; // reloader thread only
  private volatile String lastReloadError;
  private final AtomicLong reloads = new AtomicLong();

  LookupProcessor(String key, boolean overwrite, Table table) {
    this(key, overwrite, table, null, null, null, null, null, 0, null);
  }

  /**
   * {@code file}: the name as configured, read through the stage's {@code context};
   * {@code loadedStamp}: the stamp taken before {@code table} was read.
   */
  LookupProcessor(String key, boolean overwrite, Table table, ProcessorContext context, String file, String source,
      Table.Settings settings, String loadedStamp, long reloadMillis, String stageName) {
    this.keyInResource = key.startsWith("resource:");
    this.key = keyInResource ? key.substring("resource:".length()) : key;
    this.overwrite = overwrite;
    this.table = table;
    this.context = context;
    this.file = file;
    this.source = source;
    this.settings = settings;
    if (reloadMillis > 0) {
      this.stamp = loadedStamp;
      this.reloader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lookup-reload-" + stageName);
        t.setDaemon(true);
        return t;
      });
      reloader.scheduleWithFixedDelay(this::reloadIfChanged, reloadMillis, reloadMillis, TimeUnit.MILLISECONDS);
    } else {
      this.reloader = null;
    }
  }

  @Override
  public void process(Item item) {
    String value = keyOf(item);
    if (value != null) {
      Table t = table;
      write(item, t, t.find(value));
    }
  }

  /**
   * The batch reads the table once, so every item of a request is enriched from the same
   * version even while a reload swaps it, and looks a key up once for a run of items that carry
   * the same value (the spans of one request usually share their user or tenant).
   */
  @Override
  public void process(List<Item> items) {
    Table t = table;
    String lastValue = null;
    Table.Row lastRow = null;
    for (int i = 0, n = items.size(); i < n; i++) {
      Item item = items.get(i);
      String value = keyOf(item);
      if (value == null) {
        continue;
      }
      if (!value.equals(lastValue)) {
        lastRow = t.find(value);
        lastValue = value;
      }
      write(item, t, lastRow);
    }
  }

  /** The key attribute's value as text, or null if absent, empty or not a string or integer. */
  private String keyOf(Item item) {
    Attributes from = keyInResource ? item.resource() : item.attributes();
    int i = from.indexOf(key);
    if (i < 0) {
      return null;
    }
    String value;
    switch (from.typeAt(i)) {
      case STRING:
        value = from.stringAt(i);
        break;
      case LONG:
        value = Long.toString(from.longAt(i));
        break;
      default:
        return null; // not a key we can look up
    }
    return value.isEmpty() ? null : value;
  }

  private void write(Item item, Table t, Table.Row row) {
    Attributes to = item.attributes();
    String[] targets = t.targets;
    String[] values = row.values;
    for (int w = 0; w < values.length; w++) {
      String v = values[w];
      if (v != null && (overwrite || !to.contains(targets[w]))) {
        to.put(targets[w], v);
      }
    }
  }

  /** Re-reads the file if its stamp (modification time, size) changed; keeps the old table on error. */
  void reloadIfChanged() {
    String now;
    try {
      now = context.fileStamp(file);
    } catch (RuntimeException e) {
      now = null;
    }
    if (Objects.equals(now, stamp)) {
      return;
    }
    stamp = now;
    if (now == null) {
      fail(source + ": cannot read the file any more; keeping the table loaded before");
      return;
    }
    try {
      // Read after the stamp was taken: a change during the read shows at the next look.
      table = TableLoader.fromCsv(context.readFile(file), source, settings);
      lastReloadError = null;
      reloads.incrementAndGet();
    } catch (RuntimeException e) {
      fail(e.getMessage() + "; keeping the table loaded before");
    }
  }

  private void fail(String message) {
    lastReloadError = message;
    LOG.log(System.Logger.Level.WARNING, "lookup reload failed: " + message);
  }

  /** The table in use (for tests). */
  Table table() {
    return table;
  }

  /** How many reloads succeeded (for tests). */
  long reloads() {
    return reloads.get();
  }

  /** Why the last reload failed, or null (for tests). */
  String lastReloadError() {
    return lastReloadError;
  }

  @Override
  public void close() {
    if (reloader != null) {
      reloader.shutdownNow();
    }
  }
}
