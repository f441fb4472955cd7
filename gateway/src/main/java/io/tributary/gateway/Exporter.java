package io.tributary.gateway;

import java.util.List;

/**
 * Where enriched telemetry goes. {@link #export} is called by the gateway's single export thread
 * with the enriched envelopes waiting (all of one signal); it may block (retrying) but must give up
 * once {@code context.giveUp()} says so. {@link #prepare} is called on the threads that received the requests, several
 * at once, each with its own envelope.
 */
interface Exporter extends AutoCloseable {

  /** What the gateway tells an exporter while it works. */
  interface Context {
    /** True once the gateway is shutting down and its drain time is over: stop retrying. */
    boolean giveUp();
  }

  /**
   * Thrown when an export finally failed; the items of the envelopes that failed (all of them,
   * unless the exception names some) then go to the dead-letter sink — unless the exporter itself
   * cannot write ({@link #unavailable()}: a local file on a full disk, a closed stream): then
   * nothing about the items is wrong, the gateway holds them, says the exporter is failing, refuses
   * new telemetry and tries again until it can write.
   */
  final class ExportException extends Exception {
    private final List<Envelope> failed;
    private final boolean unavailable;

    ExportException(String message) {
      this(message, null, false);
    }

    ExportException(String message, List<Envelope> failed) {
      this(message, failed, false);
    }

    private ExportException(String message, List<Envelope> failed, boolean unavailable) {
      super(message);
      this.failed = failed == null ? null : List.copyOf(failed);
      this.unavailable = unavailable;
    }

    /** The exporter cannot write at all just now: hold every item and try again. */
    static ExportException unavailable(String message) {
      return new ExportException(message, null, true);
    }

    /** True if the exporter cannot write at all just now, whatever the items. */
    boolean unavailable() {
      return unavailable;
    }

    /** The envelopes, out of those given to {@link #export}, that were not delivered. */
    List<Envelope> failed(List<Envelope> given) {
      return failed == null ? given : failed;
    }
  }

  /** A short name for logs, metrics tags and dead-letter reasons: {@code jsonl}, {@code otlp}, … */
  String name();

  /** True if this exporter writes every item's JSON line (so the gateway builds them all anyway). */
  default boolean writesLines() {
    return false;
  }

  /**
   * Does the per-envelope work that need not wait for the export thread (encoding), on an enrich
   * worker, once the envelope is enriched. Touches only that envelope.
   */
  default void prepare(Envelope envelope) {}

  /**
   * Exports the enriched envelopes (their {@code request}, {@code encoded} and {@code lines}), all
   * of one signal: they are delivered, or this throws and the envelopes the exception names (all of
   * them, unless it names some) go to the dead-letter sink.
   */
  void export(List<Envelope> envelopes, Context context) throws ExportException;

  @Override
  default void close() {}
}
