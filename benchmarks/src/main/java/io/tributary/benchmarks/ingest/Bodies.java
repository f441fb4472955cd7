package io.tributary.benchmarks.ingest;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded OTLP trace export requests, encoded once: spans as an instrumented HTTP service sends
 * them, about ten attributes each, an e-mail address in one span of ten (so pii-redaction has work).
 */
public final class Bodies {

  private Bodies() {}

  public static List<byte[]> build(int count, int spansPerBatch, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<byte[]> out = new ArrayList<>(count);
    for (int b = 0; b < count; b++) {
      out.add(request(random, spansPerBatch).toByteArray());
    }
    return out;
  }

  static ExportTraceServiceRequest request(SplittableRandom random, int spans) {
    Resource resource = resource(random);
    ScopeSpans.Builder scope = ScopeSpans.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName("shop.checkout").setVersion("1.4.0"));
    long now = 1_790_000_000_000_000_000L + random.nextInt(1_000_000) * 1_000L;
    for (int i = 0; i < spans; i++) {
      byte[] traceId = new byte[16];
      byte[] spanId = new byte[8];
      random.nextBytes(traceId);
      random.nextBytes(spanId);
      traceId[0] |= 1; // never all zero
      spanId[0] |= 1;
      Span.Builder span = Span.newBuilder()
          .setTraceId(ByteString.copyFrom(traceId))
          .setSpanId(ByteString.copyFrom(spanId))
          .setName(i % 3 == 0 ? "POST /cart" : "GET /cart/{id}")
          .setKind(Span.SpanKind.SPAN_KIND_SERVER)
          .setStartTimeUnixNano(now + i * 1_000L)
          .setEndTimeUnixNano(now + i * 1_000L + 250_000L + random.nextInt(5_000_000))
          .addAttributes(kv("http.request.method", i % 3 == 0 ? "POST" : "GET"))
          .addAttributes(kv("http.route", "/cart/{id}"))
          .addAttributes(kv("url.path", "/cart/" + random.nextInt(100_000)))
          .addAttributes(kvLong("http.response.status_code", random.nextInt(20) == 0 ? 500 : 200))
          .addAttributes(kv("server.address", "shop.example.com"))
          .addAttributes(kv("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) Firefox/139.0"))
          .addAttributes(kv("x-request-id", "req-" + Long.toHexString(random.nextLong())))
          .addAttributes(kv("cart.items", String.valueOf(random.nextInt(12))))
          .addAttributes(kvLong("network.peer.port", 40_000 + random.nextInt(20_000)));
      if (random.nextInt(10) == 0) {
        span.addAttributes(kv("user.email", "customer" + random.nextInt(10_000) + "@example.com"));
      } else {
        span.addAttributes(kv("session.tier", "gold"));
      }
      scope.addSpans(span);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope))
        .build();
  }

  /**
   * Seeded OTLP log export requests, encoded once: records as a Java service's logging appender
   * sends them through the SDK — a message body (an e-mail address and a client address in one of
   * ten), severity, trace context on most, five attributes.
   */
  public static List<byte[]> logs(int count, int recordsPerBatch, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<byte[]> out = new ArrayList<>(count);
    for (int b = 0; b < count; b++) {
      out.add(logRequest(random, recordsPerBatch).toByteArray());
    }
    return out;
  }

  static ExportLogsServiceRequest logRequest(SplittableRandom random, int records) {
    Resource resource = resource(random);
    ScopeLogs.Builder scope = ScopeLogs.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName("com.shop.checkout.CartService"));
    long now = 1_790_000_000_000_000_000L + random.nextInt(1_000_000) * 1_000L;
    for (int i = 0; i < records; i++) {
      int level = random.nextInt(20);
      SeverityNumber severity = level == 0 ? SeverityNumber.SEVERITY_NUMBER_ERROR
          : level < 3 ? SeverityNumber.SEVERITY_NUMBER_WARN : SeverityNumber.SEVERITY_NUMBER_INFO;
      String body = random.nextInt(10) == 0
          ? "login failed for customer" + random.nextInt(10_000) + "@example.com from 198.51.100." + random.nextInt(250)
          : "cart " + random.nextInt(100_000) + " updated: " + random.nextInt(12) + " items, total "
              + random.nextInt(50_000) / 100.0 + " EUR";
      LogRecord.Builder record = LogRecord.newBuilder()
          .setTimeUnixNano(now + i * 1_000L).setObservedTimeUnixNano(now + i * 1_000L + 20_000L)
          .setSeverityNumber(severity).setSeverityText(severity.name().substring(16))
          .setBody(AnyValue.newBuilder().setStringValue(body))
          .addAttributes(kv("thread.name", "http-nio-8080-exec-" + random.nextInt(16)))
          .addAttributes(kvLong("thread.id", 40 + random.nextInt(16)))
          .addAttributes(kv("code.namespace", "com.shop.checkout.CartService"))
          .addAttributes(kv("code.function", i % 2 == 0 ? "update" : "checkout"))
          .addAttributes(kv("log.logger", "com.shop.checkout.CartService"));
      if (random.nextInt(10) != 0) {
        byte[] traceId = new byte[16];
        byte[] spanId = new byte[8];
        random.nextBytes(traceId);
        random.nextBytes(spanId);
        traceId[0] |= 1;
        spanId[0] |= 1;
        record.setTraceId(ByteString.copyFrom(traceId)).setSpanId(ByteString.copyFrom(spanId)).setFlags(1);
      }
      scope.addLogRecords(record);
    }
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder().setResource(resource).addScopeLogs(scope))
        .build();
  }

  /** The service's resource, as its SDK describes it. */
  private static Resource resource(SplittableRandom random) {
    return Resource.newBuilder()
        .addAttributes(kv("service.name", "checkout"))
        .addAttributes(kv("service.version", "2.4." + random.nextInt(10)))
        .addAttributes(kv("host.name", "web-" + random.nextInt(8)))
        .addAttributes(kv("telemetry.sdk.language", "java"))
        .build();
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue kvLong(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }
}
