package io.tributary.api;

import java.util.List;

/**
 * One step of a pipeline: enriches or redacts items in place.
 *
 * <p>A processor is created by its {@link ProcessorFactory} for one stage of one compiled
 * pipeline, with that stage's validated configuration, and closed when no batch uses that
 * pipeline any more.
 *
 * <p><b>Contract of {@link #process}:</b>
 *
 * <ul>
 *   <li><b>Thread-safety:</b> {@code process} is called concurrently from several worker threads,
 *       each with a different item. Keep per-call state on the stack; shared state must be
 *       thread-safe.
 *   <li><b>Blocking:</b> never block on the hot path (no network or disk I/O per item). Load what
 *       you need when the processor is created, or refresh it in the background.
 *   <li><b>Mutation:</b> change only what the descriptor declares in {@link
 *       ProcessorDescriptor#writes()}; read what it declares in {@link ProcessorDescriptor#reads()}.
 *       Do not keep a reference to the item after returning.
 *   <li><b>Bad data:</b> leave data you do not understand alone; do not throw for it. A thrown
 *       exception means the processor itself failed: the engine restores the item exactly as it
 *       was before this stage, counts the failure, applies the stage's failure policy and, if
 *       failures persist, opens the stage's circuit breaker.
 *   <li><b>Routing:</b> to send an item to the dead-letter sink instead of the destination, call
 *       {@link Item#deadLetter(String)}; later stages will not see it.
 * </ul>
 *
 * <p><b>Batches:</b> the engine hands a stage the items of a request together through {@link
 * #process(List)}, whose default calls {@link #process(Item)} for each. Override it when a batch
 * is cheaper than its items one by one (one lookup for many keys, one lock for many counts). The
 * contract above holds for every item of the list.
 */
@FunctionalInterface
public interface Processor extends AutoCloseable {

  /** Enriches or redacts {@code item} in place. See the class documentation for the contract. */
  void process(Item item);

  /**
   * Enriches or redacts {@code items} in place: the items of one batch that no earlier stage
   * dead-lettered, in order, each appearing once. The list is read-only and valid only during the
   * call. The default calls {@link #process(Item)} for each item, in order.
   *
   * <p>If this method throws, the engine restores every item of the list exactly as it was before
   * the call and runs {@link #process(Item)} item by item, so that the failure is isolated to the
   * items it belongs to; a batch implementation must therefore have no effect outside the items
   * that a failed call would leave behind (counters may count twice).
   */
  default void process(List<Item> items) {
    for (int i = 0, n = items.size(); i < n; i++) {
      process(items.get(i));
    }
  }

  /**
   * Releases what {@link ProcessorFactory#create} acquired. Called once, after the last {@link
   * #process} call of the pipeline this processor belongs to has returned. Must not throw.
   */
  @Override
  default void close() {}
}
