package io.tributary.gateway;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.X509TrustManager;

/**
 * Sends enriched telemetry as OTLP/HTTP protobuf to {@code <base>/v1/traces|logs|metrics}. Retries
 * 429, 502, 503, 504 (and every other 5xx) and connection failures, honouring {@code Retry-After};
 * halves on 413; other statuses fail at once.
 */
final class OtlpHttpExporter extends OtlpExporter {

  /** How long one envelope is retried before its items go to the dead-letter sink. */
  static final Duration MAX_RETRY_TIME = OtlpExporter.MAX_RETRY_TIME;

  private final String base;
  /** The base URL's path, without a trailing slash ("" for none). */
  private final String pathPrefix;
  private final HttpPost http;

  OtlpHttpExporter(String baseUrl, Duration maxRetryTime) {
    this(baseUrl, maxRetryTime, null);
  }

  /** @param trust the CAs an https downstream must chain to; null for the JDK's default ones */
  OtlpHttpExporter(String baseUrl, Duration maxRetryTime, X509TrustManager trust) {
    super(maxRetryTime);
    String b = Objects.requireNonNull(baseUrl, "baseUrl");
    this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    URI uri = URI.create(this.base);
    this.pathPrefix = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.http = new HttpPost(uri, Duration.ofSeconds(5), trust);
  }

  @Override
  public String name() {
    return "otlp";
  }

  @Override
  String destination(Signal signal) {
    return base + signal.path();
  }

  @Override
  Attempt send(Signal signal, List<byte[]> parts, Duration timeout) {
    String uri = destination(signal);
    try {
      // The parts go out as they are, one after the other, with a Content-Length (not chunked).
      HttpPost.Response response = http.post(pathPrefix + signal.path(), "application/x-protobuf", parts, timeout);
      int status = response.status();
      if (status >= 200 && status < 300) {
        return Attempt.delivered(response.body());
      }
      String failure = "HTTP " + status + " from " + uri;
      if (status == 413) {
        return Attempt.tooLarge(failure);
      }
      if (status != 429 && status < 500) {
        return Attempt.failed(failure);
      }
      return Attempt.retry(failure, seconds(response.retryAfter()));
    } catch (IOException e) {
      return Attempt.retry(e.getClass().getSimpleName() + " sending to " + uri + ": " + e.getMessage(), null);
    }
  }

  /** Closes the connection to the downstream (the export thread has stopped). */
  @Override
  public void close() {
    http.close();
  }

  private static Duration seconds(String header) {
    if (header == null) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
