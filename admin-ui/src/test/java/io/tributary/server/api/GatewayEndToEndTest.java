package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tributary.gateway.ExporterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end: the OpenTelemetry Java SDK's OTLP/HTTP exporters send spans and logs to a real node,
 * whose default pipeline enriches them, and a downstream OTLP/HTTP endpoint (a small Javalin server
 * decoding protobuf) receives them.
 */
class GatewayEndToEndTest {

  private static final String EMAIL = "ada@example.com";

  @TempDir Path dir;
  private Javalin downstream;
  private final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
  private final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();
  /** The downstream answers the first request 503: the gateway must retry it. */
  private final AtomicInteger unavailableFirst = new AtomicInteger(1);
  private TestNode node;

  @BeforeEach
  void startDownstream() {
    downstream = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.routes.post("/v1/traces", ctx -> {
        if (unavailableFirst.getAndDecrement() > 0) {
          ctx.status(503).header("Retry-After", "0");
          return;
        }
        traces.add(ExportTraceServiceRequest.parseFrom(ctx.bodyAsBytes()));
        ctx.contentType("application/x-protobuf").result(ExportTraceServiceResponse.getDefaultInstance().toByteArray());
      });
      cfg.routes.post("/v1/logs", ctx -> {
        logs.add(ExportLogsServiceRequest.parseFrom(ctx.bodyAsBytes()));
        ctx.contentType("application/x-protobuf").result(ExportLogsServiceResponse.getDefaultInstance().toByteArray());
      });
    }).start(0);
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    downstream.stop();
  }

  /**
   * With a JSONL exporter beside the OTLP one every span is rebuilt through protobuf builders (its
   * JSON line needs them); with OTLP alone spans are written from the SDK's own bytes.
   */
  @ParameterizedTest(name = "jsonl exporter too: {0}")
  @ValueSource(booleans = {true, false})
  void spans_and_logs_from_the_sdk_arrive_downstream_enriched_redacted_and_with_lineage(boolean jsonlToo)
      throws Exception {
    List<ExporterSpec> exporters = new ArrayList<>(List.of(new ExporterSpec("otlp", "http://localhost:" + downstream.port())));
    if (jsonlToo) {
      exporters.add(new ExporterSpec("jsonl", ""));
    }
    node = TestNode.start(dir.resolve("data"), "dev", exporters);
    String receiver = "http://localhost:" + node.node.otlpPort();
    Resource resource = Resource.getDefault().merge(Resource.create(
        Attributes.of(AttributeKey.stringKey("service.name"), "checkout")));
    SdkTracerProvider tracerProvider = SdkTracerProvider.builder().setResource(resource)
        .addSpanProcessor(SimpleSpanProcessor.create(
            OtlpHttpSpanExporter.builder().setEndpoint(receiver + "/v1/traces").setCompression("gzip").build()))
        .build();
    SdkLoggerProvider loggerProvider = SdkLoggerProvider.builder().setResource(resource)
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(
            OtlpHttpLogRecordExporter.builder().setEndpoint(receiver + "/v1/logs").build()))
        .build();
    Tracer tracer = tracerProvider.tracerBuilder("shop.checkout").setInstrumentationVersion("1.4.0").build();
    Logger logger = loggerProvider.loggerBuilder("shop.checkout").build();

    Span parent = tracer.spanBuilder("POST /cart").setSpanKind(SpanKind.SERVER)
        .setAttribute("user.email", EMAIL).startSpan();
    Span child;
    try (Scope ignored = parent.makeCurrent()) {
      child = tracer.spanBuilder("SELECT cart").setSpanKind(SpanKind.CLIENT).startSpan();
      child.end();
      logger.logRecordBuilder().setSeverity(Severity.ERROR).setBody("payment failed for " + EMAIL)
          .setAttribute(AttributeKey.stringKey("customer.email"), EMAIL).emit();
    }
    parent.end();
    assertThat(tracerProvider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(loggerProvider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    tracerProvider.shutdown().join(10, TimeUnit.SECONDS);
    loggerProvider.shutdown().join(10, TimeUnit.SECONDS);

    List<io.opentelemetry.proto.trace.v1.Span> spans = await(() -> {
      List<io.opentelemetry.proto.trace.v1.Span> all = new ArrayList<>();
      for (ExportTraceServiceRequest r : traces) {
        for (ResourceSpans rs : r.getResourceSpansList()) {
          assertEnriched(rs.getResource().getAttributesList());
          rs.getScopeSpansList().forEach(ss -> {
            assertThat(ss.getScope().getName()).isEqualTo("shop.checkout");
            assertThat(ss.getScope().getVersion()).isEqualTo("1.4.0");
            all.addAll(ss.getSpansList());
          });
        }
      }
      return all.size() >= 2 ? Optional.of(all) : Optional.empty();
    });
    io.opentelemetry.proto.trace.v1.Span server = spans.stream().filter(s -> s.getName().equals("POST /cart"))
        .findFirst().orElseThrow();
    io.opentelemetry.proto.trace.v1.Span client = spans.stream().filter(s -> s.getName().equals("SELECT cart"))
        .findFirst().orElseThrow();
    String traceId = parent.getSpanContext().getTraceId();
    assertThat(hex(server.getTraceId().toByteArray())).isEqualTo(traceId);
    assertThat(hex(server.getSpanId().toByteArray())).isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(hex(client.getTraceId().toByteArray())).isEqualTo(traceId);
    assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(server.getKind()).isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(server.getFlags() & 0xff).isEqualTo(parent.getSpanContext().getTraceFlags().asByte() & 0xff).isOdd();
    assertThat(attribute(server.getAttributesList(), "user.email")).isNotEmpty().doesNotContain(EMAIL);
    assertThat(attribute(server.getAttributesList(), "tributary.lineage"))
        .startsWith("dev#1 ").contains("pii-redaction@").contains("environment@");

    LogRecord log = await(() -> {
      for (ExportLogsServiceRequest r : logs) {
        for (ResourceLogs rl : r.getResourceLogsList()) {
          assertEnriched(rl.getResource().getAttributesList());
          if (rl.getScopeLogsCount() > 0 && rl.getScopeLogs(0).getLogRecordsCount() > 0) {
            return Optional.of(rl.getScopeLogs(0).getLogRecords(0));
          }
        }
      }
      return Optional.empty();
    });
    assertThat(log.getBody().getStringValue()).startsWith("payment failed for ").doesNotContain(EMAIL);
    assertThat(attribute(log.getAttributesList(), "customer.email")).doesNotContain(EMAIL);
    assertThat(hex(log.getTraceId().toByteArray())).isEqualTo(traceId);
    assertThat(log.getSeverityNumberValue()).isEqualTo(Severity.ERROR.getSeverityNumber());
    assertThat(attribute(log.getAttributesList(), "tributary.lineage")).startsWith("dev#1 ");

    // The JSONL copy, the recent items and the counts tell the same story once the gateway holds nothing:
    // exporters run one after the other, so the downstream copy can arrive before the JSONL line is written.
    await(() -> node.get("/api/v1/environments/dev/stats", TestNode.ADMIN_TOKEN).json().at("/gateway/queued")
        .asLong(-1) == 0 ? Optional.of(true) : Optional.empty());
    if (jsonlToo) {
      Path jsonl = dir.resolve("data/out/telemetry.jsonl");
      List<String> lines = Files.readAllLines(jsonl);
      assertThat(lines).hasSize(3).allSatisfy(line -> assertThat(line).doesNotContain(EMAIL));
    }
    JsonNode recent = node.get("/api/v1/environments/dev/recent?limit=10", TestNode.ADMIN_TOKEN).json();
    assertThat(recent.get("items")).hasSize(3);
    assertThat(recent.get("items").get(0).get("lineage").asText()).startsWith("dev#1 ");
    JsonNode gateway = node.get("/api/v1/environments/dev/stats", TestNode.ADMIN_TOKEN).json().get("gateway");
    assertThat(gateway.at("/signals/traces/received").asLong()).isEqualTo(2);
    assertThat(gateway.at("/signals/traces/exported/otlp").asLong()).isEqualTo(2);
    assertThat(gateway.at("/signals/logs/exported/" + (jsonlToo ? "jsonl" : "otlp")).asLong()).isEqualTo(1);
    assertThat(gateway.at("/signals/traces/deadLettered").asLong()).isZero();
    assertThat(node.get("/metrics", TestNode.ADMIN_TOKEN).body())
        .contains("tributary_gateway_exported_total{env=\"dev\",exporter=\"otlp\",signal=\"traces\"} 2.0");
  }

  private static void assertEnriched(List<KeyValue> resource) {
    assertThat(attribute(resource, "service.name")).isEqualTo("checkout");
    assertThat(attribute(resource, "deployment.environment.name")).isEqualTo("dev");
  }

  private static String attribute(List<KeyValue> attributes, String key) {
    return attributes.stream().filter(kv -> kv.getKey().equals(key)).map(kv -> kv.getValue().getStringValue())
        .findFirst().orElse(null);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private interface Probe<T> {
    Optional<T> get();
  }

  private static <T> T await(Probe<T> probe) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("nothing arrived downstream within 15 s");
  }
}
