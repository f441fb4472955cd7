package io.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tributary.testing.TestCertificates;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OTLP/gRPC receiver on a real port, with the real SDK's gRPC exporters and grpc-java's own
 * client as its clients, an empty pipeline and a recording exporter.
 */
class OtlpGrpcReceiverTest {

  @TempDir Path dir;
  private final RecordingExporter recorder = new RecordingExporter();
  private final List<Envelope> exported = recorder.exported;
  private Gateway gateway;
  private OtlpGrpcReceiver receiver;
  private final List<ManagedChannel> channels = new ArrayList<>();

  private void start(Gateway.Settings settings, OtlpGrpcReceiver.Options options) {
    gateway = recorder.gateway(settings, dir);
    receiver = OtlpGrpcReceiver.start(gateway, "127.0.0.1", 0, options);
  }

  private void start() {
    start(Gateway.Settings.defaults(true), OtlpGrpcReceiver.Options.defaults(Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() {
    recorder.open();
    channels.forEach(ManagedChannel::shutdownNow);
    if (receiver != null) {
      receiver.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private ManagedChannel channel(ChannelCredentials credentials) {
    ManagedChannel c = NettyChannelBuilder.forAddress("localhost", receiver.port(), credentials).build();
    channels.add(c);
    return c;
  }

  private byte[] call(ManagedChannel channel, Signal signal, byte[] request, CallOptions options) {
    return ClientCalls.blockingUnaryCall(channel, OtlpGrpc.export(signal),
        options.withDeadlineAfter(20, TimeUnit.SECONDS), request);
  }

  private byte[] call(Signal signal, byte[] request) {
    return call(channel(InsecureChannelCredentials.create()), signal, request, CallOptions.DEFAULT);
  }

  private static Span span(String name) {
    return Span.newBuilder().setName(name).setTraceId(ByteString.fromHex("5b8efff798038103d269b633813fc60c"))
        .setSpanId(ByteString.fromHex("eee19b7ec3c1b174")).build();
  }

  private static byte[] traces(Span... spans) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder()
            .addAttributes(AnyValues.keyValue("service.name", "cart")))
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))).build().toByteArray();
  }

  private void awaitExported(int items) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (exportedItems() < items && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(exportedItems()).isGreaterThanOrEqualTo(items);
  }

  private int exportedItems() {
    return exported.stream().mapToInt(e -> e.delivered).sum();
  }

  @Test
  void the_sdks_grpc_exporters_deliver_spans_logs_and_metrics() throws Exception {
    start();
    String endpoint = "http://localhost:" + receiver.port();
    Resource resource = Resource.getDefault().merge(Resource.create(
        Attributes.of(AttributeKey.stringKey("service.name"), "checkout")));
    OtlpGrpcSpanExporter spans = OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).setCompression("gzip").build();
    SdkTracerProvider tracing = SdkTracerProvider.builder().setResource(resource)
        .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
    OtlpGrpcLogRecordExporter logs = OtlpGrpcLogRecordExporter.builder().setEndpoint(endpoint).build();
    SdkLoggerProvider logging = SdkLoggerProvider.builder().setResource(resource)
        .addLogRecordProcessor(SimpleLogRecordProcessor.create(logs)).build();
    OtlpGrpcMetricExporter metrics = OtlpGrpcMetricExporter.builder().setEndpoint(endpoint).build();
    SdkMeterProvider metering = SdkMeterProvider.builder().setResource(resource)
        .registerMetricReader(PeriodicMetricReader.builder(metrics).setInterval(Duration.ofHours(1)).build()).build();
    try {
      Tracer tracer = tracing.get("test");
      io.opentelemetry.api.trace.Span s = tracer.spanBuilder("GET /cart").setAttribute("http.method", "GET")
          .startSpan();
      s.end();
      Logger logger = logging.get("test");
      logger.logRecordBuilder().setBody("payment failed").setAttribute(AttributeKey.stringKey("order"), "o-1").emit();
      LongCounter counter = metering.get("test").counterBuilder("orders").build();
      counter.add(3);

      assertThat(tracing.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(logging.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(metering.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      awaitExported(3);
    } finally {
      tracing.shutdown().join(10, TimeUnit.SECONDS);
      logging.shutdown().join(10, TimeUnit.SECONDS);
      metering.shutdown().join(10, TimeUnit.SECONDS);
    }

    Envelope trace = exported.stream().filter(e -> e.signal == Signal.TRACES).findFirst().orElseThrow();
    assertThat(String.valueOf(trace.request())).contains("GET /cart").contains("checkout")
        .contains("\"http.method\"");
    Envelope log = exported.stream().filter(e -> e.signal == Signal.LOGS).findFirst().orElseThrow();
    assertThat(String.valueOf(log.request())).contains("payment failed").contains("o-1");
    Envelope metric = exported.stream().filter(e -> e.signal == Signal.METRICS).findFirst().orElseThrow();
    assertThat(String.valueOf(metric.request())).contains("orders");
    assertThat(gateway.stats().toString()).contains("received=1,");
  }

  @Test
  void a_full_queue_answers_resource_exhausted_with_retry_info_and_the_sdk_retries_until_it_fits()
      throws Exception {
    start(Gateway.Settings.defaults(true).withQueueCapacity(2).withAdmissionWait(Duration.ZERO),
        OtlpGrpcReceiver.Options.defaults(Duration.ofSeconds(5)));
    recorder.gated = true;
    byte[] two = traces(span("a"), span("b"));
    call(Signal.TRACES, two);

    StatusRuntimeException full = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> call(Signal.TRACES, two));
    assertThat(full.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(full.getStatus().getDescription()).contains("queue is full");
    assertThat(OtlpGrpc.retryDelay(full.getTrailers())).hasValue(Duration.ofSeconds(1));

    // The SDK, refused the same way, retries (after the delay the server asked for) and gets in
    // once the queue drains.
    OtlpGrpcSpanExporter sdk = OtlpGrpcSpanExporter.builder().setEndpoint("http://localhost:" + receiver.port())
        .build();
    SdkTracerProvider tracing = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(sdk)).build();
    try {
      tracing.get("test").spanBuilder("retried").startSpan().end();
      tracing.get("test").spanBuilder("retried too").startSpan().end();
      Thread.sleep(700);
      assertThat(exported).isEmpty();
      recorder.open();
      CompletableResultCode flushed = tracing.forceFlush().join(30, TimeUnit.SECONDS);
      assertThat(flushed.isSuccess()).isTrue();
      awaitExported(4);
    } finally {
      tracing.shutdown().join(10, TimeUnit.SECONDS);
    }
    assertThat(exported.stream().map(e -> String.valueOf(e.request()))).anyMatch(l -> l.contains("\"retried\""))
        .anyMatch(l -> l.contains("\"retried too\""));
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> traceStats = (java.util.Map<String, Object>)
        ((java.util.Map<String, Object>) gateway.stats().get("signals")).get("traces");
    assertThat(((Number) traceStats.get("throttledRequests")).longValue()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void undecodable_bytes_get_invalid_argument_and_nothing_is_queued() {
    start();
    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> call(Signal.TRACES, new byte[] {0x0a, 0x7f, 0x01, 0x02}));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).startsWith("Undecodable traces request");
    StatusRuntimeException logs = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> call(Signal.LOGS, "not protobuf at all".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(logs.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(exported).isEmpty();
    assertThat(gateway.stats().toString()).contains("received=0,");
  }

  @Test
  void a_message_over_the_size_limit_is_refused_without_retry_info_even_compressed() throws Exception {
    start(Gateway.Settings.defaults(true), new OtlpGrpcReceiver.Options(64 << 10, Duration.ofSeconds(5), null));
    Span big = span("big").toBuilder().addAttributes(AnyValues.keyValue("blob", "x".repeat(100_000))).build();
    byte[] request = traces(big);
    ManagedChannel channel = channel(InsecureChannelCredentials.create());
    for (CallOptions options : List.of(CallOptions.DEFAULT, CallOptions.DEFAULT.withCompression("gzip"))) {
      StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
          () -> call(channel, Signal.TRACES, request, options));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(OtlpGrpc.retryDelay(e.getTrailers())).isEmpty();
    }
    // A message under the limit on the same channel goes through: gzip is inflated and read.
    byte[] ok = call(channel, Signal.TRACES, traces(span("small")), CallOptions.DEFAULT.withCompression("gzip"));
    assertThat(ExportTraceServiceResponse.parseFrom(ok).hasPartialSuccess()).isFalse();
    awaitExported(1);
    assertThat(exportedItems()).isEqualTo(1);
  }

  @Test
  void calls_that_hold_the_room_of_their_messages_are_bounded_and_the_rest_hear_resource_exhausted()
      throws Exception {
    // With 64 MiB messages, the 128 MiB of room hold two calls in progress.
    start(Gateway.Settings.defaults(true), new OtlpGrpcReceiver.Options(64 << 20, Duration.ofSeconds(5), null));
    ManagedChannel channel = channel(InsecureChannelCredentials.create());
    List<io.grpc.ClientCall<byte[], byte[]>> open = new ArrayList<>();
    List<Status> closedEarly = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 2; i++) {
      // A call whose headers went out and whose message never comes: a slow (or hostile) sender.
      // Declared client-streaming on this side only: grpc-java then sends the headers at once
      // instead of holding them back for the one message a unary call would send with them.
      io.grpc.ClientCall<byte[], byte[]> call = channel.newCall(OtlpGrpc.export(Signal.TRACES).toBuilder()
          .setType(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING).build(), CallOptions.DEFAULT);
      call.start(new io.grpc.ClientCall.Listener<>() {
        @Override
        public void onClose(Status status, io.grpc.Metadata trailers) {
          closedEarly.add(status);
        }
      }, new io.grpc.Metadata());
      call.request(1);
      open.add(call);
    }
    // Their headers reach the server on their own time: wait until both hold their room.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (receiver.callRoomLeft() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(closedEarly).isEmpty();
    assertThat(receiver.callRoomLeft()).isZero();
    StatusRuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> call(channel, Signal.TRACES, traces(span("third")), CallOptions.DEFAULT));
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getStatus().getDescription()).contains("Too many calls in progress");
    assertThat(OtlpGrpc.retryDelay(refused.getTrailers())).hasValue(Duration.ofSeconds(1));

    // Once the held calls end, their room is free again.
    open.forEach(c -> c.cancel("the test gives up", null));
    byte[] answer = null;
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (answer == null && System.nanoTime() < deadline) {
      try {
        answer = call(channel, Signal.TRACES, traces(span("after")), CallOptions.DEFAULT);
      } catch (StatusRuntimeException e) {
        Thread.sleep(50);
      }
    }
    assertThat(answer).isNotNull();
  }

  @Test
  void a_call_whose_message_never_comes_is_ended_and_its_room_given_back() throws Exception {
    gateway = recorder.gateway(Gateway.Settings.defaults(true), dir);
    receiver = OtlpGrpcReceiver.start(gateway, "127.0.0.1", 0,
        new OtlpGrpcReceiver.Options(64 << 20, Duration.ofSeconds(5), null), Duration.ofMillis(500));
    ManagedChannel channel = channel(InsecureChannelCredentials.create());
    java.util.concurrent.CompletableFuture<Status> ended = new java.util.concurrent.CompletableFuture<>();
    io.grpc.ClientCall<byte[], byte[]> silent = channel.newCall(OtlpGrpc.export(Signal.TRACES).toBuilder()
        .setType(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING).build(), CallOptions.DEFAULT);
    silent.start(new io.grpc.ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, io.grpc.Metadata trailers) {
        ended.complete(status);
      }
    }, new io.grpc.Metadata());
    silent.request(1);

    Status status = ended.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(status.getDescription()).contains("did not arrive within");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (receiver.callRoomLeft() < OtlpGrpcReceiver.MAX_CALL_BYTES && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(receiver.callRoomLeft()).isEqualTo(OtlpGrpcReceiver.MAX_CALL_BYTES);
    // A message sent after the end is not processed.
    silent.sendMessage(traces(span("too late")));
    silent.halfClose();
    call(channel, Signal.TRACES, traces(span("on time")), CallOptions.DEFAULT);
    awaitExported(1);
    Thread.sleep(200);
    assertThat(exportedItems()).isEqualTo(1);
  }

  @Test
  void invalid_items_are_a_partial_success_and_the_rest_is_queued() throws Exception {
    start();
    Span bad = span("bad").toBuilder().setTraceId(ByteString.copyFrom(new byte[5])).build();
    byte[] answer = call(Signal.TRACES, traces(span("good"), bad));
    ExportTraceServiceResponse response = ExportTraceServiceResponse.parseFrom(answer);
    assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(response.getPartialSuccess().getErrorMessage()).isNotEmpty();
    awaitExported(1);
    assertThat(exportedItems()).isEqualTo(1);
  }

  @Test
  void a_stopping_gateway_answers_unavailable_and_a_closed_receiver_refuses_calls() {
    start();
    gateway.close();
    StatusRuntimeException stopping = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> call(Signal.TRACES, traces(span("late"))));
    assertThat(stopping.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(stopping.getStatus().getDescription()).contains("shutting down");

    ManagedChannel channel = channel(InsecureChannelCredentials.create());
    receiver.close();
    StatusRuntimeException closed = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> call(channel, Signal.TRACES, traces(span("later")), CallOptions.DEFAULT));
    assertThat(closed.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    receiver = null;
  }

  @Test
  void tls_and_mutual_tls_serve_the_certificate_and_follow_it_when_its_files_change() throws Exception {
    TestCertificates ca = TestCertificates.authority("grpc");
    TestCertificates.Issued server = ca.server(dir, "server");
    Path caFile = ca.caFile(dir);
    ServerTls tls = ServerTls.load(server.cert(), server.key(), caFile);
    start(Gateway.Settings.defaults(true), new OtlpGrpcReceiver.Options(4 << 20, Duration.ofSeconds(5), tls));
    TestCertificates.Issued client = ca.client(dir, "client");

    ChannelCredentials withCert = TlsChannelCredentials.newBuilder().trustManager(caFile.toFile())
        .keyManager(client.cert().toFile(), client.key().toFile()).build();
    call(channel(withCert), Signal.TRACES, traces(span("over mutual TLS")), CallOptions.DEFAULT);
    awaitExported(1);

    // No client certificate: refused at the handshake, nothing queued.
    ChannelCredentials withoutCert = TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build();
    assertThatThrownBy(() -> call(channel(withoutCert), Signal.TRACES, traces(span("no cert")), CallOptions.DEFAULT))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
            .isEqualTo(Status.Code.UNAVAILABLE));
    // Plaintext to a TLS port: refused too.
    assertThatThrownBy(() -> call(Signal.TRACES, traces(span("plain"))))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(exportedItems()).isEqualTo(1);

    // A renewed certificate (same CA), written over the files: the next connection gets it.
    java.math.BigInteger first = presented(ca);
    assertThat(first).isEqualTo(server.certificate().getSerialNumber());
    Thread.sleep(1_100); // file times must differ, and the files are looked at once a second
    TestCertificates.Issued renewed = ca.server(dir, "server");
    assertThat(renewed.cert()).isEqualTo(server.cert());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    java.math.BigInteger now = presented(ca);
    while (now.equals(first) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      now = presented(ca);
    }
    assertThat(now).isEqualTo(renewed.certificate().getSerialNumber());
    call(channel(withCert), Signal.TRACES, traces(span("after renewal")), CallOptions.DEFAULT);
    awaitExported(2);
  }

  /** The serial number of the certificate the receiver presents to a new connection. */
  private java.math.BigInteger presented(TestCertificates ca) throws IOException {
    try (SSLSocket socket = (SSLSocket) ca.clientContext(null).getSocketFactory()
        .createSocket("localhost", receiver.port())) {
      socket.setSoTimeout(5_000);
      try {
        socket.startHandshake();
      } catch (IOException e) {
        // Refused for want of a client certificate, after the server's was seen.
      }
      return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
