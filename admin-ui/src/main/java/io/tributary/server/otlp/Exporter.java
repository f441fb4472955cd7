package io.tributary.server.otlp;

/**
 * Where enriched telemetry goes. Called by the gateway's single export thread, one envelope at a
 * time; may block (retrying) but must give up once {@code context.giveUp()} says so.
 */
interface Exporter extends AutoCloseable {

  /** What the gateway tells an exporter while it works. */
  interface Context {
    /** True once the gateway is shutting down and its drain time is over: stop retrying. */
    boolean giveUp();
  }

  /** Thrown when an export finally failed; the envelope's items then go to the dead-letter sink. */
  final class ExportException extends Exception {
    ExportException(String message) {
      super(message);
    }
  }

  /** A short name for logs, metrics tags and dead-letter reasons: {@code jsonl}, {@code otlp}, … */
  String name();

  /** Exports the enriched envelope (its {@code request} and {@code lines}). */
  void export(Envelope envelope, Context context) throws ExportException;

  @Override
  default void close() {}
}
