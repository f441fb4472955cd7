package io.tributary.distribution;

import static io.tributary.distribution.ServerProcesses.LAUNCHER;
import static io.tributary.distribution.ServerProcesses.awaitHealth;
import static io.tributary.distribution.ServerProcesses.freePort;
import static io.tributary.distribution.ServerProcesses.readQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.InsecureServerCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tributary.testing.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the real OpenTelemetry SDK's OTLP/gRPC exporters send spans, log records and metrics
 * to the assembled server (plaintext and over TLS), which exports them over OTLP/gRPC to a
 * grpc-java downstream in the test, enriched by the default pipeline.
 */
class OtlpGrpcIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EMAIL = "ada@example.com";
  private static final String REDACTED_EMAIL = "[REDACTED:email]";
  /** How long a server may take to answer health: seconds normally, more on a machine busy with other work. */
  private static final Duration STARTUP = Duration.ofSeconds(30);
  private static final Duration ARRIVAL = Duration.ofSeconds(15);

  @TempDir Path temp;

  private final List<Process> started = new ArrayList<>();
  private final List<Downstream> downstreams = new ArrayList<>();
  private final List<AutoCloseable> sdks = new ArrayList<>();

  @AfterEach
  void stop_leftovers() throws Exception {
    closeSdks();
    started.forEach(Process::destroyForcibly);
    downstreams.forEach(Downstream::close);
  }

  /**
   * Plaintext end to end: a span with a PII attribute, a log record with PII in its body and
   * attributes, and a counter, sent by the SDK's gRPC exporters, reach the gRPC downstream with
   * their trace context kept, the environment stamped, the email redacted and lineage added.
   */
  @Test
  void sdk_grpc_spans_logs_and_metrics_come_out_enriched_at_a_grpc_downstream() throws Exception {
    Downstream downstream = Downstream.start(InsecureServerCredentials.create());
    downstreams.add(downstream);
    int admin = freePort();
    int grpc = freePort();
    Path log = temp.resolve("plaintext.log");
    Process server = launch(log, "serve", "--admin-port", String.valueOf(admin), "--otlp-port", "0",
        "--otlp-grpc-port", String.valueOf(grpc), "--data-dir", temp.resolve("data").toString(),
        "--exporter", "otlp-grpc=localhost:" + downstream.port());
    awaitHealth(server, admin, log, STARTUP);

    String endpoint = "http://localhost:" + grpc;
    io.opentelemetry.sdk.resources.Resource resource = resource();
    SdkTracerProvider tracing = closing(SdkTracerProvider.builder().setResource(resource)
        .addSpanProcessor(SimpleSpanProcessor.create(OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build()))
        .build());
    SdkLoggerProvider logging = closing(SdkLoggerProvider.builder().setResource(resource)
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(
            OtlpGrpcLogRecordExporter.builder().setEndpoint(endpoint).build()))
        .build());
    SdkMeterProvider metering = closing(SdkMeterProvider.builder().setResource(resource)
        .registerMetricReader(PeriodicMetricReader.builder(OtlpGrpcMetricExporter.builder().setEndpoint(endpoint)
            .build()).setInterval(Duration.ofHours(1)).build())
        .build());

    Span parent = tracing.get("checkout").spanBuilder("POST /cart").startSpan();
    Span child;
    try (Scope outer = parent.makeCurrent()) {
      child = tracing.get("checkout").spanBuilder("charge card").setAttribute("user.email", EMAIL).startSpan();
      try (Scope inner = child.makeCurrent()) {
        logging.get("checkout").logRecordBuilder().setSeverity(Severity.ERROR)
            .setBody("payment failed for " + EMAIL)
            .setAttribute(AttributeKey.stringKey("customer.email"), EMAIL).emit();
      }
      child.end();
    }
    parent.end();
    metering.get("checkout").counterBuilder("orders.placed").build()
        .add(3, Attributes.of(AttributeKey.stringKey("tenant"), "acme"));
    assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).as("spans sent").isTrue();
    assertThat(logging.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).as("log sent").isTrue();
    assertThat(metering.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).as("metric sent").isTrue();

    awaitUntil(() -> downstream.span("charge card") != null && downstream.span("POST /cart") != null
        && downstream.logRecord() != null && downstream.metric("orders.placed") != null, downstream, server, log);

    Found<io.opentelemetry.proto.trace.v1.Span> charged = downstream.span("charge card");
    io.opentelemetry.proto.trace.v1.Span span = charged.item();
    assertThat(hex(span.getTraceId())).as("trace id kept").isEqualTo(child.getSpanContext().getTraceId());
    assertThat(hex(span.getSpanId())).as("span id kept").isEqualTo(child.getSpanContext().getSpanId());
    assertThat(hex(span.getParentSpanId())).as("parent kept").isEqualTo(parent.getSpanContext().getSpanId());
    assertThat(hex(downstream.span("POST /cart").item().getTraceId())).isEqualTo(parent.getSpanContext().getTraceId());
    assertThat(string(charged.resource().getAttributesList(), "deployment.environment.name")).isEqualTo("dev");
    assertThat(string(charged.resource().getAttributesList(), "service.name")).isEqualTo("checkout");
    assertThat(string(span.getAttributesList(), "user.email")).isEqualTo(REDACTED_EMAIL);
    assertThat(value(span.getAttributesList(), "pii.redacted.email").getIntValue()).isEqualTo(1);
    assertThat(string(span.getAttributesList(), "tributary.lineage")).as("lineage").isNotBlank();
    assertThat(string(span.getAttributesList(), "request.id")).as("request id generated").isNotBlank();

    Found<LogRecord> logged = downstream.logRecord();
    LogRecord record = logged.item();
    assertThat(record.getBody().getStringValue()).isEqualTo("payment failed for " + REDACTED_EMAIL);
    assertThat(string(record.getAttributesList(), "customer.email")).isEqualTo(REDACTED_EMAIL);
    assertThat(record.getSeverityNumber().getNumber()).isEqualTo(Severity.ERROR.getSeverityNumber());
    assertThat(hex(record.getTraceId())).as("log keeps its trace context")
        .isEqualTo(child.getSpanContext().getTraceId());
    assertThat(hex(record.getSpanId())).isEqualTo(child.getSpanContext().getSpanId());
    assertThat(string(logged.resource().getAttributesList(), "deployment.environment.name")).isEqualTo("dev");
    assertThat(string(record.getAttributesList(), "tributary.lineage")).as("lineage").isNotBlank();
    assertThat(string(record.getAttributesList(), "request.id")).as("request id generated").isNotBlank();

    Found<Metric> counted = downstream.metric("orders.placed");
    Metric metric = counted.item();
    assertThat(metric.hasSum()).as("a counter stays a monotonic sum").isTrue();
    assertThat(metric.getSum().getIsMonotonic()).isTrue();
    NumberDataPoint point = metric.getSum().getDataPoints(0);
    assertThat(point.getAsInt()).isEqualTo(3);
    assertThat(string(point.getAttributesList(), "tenant")).isEqualTo("acme");
    assertThat(string(counted.resource().getAttributesList(), "deployment.environment.name")).isEqualTo("dev");
    assertThat(point.getAttributesList()).as("lineage is for spans and log records only")
        .noneMatch(kv -> kv.getKey().equals("tributary.lineage"));
    // A point's attributes name its series: no generated request id splits it into one series a point.
    assertThat(point.getAttributesList()).as("no request id on a metric point")
        .noneMatch(kv -> kv.getKey().equals("request.id"));

    assertThat(downstream.everything()).as("the raw address, anywhere the downstream got").doesNotContain(EMAIL);
    stop(server, log);
    assertThat(readQuietly(log)).as("the raw address in the server log").doesNotContain(EMAIL);
  }

  /**
   * TLS end to end: the SDK sends over mutual TLS with a client certificate from a CA the test
   * makes, the server exports over TLS to a downstream it trusts through --exporter-ca, the span
   * arrives enriched, health reports the gRPC listener as mutual-tls, and an exporter without a
   * client certificate gets nothing through.
   */
  @Test
  void over_mutual_tls_the_sdk_gets_in_with_a_client_certificate_and_only_with_one() throws Exception {
    TestCertificates ca = TestCertificates.authority("otlp-grpc-it");
    Path certs = temp.resolve("certs");
    Path caFile = ca.caFile(certs);
    TestCertificates.Issued tributary = ca.server(certs, "tributary");
    TestCertificates.Issued collector = ca.server(certs, "collector");
    TestCertificates.Issued client = ca.client(certs, "sdk-client");
    Downstream downstream = Downstream.start(
        TlsServerCredentials.create(collector.cert().toFile(), collector.key().toFile()));
    downstreams.add(downstream);
    int admin = freePort();
    int grpc = freePort();
    Path log = temp.resolve("tls.log");
    Process server = launch(log, "serve", "--admin-port", String.valueOf(admin), "--otlp-port", "0",
        "--otlp-grpc-port", String.valueOf(grpc), "--data-dir", temp.resolve("data").toString(),
        "--tls-cert", tributary.cert().toString(), "--tls-key", tributary.key().toString(),
        "--tls-client-ca", caFile.toString(),
        "--exporter", "otlp-grpc=https://localhost:" + downstream.port(), "--exporter-ca", caFile.toString());
    HttpResponse<String> health = awaitHttpsHealth(server, admin, log, ca.clientContext(null));

    assertThat(health.statusCode()).isEqualTo(200);
    Map<String, JsonNode> listeners = new HashMap<>();
    for (JsonNode listener : JSON.readTree(health.body()).get("listeners")) {
      listeners.put(listener.get("name").asText(), listener);
    }
    assertThat(listeners).as(health.body()).containsKeys("admin", "otlp-http", "otlp-grpc");
    assertThat(listeners.get("otlp-grpc").get("port").asInt()).isEqualTo(grpc);
    assertThat(listeners.get("otlp-grpc").get("tls").asText()).isEqualTo("mutual-tls");
    assertThat(listeners.get("otlp-http").get("tls").asText()).isEqualTo("mutual-tls");
    assertThat(listeners.get("admin").get("tls").asText()).isEqualTo("tls");

    byte[] trusted = Files.readAllBytes(caFile);
    String endpoint = "https://localhost:" + grpc;
    // First an exporter that trusts the server but has no client certificate: refused at the handshake.
    SdkTracerProvider anonymous = closing(tracerProvider(OtlpGrpcSpanExporter.builder().setEndpoint(endpoint)
        .setTrustedCertificates(trusted).setTimeout(Duration.ofSeconds(5))));
    anonymous.get("checkout").spanBuilder("without a client certificate").setAttribute("user.email", EMAIL)
        .startSpan().end();
    anonymous.forceFlush().join(10, TimeUnit.SECONDS); // may report success: what counts is what arrives
    // Then one with a client certificate signed by the CA the server requires.
    SdkTracerProvider tracing = closing(tracerProvider(OtlpGrpcSpanExporter.builder().setEndpoint(endpoint)
        .setTrustedCertificates(trusted)
        .setClientTls(pkcs8(client.privateKey()), Files.readAllBytes(client.cert()))));
    Span span = tracing.get("checkout").spanBuilder("with a client certificate").setAttribute("user.email", EMAIL)
        .startSpan();
    span.end();
    assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).as("span sent").isTrue();

    awaitUntil(() -> downstream.span("with a client certificate") != null, downstream, server, log);

    Found<io.opentelemetry.proto.trace.v1.Span> arrived = downstream.span("with a client certificate");
    assertThat(hex(arrived.item().getTraceId())).isEqualTo(span.getSpanContext().getTraceId());
    assertThat(hex(arrived.item().getSpanId())).isEqualTo(span.getSpanContext().getSpanId());
    assertThat(string(arrived.resource().getAttributesList(), "deployment.environment.name")).isEqualTo("dev");
    assertThat(string(arrived.item().getAttributesList(), "user.email")).isEqualTo(REDACTED_EMAIL);
    assertThat(string(arrived.item().getAttributesList(), "tributary.lineage")).isNotBlank();
    assertThat(downstream.span("without a client certificate")).as("no client certificate, no way in").isNull();
    assertThat(downstream.spanCount()).isEqualTo(1);
    assertThat(downstream.everything()).doesNotContain(EMAIL);
    stop(server, log);
  }

  // ---------------------------------------------------------------- the downstream

  /** A span, log record or metric as the downstream got it, with the resource it came under. */
  record Found<T>(Resource resource, T item) {}

  /** A gRPC server with the three OTLP collector services' Export methods, recording every request. */
  static final class Downstream {
    private final List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
    private final List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();
    private final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
    private final List<byte[]> raw = new CopyOnWriteArrayList<>();
    private Server server;

    static Downstream start(ServerCredentials credentials) throws IOException {
      Downstream d = new Downstream();
      d.server = NettyServerBuilder.forPort(0, credentials)
          .addService(d.service("opentelemetry.proto.collector.trace.v1.TraceService", bytes -> {
            d.traces.add(ExportTraceServiceRequest.parseFrom(bytes));
            return ExportTraceServiceResponse.getDefaultInstance().toByteArray();
          }))
          .addService(d.service("opentelemetry.proto.collector.logs.v1.LogsService", bytes -> {
            d.logs.add(ExportLogsServiceRequest.parseFrom(bytes));
            return ExportLogsServiceResponse.getDefaultInstance().toByteArray();
          }))
          .addService(d.service("opentelemetry.proto.collector.metrics.v1.MetricsService", bytes -> {
            d.metrics.add(ExportMetricsServiceRequest.parseFrom(bytes));
            return ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
          }))
          .build().start();
      return d;
    }

    /** What a service does with a request's bytes: record it and answer. */
    interface Export {
      byte[] handle(byte[] request) throws InvalidProtocolBufferException;
    }

    private ServerServiceDefinition service(String name, Export export) {
      MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(MethodDescriptor.generateFullMethodName(name, "Export"))
          .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
      return ServerServiceDefinition.builder(name).addMethod(method, ServerCalls.asyncUnaryCall((request, answer) -> {
        raw.add(request);
        try {
          answer.onNext(export.handle(request));
          answer.onCompleted();
        } catch (InvalidProtocolBufferException e) {
          answer.onError(io.grpc.Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        }
      })).build();
    }

    int port() {
      return server.getPort();
    }

    /** The first span named {@code name}, or null. */
    Found<io.opentelemetry.proto.trace.v1.Span> span(String name) {
      return traces.stream().flatMap(r -> r.getResourceSpansList().stream())
          .flatMap(rs -> rs.getScopeSpansList().stream().flatMap(ss -> ss.getSpansList().stream())
              .map(s -> new Found<>(rs.getResource(), s)))
          .filter(f -> f.item().getName().equals(name)).findFirst().orElse(null);
    }

    long spanCount() {
      return traces.stream().flatMap(r -> r.getResourceSpansList().stream())
          .flatMap(rs -> rs.getScopeSpansList().stream()).mapToLong(ss -> ss.getSpansCount()).sum();
    }

    /** The first log record, or null. */
    Found<LogRecord> logRecord() {
      return logs.stream().flatMap(r -> r.getResourceLogsList().stream())
          .flatMap(rl -> rl.getScopeLogsList().stream().flatMap(sl -> sl.getLogRecordsList().stream())
              .map(l -> new Found<>(rl.getResource(), l)))
          .findFirst().orElse(null);
    }

    /** The first metric named {@code name}, or null. */
    Found<Metric> metric(String name) {
      return metrics.stream().flatMap(r -> r.getResourceMetricsList().stream())
          .flatMap(rm -> rm.getScopeMetricsList().stream().flatMap(sm -> sm.getMetricsList().stream())
              .map(m -> new Found<>(rm.getResource(), m)))
          .filter(f -> f.item().getName().equals(name)).findFirst().orElse(null);
    }

    /** Every request as text: their bytes (as Latin-1) and their protobuf text form. */
    String everything() {
      StringBuilder all = new StringBuilder();
      raw.forEach(bytes -> all.append(new String(bytes, StandardCharsets.ISO_8859_1)).append('\n'));
      Stream.of(traces, logs, metrics).flatMap(List::stream).forEach(r -> all.append(r).append('\n'));
      return all.toString();
    }

    /** What the requests were, for a failure message. */
    @Override
    public String toString() {
      return "traces " + traces + "\nlogs " + logs + "\nmetrics " + metrics;
    }

    void close() {
      server.shutdownNow();
      try {
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  // ---------------------------------------------------------------- helpers

  private static io.opentelemetry.sdk.resources.Resource resource() {
    return io.opentelemetry.sdk.resources.Resource.getDefault().merge(io.opentelemetry.sdk.resources.Resource.create(
        Attributes.of(AttributeKey.stringKey("service.name"), "checkout")));
  }

  private static SdkTracerProvider tracerProvider(OtlpGrpcSpanExporterBuilder exporter) {
    return SdkTracerProvider.builder().setResource(resource())
        .addSpanProcessor(SimpleSpanProcessor.create(exporter.build())).build();
  }

  private <T extends AutoCloseable> T closing(T sdk) {
    sdks.add(sdk);
    return sdk;
  }

  /** Shuts the SDK providers down while the server still runs: their last export is not retried at a dead port. */
  private void closeSdks() throws Exception {
    for (AutoCloseable sdk : sdks) {
      sdk.close();
    }
    sdks.clear();
  }

  /**
   * Polls {@code arrived} until it holds; fails with what the downstream got and the server's log
   * if the deadline passes first.
   */
  private static void awaitUntil(BooleanSupplier arrived, Downstream downstream, Process server, Path log)
      throws InterruptedException {
    long deadline = System.nanoTime() + ARRIVAL.toNanos();
    while (!arrived.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not everything arrived at the downstream within %s; it got:%n%s%nserver %s; log:%n%s", ARRIVAL,
            downstream, server.isAlive() ? "running" : "exited with " + server.exitValue(), readQuietly(log));
      }
      Thread.sleep(50);
    }
  }

  /** Like {@link ServerProcesses#awaitHealth}, over https with a client trusting the test CA. */
  private static HttpResponse<String> awaitHttpsHealth(Process server, int port, Path log, SSLContext trust)
      throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/v1/health"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        fail("server exited with %d before answering; log:%n%s", server.exitValue(), readQuietly(log));
      }
      try {
        return https.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException notYet) {
        last = notYet;
        Thread.sleep(100);
      }
    }
    return fail("no answer on https /api/v1/health (last: %s); log:%n%s", last, readQuietly(log));
  }

  /** {@code key} as PKCS#8 PEM: the SDK reads no other form (TestCertificates writes PKCS#1). */
  private static byte[] pkcs8(PrivateKey key) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
    return ("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static String hex(ByteString id) {
    return HexFormat.of().formatHex(id.toByteArray());
  }

  /** The value of {@code key} in {@code attributes}; fails if there is none. */
  private static AnyValue value(List<KeyValue> attributes, String key) {
    return attributes.stream().filter(kv -> kv.getKey().equals(key)).map(KeyValue::getValue).findFirst()
        .orElseGet(() -> fail("no attribute %s in %s", key, attributes));
  }

  private static String string(List<KeyValue> attributes, String key) {
    return value(attributes, key).getStringValue();
  }

  private void stop(Process server, Path log) throws Exception {
    closeSdks();
    server.destroy();
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("exits within 30 s; log:%n%s", readQuietly(log)).isTrue();
    assertThat(server.exitValue()).as("exit status; log:%n%s", readQuietly(log)).isZero();
    assertThat(readQuietly(log)).contains("Tributary stopped");
  }

  private Process launch(Path log, String... args) throws IOException {
    return ServerProcesses.start(LAUNCHER, temp, log, List.of(args), started);
  }
}
