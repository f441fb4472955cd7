package io.tributary.api.host;

import io.tributary.api.Item;
import java.util.Objects;

/**
 * Records the writes made to an item so they can be listed or undone. <em>Host-side:</em> the
 * engine uses one tracker per worker thread to give every stage all-or-nothing semantics. Its
 * package is exported to the runtime only; plugin authors never see it.
 *
 * <p>Usage: {@link #begin(Item)}, run the stage, then either {@link #commit()} (keep the writes)
 * or {@link #rollback()} (restore the item exactly as it was at {@code begin}). Between the two,
 * {@link #changeCount()} and {@link #changedKey(int)} tell what was written, in the notation of
 * {@link io.tributary.api.ProcessorDescriptor#writes()}.
 *
 * <p>For a batch worked on item after item, {@link #beginBatch(Item[])} tracks every item of the
 * batch at once, so nothing is attached or detached per item: take a {@link #mark()} before each
 * item, then {@link #changedSince(int)} or {@link #rollbackTo(int)} for it, {@link #forget()}
 * between passes, and {@link #endBatch()} at the end.
 *
 * <p><b>Thread-safety:</b> none; one tracker per thread, tracking one item or one batch at a time.
 * Once its internal arrays have grown to the working size, tracking allocates nothing.
 */
public final class ChangeTracker {

  private static final Hooks HOOKS = Hooks.get();

  /** {@link #changedPart}: an item attribute. */
  public static final int ATTRIBUTES = 0;
  /** {@link #changedPart}: a resource attribute. */
  public static final int RESOURCE = 1;
  /** {@link #changedPart}: an instrumentation scope attribute. */
  public static final int SCOPE = 2;
  /** {@link #changedPart}: a field such as {@code trace_id}. */
  public static final int FIELD = 3;

  private final Object log = HOOKS.newLog();
  private Item item;
  private Item[] batch;

  /** Starts recording the writes made to {@code item}. */
  public void begin(Item item) {
    Objects.requireNonNull(item, "item");
    if (this.item != null || batch != null) {
      throw new IllegalStateException("already tracking an item; commit or roll back first");
    }
    HOOKS.attach(item, log);
    this.item = item;
  }

  /** Returns true if anything was written since {@link #begin}. */
  public boolean changed() {
    return HOOKS.size(log) > 0;
  }

  /** Returns the number of writes recorded since {@link #begin} (a key written twice counts twice). */
  public int changeCount() {
    return HOOKS.size(log);
  }

  /**
   * Returns the key of the {@code index}-th write: {@code key} for an item attribute, {@code
   * resource:key}, {@code scope:key}, or {@code field:name} for a field such as {@code
   * field:trace_id}.
   */
  public String changedKey(int index) {
    if (index < 0 || index >= HOOKS.size(log)) {
      throw new IndexOutOfBoundsException(index);
    }
    return HOOKS.describe(log, index);
  }

  /** The item the {@code index}-th write changed (useful when a batch is tracked). */
  public Item changedItem(int index) {
    checkIndex(index);
    return HOOKS.owner(log, index);
  }

  /** The part the {@code index}-th write changed: {@link #ATTRIBUTES}, {@link #RESOURCE}, {@link #SCOPE} or {@link #FIELD}. */
  public int changedPart(int index) {
    checkIndex(index);
    return HOOKS.part(log, index);
  }

  /** The key (or field name) of the {@code index}-th write, without the prefix {@link #changedKey} adds; allocates nothing. */
  public String changedName(int index) {
    checkIndex(index);
    return HOOKS.name(log, index);
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= HOOKS.size(log)) {
      throw new IndexOutOfBoundsException(index);
    }
  }

  /** Keeps the writes and stops tracking. */
  public void commit() {
    HOOKS.attach(requireItem(), null);
    item = null;
    HOOKS.clear(log);
  }

  /** Undoes every write since {@link #begin}, newest first, and stops tracking. */
  public void rollback() {
    Item tracked = requireItem();
    HOOKS.attach(tracked, null);
    item = null;
    HOOKS.undoTo(log, 0);
  }

  /**
   * Starts recording the writes made to any item of {@code items} (an item may appear more than
   * once). Writes are logged in the order they happen, so when items are worked on one after
   * another, each item's writes are the entries between two {@link #mark() marks}.
   *
   * @throws IllegalStateException if this tracker is busy, or an item is tracked elsewhere (then
   *     nothing stays attached)
   */
  public void beginBatch(Item[] items) {
    if (item != null || batch != null) {
      throw new IllegalStateException("already tracking; end the batch or commit first");
    }
    for (int i = 0; i < items.length; i++) {
      try {
        HOOKS.attachShared(items[i], log);
      } catch (RuntimeException e) {
        for (int k = 0; k < i; k++) {
          HOOKS.attach(items[k], null);
        }
        throw e;
      }
    }
    batch = items;
  }

  /** The position in the log now: pass it to {@link #changedSince} or {@link #rollbackTo}. */
  public int mark() {
    return HOOKS.size(log);
  }

  /** Returns true if anything was written after {@code mark}. */
  public boolean changedSince(int mark) {
    return HOOKS.size(log) > mark;
  }

  /** Undoes the writes made after {@code mark}, newest first; earlier ones stay recorded. */
  public void rollbackTo(int mark) {
    if (mark < 0 || mark > HOOKS.size(log)) {
      throw new IndexOutOfBoundsException(mark);
    }
    HOOKS.undoTo(log, mark);
  }

  /** Keeps every write recorded so far and forgets them (marks taken before are void). */
  public void forget() {
    HOOKS.clear(log);
  }

  /** Keeps the writes and stops tracking the batch; a no-op if no batch is tracked. */
  public void endBatch() {
    Item[] items = batch;
    if (items == null) {
      return;
    }
    batch = null;
    HOOKS.clear(log);
    for (Item i : items) {
      HOOKS.attach(i, null);
    }
  }

  private Item requireItem() {
    if (item == null) {
      throw new IllegalStateException("not tracking an item");
    }
    return item;
  }
}
