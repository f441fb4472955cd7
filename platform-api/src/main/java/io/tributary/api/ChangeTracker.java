package io.tributary.api;

import java.util.Objects;

/**
 * Records the writes made to an item so they can be listed or undone. <em>Host-side:</em> the
 * engine uses one tracker per worker thread to give every stage all-or-nothing semantics; plugin
 * authors never need it.
 *
 * <p>Usage: {@link #begin(Item)}, run the stage, then either {@link #commit()} (keep the writes)
 * or {@link #rollback()} (restore the item exactly as it was at {@code begin}). Between the two,
 * {@link #changeCount()} and {@link #changedKey(int)} tell what was written, in the notation of
 * {@link ProcessorDescriptor#writes()}.
 *
 * <p><b>Thread-safety:</b> none; one tracker per thread, tracking one item at a time. Once its
 * internal arrays have grown to the working size, tracking allocates nothing.
 */
public final class ChangeTracker {

  private final ChangeLog log = new ChangeLog();
  private Item item;

  /** Starts recording the writes made to {@code item}. */
  public void begin(Item item) {
    Objects.requireNonNull(item, "item");
    if (this.item != null) {
      throw new IllegalStateException("already tracking an item; commit or roll back first");
    }
    item.attach(log);
    this.item = item;
  }

  /** Returns true if anything was written since {@link #begin}. */
  public boolean changed() {
    return log.size() > 0;
  }

  /** Returns the number of writes recorded since {@link #begin} (a key written twice counts twice). */
  public int changeCount() {
    return log.size();
  }

  /**
   * Returns the key of the {@code index}-th write: {@code key} for an item attribute, {@code
   * resource:key}, {@code scope:key}, or {@code field:name} for a field such as {@code
   * field:trace_id}.
   */
  public String changedKey(int index) {
    if (index < 0 || index >= log.size()) {
      throw new IndexOutOfBoundsException(index);
    }
    return log.describe(index);
  }

  /** Keeps the writes and stops tracking. */
  public void commit() {
    requireItem().attach(null);
    item = null;
    log.clear();
  }

  /** Undoes every write since {@link #begin}, newest first, and stops tracking. */
  public void rollback() {
    Item tracked = requireItem();
    tracked.attach(null);
    item = null;
    log.undo();
  }

  private Item requireItem() {
    if (item == null) {
      throw new IllegalStateException("not tracking an item");
    }
    return item;
  }
}
