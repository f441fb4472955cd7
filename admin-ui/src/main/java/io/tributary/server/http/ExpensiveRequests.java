package io.tributary.server.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.tributary.catalog.Principal;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-principal limits on requests that compile pipelines or compute diffs (check, simulate,
 * contract compare, change-request and revision diffs): at most {@code concurrent} at a time and
 * a token bucket of {@code burst} requests refilled at {@code perMinute}. A request beyond either
 * is answered 429 with {@code Retry-After} before any work is done, so one principal cannot
 * occupy the admin server's threads or memory.
 *
 * <p>Thread-safe. Wrap a route's handler with {@link #limit(Handler)}; the route's access check
 * runs first, so the principal is known.
 */
public final class ExpensiveRequests {

  /** At most this many expensive requests of one principal run at once. */
  public static final int DEFAULT_CONCURRENT = 2;
  /** Requests a principal may make in a burst. */
  public static final int DEFAULT_BURST = 60;
  /** Requests per minute a principal's allowance refills at. */
  public static final int DEFAULT_PER_MINUTE = 120;

  private final int concurrent;
  private final int burst;
  private final double perMilli;
  private final Clock clock;
  private final Map<String, Allowance> allowances = new ConcurrentHashMap<>();

  public ExpensiveRequests(int concurrent, int burst, int perMinute, Clock clock) {
    if (concurrent < 1 || burst < 1 || perMinute < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.concurrent = concurrent;
    this.burst = burst;
    this.perMilli = perMinute / 60_000.0;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The defaults a node runs with. */
  public static ExpensiveRequests defaults(Clock clock) {
    return new ExpensiveRequests(DEFAULT_CONCURRENT, DEFAULT_BURST, DEFAULT_PER_MINUTE, clock);
  }

  /** {@code handler} under this principal's limits. */
  public Handler limit(Handler handler) {
    return ctx -> {
      Principal p = Api.principal(ctx);
      // Keyed by name: a session and the token behind it share one allowance.
      Allowance a = allowances.computeIfAbsent(p == null ? "" : p.name(), k -> new Allowance());
      long now = clock.millis();
      long waitMillis = a.acquire(now);
      if (waitMillis > 0) {
        throw tooMany(ctx, waitMillis, "You (" + (p == null ? "anonymous" : p.name()) + ") made more than "
            + burst + " expensive requests (check, simulate, compare, diffs) in a short time");
      }
      if (!a.enter()) {
        throw tooMany(ctx, 1_000, "You (" + (p == null ? "anonymous" : p.name()) + ") already have "
            + concurrent + " expensive requests (check, simulate, compare, diffs) running");
      }
      try {
        handler.handle(ctx);
      } finally {
        a.leave();
      }
    };
  }

  private static ApiException tooMany(Context ctx, long waitMillis, String message) {
    long seconds = Math.max(1, (waitMillis + 999) / 1000);
    ctx.header("Retry-After", Long.toString(seconds));
    return new ApiException(429, "too_many_requests", message + "; retry after " + seconds + " s",
        Map.of("retryAfterSeconds", seconds));
  }

  /** One principal's token bucket and count of requests running. */
  private final class Allowance {
    private double tokens = burst;
    private long refilledAt = -1;
    private int running;

    /** Takes a token; 0 if one was taken, else how long until one is there. */
    synchronized long acquire(long now) {
      if (refilledAt < 0) {
        refilledAt = now;
      }
      tokens = Math.min(burst, tokens + (now - refilledAt) * perMilli);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - tokens) / perMilli);
    }

    synchronized boolean enter() {
      if (running >= concurrent) {
        tokens = Math.min(burst, tokens + 1); // refused: give the token back
        return false;
      }
      running++;
      return true;
    }

    synchronized void leave() {
      running--;
    }
  }
}
