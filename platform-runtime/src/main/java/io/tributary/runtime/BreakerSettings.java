package io.tributary.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * When a stage's circuit breaker opens and for how long.
 *
 * @param consecutiveFailures open after this many failures in a row
 * @param failureRate open when at least this fraction of items failed within {@code window}…
 * @param minimumCalls …provided at least this many items were processed in it
 * @param window the sliding window of the failure rate
 * @param openDuration how long the breaker stays open before a half-open probe
 */
public record BreakerSettings(
    int consecutiveFailures, double failureRate, int minimumCalls, Duration window, Duration openDuration) {

  public static final BreakerSettings DEFAULTS =
      new BreakerSettings(20, 0.5, 100, Duration.ofSeconds(10), Duration.ofSeconds(30));

  public BreakerSettings {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(openDuration, "openDuration");
    if (consecutiveFailures < 1) {
      throw new IllegalArgumentException("consecutiveFailures must be at least 1");
    }
    if (!(failureRate > 0 && failureRate <= 1)) {
      throw new IllegalArgumentException("failureRate must be in (0, 1]");
    }
    if (minimumCalls < 1) {
      throw new IllegalArgumentException("minimumCalls must be at least 1");
    }
    if (window.toMillis() < 10 || openDuration.isNegative()) {
      throw new IllegalArgumentException("window must be at least 10 ms and openDuration not negative");
    }
  }
}
