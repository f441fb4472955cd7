package io.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.runtime.Batch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.tributary.testing.TestCertificates;

/**
 * The OTLP/gRPC exporter against a real grpc-java downstream: envelopes go as one call, retried on
 * the codes the OTLP specification names (after the downstream's RetryInfo delay when it sends
 * one), halved on RESOURCE_EXHAUSTED without one, given up on when the gateway or the retry time
 * says so; over TLS it trusts the CA file it is given.
 */
class OtlpGrpcExporterTest {

  @TempDir Path dir;

  /** One call the downstream received. */
  private record Call(Signal signal, byte[] body, long nanos) {
    ExportTraceServiceRequest traces() {
      try {
        return ExportTraceServiceRequest.parseFrom(body);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("the exporter sent something that is not an ExportTraceServiceRequest", e);
      }
    }

    /** The service.name of each resource in the request, in order. */
    List<String> services() {
      return traces().getResourceSpansList().stream().map(rs -> serviceName(rs.getResource())).toList();
    }

    List<String> spanNames() {
      List<String> names = new ArrayList<>();
      for (ResourceSpans rs : traces().getResourceSpansList()) {
        for (ScopeSpans ss : rs.getScopeSpansList()) {
          ss.getSpansList().forEach(s -> names.add(s.getName()));
        }
      }
      return names;
    }
  }

  /** What the downstream answers to its {@code n}th call (from 1): a response, or a thrown status. */
  @FunctionalInterface
  private interface Answer {
    byte[] answer(int n, Call call) throws Exception;
  }

  private static final byte[] OK = ExportTraceServiceResponse.getDefaultInstance().toByteArray();

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile Answer answer = (n, call) -> OK;
  private Server server;
  private final List<OtlpGrpcExporter> exporters = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    exporters.forEach(OtlpGrpcExporter::close);
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Starts the downstream (traces, logs) on a free port, answering with {@link #answer}; returns the port. */
  private int serve(ServerCredentials credentials, int maxMessageBytes) throws IOException {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(0), credentials)
        .maxInboundMessageSize(maxMessageBytes);
    for (Signal signal : List.of(Signal.TRACES, Signal.LOGS)) {
      builder.addService(ServerServiceDefinition.builder(signal.grpcService())
          .addMethod(OtlpGrpc.export(signal), ServerCalls.asyncUnaryCall((byte[] body, StreamObserver<byte[]> out) -> {
            Call call = new Call(signal, body, System.nanoTime());
            calls.add(call);
            try {
              out.onNext(answer.answer(calls.size(), call));
              out.onCompleted();
            } catch (StatusRuntimeException e) {
              out.onError(e);
            } catch (Exception e) {
              out.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
            }
          }))
          .build());
    }
    server = builder.build().start();
    return server.getPort();
  }

  private int serve() throws IOException {
    return serve(InsecureServerCredentials.create(), 4 << 20);
  }

  private OtlpGrpcExporter exporter(String url, Duration maxRetryTime, X509TrustManager trust) {
    OtlpGrpcExporter exporter = new OtlpGrpcExporter(url, maxRetryTime, trust);
    exporters.add(exporter);
    return exporter;
  }

  private OtlpGrpcExporter exporter(int port, Duration maxRetryTime) {
    return exporter("http://localhost:" + port, maxRetryTime, null);
  }

  /** An enriched traces envelope: one resource named {@code service} with {@code spans} spans. */
  private static Envelope envelope(String service, int spans, int padding) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < spans; i++) {
      scope.addSpans(Span.newBuilder().setName(service + "-" + i)
          .setTraceId(ByteString.copyFrom(
              new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) (i + 1)}))
          .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) (i + 1)}))
          .addAttributes(KeyValue.newBuilder().setKey("padding")
              .setValue(AnyValue.newBuilder().setStringValue("x".repeat(padding)))));
    }
    Envelope e = OtlpItems.toItems(Signal.TRACES, ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(AnyValues.keyValue("service.name", service)))
            .addScopeSpans(scope))
        .build());
    OtlpItems.rebuild(e, Batch.of(e.items), false);
    return e;
  }

  private static Envelope envelope(String service, int spans) {
    return envelope(service, spans, 10);
  }

  private static String serviceName(Resource resource) {
    return resource.getAttributesList().stream().filter(kv -> kv.getKey().equals("service.name"))
        .map(kv -> kv.getValue().getStringValue()).findFirst().orElse(null);
  }

  private static StatusRuntimeException status(Status.Code code) {
    return Status.fromCode(code).withDescription("downstream says " + code).asRuntimeException();
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  @Test
  void envelopes_go_as_one_call_holding_all_their_resources_and_a_partial_success_is_accepted() throws Exception {
    OtlpGrpcExporter exporter = exporter(serve(), Duration.ofSeconds(5));
    answer = (n, call) -> ExportTraceServiceResponse.newBuilder()
        .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(1).setErrorMessage("one too old"))
        .build().toByteArray();
    List<Envelope> group = List.of(envelope("a", 2), envelope("b", 1), envelope("c", 3));
    exporter.prepare(group.get(0)); // the others are encoded by export itself

    exporter.export(group, () -> false);

    assertThat(calls).hasSize(1);
    Call call = calls.get(0);
    assertThat(call.signal()).isEqualTo(Signal.TRACES);
    assertThat(call.services()).containsExactly("a", "b", "c");
    assertThat(call.spanNames()).containsExactly("a-0", "a-1", "b-0", "c-0", "c-1", "c-2");
    // The request is the concatenation of the envelopes' encodings, byte for byte.
    ByteArrayOutputStream concatenated = new ByteArrayOutputStream();
    group.forEach(e -> concatenated.writeBytes(e.encoded));
    assertThat(call.body()).isEqualTo(concatenated.toByteArray());
  }

  @Test
  void logs_go_to_the_logs_service() throws Exception {
    OtlpGrpcExporter exporter = exporter(serve(), Duration.ofSeconds(5));
    Envelope logs = OtlpItems.toItems(Signal.LOGS, ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(ResourceLogs.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(AnyValues.keyValue("service.name", "cart")))
            .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder()
                .setBody(AnyValue.newBuilder().setStringValue("checked out")))))
        .build());
    OtlpItems.rebuild(logs, Batch.of(logs.items), false);

    exporter.export(List.of(logs), () -> false);

    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).signal()).isEqualTo(Signal.LOGS);
    ExportLogsServiceRequest received = ExportLogsServiceRequest.parseFrom(calls.get(0).body());
    assertThat(serviceName(received.getResourceLogs(0).getResource())).isEqualTo("cart");
    assertThat(received.getResourceLogs(0).getScopeLogs(0).getLogRecords(0).getBody().getStringValue())
        .isEqualTo("checked out");
  }

  @Test
  void unavailable_is_retried_with_exponential_backoff_until_delivered() throws Exception {
    OtlpGrpcExporter exporter = exporter(serve(), Duration.ofSeconds(5));
    answer = (n, call) -> {
      if (n <= 2) {
        throw status(Status.Code.UNAVAILABLE);
      }
      return OK;
    };
    Envelope e = envelope("a", 2);

    exporter.export(List.of(e), () -> false);

    assertThat(calls).hasSize(3);
    assertThat(calls).allSatisfy(c -> assertThat(c.body()).isEqualTo(e.encoded));
    assertThat(calls.get(2).spanNames()).containsExactly("a-0", "a-1");
    // 100 ms, then 200 ms (OtlpExporter.INITIAL_BACKOFF_MILLIS, doubled).
    assertThat(millis(calls.get(1).nanos() - calls.get(0).nanos())).isGreaterThanOrEqualTo(90);
    assertThat(millis(calls.get(2).nanos() - calls.get(1).nanos())).isGreaterThanOrEqualTo(190);
  }

  @Test
  void resource_exhausted_with_retry_info_is_retried_after_the_delay_it_asks_for() throws Exception {
    OtlpGrpcExporter exporter = exporter(serve(), Duration.ofSeconds(5));
    answer = (n, call) -> {
      if (n == 1) {
        Status throttled = Status.RESOURCE_EXHAUSTED.withDescription("slow down");
        throw throttled.asRuntimeException(OtlpGrpc.retryAfter(throttled, Duration.ofMillis(200)));
      }
      return OK;
    };
    List<Envelope> group = List.of(envelope("a", 1), envelope("b", 1));

    exporter.export(group, () -> false);

    // Retried whole (not halved), once, after the 200 ms asked for rather than the 100 ms backoff.
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).services()).containsExactly("a", "b");
    assertThat(calls.get(1).services()).containsExactly("a", "b");
    assertThat(millis(calls.get(1).nanos() - calls.get(0).nanos())).isGreaterThanOrEqualTo(180);
  }

  @Test
  void resource_exhausted_without_retry_info_halves_the_request_until_each_envelope_goes_alone() throws Exception {
    OtlpGrpcExporter exporter = exporter(serve(), Duration.ofSeconds(5));
    answer = (n, call) -> {
      if (call.traces().getResourceSpansCount() > 1) {
        throw status(Status.Code.RESOURCE_EXHAUSTED);
      }
      return OK;
    };
    List<Envelope> group = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      group.add(envelope("e" + i, 2));
    }

    exporter.export(group, () -> false);

    // [5] refused; [2] refused, [1], [1]; [3] refused, [1], [2] refused, [1], [1]: never retried as it was.
    assertThat(calls).hasSize(9);
    List<String> delivered = calls.stream().filter(c -> c.traces().getResourceSpansCount() == 1)
        .flatMap(c -> c.services().stream()).toList();
    assertThat(delivered).containsExactly("e0", "e1", "e2", "e3", "e4");
    assertThat(calls.get(0).services()).containsExactly("e0", "e1", "e2", "e3", "e4");
  }

  @Test
  void an_envelope_refused_alone_as_too_large_fails_as_not_retryable_and_only_it_fails() throws Exception {
    OtlpGrpcExporter exporter = exporter(serve(), Duration.ofSeconds(5));
    answer = (n, call) -> {
      if (call.traces().getResourceSpansCount() > 1 || call.services().contains("huge")) {
        throw status(Status.Code.RESOURCE_EXHAUSTED);
      }
      return OK;
    };
    Envelope huge = envelope("huge", 1);

    assertThatThrownBy(() -> exporter.export(List.of(huge), () -> false))
        .isInstanceOfSatisfying(Exporter.ExportException.class, e -> {
          assertThat(e.getMessage()).contains("RESOURCE_EXHAUSTED").contains("not retryable");
          assertThat(e.failed(List.of())).containsExactly(huge);
        });
    assertThat(calls).hasSize(1);

    calls.clear();
    List<Envelope> group = List.of(envelope("a", 1), huge, envelope("b", 1));
    assertThatThrownBy(() -> exporter.export(group, () -> false))
        .isInstanceOfSatisfying(Exporter.ExportException.class, e -> {
          assertThat(e.getMessage()).contains("not retryable");
          assertThat(e.failed(group)).containsExactly(huge);
        });
    // [a, huge, b] refused; [a]; [huge, b] refused, [huge] refused, [b].
    assertThat(calls).hasSize(5);
    assertThat(calls.stream().filter(c -> !c.services().contains("huge")).flatMap(c -> c.services().stream()))
        .containsExactly("a", "b");
  }

  @Test
  void a_request_over_the_downstreams_message_size_limit_is_halved_until_it_fits() throws Exception {
    int limit = 20_000;
    OtlpGrpcExporter exporter = exporter(serve(InsecureServerCredentials.create(), limit), Duration.ofSeconds(2));
    List<Envelope> group = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      group.add(envelope("e" + i, 10, 800)); // about 8.5 kB each: two fit, four do not
    }

    exporter.export(group, () -> false);

    // grpc-java refuses the oversized message itself (RESOURCE_EXHAUSTED, no RetryInfo): the
    // handler sees only the halves.
    assertThat(calls.stream().flatMap(c -> c.services().stream())).containsExactly("e0", "e1", "e2", "e3");
    assertThat(calls).hasSize(2);
  }

  @Test
  void invalid_argument_is_not_retried() throws Exception {
    OtlpGrpcExporter exporter = exporter(serve(), Duration.ofSeconds(5));
    answer = (n, call) -> {
      throw status(Status.Code.INVALID_ARGUMENT);
    };
    List<Envelope> group = List.of(envelope("a", 1), envelope("b", 1));

    assertThatThrownBy(() -> exporter.export(group, () -> false))
        .isInstanceOfSatisfying(Exporter.ExportException.class, e -> {
          assertThat(e.getMessage()).contains("INVALID_ARGUMENT").contains("not retryable");
          assertThat(e.failed(group)).isEqualTo(group);
        });
    assertThat(calls).hasSize(1);
  }

  @Test
  void retrying_stops_once_the_gateway_gives_up() throws Exception {
    OtlpGrpcExporter exporter = exporter(serve(), Duration.ofMinutes(1));
    answer = (n, call) -> {
      throw status(Status.Code.UNAVAILABLE);
    };

    assertThatThrownBy(() -> exporter.export(List.of(envelope("a", 1)), () -> calls.size() >= 2))
        .isInstanceOf(Exporter.ExportException.class)
        .hasMessageContaining("UNAVAILABLE")
        .hasMessageContaining("after 2 attempt(s)");
    assertThat(calls).hasSize(2);
  }

  @Test
  void retrying_stops_when_the_retry_time_runs_out() throws Exception {
    OtlpGrpcExporter exporter = exporter(serve(), Duration.ofSeconds(1));
    answer = (n, call) -> {
      throw status(Status.Code.UNAVAILABLE);
    };
    long start = System.nanoTime();

    Exporter.ExportException failure = null;
    try {
      exporter.export(List.of(envelope("a", 1)), () -> false);
    } catch (Exporter.ExportException e) {
      failure = e;
    }
    long end = System.nanoTime();

    // Attempts at about 0, 100, 300 and 700 ms; the next would be after the retry time.
    assertThat(failure).isNotNull();
    assertThat(calls.size()).isBetween(3, 4);
    assertThat(failure.getMessage()).contains("UNAVAILABLE").contains("after " + calls.size() + " attempt(s)");
    assertThat(millis(calls.get(calls.size() - 1).nanos() - start)).isLessThan(1_000);
    // It gave up at once rather than sleeping 800 ms more first.
    assertThat(millis(end - calls.get(calls.size() - 1).nanos())).isLessThan(500);
  }

  @Test
  void a_retry_delay_beyond_the_retry_time_gives_up_at_once() throws Exception {
    OtlpGrpcExporter exporter = exporter(serve(), Duration.ofSeconds(1));
    answer = (n, call) -> {
      Status throttled = Status.RESOURCE_EXHAUSTED.withDescription("come back later");
      throw throttled.asRuntimeException(OtlpGrpc.retryAfter(throttled, Duration.ofSeconds(5)));
    };

    assertThatThrownBy(() -> exporter.export(List.of(envelope("a", 1)), () -> false))
        .isInstanceOf(Exporter.ExportException.class)
        .hasMessageContaining("RESOURCE_EXHAUSTED")
        .hasMessageContaining("after 1 attempt(s)");
    assertThat(calls).hasSize(1);
    // Not after sleeping the 5 s asked for (nor the 1 s retry time).
    assertThat(millis(System.nanoTime() - calls.get(0).nanos())).isLessThan(500);
  }

  @Test
  void an_absurd_retry_delay_is_an_export_failure_not_an_arithmetic_error() throws Exception {
    OtlpGrpcExporter exporter = exporter(serve(), Duration.ofSeconds(1));
    answer = (n, call) -> {
      Status throttled = Status.RESOURCE_EXHAUSTED.withDescription("come back much later");
      // RetryInfo's seconds is an int64: a downstream may send anything, e.g. its "forever".
      throw throttled.asRuntimeException(OtlpGrpc.retryAfter(throttled, Duration.ofSeconds(Long.MAX_VALUE)));
    };

    assertThatThrownBy(() -> exporter.export(List.of(envelope("a", 1)), () -> false))
        .isInstanceOf(Exporter.ExportException.class)
        .hasMessageContaining("after 1 attempt(s)");
    assertThat(calls).hasSize(1);
  }

  @Test
  void a_tls_downstream_is_trusted_through_the_ca_file_given_and_not_through_the_jdk_defaults() throws Exception {
    TestCertificates ca = TestCertificates.authority("down");
    TestCertificates.Issued issued = ca.server(dir, "down");
    Path caFile = ca.caFile(dir);
    int port = serve(TlsServerCredentials.create(issued.cert().toFile(), issued.key().toFile()), 4 << 20);

    OtlpGrpcExporter trusting = exporter("https://localhost:" + port, Duration.ofSeconds(2), ClientTls.trust(caFile));
    trusting.export(List.of(envelope("over-tls", 2)), () -> false);

    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).services()).containsExactly("over-tls");
    assertThat(calls.get(0).spanNames()).containsExactly("over-tls-0", "over-tls-1");

    // The JDK's CAs do not know the test CA: the handshake fails, every attempt, until the retry time is over.
    OtlpGrpcExporter defaults = exporter("https://localhost:" + port, Duration.ofMillis(500), null);
    assertThatThrownBy(() -> defaults.export(List.of(envelope("untrusted", 1)), () -> false))
        .isInstanceOf(Exporter.ExportException.class)
        .hasMessageContaining("UNAVAILABLE")
        .hasMessageContaining("attempt(s)");
    assertThat(calls).hasSize(1);
  }
}
