package io.tributary.runtime;

import io.tributary.api.host.ChangeTracker;
import io.tributary.api.Item;
import java.util.function.LongSupplier;

/**
 * The code of {@link StageLoop}, copied once per processor class (see there). Keep everything
 * that calls the processor in this class: a call site in a shared method would have one shared
 * type profile again.
 */
final class StageLoopTemplate extends StageLoop {

  @Override
  void run(CompiledPipeline pipeline, Stage stage, Item[] items, Batch batch, ChangeTracker tracker) {
    boolean timings = pipeline.timings();
    LongSupplier nanoClock = pipeline.nanoClock();
    long start = timings ? nanoClock.getAsLong() : 0L;
    CircuitBreaker breaker = stage.breaker();
    boolean recordLineage = batch.recordsLineage();
    int s = stage.index();
    int given = 0;
    int modified = 0;
    int failed = 0;
    // Not yet reported to the breaker: calls, failures, and the current run of failures in a row.
    int calls = 0;
    int failures = 0;
    int run = 0;
    int skipped = 0;
    int deadLettered = 0;
    int undeclared = 0;
    for (int i = 0; i < items.length; i++) {
      Item item = items[i];
      if (item.deadLetterReason() != null) {
        continue;
      }
      given++;
      int permit = breaker.permit();
      StageOutcome outcome;
      if (permit == CircuitBreaker.DENY) {
        skipped++;
        outcome = CompiledPipeline.applyPolicy(stage, item, "circuit breaker open", StageOutcome.SKIPPED);
      } else {
        int mark = tracker.mark();
        Throwable failure = invoke(stage, item, tracker, mark);
        boolean changed = failure == null && tracker.changedSince(mark);
        if (changed) {
          int bad = stage.undeclaredSince(tracker, mark);
          if (bad > 0) {
            undeclared += bad;
            if (pipeline.enforcesDeclaredWrites()) {
              failure = new CompiledPipeline.UndeclaredWriteException(stage.undeclaredMessage(tracker, mark));
            }
          }
        }
        if (failure == null) {
          if (permit == CircuitBreaker.PROBE) {
            breaker.probeSucceeded();
          } else {
            calls++;
            run = 0;
          }
          outcome = item.deadLetterReason() != null
              ? StageOutcome.ROUTED
              : changed ? StageOutcome.MODIFIED : StageOutcome.UNCHANGED;
          if (changed) {
            modified++;
          }
        } else {
          tracker.rollbackTo(mark);
          String reason = CompiledPipeline.describe(stage, failure);
          pipeline.logFailure(stage, failure);
          failed++;
          if (permit == CircuitBreaker.PROBE) {
            breaker.probeFailed(reason);
          } else {
            calls++;
            failures++;
            run++;
            if (breaker.failedInARow(run, reason)) {
              // Open now, so the rest of the batch is skipped; report what led here.
              breaker.record(calls, failures, run);
              calls = 0;
              failures = 0;
              run = 0;
            }
          }
          outcome = CompiledPipeline.applyPolicy(stage, item, reason, StageOutcome.FAILED);
        }
      }
      if (outcome == StageOutcome.DEAD_LETTERED || outcome == StageOutcome.ROUTED) {
        deadLettered++;
      }
      if (recordLineage) {
        batch.record(i, s, outcome);
      }
    }
    breaker.record(calls, failures, run);
    if (timings) {
      stage.timer.record(nanoClock.getAsLong() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    CompiledPipeline.increment(stage.items, given);
    CompiledPipeline.increment(stage.modified, modified);
    CompiledPipeline.increment(stage.failed, failed);
    CompiledPipeline.increment(stage.skipped, skipped);
    CompiledPipeline.increment(stage.deadLettered, deadLettered);
    CompiledPipeline.increment(stage.undeclaredWrites, undeclared);
  }

  private static Throwable invoke(Stage stage, Item item, ChangeTracker tracker, int mark) {
    try {
      stage.processor().process(item);
    } catch (VirtualMachineError e) {
      if (!(e instanceof StackOverflowError)) {
        tracker.rollbackTo(mark);
        throw e;
      }
      return e;
    } catch (Throwable t) {
      return t;
    }
    return null;
  }
}
