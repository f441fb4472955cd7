package io.tributary.runtime;

import io.tributary.api.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Items run through a pipeline together, stage by stage. After the run it tells which pipeline
 * (environment and revision) processed them, which items were dead-lettered, and — with lineage
 * on — what each stage did to each item.
 *
 * <p>A batch is run once, by one thread. Lineage costs one byte per item and stage, allocated once
 * per batch.
 */
public final class Batch {

  private final Item[] items;
  private CompiledPipeline pipeline;
  private byte[] outcomes;
  private int stride;
  /** The last lineage built and the item it was built for: neighbours nearly always share it. */
  private String lastLineage;
  private int lastLineageItem = -1;

  private Batch(Item[] items) {
    for (int i = 0; i < items.length; i++) {
      if (items[i] == null) {
        throw new NullPointerException("item " + i + " of the batch is null");
      }
    }
    this.items = items;
  }

  public static Batch of(List<Item> items) {
    return new Batch(items.toArray(new Item[0]));
  }

  public static Batch of(Item... items) {
    return new Batch(items.clone());
  }

  public int size() {
    return items.length;
  }

  public Item item(int index) {
    return items[index];
  }

  /** Every item, dead-lettered ones included, in order. */
  public List<Item> items() {
    return List.of(items);
  }

  Item[] array() {
    return items;
  }

  /** The pipeline that ran this batch, or null if it has not run. */
  public CompiledPipeline pipeline() {
    return pipeline;
  }

  void start(CompiledPipeline p, boolean lineage) {
    if (pipeline != null) {
      throw new IllegalStateException("batch already ran on " + pipeline);
    }
    pipeline = p;
    stride = p.stageCount();
    outcomes = lineage && p.stageCount() > 0 ? new byte[items.length * p.stageCount()] : null;
  }

  void record(int item, int stage, StageOutcome outcome) {
    outcomes[item * stride + stage] = outcome.code();
    lastLineageItem = -1;
  }

  boolean recordsLineage() {
    return outcomes != null;
  }

  /** Items that go on to the destination. */
  public List<Item> delivered() {
    List<Item> out = new ArrayList<>(items.length);
    for (Item item : items) {
      if (item.deadLetterReason() == null) {
        out.add(item);
      }
    }
    return out;
  }

  /** Items routed to the dead-letter sink; each says why in {@link Item#deadLetterReason()}. */
  public List<Item> deadLettered() {
    List<Item> out = new ArrayList<>();
    for (Item item : items) {
      if (item.deadLetterReason() != null) {
        out.add(item);
      }
    }
    return out;
  }

  /** What stage {@code stage} did to item {@code item}, or null (not reached, or no lineage). */
  public StageOutcome outcome(int item, int stage) {
    if (outcomes == null) {
      return null;
    }
    Objects.checkIndex(item, items.length);
    Objects.checkIndex(stage, pipeline.stageCount());
    return StageOutcome.ofCode(outcomes[item * pipeline.stageCount() + stage]);
  }

  /**
   * The lineage of item {@code index}: {@code env#revision correlation@1.0.0=modified
   * environment@1.2.0=unchanged …}, stages it did not reach left out; null without lineage.
   */
  public String lineage(int index) {
    if (outcomes == null) {
      return pipeline == null ? null : pipeline.environment() + "#" + pipeline.revision();
    }
    int n = pipeline.stageCount();
    if (lastLineageItem >= 0 && java.util.Arrays.equals(outcomes, lastLineageItem * n, lastLineageItem * n + n,
        outcomes, index * n, index * n + n)) {
      return lastLineage; // the same outcomes as the item asked about last: the same text
    }
    StringBuilder sb = new StringBuilder(pipeline.environment()).append('#').append(pipeline.revision());
    List<Stage> stages = pipeline.stages();
    for (int s = 0; s < stages.size(); s++) {
      StageOutcome o = outcome(index, s);
      if (o != null) {
        sb.append(' ').append(stages.get(s).coordinates()).append('=').append(o.label());
      }
    }
    lastLineage = sb.toString();
    lastLineageItem = index;
    return lastLineage;
  }

  @Override
  public String toString() {
    return "Batch[" + items.length + " items" + (pipeline == null ? "" : ", ran on " + pipeline) + "]";
  }

}
