package io.tributary.runtime;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A stage's circuit breaker. CLOSED lets every item through; it opens after {@code N} consecutive
 * failures or when the failure rate in a sliding window passes a threshold. OPEN skips the stage
 * (the failure policy applies) until {@code openDuration} has passed; then one item is let through
 * as a probe (HALF_OPEN): success closes the breaker, failure opens it again.
 *
 * <p>Built for the hot path: the engine asks {@link #permit()} per item (one volatile read while
 * closed) and reports results once per batch with {@link #record}, except for probes and trips,
 * which take effect at once. Thread-safe; counts from concurrent batches may interleave, which can
 * shift the moment of opening by a few items but never loses a transition.
 */
public final class CircuitBreaker {

  /** The breaker's state. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  /** {@link #permit()} answer: run the stage. */
  static final int ALLOW = 0;
  /** {@link #permit()} answer: run the stage on this item as the half-open probe. */
  static final int PROBE = 1;
  /** {@link #permit()} answer: skip the stage. */
  static final int DENY = 2;

  private static final int BUCKETS = 10;

  private final BreakerSettings settings;
  private final LongSupplier nanoClock;
  private final long bucketNanos;

  private volatile State state = State.CLOSED;
  private volatile long openedAt;
  private final AtomicBoolean probeInFlight = new AtomicBoolean();
  private final AtomicInteger consecutive = new AtomicInteger();
  private volatile long lastTransitionAt;
  private volatile String lastFailure;

  // Sliding window of calls and failures, in BUCKETS time buckets; guarded by "this".
  private final long[] bucketStart = new long[BUCKETS];
  private final int[] bucketCalls = new int[BUCKETS];
  private final int[] bucketFailures = new int[BUCKETS];

  public CircuitBreaker(BreakerSettings settings, LongSupplier nanoClock) {
    this.settings = settings;
    this.nanoClock = nanoClock;
    this.bucketNanos = Math.max(1, settings.window().toNanos() / BUCKETS);
    this.lastTransitionAt = nanoClock.getAsLong();
  }

  public State state() {
    return state;
  }

  /** Consecutive failures so far (0 after any success). */
  public int consecutiveFailures() {
    return consecutive.get();
  }

  /** The message of the most recent failure, or null. */
  public String lastFailure() {
    return lastFailure;
  }

  BreakerSettings settings() {
    return settings;
  }

  /** May the stage run on the next item? {@link #ALLOW}, {@link #PROBE} or {@link #DENY}. */
  int permit() {
    State s = state;
    if (s == State.CLOSED) {
      return ALLOW;
    }
    if (s == State.OPEN && nanoClock.getAsLong() - openedAt < settings.openDuration().toNanos()) {
      return DENY;
    }
    // Open long enough, or half-open: exactly one probe at a time.
    if (probeInFlight.compareAndSet(false, true)) {
      if (state == State.CLOSED) { // closed meanwhile by another probe
        probeInFlight.set(false);
        return ALLOW;
      }
      transition(State.HALF_OPEN);
      return PROBE;
    }
    return DENY;
  }

  /** The probe succeeded: close. */
  void probeSucceeded() {
    consecutive.set(0);
    transition(State.CLOSED);
    probeInFlight.set(false);
  }

  /** The probe failed: open again for a full period. */
  void probeFailed(String failure) {
    lastFailure = failure;
    openedAt = nanoClock.getAsLong();
    transition(State.OPEN);
    probeInFlight.set(false);
  }

  /**
   * Called when a run of failures within a batch, added to the consecutive failures before it,
   * reaches the threshold: opens at once so the rest of the batch is skipped.
   *
   * @return true if the threshold was reached (and the breaker is now open)
   */
  boolean failedInARow(int runInBatch, String failure) {
    lastFailure = failure;
    if (consecutive.get() + runInBatch >= settings.consecutiveFailures()) {
      trip();
      return true;
    }
    return false;
  }

  /** Failures carried over from earlier batches. */
  int carriedFailures() {
    return consecutive.get();
  }

  /**
   * Reports a batch's results (probes excluded): how many items ran, how many failed, and the run
   * of failures the batch ended with ({@code calls - failures > 0} means the run was broken).
   */
  void record(int calls, int failures, int trailingFailures) {
    if (calls == 0) {
      return;
    }
    if (failures == 0) {
      if (consecutive.get() != 0) {
        consecutive.set(0);
      }
    } else if (trailingFailures < calls) {
      consecutive.set(trailingFailures);
    } else {
      consecutive.addAndGet(trailingFailures);
    }
    boolean open;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      int b = (int) ((now / bucketNanos) % BUCKETS);
      long start = now - (now % bucketNanos);
      if (bucketStart[b] != start) {
        bucketStart[b] = start;
        bucketCalls[b] = 0;
        bucketFailures[b] = 0;
      }
      bucketCalls[b] += calls;
      bucketFailures[b] += failures;
      long totalCalls = 0;
      long totalFailures = 0;
      long horizon = now - settings.window().toNanos();
      for (int i = 0; i < BUCKETS; i++) {
        if (bucketStart[i] > horizon) {
          totalCalls += bucketCalls[i];
          totalFailures += bucketFailures[i];
        }
      }
      open = totalCalls >= settings.minimumCalls()
          && totalFailures >= settings.failureRate() * totalCalls;
    }
    if (open || consecutive.get() >= settings.consecutiveFailures()) {
      trip();
    }
  }

  private void trip() {
    if (state != State.OPEN) {
      openedAt = nanoClock.getAsLong();
      transition(State.OPEN);
    }
  }

  private synchronized void transition(State next) {
    if (state != next) {
      state = next;
      lastTransitionAt = nanoClock.getAsLong();
      if (next == State.CLOSED) {
        java.util.Arrays.fill(bucketCalls, 0);
        java.util.Arrays.fill(bucketFailures, 0);
      }
    }
  }

  /** Nanos (on the breaker's clock) of the last state change. */
  long lastTransitionAt() {
    return lastTransitionAt;
  }
}
