package io.tributary.gateway;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends enriched telemetry as OTLP/HTTP protobuf to {@code <base>/v1/traces|logs|metrics}. Retries
 * 429, 502, 503, 504 (and every other 5xx) and connection failures with exponential backoff,
 * honouring {@code Retry-After}, for up to {@link #MAX_RETRY_TIME}; other statuses fail at once.
 */
final class OtlpHttpExporter implements Exporter {

  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpExporter.class);
  /** How long one envelope is retried before its items go to the dead-letter sink. */
  static final Duration MAX_RETRY_TIME = Duration.ofMinutes(2);
  private static final long INITIAL_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 5_000;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final String base;
  /** The base URL's path, without a trailing slash ("" for none). */
  private final String pathPrefix;
  private final HttpPost http;
  private final Duration maxRetryTime;

  OtlpHttpExporter(String baseUrl, Duration maxRetryTime) {
    String b = Objects.requireNonNull(baseUrl, "baseUrl");
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    this.maxRetryTime = maxRetryTime;
    URI uri = URI.create(this.base);
    this.pathPrefix = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.http = new HttpPost(uri, Duration.ofSeconds(5));
  }

  @Override
  public String name() {
    return "otlp";
  }

  /** Encodes the request where it was enriched, so the export thread only concatenates and sends. */
  @Override
  public void prepare(Envelope envelope) {
    if (envelope.encoded == null && envelope.request != null && envelope.delivered > 0) {
      envelope.encoded = envelope.request.toByteArray();
    }
  }

  /**
   * Sends the envelopes as one request. An Export*ServiceRequest has one repeated field, so
   * concatenated encodings are the encoding of the request holding all their resources. A
   * downstream that answers 413 to several envelopes at once gets them in halves; an envelope it
   * refuses on its own fails (only the envelopes that failed are named in the exception).
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
      send(sendable, context);
    }
  }

  private void send(List<Envelope> envelopes, Context context) throws ExportException {
    try {
      post(envelopes, context);
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
          send(part, context);
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

  /** The downstream answered 413 Content Too Large. */
  private static final class TooLarge extends Exception {
    TooLarge(String message) {
      super(message, null, false, false);
    }
  }

  private void post(List<Envelope> envelopes, Context context) throws ExportException, TooLarge {
    int delivered = 0;
    List<byte[]> parts = new ArrayList<>(envelopes.size());
    for (Envelope e : envelopes) {
      delivered += e.delivered;
      parts.add(e.encoded);
    }
    Signal signal = envelopes.get(0).signal;
    String path = pathPrefix + signal.path();
    String uri = base + signal.path();
    long deadline = System.nanoTime() + maxRetryTime.toNanos();
    long backoff = INITIAL_BACKOFF_MILLIS;
    for (int attempt = 1; ; attempt++) {
      String failure;
      OptionalLong retryAfter = OptionalLong.empty();
      try {
        // The parts go out as they are, one after the other, with a Content-Length (not chunked).
        HttpPost.Response response = http.post(path, "application/x-protobuf", parts, REQUEST_TIMEOUT);
        int status = response.status();
        if (status >= 200 && status < 300) {
          logPartialSuccess(signal, response.body(), uri);
          return;
        }
        failure = "HTTP " + status + " from " + uri;
        if (status == 413) {
          throw new TooLarge(failure + " for " + delivered + " item(s)");
        }
        if (status != 429 && status < 500) {
          throw new ExportException(failure + " (not retryable)");
        }
        retryAfter = seconds(response.retryAfter());
      } catch (IOException e) {
        failure = e.getClass().getSimpleName() + " sending to " + uri + ": " + e.getMessage();
      }
      long wait = retryAfter.isPresent() ? Math.min(retryAfter.getAsLong() * 1000, MAX_BACKOFF_MILLIS * 6) : backoff;
      if (context.giveUp() || System.nanoTime() + wait * 1_000_000 > deadline) {
        throw new ExportException(failure + " after " + attempt + " attempt(s)");
      }
      if (attempt == 1 || attempt % 10 == 0) {
        LOG.warn("Export of {} {} item(s) failed ({}); retrying", delivered, signal.label(), failure);
      }
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExportException(failure + "; interrupted while retrying");
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }
  }

  /** Closes the connection to the downstream (the export thread has stopped). */
  @Override
  public void close() {
    http.close();
  }

  private static OptionalLong seconds(String header) {
    if (header == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Math.max(0, Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static void logPartialSuccess(Signal signal, byte[] body, String uri) {
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
        LOG.warn("{} rejected {} {} item(s): {}", uri, rejected, signal.label(), message);
      }
    } catch (IOException e) {
      // Not a protobuf response: the export succeeded all the same.
    }
  }
}
