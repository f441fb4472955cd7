package io.tributary.server.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Runs a stop action when the process is asked to stop. */
interface ShutdownSignals {

  /**
   * Arranges for {@code stop} to run once when the process receives SIGTERM or SIGINT.
   *
   * <p>Why sun.misc.Signal rather than only a shutdown hook: on SIGTERM the JVM's default
   * handler runs the shutdown hooks and then exits with status 143 (128 + 15), whatever the
   * hooks do, short of {@code Runtime.halt(0)} inside a hook, which would also skip every other
   * hook and cut log output. Orchestrators (systemd, Kubernetes) and our tests expect a clean,
   * drained stop to exit 0. Replacing the TERM and INT handlers lets the main thread stop the
   * server, return normally and exit 0. Where those signals cannot be handled (no such signal
   * on the platform), a shutdown hook still drains the server, at the price of the JVM's exit
   * status.
   */
  void onShutdown(Runnable stop);

  ShutdownSignals SYSTEM =
      stop -> {
        Logger log = LoggerFactory.getLogger(ShutdownSignals.class);
        Runnable once = new Once(stop);
        for (String name : new String[] {"TERM", "INT"}) {
          try {
            Signal.handle(
                new Signal(name),
                signal -> {
                  log.info("Received SIG{}", signal.getName());
                  // Signal handlers run on their own thread; the stop may take the drain timeout.
                  once.run();
                });
          } catch (IllegalArgumentException e) {
            log.warn("Cannot handle SIG{} here ({}); relying on a shutdown hook", name, e.getMessage());
          }
        }
        // Also drain on other exits (System.exit elsewhere, an unhandled signal like SIGHUP).
        Runtime.getRuntime().addShutdownHook(new Thread(once, "tributary-shutdown"));
      };

  /** Runs the delegate at most once; later callers wait until the first run finishes. */
  final class Once implements Runnable {
    private final Runnable delegate;
    private boolean done;

    Once(Runnable delegate) {
      this.delegate = delegate;
    }

    @Override
    public synchronized void run() {
      if (!done) {
        done = true;
        delegate.run();
      }
    }
  }
}
