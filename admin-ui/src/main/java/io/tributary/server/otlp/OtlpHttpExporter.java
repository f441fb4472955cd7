package io.tributary.server.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
  private final HttpClient http;
  private final Duration maxRetryTime;

  OtlpHttpExporter(String baseUrl, Duration maxRetryTime) {
    String b = Objects.requireNonNull(baseUrl, "baseUrl");
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    this.maxRetryTime = maxRetryTime;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Override
  public String name() {
    return "otlp";
  }

  @Override
  public void export(Envelope envelope, Context context) throws ExportException {
    if (envelope.delivered == 0) {
      return;
    }
    URI uri = URI.create(base + envelope.signal.path());
    byte[] body = envelope.request.toByteArray();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    long deadline = System.nanoTime() + maxRetryTime.toNanos();
    long backoff = INITIAL_BACKOFF_MILLIS;
    for (int attempt = 1; ; attempt++) {
      String failure;
      OptionalLong retryAfter = OptionalLong.empty();
      try {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          logPartialSuccess(envelope.signal, response.body(), uri);
          return;
        }
        failure = "HTTP " + status + " from " + uri;
        if (status != 429 && status < 500) {
          throw new ExportException(failure + " (not retryable)");
        }
        retryAfter = seconds(response.headers().firstValue("Retry-After").orElse(null));
      } catch (IOException e) {
        failure = e.getClass().getSimpleName() + " sending to " + uri + ": " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExportException("interrupted sending to " + uri);
      }
      long wait = retryAfter.isPresent() ? Math.min(retryAfter.getAsLong() * 1000, MAX_BACKOFF_MILLIS * 6) : backoff;
      if (context.giveUp() || System.nanoTime() + wait * 1_000_000 > deadline) {
        throw new ExportException(failure + " after " + attempt + " attempt(s)");
      }
      if (attempt == 1 || attempt % 10 == 0) {
        LOG.warn("Export of {} {} item(s) failed ({}); retrying", envelope.delivered, envelope.signal.label(),
            failure);
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

  private static void logPartialSuccess(Signal signal, byte[] body, URI uri) {
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
