package io.tributary.gateway;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the OTLP exporters (HTTP and gRPC) share: several envelopes sent as one request (an
 * Export*ServiceRequest has one repeated field, so concatenated encodings are the encoding of the
 * request holding all their resources), halved when the downstream says the request is too large,
 * and retried with exponential backoff, honouring the downstream's retry delay, for up to the
 * retry time. The transport says, per attempt, what happened ({@link Attempt}).
 */
abstract class OtlpExporter implements Exporter {

  private static final Logger LOG = LoggerFactory.getLogger(OtlpExporter.class);
  /** How long one envelope is retried before its items go to the dead-letter sink. */
  static final Duration MAX_RETRY_TIME = Duration.ofMinutes(2);
  static final long INITIAL_BACKOFF_MILLIS = 100;
  static final long MAX_BACKOFF_MILLIS = 5_000;
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final Duration maxRetryTime;

  OtlpExporter(Duration maxRetryTime) {
    this.maxRetryTime = maxRetryTime;
  }

  /** What one attempt to send came to. */
  record Attempt(Kind kind, String failure, byte[] response, Duration retryAfter) {
    enum Kind { DELIVERED, RETRY, TOO_LARGE, FAILED }

    static Attempt delivered(byte[] response) {
      return new Attempt(Kind.DELIVERED, null, response, null);
    }

    /** Worth trying again, after {@code retryAfter} if the downstream named a delay (else null). */
    static Attempt retry(String failure, Duration retryAfter) {
      return new Attempt(Kind.RETRY, failure, null, retryAfter);
    }

    /** The downstream refuses a request this large: try halves. */
    static Attempt tooLarge(String failure) {
      return new Attempt(Kind.TOO_LARGE, failure, null, null);
    }

    /** Not retryable. */
    static Attempt failed(String failure) {
      return new Attempt(Kind.FAILED, failure, null, null);
    }
  }

  /** Sends one request whose body is the concatenation of {@code parts}; never throws for the downstream's sake. */
  abstract Attempt send(Signal signal, List<byte[]> parts, Duration timeout);

  /** Where the signal goes, for messages. */
  abstract String destination(Signal signal);

  /** Encodes the request where it was enriched, so the export thread only concatenates and sends. */
  @Override
  public void prepare(Envelope envelope) {
    if (envelope.encoded == null && envelope.request != null && envelope.delivered > 0) {
      envelope.encoded = envelope.request.toByteArray();
    }
  }

  /**
   * Sends the envelopes as one request. A downstream that refuses several envelopes at once as too
   * large gets them in halves; an envelope it refuses on its own fails (only the envelopes that
   * failed are named in the exception).
   */
  @Override
  public void export(List<Envelope> envelopes, Context context) throws ExportException {
    List<Envelope> sendable = new ArrayList<>(envelopes.size());
    for (Envelope e : envelopes) {
      if (e.delivered > 0) {
        prepare(e); // a no-op when enrichment or the wire path encoded it already
        sendable.add(e);
      }
    }
    if (!sendable.isEmpty()) {
      exportAll(sendable, context);
    }
  }

  private void exportAll(List<Envelope> envelopes, Context context) throws ExportException {
    try {
      retrying(envelopes, context);
    } catch (TooLarge tooLarge) {
      if (envelopes.size() == 1) {
        throw new ExportException(tooLarge.getMessage() + " (not retryable)", envelopes);
      }
      int half = envelopes.size() / 2;
      LOG.debug("{}; sending {} envelopes in two halves", tooLarge.getMessage(), envelopes.size());
      List<Envelope> failed = new ArrayList<>();
      String message = null;
      for (List<Envelope> part : List.of(envelopes.subList(0, half), envelopes.subList(half, envelopes.size()))) {
        try {
          exportAll(part, context);
        } catch (ExportException e) {
          failed.addAll(e.failed(part));
          message = e.getMessage();
        }
      }
      if (!failed.isEmpty()) {
        throw new ExportException(message, failed);
      }
    }
  }

  /** The downstream refused the request as too large. */
  private static final class TooLarge extends Exception {
    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  private void retrying(List<Envelope> envelopes, Context context) throws ExportException, TooLarge {
    int delivered = 0;
    List<byte[]> parts = new ArrayList<>(envelopes.size());
    for (Envelope e : envelopes) {
      delivered += e.delivered;
      parts.add(e.encoded);
    }
    Signal signal = envelopes.get(0).signal;
    long deadline = System.nanoTime() + maxRetryTime.toNanos();
    long backoff = INITIAL_BACKOFF_MILLIS;
    for (int attempt = 1; ; attempt++) {
      Attempt result = send(signal, parts, REQUEST_TIMEOUT);
      switch (result.kind()) {
        case DELIVERED:
          logPartialSuccess(signal, result.response(), destination(signal));
          return;
        case TOO_LARGE:
          throw new TooLarge(result.failure() + " for " + delivered + " item(s)");
        case FAILED:
          throw new ExportException(result.failure() + " (not retryable)");
        default:
          break;
      }
      // The downstream's delay is capped before it is converted: it may name any number of seconds.
      Duration cap = Duration.ofMillis(MAX_BACKOFF_MILLIS * 6);
      long wait = result.retryAfter() == null ? backoff
          : result.retryAfter().compareTo(cap) > 0 ? cap.toMillis() : result.retryAfter().toMillis();
      if (context.giveUp() || System.nanoTime() + wait * 1_000_000 > deadline) {
        throw new ExportException(result.failure() + " after " + attempt + " attempt(s)");
      }
      if (attempt == 1 || attempt % 10 == 0) {
        LOG.warn("Export of {} {} item(s) failed ({}); retrying", delivered, signal.label(), result.failure());
      }
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExportException(result.failure() + "; interrupted while retrying");
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }
  }

  private static void logPartialSuccess(Signal signal, byte[] body, String destination) {
    try {
      long rejected;
      String message;
      switch (signal) {
        case TRACES: {
          var p = ExportTraceServiceResponse.parseFrom(body).getPartialSuccess();
          rejected = p.getRejectedSpans();
          message = p.getErrorMessage();
          break;
        }
        case LOGS: {
          var p = ExportLogsServiceResponse.parseFrom(body).getPartialSuccess();
          rejected = p.getRejectedLogRecords();
          message = p.getErrorMessage();
          break;
        }
        default: {
          var p = ExportMetricsServiceResponse.parseFrom(body).getPartialSuccess();
          rejected = p.getRejectedDataPoints();
          message = p.getErrorMessage();
        }
      }
      if (rejected > 0 || !message.isEmpty()) {
        LOG.warn("{} rejected {} {} item(s): {}", destination, rejected, signal.label(), message);
      }
    } catch (IOException e) {
      // Not a protobuf response: the export succeeded all the same.
    }
  }
}
