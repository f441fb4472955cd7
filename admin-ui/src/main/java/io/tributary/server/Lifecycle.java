package io.tributary.server;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Things to close when the server stops, closed in the reverse order of registration.
 *
 * <p>Register a resource as soon as it is open; whatever is registered later (and so may depend
 * on it) is closed first. The HTTP listeners are registered last, so on shutdown they stop
 * accepting work and drain in-flight requests before anything they use is closed.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and never throws: a failing resource is logged
 * and the others are still closed.
 */
public final class Lifecycle implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

  private final Deque<Named> resources = new ArrayDeque<>();
  private boolean closed;

  /**
   * Registers a resource to be closed on shutdown.
   *
   * @return the resource, for chaining
   * @throws IllegalStateException if this lifecycle is already closed (the resource is not
   *     closed for you)
   */
  public synchronized <T extends AutoCloseable> T register(String name, T resource) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(resource, "resource");
    if (closed) {
      throw new IllegalStateException("Lifecycle already closed; cannot register " + name);
    }
    resources.push(new Named(name, resource));
    return resource;
  }

  /** Whether {@link #close()} has begun. */
  public synchronized boolean isClosed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!resources.isEmpty()) {
      Named next = resources.pop();
      try {
        LOG.debug("Closing {}", next.name());
        next.resource().close();
      } catch (Exception e) {
        LOG.warn("Failed to close {}", next.name(), e);
      }
    }
  }

  private record Named(String name, AutoCloseable resource) {}
}
