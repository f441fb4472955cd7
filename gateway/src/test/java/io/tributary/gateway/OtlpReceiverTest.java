package io.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tributary.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiver and gateway on a real port, with an empty pipeline and a recording exporter. */
class OtlpReceiverTest {

  /** One client per test: a pooled connection must not outlive the receiver it was opened to. */
  private final HttpClient http = HttpClient.newHttpClient();
  private static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";

  @TempDir Path dir;
  private final RecordingExporter recorder = new RecordingExporter();
  private final List<Envelope> exported = recorder.exported;
  private Gateway gateway;
  private OtlpReceiver receiver;

  private void start(int queueCapacity) {
    start(Gateway.Settings.defaults(true).withQueueCapacity(queueCapacity));
  }

  private void start(Gateway.Settings settings) {
    gateway = recorder.gateway(settings, dir);
    receiver = OtlpReceiver.start(gateway, 0, Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    recorder.open();
    if (receiver != null) {
      receiver.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  private HttpResponse<byte[]> post(String path, String contentType, String encoding, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + receiver.port() + path))
        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (encoding != null) {
      b.header("Content-Encoding", encoding);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static Span span(String name) {
    return Span.newBuilder().setName(name).setTraceId(ByteString.fromHex(TRACE_ID))
        .setSpanId(ByteString.fromHex("eee19b7ec3c1b174")).setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
        .addEvents(Span.Event.newBuilder().setName("exception"))
        .addAttributes(KeyValue.newBuilder().setKey("payload")
            .setValue(AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addValues(
                KeyValue.newBuilder().setKey("a").setValue(AnyValue.newBuilder().setIntValue(1)))))).build();
  }

  private static ExportTraceServiceRequest traces(Span... spans) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(AnyValues.keyValue("service.name", "cart")))
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))).build();
  }

  private Envelope awaitExport(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (exported.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(exported).hasSizeGreaterThanOrEqualTo(count);
    return exported.get(count - 1);
  }

  @Test
  void otlp_json_with_hex_ids_is_accepted_and_exported_with_its_structure() throws Exception {
    start(100);
    String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
        + "\"value\":{\"stringValue\":\"cart\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"s\",\"version\":\"1\"},"
        + "\"spans\":[{\"traceId\":\"" + TRACE_ID + "\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"GET /\","
        + "\"kind\":3,\"status\":{\"code\":2}}]}]}]}";

    HttpResponse<byte[]> r = post("/v1/traces", "application/json; charset=utf-8", null,
        json.getBytes(StandardCharsets.UTF_8));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    ExportTraceServiceRequest out = (ExportTraceServiceRequest) awaitExport(1).request;
    Span span = out.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(OtlpJson.hex(span.getTraceId())).isEqualTo(TRACE_ID);
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(span.getStatus().getCodeValue()).isEqualTo(2);
    assertThat(out.getResourceSpans(0).getScopeSpans(0).getScope().getName()).isEqualTo("s");
    assertThat(span.getAttributesList()).anySatisfy(kv -> {
      assertThat(kv.getKey()).isEqualTo(OtlpItems.LINEAGE_ATTRIBUTE);
      assertThat(kv.getValue().getStringValue()).isEqualTo("dev#7");
    });
    assertThat(gateway.recent(5)).singleElement()
        .satisfies(line -> assertThat(line.get("lineage").asText()).isEqualTo("dev#7"));
  }

  @Test
  void gzip_protobuf_is_accepted_and_fields_items_do_not_model_survive() throws Exception {
    start(100);
    Span sent = span("checkout");
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(traces(sent).toByteArray());
    }

    HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", "gzip", gz.toByteArray());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(ExportTraceServiceResponse.parseFrom(r.body()).hasPartialSuccess()).isFalse();
    Span back = ((ExportTraceServiceRequest) awaitExport(1).request()).getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(back.toBuilder().removeAttributes(back.getAttributesCount() - 1).build()).isEqualTo(sent);
  }

  @Test
  void invalid_ids_are_rejected_as_partial_success_and_the_rest_goes_on() throws Exception {
    start(100);
    Span bad = span("bad").toBuilder().setTraceId(ByteString.fromHex("5b8efff798038103d269b633813fc6")).build();

    HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", null, traces(bad, span("good")).toByteArray());

    assertThat(r.statusCode()).isEqualTo(200);
    var partial = ExportTraceServiceResponse.parseFrom(r.body()).getPartialSuccess();
    assertThat(partial.getRejectedSpans()).isEqualTo(1);
    assertThat(partial.getErrorMessage()).contains("span 'bad'").contains("trace id");
    assertThat(((ExportTraceServiceRequest) awaitExport(1).request()).getResourceSpans(0).getScopeSpans(0)
        .getSpansList()).extracting(Span::getName).containsExactly("good");
  }

  @Test
  void undecodable_bodies_get_400_with_a_status_message() throws Exception {
    start(100);

    HttpResponse<byte[]> proto = post("/v1/traces", "application/x-protobuf", null, new byte[] {(byte) 0xff, 1, 2});
    HttpResponse<byte[]> json = post("/v1/logs", "application/json", null, "{\"resourceLogs\":".getBytes());
    HttpResponse<byte[]> gzip = post("/v1/traces", "application/x-protobuf", "gzip", new byte[] {1, 2, 3});

    assertThat(proto.statusCode()).isEqualTo(400);
    assertThat(json.statusCode()).isEqualTo(400);
    assertThat(new String(json.body(), StandardCharsets.UTF_8)).contains("\"code\":3").contains("Undecodable logs");
    assertThat(gzip.statusCode()).isEqualTo(400);
  }

  @Test
  void damaged_protobuf_gets_the_answer_protobuf_java_gives_it_whichever_path_reads_it() throws Exception {
    start(100_000);
    LogRecord log = LogRecord.newBuilder().setSeverityText("INFO").setTimeUnixNano(7)
        .setBody(AnyValue.newBuilder().setStringValue("käse ✓ for ada@example.com"))
        .addAttributes(AnyValues.keyValue("thread.name", "main")).build();
    Metric gauge = Metric.newBuilder().setName("queue.depth").setGauge(Gauge.newBuilder().addDataPoints(
        NumberDataPoint.newBuilder().setTimeUnixNano(5).setAsInt(3).addAttributes(AnyValues.keyValue("q", "a")))).build();
    byte[][] bodies = {
        traces(span("a"), span("b")).toByteArray(),
        ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(
            ScopeLogs.newBuilder().addLogRecords(log).addLogRecords(log))).build().toByteArray(),
        ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder().addScopeMetrics(
            ScopeMetrics.newBuilder().addMetrics(gauge))).build().toByteArray()};
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    int refused = 0;
    for (int i = 0; i < 300; i++) {
      Signal signal = Signal.values()[i % 3];
      byte[] body = bodies[i % 3].clone();
      if (random.nextBoolean()) {
        body = java.util.Arrays.copyOf(body, random.nextInt(body.length));
      } else {
        body[random.nextInt(body.length)] ^= (byte) (1 << random.nextInt(8));
      }
      String reference;
      try {
        signal.parseRequest(body);
        reference = null;
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        reference = "Undecodable " + signal.label() + " request: " + e.getMessage();
      }
      HttpResponse<byte[]> answer = post(signal.path(), "application/x-protobuf", null, body);
      if (reference == null) {
        assertThat(answer.statusCode()).as("%s #%d, which protobuf-java reads", signal, i).isEqualTo(200);
      } else {
        refused++;
        assertThat(answer.statusCode()).as("%s #%d, which protobuf-java refuses", signal, i).isEqualTo(400);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains(reference);
      }
    }
    assertThat(refused).isGreaterThan(100);
  }

  @Test
  void strings_that_are_not_valid_unicode_are_refused_with_400_in_either_encoding() throws Exception {
    start(100);
    // JSON can spell an unpaired surrogate as an escape; protobuf can carry the bytes of one
    // (CESU-8 for U+D800), which is not UTF-8.
    String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + TRACE_ID
        + "\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"s\",\"attributes\":[{\"key\":\"k\","
        + "\"value\":{\"stringValue\":\"ok \\ud800 then\"}}]}]}]}]}";
    byte[] cesu = traces(span("s").toBuilder().addAttributes(KeyValue.newBuilder().setKey("k")
        .setValue(AnyValue.newBuilder().setStringValue("o@@@"))).build()).toByteArray();
    String latin = new String(cesu, StandardCharsets.ISO_8859_1);
    int at = latin.indexOf("o@@@") + 1;
    cesu[at] = (byte) 0xED;
    cesu[at + 1] = (byte) 0xA0;
    cesu[at + 2] = (byte) 0x80;

    HttpResponse<byte[]> fromJson = post("/v1/traces", "application/json", null, json.getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> fromProtobuf = post("/v1/traces", "application/x-protobuf", null, cesu);

    assertThat(fromJson.statusCode()).isEqualTo(400);
    assertThat(new String(fromJson.body(), StandardCharsets.UTF_8)).contains("attributes[0].value.stringValue")
        .contains("unpaired UTF-16 surrogate").contains("ud800) at character 3");
    assertThat(fromProtobuf.statusCode()).isEqualTo(400);
    assertThat(exported).isEmpty();
    // A surrogate pair (an emoji) is valid Unicode and passes.
    String pair = json.replace("ok \\ud800 then", "ok \\ud83d\\ude00 then");
    assertThat(post("/v1/traces", "application/json", null, pair.getBytes(StandardCharsets.UTF_8)).statusCode())
        .isEqualTo(200);
    Span passed = ((ExportTraceServiceRequest) awaitExport(1).request()).getResourceSpans(0).getScopeSpans(0)
        .getSpans(0);
    assertThat(passed.getAttributesList()).anyMatch(kv -> kv.getKey().equals("k")
        && kv.getValue().getStringValue().equals("ok \ud83d\ude00 then"));
  }

  @Test
  void json_is_refused_where_protobuf_would_be_duplicate_keys_integers_out_of_range_and_nesting() throws Exception {
    start(100);
    String span = "{\"traceId\":\"" + TRACE_ID + "\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"s\"%s}";
    java.util.function.Function<String, Integer> status = extra -> {
      try {
        String body = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + String.format(span, extra) + "]}]}]}";
        HttpResponse<byte[]> r = post("/v1/traces", "application/json", null, body.getBytes(StandardCharsets.UTF_8));
        return r.statusCode();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };

    assertThat(status.apply(",\"name\":\"again\"")).as("a key named twice").isEqualTo(400);
    assertThat(status.apply(",\"droppedAttributesCount\":4294967296")).as("uint32 over 2^32 - 1").isEqualTo(400);
    assertThat(status.apply(",\"droppedAttributesCount\":-1")).as("uint32 below 0").isEqualTo(400);
    assertThat(status.apply(",\"flags\":-5")).as("fixed32 below 0").isEqualTo(400);
    assertThat(status.apply(",\"kind\":2,\"droppedAttributesCount\":4294967295")).as("uint32 at its top")
        .isEqualTo(200);

    // Attribute values nested in arrays near protobuf's recursion limit: both encodings draw the
    // line at the same depth.
    int accepted = 0;
    int refused = 0;
    for (int levels = 44; levels <= 50; levels++) {
      AnyValue value = AnyValue.newBuilder().setStringValue("leaf").build();
      for (int i = 0; i < levels; i++) {
        value = AnyValue.newBuilder().setArrayValue(io.opentelemetry.proto.common.v1.ArrayValue.newBuilder()
            .addValues(value)).build();
      }
      ExportTraceServiceRequest nested = traces(span("deep").toBuilder().clearAttributes()
          .addAttributes(KeyValue.newBuilder().setKey("deep").setValue(value)).build());
      int viaProtobuf = post("/v1/traces", "application/x-protobuf", null, nested.toByteArray()).statusCode();
      int viaJson = post("/v1/traces", "application/json", null,
          OtlpJson.toJsonText(nested).getBytes(StandardCharsets.UTF_8)).statusCode();
      assertThat(viaJson).as("JSON nested %d arrays deep", levels).isEqualTo(viaProtobuf);
      if (viaProtobuf == 200) {
        accepted++;
      } else {
        assertThat(viaProtobuf).isEqualTo(400);
        refused++;
      }
    }
    assertThat(accepted).as("depths accepted").isPositive();
    assertThat(refused).as("depths refused").isPositive();
  }

  @Test
  void bodies_held_at_once_are_bounded_in_bytes_slow_senders_of_big_bodies_included() throws Exception {
    start(100);
    // The attack: connections that announce the largest body allowed and send it slowly. Each
    // holds its share of the in-flight budget while it is read.
    int fit = (int) (OtlpReceiver.MAX_IN_FLIGHT_BYTES / OtlpReceiver.MAX_BODY_BYTES);
    List<java.net.Socket> slow = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < fit; i++) {
        slow.add(slowSender());
      }
      // Once the slow requests hold the budget (their handlers reserve it as they start reading), a
      // small, valid request hears 429 with Retry-After after the admission wait, instead of
      // adding to the heap.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      HttpResponse<byte[]> refused;
      do {
        refused = post("/v1/traces", "application/x-protobuf", null, traces(span("a")).toByteArray());
      } while (refused.statusCode() == 200 && System.nanoTime() < until);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    } finally {
      for (java.net.Socket socket : slow) {
        socket.close();
      }
    }
    // The slow senders gone, their share comes back.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int status;
    do {
      status = post("/v1/traces", "application/x-protobuf", null, traces(span("b")).toByteArray()).statusCode();
    } while (status == 429 && System.nanoTime() < deadline);
    assertThat(status).isEqualTo(200);
  }

  /**
   * A connection that announces the largest body allowed and sends 1 KiB of it: its handler
   * holds that body's share of the in-flight budget while it waits for the rest.
   */
  private java.net.Socket slowSender() throws IOException {
    java.net.Socket socket = new java.net.Socket("localhost", receiver.port());
    socket.getOutputStream().write(("POST /v1/traces HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/x-protobuf\r\nContent-Length: " + OtlpReceiver.MAX_BODY_BYTES
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().write(new byte[1024]);
    socket.getOutputStream().flush();
    return socket;
  }

  /** A request of {@code spans} of the smallest kind (ids only): the most items a body can carry. */
  private static byte[] tinySpans(int spans) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    Span tiny = Span.newBuilder().setTraceId(ByteString.fromHex(TRACE_ID)).setSpanId(ByteString.fromHex("eee19b7ec3c1b174"))
        .build();
    for (int i = 0; i < spans; i++) {
      scope.addSpans(tiny);
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope))
        .build().toByteArray();
  }

  @Test
  void what_a_request_decodes_to_is_held_against_the_in_flight_budget_not_only_its_body() throws Exception {
    start(Gateway.Settings.defaults(true).withQueueCapacity(400_000));
    // Alone, a body under the size limit whose items would take more than the whole budget: 413.
    byte[] tooMany = tinySpans(240_000);
    assertThat(tooMany.length).isLessThan(OtlpReceiver.MAX_BODY_BYTES);
    HttpResponse<byte[]> refused = post("/v1/traces", "application/x-protobuf", null, tooMany);
    assertThat(refused.statusCode()).isEqualTo(413);
    assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("decodes to more than");
    assertThat(exported).isEmpty();

    // With most of the budget held by slow senders, a 1 MiB body fits but what it decodes to does
    // not: 429, while a small request still goes through.
    int holders = (int) (OtlpReceiver.MAX_IN_FLIGHT_BYTES / OtlpReceiver.MAX_BODY_BYTES) - 2;
    List<java.net.Socket> slow = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < holders; i++) {
        slow.add(slowSender());
      }
      byte[] manySmall = tinySpans(33_000); // about 1 MiB; decoded, some 20 MiB
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      HttpResponse<byte[]> busy;
      do {
        busy = post("/v1/traces", "application/x-protobuf", null, manySmall);
      } while (busy.statusCode() == 200 && System.nanoTime() < until);
      assertThat(busy.statusCode()).isEqualTo(429);
      assertThat(post("/v1/traces", "application/x-protobuf", null, traces(span("small")).toByteArray())
          .statusCode()).isEqualTo(200);
    } finally {
      for (java.net.Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  void wrong_or_missing_content_type_gets_415() throws Exception {
    start(100);

    assertThat(post("/v1/traces", "text/plain", null, "x".getBytes()).statusCode()).isEqualTo(415);
    assertThat(post("/v1/metrics", null, null, "x".getBytes()).statusCode()).isEqualTo(415);
    assertThat(post("/v1/traces", "application/x-protobuf", "br", new byte[0]).statusCode()).isEqualTo(415);
  }

  @Test
  void bodies_over_the_limit_get_413_compressed_or_inflated() throws Exception {
    start(100);
    byte[] big = new byte[OtlpReceiver.MAX_BODY_BYTES + 1];
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(big);
    }

    // Refused before the body is read, yet the client, still sending, hears the 413 every time
    // instead of a reset connection.
    for (int i = 0; i < 5; i++) {
      HttpResponse<byte[]> refused = post("/v1/traces", "application/x-protobuf", null, big);
      assertThat(refused.statusCode()).isEqualTo(413);
      assertThat(new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8)).contains("over the limit");
    }
    // The same without a Content-Length (chunked): found out while reading.
    HttpResponse<byte[]> chunked = http.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + receiver.port() + "/v1/traces"))
        .header("Content-Type", "application/x-protobuf").timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(gz.size()).isLessThan(100_000);
    assertThat(post("/v1/traces", "application/x-protobuf", "gzip", gz.toByteArray()).statusCode()).isEqualTo(413);
  }

  @Test
  void zstd_and_deflate_bodies_are_accepted_and_their_bombs_refused_with_413() throws Exception {
    start(100);
    byte[] request = traces(span("compressed")).toByteArray();
    assertThat(post("/v1/traces", "application/x-protobuf", "zstd", zstd(request))
        .statusCode()).isEqualTo(200);
    // deflate as HTTP means it (zlib-wrapped), and raw as some clients send it.
    for (boolean raw : new boolean[] {false, true}) {
      java.util.zip.Deflater deflater = new java.util.zip.Deflater(6, raw);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(out, deflater)) {
        d.write(request);
      }
      assertThat(post("/v1/traces", "application/x-protobuf", "deflate", out.toByteArray()).statusCode())
          .as("raw deflate: %s", raw).isEqualTo(200);
    }
    awaitExport(3);
    assertThat(((ExportTraceServiceRequest) exported.get(0).request()).getResourceSpans(0).getScopeSpans(0)
        .getSpans(0).getName()).isEqualTo("compressed");

    // 64 MiB of zeros compress to a few KiB: refused once inflated past the limit, never held whole.
    byte[] zeros = new byte[64 << 20];
    byte[] zstdBomb = zstd(zeros);
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(9);
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    try (java.util.zip.DeflaterOutputStream d = new java.util.zip.DeflaterOutputStream(deflated, deflater)) {
      d.write(zeros);
    }
    assertThat(zstdBomb.length).isLessThan(100_000);
    for (String[] bomb : new String[][] {{"zstd"}, {"deflate"}}) {
      byte[] body = bomb[0].equals("zstd") ? zstdBomb : deflated.toByteArray();
      HttpResponse<byte[]> refused = post("/v1/traces", "application/x-protobuf", bomb[0], body);
      assertThat(refused.statusCode()).as(bomb[0]).isEqualTo(413);
      assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("once inflated");
    }
    // Damaged compressed bytes are a 400 naming the encoding; an unknown encoding a 415 naming them all.
    HttpResponse<byte[]> damaged = post("/v1/traces", "application/x-protobuf", "zstd", new byte[] {1, 2, 3, 4});
    assertThat(damaged.statusCode()).isEqualTo(400);
    assertThat(new String(damaged.body(), StandardCharsets.UTF_8)).contains("zstd");
    HttpResponse<byte[]> brotli = post("/v1/traces", "application/x-protobuf", "br", request);
    assertThat(brotli.statusCode()).isEqualTo(415);
    assertThat(new String(brotli.body(), StandardCharsets.UTF_8)).contains("gzip, deflate, zstd");
    assertThat(gateway.stats().toString()).contains("received=3,");
  }

  private static byte[] zstd(byte[] data) {
    io.airlift.compress.zstd.ZstdCompressor compressor = new io.airlift.compress.zstd.ZstdCompressor();
    byte[] out = new byte[compressor.maxCompressedLength(data.length)];
    int n = compressor.compress(data, 0, data.length, out, 0, out.length);
    return java.util.Arrays.copyOf(out, n);
  }

  @Test
  void the_body_limit_is_configurable() throws Exception {
    gateway = recorder.gateway(Gateway.Settings.defaults(true), dir);
    receiver = OtlpReceiver.start(gateway, "127.0.0.1", 0, new OtlpReceiver.Options(16 << 10, Duration.ofSeconds(5),
        null));
    Span big = span("big").toBuilder().addAttributes(AnyValues.keyValue("blob", "x".repeat(20_000))).build();
    HttpResponse<byte[]> refused = post("/v1/traces", "application/x-protobuf", null, traces(big).toByteArray());
    assertThat(refused.statusCode()).isEqualTo(413);
    assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("over the limit of 16384");
    assertThat(post("/v1/traces", "application/x-protobuf", null, traces(span("small")).toByteArray()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void https_and_mutual_tls_on_the_otlp_http_listener() throws Exception {
    TestCertificates ca = TestCertificates.authority("http");
    TestCertificates.Issued server = ca.server(dir.resolve("tls"), "server");
    TestCertificates.Issued client = ca.client(dir.resolve("tls"), "client");
    ServerTls tls = ServerTls.load(server.cert(), server.key(), ca.caFile(dir.resolve("tls")));
    gateway = recorder.gateway(Gateway.Settings.defaults(true), dir);
    receiver = OtlpReceiver.start(gateway, "127.0.0.1", 0, new OtlpReceiver.Options(OtlpReceiver.MAX_BODY_BYTES,
        Duration.ofSeconds(5), tls));
    assertThat(receiver.tls()).isTrue();
    URI uri = URI.create("https://localhost:" + receiver.port() + "/v1/traces");
    HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/x-protobuf")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofByteArray(traces(span("over https")).toByteArray())).build();

    HttpClient withCert = HttpClient.newBuilder().sslContext(ca.clientContext(client)).build();
    assertThat(withCert.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(200);
    // Without a client certificate, or in plain HTTP: no answer, nothing accepted.
    HttpClient withoutCert = HttpClient.newBuilder().sslContext(ca.clientContext(null)).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> withoutCert.send(request, HttpResponse.BodyHandlers.ofByteArray())).isInstanceOf(IOException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + receiver.port() + "/v1/traces")).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(traces(span("plain")).toByteArray())).build(),
        HttpResponse.BodyHandlers.ofByteArray())).isInstanceOf(IOException.class);
    awaitExport(1);
    Thread.sleep(200);
    assertThat(gateway.stats().toString()).contains("received=1,");
  }

  @Test
  void a_full_queue_answers_429_with_retry_after_and_accepts_again_once_drained() throws Exception {
    start(2);
    recorder.gated = true;
    byte[] two = traces(span("a"), span("b")).toByteArray();

    assertThat(post("/v1/traces", "application/x-protobuf", null, two).statusCode()).isEqualTo(200);
    HttpResponse<byte[]> full = post("/v1/traces", "application/x-protobuf", null, two);
    assertThat(full.statusCode()).isEqualTo(429);
    assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
    // While the queue is full, even a batch larger than the whole queue hears 429: it is refused
    // before it is decoded, so its size is not known yet.
    byte[] three = traces(span("a"), span("b"), span("c")).toByteArray();
    assertThat(post("/v1/traces", "application/x-protobuf", null, three).statusCode()).isEqualTo(429);
    assertThat(gateway.stats().toString()).contains("throttledRequests=2");

    recorder.open();
    awaitExport(1);
    // Once there is room, the oversized batch is refused for good, and a fitting one accepted.
    assertThat(postUntilNot429(three)).isEqualTo(413);
    assertThat(postUntilNot429(two)).isEqualTo(200);
    assertThat(gateway.stats().toString()).contains("received=4, rejected=3, throttled=");
  }

  @Test
  void the_queue_is_bounded_in_bytes_too_so_a_few_huge_items_hear_429_long_before_the_item_limit() throws Exception {
    start(Gateway.Settings.defaults(true).withQueueCapacity(10_000).withQueueMaxBytes(256 << 10)
        .withAdmissionWait(Duration.ZERO));
    recorder.gated = true;
    Span big = span("big").toBuilder().addAttributes(AnyValues.keyValue("blob", "x".repeat(100_000))).build();
    byte[] one = traces(big).toByteArray();

    assertThat(post("/v1/traces", "application/x-protobuf", null, one).statusCode()).isEqualTo(200);
    assertThat(post("/v1/traces", "application/x-protobuf", null, one).statusCode()).isEqualTo(200);
    // Two items queued, far from 10,000; but 200 kB of the queue's 256 KiB are taken.
    HttpResponse<byte[]> full = post("/v1/traces", "application/x-protobuf", null, one);
    assertThat(full.statusCode()).isEqualTo(429);
    assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
    Map<String, Object> stats = gateway.stats();
    assertThat(stats.get("queued")).isIn(1, 2); // the export thread may hold one, blocked
    assertThat((Long) stats.get("queuedBytes")).isBetween(200_000L, 256L << 10);
    assertThat(gateway.stats().toString()).contains("throttled=1");
    // A request bigger than the whole byte budget can never fit: 413, not 429.
    byte[] huge = traces(big.toBuilder().addAttributes(AnyValues.keyValue("more", "y".repeat(300_000))).build())
        .toByteArray();
    assertThat(post("/v1/traces", "application/x-protobuf", null, huge).statusCode()).isEqualTo(413);

    recorder.open();
    awaitExport(2);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((Long) gateway.stats().get("queuedBytes") > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(gateway.stats().get("queuedBytes")).isEqualTo(0L);
    assertThat(post("/v1/traces", "application/x-protobuf", null, one).statusCode()).isEqualTo(200);
  }

  @Test
  void a_request_waits_for_room_up_to_the_admission_wait_rather_than_hearing_429_at_once() throws Exception {
    start(Gateway.Settings.defaults(true).withQueueCapacity(2).withAdmissionWait(Duration.ofSeconds(10)));
    recorder.gated = true;
    byte[] two = traces(span("a"), span("b")).toByteArray();
    assertThat(post("/v1/traces", "application/x-protobuf", null, two).statusCode()).isEqualTo(200);

    java.util.concurrent.CompletableFuture<Integer> waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return post("/v1/traces", "application/x-protobuf", null, two).statusCode();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(300);
    assertThat(waiting).as("answered while the queue was still full").isNotDone();
    recorder.open();

    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    awaitExport(2);
    assertThat(gateway.stats().toString()).contains("received=4,").contains("throttled=0,")
        .contains("throttledRequests=0,");
  }

  private int postUntilNot429(byte[] body) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int status;
    do {
      status = post("/v1/traces", "application/x-protobuf", null, body).statusCode();
    } while (status == 429 && System.nanoTime() < deadline);
    return status;
  }

  @Test
  void a_stopping_gateway_answers_503() throws Exception {
    start(100);
    gateway.close();

    HttpResponse<byte[]> r = post("/v1/traces", "application/x-protobuf", null, traces(span("a")).toByteArray());

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void logs_keep_structured_bodies_and_histograms_pass_through_beside_enriched_gauges() throws Exception {
    start(100);
    AnyValue body = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
        .addValues(KeyValue.newBuilder().setKey("msg").setValue(AnyValue.newBuilder().setStringValue("hi")))).build();
    ExportLogsServiceRequest logs = ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
        .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder().setBody(body)
            .setSeverityNumberValue(17).setTraceId(ByteString.fromHex(TRACE_ID))))).build();
    Metric gauge = Metric.newBuilder().setName("queue.depth").setUnit("{item}").setGauge(Gauge.newBuilder()
        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(5).setTimeUnixNano(10))
        .addDataPoints(NumberDataPoint.newBuilder().setAsInt(6).setTimeUnixNano(20))).build();
    Metric histogram = Metric.newBuilder().setName("latency").setHistogram(Histogram.newBuilder()
        .addDataPoints(HistogramDataPoint.newBuilder().setCount(3).setSum(1.5))).build();
    ExportMetricsServiceRequest metrics = ExportMetricsServiceRequest.newBuilder().addResourceMetrics(
        ResourceMetrics.newBuilder().addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(gauge).addMetrics(histogram)))
        .build();

    assertThat(post("/v1/logs", "application/x-protobuf", null, logs.toByteArray()).statusCode()).isEqualTo(200);
    LogRecord log = ((ExportLogsServiceRequest) awaitExport(1).request()).getResourceLogs(0).getScopeLogs(0)
        .getLogRecords(0);
    assertThat(log.getBody()).isEqualTo(body);
    assertThat(log.getSeverityNumberValue()).isEqualTo(17);
    assertThat(post("/v1/metrics", "application/x-protobuf", null, metrics.toByteArray()).statusCode()).isEqualTo(200);
    List<Metric> back = ((ExportMetricsServiceRequest) awaitExport(2).request()).getResourceMetrics(0)
        .getScopeMetrics(0).getMetricsList();
    assertThat(back).containsExactlyInAnyOrder(gauge, histogram);
  }
}
