package io.tributary.benchmarks;

import io.tributary.api.Item;

/**
 * A ring of seeded template items; each batch is a fresh copy of the next {@code batchSize} of
 * them, so a benchmark that mutates items sees the same input every lap.
 */
final class ItemRing {

  private final Item[] templates;
  private final int batchSize;
  private int cursor;

  /** @param templates a power-of-two number of items */
  ItemRing(Item[] templates, int batchSize) {
    if (Integer.bitCount(templates.length) != 1) {
      throw new IllegalArgumentException("the ring size must be a power of two");
    }
    this.templates = templates;
    this.batchSize = batchSize;
  }

  Item[] nextBatch() {
    int mask = templates.length - 1;
    Item[] batch = new Item[batchSize];
    for (int i = 0; i < batchSize; i++) {
      batch[i] = templates[(cursor + i) & mask].copy();
    }
    cursor = (cursor + batchSize) & mask;
    return batch;
  }
}
