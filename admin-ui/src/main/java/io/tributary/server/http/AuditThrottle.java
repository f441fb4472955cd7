package io.tributary.server.http;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps a flood of like events (logins of one principal from one address) from flooding the audit
 * trail: the first event of a key in each interval is audited, the rest are counted, and the count
 * is reported with the next audited event of that key.
 *
 * <p>Thread-safe. Holds at most {@code maxKeys} keys; past that it starts afresh (a flood of
 * distinct keys then costs some audit events, never unbounded memory).
 */
final class AuditThrottle {

  private record Window(long startMillis, long suppressed) {}

  private final Clock clock;
  private final long intervalMillis;
  private final int maxKeys;
  private final Map<String, Window> windows = new HashMap<>();

  AuditThrottle(Clock clock, Duration interval, int maxKeys) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.intervalMillis = interval.toMillis();
    this.maxKeys = maxKeys;
  }

  /**
   * Whether to audit an event of {@code key} now.
   *
   * @return -1 if not (it was counted); otherwise how many events of this key were not audited
   *     since the last audited one
   */
  synchronized long admit(String key) {
    long now = clock.millis();
    Window w = windows.get(key);
    if (w != null && now - w.startMillis() < intervalMillis) {
      windows.put(key, new Window(w.startMillis(), w.suppressed() + 1));
      return -1;
    }
    if (w == null && windows.size() >= maxKeys) {
      windows.clear();
    }
    windows.put(key, new Window(now, 0));
    return w == null ? 0 : w.suppressed();
  }
}
