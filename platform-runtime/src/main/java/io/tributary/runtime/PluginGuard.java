package io.tributary.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Calls into one plugin's code with a time limit, off the caller's thread.
 *
 * <p>Plugin code runs in-process and cannot be stopped once it hangs: Java has no safe way to kill
 * a thread. So each call runs on a fresh daemon thread of its own while the caller waits at most
 * {@link #limit()}; the caller never waits longer, whatever the plugin does, and holds none of the
 * plugin's threads. A call that does not answer in time marks the plugin <b>failed</b>: every later
 * call is refused at once, without running plugin code, and the failure listener is told (once) so
 * the plugin can be taken out of service and reported. At most {@link #maxInFlight()} calls run at
 * once; further calls are refused rather than queued, so a hung plugin pins a bounded number of
 * threads.
 *
 * <p>A call that throws passes its exception (unchecked) to the caller unchanged. Thread-safe.
 */
public final class PluginGuard {

  /** The time limit of a call into plugin code unless configured otherwise. */
  public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(10);
  /** How many calls into one plugin may run at once unless configured otherwise. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 4;

  private final String name;
  private final Duration limit;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final boolean outOfServiceOnTimeout;
  private volatile String failure;
  private volatile Consumer<String> onFailure = cause -> {};

  /**
   * @param name the plugin, for messages and thread names ({@code pii-redaction@1.0.0})
   * @param limit how long a call may take
   * @param maxInFlight how many calls may run at once (hung ones included)
   */
  public PluginGuard(String name, Duration limit, int maxInFlight) {
    this(name, limit, maxInFlight, true);
  }

  /**
   * A guard for calls that run plugin code without blaming one plugin (a simulation runs every
   * stage): a call that does not answer in time is refused, but later calls are not; the threads
   * such calls leave behind still count against {@code maxInFlight} until they return, so hung
   * calls pin at most that many threads.
   */
  public static PluginGuard timeBox(String name, Duration limit, int maxInFlight) {
    return new PluginGuard(name, limit, maxInFlight, false);
  }

  private PluginGuard(String name, Duration limit, int maxInFlight, boolean outOfServiceOnTimeout) {
    this.outOfServiceOnTimeout = outOfServiceOnTimeout;
    this.name = Objects.requireNonNull(name, "name");
    this.limit = Objects.requireNonNull(limit, "limit");
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("the plugin call time limit must be positive, not " + limit);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
  }

  public String name() {
    return name;
  }

  public Duration limit() {
    return limit;
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  /** Calls running now, hung ones included. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Why the plugin was marked failed, or null if it was not. */
  public String failure() {
    return failure;
  }

  /** Called once, on the thread that saw it, when the plugin is marked failed. */
  public void onFailure(Consumer<String> listener) {
    this.onFailure = Objects.requireNonNull(listener, "listener");
  }

  /** Runs {@code body} (a void plugin call) as {@link #call(String, Callable)} does. */
  public void run(String what, Runnable body) {
    call(what, () -> {
      body.run();
      return null;
    });
  }

  /**
   * Runs {@code body} on a thread of its own and waits at most {@link #limit()} for it.
   *
   * @param what the call, for messages: {@code "create() of pii-redaction@1.0.0"}
   * @throws UnresponsivePluginException if the plugin is marked failed, has too many calls in
   *     flight, or did not answer in time (then it is marked failed)
   */
  public <T> T call(String what, Callable<T> body) {
    String failed = failure;
    if (failed != null) {
      throw new UnresponsivePluginException("plugin " + name + " is out of service: " + failed);
    }
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      throw new UnresponsivePluginException((outOfServiceOnTimeout ? "plugin " : "") + name + " already has "
          + maxInFlight + " calls running; " + what + " refused");
    }
    // Counted until the plugin's code really returns (before its result is handed over, so the
    // caller's next call never sees its own last one): a timed-out call that still hangs still
    // counts against the cap.
    java.util.concurrent.atomic.AtomicBoolean counted = new java.util.concurrent.atomic.AtomicBoolean(true);
    Runnable release = () -> {
      if (counted.compareAndSet(true, false)) {
        inFlight.decrementAndGet();
      }
    };
    FutureTask<T> task = new FutureTask<>(() -> {
      try {
        return body.call();
      } finally {
        release.run();
      }
    });
    Thread thread = new Thread(() -> {
      try {
        task.run();
      } finally {
        release.run(); // a task cancelled before it began never ran the body
      }
    }, "tributary-plugin-" + name);
    thread.setDaemon(true);
    try {
      thread.start();
    } catch (Error e) {
      release.run();
      throw e;
    }
    try {
      return task.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      String cause = what + " did not return within " + describe(limit);
      if (!outOfServiceOnTimeout) {
        throw new UnresponsivePluginException(cause + "; its thread is left behind (" + inFlight.get() + " of at most "
            + maxInFlight + " such threads in use)");
      }
      markFailed(cause);
      throw new UnresponsivePluginException("plugin " + name + " does not answer: " + cause
          + "; it is out of service until its jar is replaced");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException(what + " failed: " + cause, cause);
    } catch (CancellationException e) {
      throw new UnresponsivePluginException(what + " was cancelled");
    } catch (InterruptedException e) {
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new UnresponsivePluginException("interrupted while waiting for " + what);
    }
  }

  /** Marks the plugin failed with {@code cause} (the first cause wins); later calls are refused. */
  public void markFailed(String cause) {
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure = cause;
    }
    onFailure.accept(cause);
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  @Override
  public String toString() {
    return "PluginGuard[" + name + (failure == null ? "" : ", failed: " + failure) + "]";
  }

  /** A plugin did not answer in time, or is out of service because it did not before. */
  public static final class UnresponsivePluginException extends RuntimeException {
    public UnresponsivePluginException(String message) {
      super(message, null, false, false);
    }
  }
}
