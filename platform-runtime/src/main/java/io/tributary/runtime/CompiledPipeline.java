package io.tributary.runtime;

import io.tributary.api.host.ChangeTracker;
import io.tributary.api.Item;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An immutable, ready-to-run pipeline: the stages of one environment's revision, with processors
 * created, configs validated and order checked. Made by {@link PipelineCompiler}; installed in a
 * {@link PipelineHolder}, which closes it once it has been replaced and its last batch is done.
 *
 * <p>{@link #run(Batch)} is thread-safe: many threads run batches through one pipeline at once.
 */
public final class CompiledPipeline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CompiledPipeline.class);
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
  private static final int RETIRED = 1 << 30;

  private static final ThreadLocal<ChangeTracker> TRACKERS =
      ThreadLocal.withInitial(ChangeTracker::new);

  private final String environment;
  private final long revision;
  private final Stage[] stages;
  private final List<Stage> stageList;
  private final List<Diagnostic> diagnostics;
  private final boolean lineage;
  private final boolean timings;
  private final boolean enforceDeclaredWrites;
  private final LongSupplier nanoClock;

  private final AtomicInteger users = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final long[] nextLogAt;

  CompiledPipeline(
      String environment,
      long revision,
      List<Stage> stages,
      List<Diagnostic> diagnostics,
      boolean lineage,
      boolean timings,
      boolean enforceDeclaredWrites,
      LongSupplier nanoClock) {
    this.environment = environment;
    this.revision = revision;
    this.stages = stages.toArray(new Stage[0]);
    this.stageList = List.copyOf(stages);
    this.diagnostics = List.copyOf(diagnostics);
    this.lineage = lineage;
    this.timings = timings;
    this.enforceDeclaredWrites = enforceDeclaredWrites;
    this.nanoClock = nanoClock;
    this.nextLogAt = new long[stages.size()];
  }

  public String environment() {
    return environment;
  }

  /** The catalog revision this pipeline was compiled from. */
  public long revision() {
    return revision;
  }

  /** The enabled stages, in order. */
  public List<Stage> stages() {
    return stageList;
  }

  int stageCount() {
    return stages.length;
  }

  /** Warnings and notes from compilation (a compiled pipeline has no errors). */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  /**
   * Runs every item of {@code batch} through every stage, stage by stage. Items a stage
   * dead-letters skip the stages after it. Never throws for what a processor does; a batch can be
   * run once.
   */
  public void run(Batch batch) {
    if (closed.get()) {
      throw new IllegalStateException("pipeline " + this + " is closed");
    }
    batch.start(this, lineage);
    Item[] items = batch.array();
    ChangeTracker tracker = TRACKERS.get();
    // Every item is tracked for the whole run, so nothing is attached or detached per item and
    // stage; each item's writes in a stage are the log entries between two marks.
    tracker.beginBatch(items);
    try {
      for (Stage stage : stages) {
        runStage(stage, items, batch, tracker);
        tracker.forget();
      }
    } finally {
      tracker.endBatch();
    }
  }

  /**
   * Runs {@code item} through the stages one at a time, recording a copy of it before and after
   * each, with the stage's outcome and time. For dry runs and the UI's simulator, not the hot
   * path: it copies the item twice per stage, and it counts in this pipeline's meters and
   * breakers like any run (simulate on a pipeline compiled for the purpose).
   */
  public List<StageTrace> simulate(Item item) {
    Batch batch = Batch.of(item);
    batch.start(this, true);
    Item[] items = batch.array();
    ChangeTracker tracker = TRACKERS.get();
    List<StageTrace> traces = new java.util.ArrayList<>(stages.length);
    for (Stage stage : stages) {
      Item before = item.copy();
      long start = System.nanoTime();
      tracker.beginBatch(items);
      try {
        runStage(stage, items, batch, tracker);
      } finally {
        tracker.endBatch();
      }
      long nanos = System.nanoTime() - start;
      StageOutcome outcome = batch.outcome(0, stage.index());
      String failure = null;
      if (outcome == StageOutcome.FAILED || outcome == StageOutcome.DEFAULTED) {
        failure = stage.breaker().lastFailure();
      } else if (outcome == StageOutcome.DEAD_LETTERED) {
        failure = item.deadLetterReason();
      }
      traces.add(new StageTrace(stage.name(), stage.coordinates(), outcome, nanos, before, item.copy(), failure));
    }
    return traces;
  }

  private void runStage(Stage stage, Item[] items, Batch batch, ChangeTracker tracker) {
    if (!stage.batched() || !runBatched(stage, items, batch, tracker)) {
      stage.loop().run(this, stage, items, batch, tracker);
    }
  }

  /**
   * Hands the stage's processor the batch's live items in one {@code process(List)} call. Returns
   * false, with every item as it was before the call, when the stage must run item by item
   * instead: the breaker denies calls (the per-item loop applies the policy), or the call threw
   * or, in strict mode, wrote an undeclared key (the per-item run isolates the failure).
   */
  private boolean runBatched(Stage stage, Item[] items, Batch batch, ChangeTracker tracker) {
    Item[] live = new Item[items.length];
    int n = 0;
    for (Item item : items) {
      if (item.deadLetterReason() == null) {
        live[n++] = item;
      }
    }
    if (n == 0) {
      return true;
    }
    CircuitBreaker breaker = stage.breaker();
    int permit = breaker.permit();
    if (permit == CircuitBreaker.DENY) {
      return false;
    }
    long start = timings ? nanoClock.getAsLong() : 0L;
    int mark = tracker.mark();
    Throwable failure = null;
    try {
      stage.processor().process(Collections.unmodifiableList(Arrays.asList(live).subList(0, n)));
    } catch (VirtualMachineError e) {
      if (!(e instanceof StackOverflowError)) {
        tracker.rollbackTo(mark);
        throw e;
      }
      failure = e;
    } catch (Throwable t) {
      failure = t;
    }
    int undeclared = 0;
    if (failure == null && tracker.changedSince(mark)) {
      undeclared = stage.undeclaredSince(tracker, mark);
      if (undeclared > 0 && enforceDeclaredWrites) {
        failure = new UndeclaredWriteException(stage.undeclaredMessage(tracker, mark));
      }
    }
    if (failure != null) {
      tracker.rollbackTo(mark);
      if (permit == CircuitBreaker.PROBE) {
        // The batch was the breaker's probe: it failed, so the breaker stays open and the
        // per-item loop applies the stage's policy to every item.
        breaker.probeFailed(describe(stage, failure));
      }
      LOG.debug("{}: its batch call failed ({}); running its items one by one",
          stage.coordinates(), failure.toString());
      return false;
    }
    if (permit == CircuitBreaker.PROBE) {
      breaker.probeSucceeded();
    } else {
      breaker.record(n, 0, 0);
    }
    java.util.Set<Item> changed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (int k = mark, count = tracker.changeCount(); k < count; k++) {
      changed.add(tracker.changedItem(k));
    }
    int modified = 0;
    int deadLettered = 0;
    boolean recordLineage = batch.recordsLineage();
    for (int i = 0, j = 0; i < items.length && j < n; i++) {
      Item item = items[i];
      if (item != live[j]) {
        continue; // dead-lettered before this stage
      }
      j++;
      boolean wrote = changed.contains(item);
      StageOutcome outcome;
      if (item.deadLetterReason() != null) {
        outcome = StageOutcome.ROUTED;
        deadLettered++;
      } else {
        outcome = wrote ? StageOutcome.MODIFIED : StageOutcome.UNCHANGED;
      }
      if (wrote) {
        modified++;
      }
      if (recordLineage) {
        batch.record(i, stage.index(), outcome);
      }
    }
    if (timings) {
      stage.timer.record(nanoClock.getAsLong() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    increment(stage.items, n);
    increment(stage.modified, modified);
    increment(stage.deadLettered, deadLettered);
    increment(stage.undeclaredWrites, undeclared);
    return true;
  }

  boolean timings() {
    return timings;
  }

  LongSupplier nanoClock() {
    return nanoClock;
  }

  boolean enforcesDeclaredWrites() {
    return enforceDeclaredWrites;
  }

  static StageOutcome applyPolicy(
      Stage stage, Item item, String reason, StageOutcome passedOn) {
    switch (stage.failurePolicy()) {
      case DEFAULT:
        stage.applyDefaults(item);
        return StageOutcome.DEFAULTED;
      case DEAD_LETTER:
        item.deadLetter(reason);
        return StageOutcome.DEAD_LETTERED;
      default:
        return passedOn;
    }
  }

  static String describe(Stage stage, Throwable failure) {
    String message = failure.getMessage();
    return "stage '" + stage.name() + "' (" + stage.coordinates() + ") failed: "
        + failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  void logFailure(Stage stage, Throwable failure) {
    long now = nanoClock.getAsLong();
    int s = stage.index();
    synchronized (nextLogAt) {
      if (now - nextLogAt[s] < 0) {
        return;
      }
      nextLogAt[s] = now + LOG_INTERVAL_NANOS;
    }
    LOG.warn("{} (env {}, revision {}); further failures of this stage are counted, logged at most every 10 s",
        describe(stage, failure), environment, revision, failure);
  }

  static void increment(io.micrometer.core.instrument.Counter counter, int n) {
    if (n > 0) {
      counter.increment(n);
    }
  }

  // ---------------------------------------------------------------- lifecycle (PipelineHolder)

  /** Registers a batch about to run; false if the pipeline has been retired. */
  boolean tryAcquire() {
    while (true) {
      int u = users.get();
      if ((u & RETIRED) != 0) {
        return false;
      }
      if (users.compareAndSet(u, u + 1)) {
        return true;
      }
    }
  }

  /** A batch has finished. */
  void release() {
    if (users.decrementAndGet() == RETIRED) {
      close();
    }
  }

  /** No new batches; close once the running ones are done. */
  void retire() {
    int u;
    do {
      u = users.get();
    } while ((u & RETIRED) == 0 && !users.compareAndSet(u, u | RETIRED));
    if (users.get() == RETIRED) {
      close();
    }
  }

  /** True once every processor has been closed. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Closes every processor, once. Use {@link PipelineHolder} rather than calling this directly. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Stage stage : stages) {
      try {
        stage.close();
      } catch (RuntimeException e) {
        LOG.warn("closing stage '{}' ({}) failed", stage.name(), stage.coordinates(), e);
      }
    }
  }

  @Override
  public String toString() {
    return environment + "#" + revision;
  }

  /** A processor wrote a key its descriptor does not declare (checked in debug mode only). */
  static final class UndeclaredWriteException extends RuntimeException {
    UndeclaredWriteException(String message) {
      super(message, null, false, false);
    }
  }
}
