package io.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.javalin.Javalin;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.runtime.Batch;
import io.tributary.testing.TestCertificates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OTLP exporter sends the envelopes it is given as one request (concatenated encodings), and
 * splits them when the downstream answers 413.
 */
class OtlpHttpExporterTest {

  /** The downstream refuses bodies over this many bytes with 413, as nginx or Javalin do. */
  private static final int LIMIT = 20_000;

  private Javalin downstream;
  private final List<Integer> bodySizes = new CopyOnWriteArrayList<>();
  private final List<String> spanNames = new CopyOnWriteArrayList<>();
  private final List<String> contentLengths = new CopyOnWriteArrayList<>();
  private OtlpHttpExporter exporter;

  @BeforeEach
  void start() {
    downstream = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.routes.post("/v1/traces", ctx -> {
        byte[] body = ctx.bodyAsBytes();
        bodySizes.add(body.length);
        // A sized request, not a chunked one: some downstreams and proxies insist.
        contentLengths.add(String.valueOf(ctx.header("Content-Length")));
        if (body.length > LIMIT) {
          ctx.status(413);
          return;
        }
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
        for (ResourceSpans rs : request.getResourceSpansList()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            ss.getSpansList().forEach(s -> spanNames.add(s.getName()));
          }
        }
      });
    }).start(0);
    exporter = new OtlpHttpExporter("http://localhost:" + downstream.port(), Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    exporter.close();
    downstream.stop();
  }

  private static Envelope envelope(String prefix, int spans, int padding) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < spans; i++) {
      scope.addSpans(Span.newBuilder().setName(prefix + "-" + i)
          .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) (i + 1)}))
          .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) (i + 1)}))
          .addAttributes(KeyValue.newBuilder().setKey("padding")
              .setValue(AnyValue.newBuilder().setStringValue("x".repeat(padding)))));
    }
    Envelope e = OtlpItems.toItems(Signal.TRACES, ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope)).build());
    OtlpItems.rebuild(e, Batch.of(e.items), false);
    return e;
  }

  @Test
  void envelopes_go_as_one_request_whose_spans_are_all_of_theirs() throws Exception {
    List<Envelope> group = List.of(envelope("a", 3, 10), envelope("b", 2, 10));
    group.forEach(exporter::prepare);

    exporter.export(group, () -> false);

    assertThat(bodySizes).hasSize(1);
    assertThat(contentLengths).containsExactly(String.valueOf(bodySizes.get(0)));
    assertThat(spanNames).containsExactly("a-0", "a-1", "a-2", "b-0", "b-1");
  }

  @Test
  void a_413_splits_the_group_until_it_fits_and_only_an_envelope_too_large_alone_fails() {
    List<Envelope> group = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      group.add(envelope("e" + i, 10, 400)); // about 4.5 kB each: the six together are over the limit
    }
    Envelope huge = envelope("huge", 10, 3_000); // over the limit on its own
    group.add(3, huge);

    assertThatThrownBy(() -> exporter.export(group, () -> false))
        .isInstanceOfSatisfying(Exporter.ExportException.class, e -> {
          assertThat(e.failed(group)).containsExactly(huge);
          assertThat(e.getMessage()).contains("HTTP 413");
        });

    // Every other envelope arrived exactly once.
    assertThat(spanNames).hasSize(60).doesNotHaveDuplicates().noneMatch(n -> n.startsWith("huge"));
    assertThat(bodySizes.get(0)).isGreaterThan(LIMIT);
  }

  @Test
  void an_https_downstream_is_trusted_through_the_ca_given_and_not_through_the_jdks() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("https-downstream");
    TestCertificates ca = TestCertificates.authority("https");
    ServerTls tls = ServerTls.load(ca.server(dir, "down").cert(), dir.resolve("down.key"), null);
    List<String> received = new CopyOnWriteArrayList<>();
    Javalin secure = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.jetty.addConnector((server, http) -> tls.connector(server, http, "127.0.0.1", 0, false));
      cfg.routes.post("/v1/traces", ctx -> ExportTraceServiceRequest.parseFrom(ctx.bodyAsBytes())
          .getResourceSpans(0).getScopeSpans(0).getSpansList().forEach(sp -> received.add(sp.getName())));
    }).start();
    try {
      String url = "https://localhost:" + secure.port();
      OtlpHttpExporter trusting = new OtlpHttpExporter(url, Duration.ofSeconds(5),
          ClientTls.trust(ca.caFile(dir)));
      try {
        trusting.export(List.of(envelope("tls", 2, 10)), () -> false);
      } finally {
        trusting.close();
      }
      assertThat(received).containsExactly("tls-0", "tls-1");

      // The JDK's CAs do not know the test CA: the handshake fails, and so does the export.
      OtlpHttpExporter defaults = new OtlpHttpExporter(url, Duration.ofMillis(300), null);
      try {
        assertThatThrownBy(() -> defaults.export(List.of(envelope("untrusted", 1, 10)), () -> false))
            .isInstanceOf(Exporter.ExportException.class).hasMessageContaining("SSLHandshakeException");
      } finally {
        defaults.close();
      }
      assertThat(received).hasSize(2);
    } finally {
      secure.stop();
    }
  }
}
