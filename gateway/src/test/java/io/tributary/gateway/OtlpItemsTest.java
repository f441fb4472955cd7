package io.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.Status;
import io.tributary.api.Item;
import io.tributary.runtime.Batch;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.ProcessorRegistry;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rebuilding a request after enrichment: shared parts are shared, differing ones kept apart; spans
 * written from the request's bytes equal spans rebuilt through builders.
 */
class OtlpItemsTest {

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static Span span(int i) {
    return Span.newBuilder().setName("span-" + i)
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, (byte) i}))
        .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) i}))
        .addAttributes(kv("http.route", "/cart")).addAttributes(kv("user.email", "a@example.com")).build();
  }

  @Test
  void items_enriched_alike_share_one_resource_and_an_item_enriched_differently_gets_its_own() {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < 3; i++) {
      scope.addSpans(span(i));
    }
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans
        .newBuilder().setResource(Resource.newBuilder().addAttributes(kv("service.name", "checkout"))).addScopeSpans(scope))
        .build();
    Envelope envelope = OtlpItems.toItems(Signal.TRACES, request);
    envelope.items.get(0).resource().put("deployment.environment.name", "dev");
    envelope.items.get(1).resource().put("deployment.environment.name", "prod");
    envelope.items.get(2).resource().put("deployment.environment.name", "dev");
    envelope.items.get(2).attributes().put("user.email", "[REDACTED:email]");

    OtlpItems.rebuild(envelope, Batch.of(envelope.items), false);

    ExportTraceServiceRequest out = (ExportTraceServiceRequest) envelope.request();
    assertThat(out.getResourceSpansCount()).isEqualTo(2);
    List<String> environments = new ArrayList<>();
    List<Integer> spans = new ArrayList<>();
    for (ResourceSpans rs : out.getResourceSpansList()) {
      environments.add(rs.getResource().getAttributes(1).getValue().getStringValue());
      spans.add(rs.getScopeSpans(0).getSpansCount());
      assertThat(rs.getResource().getAttributes(0)).isEqualTo(kv("service.name", "checkout"));
    }
    assertThat(environments).containsExactly("dev", "prod");
    assertThat(spans).containsExactly(2, 1);
    Span redacted = out.getResourceSpans(0).getScopeSpans(0).getSpans(1);
    assertThat(redacted.getName()).isEqualTo("span-2");
    assertThat(redacted.getAttributesList()).containsExactly(kv("http.route", "/cart"), kv("user.email", "[REDACTED:email]"));
    Span untouched = out.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(untouched.getAttributesList()).containsExactly(kv("http.route", "/cart"), kv("user.email", "a@example.com"));
    // Unchanged attributes are the very messages that came in.
    assertThat(untouched.getAttributes(0)).isSameAs(request.getResourceSpans(0).getScopeSpans(0).getSpans(0).getAttributes(0));
    assertThat(envelope.delivered).isEqualTo(3);
  }

  // ------------------------------------------------------------ wire path = builder path

  private static KeyValue kvInt(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  /** Spans with every kind of field and value: what the wire path copies and what it rewrites. */
  private static ExportTraceServiceRequest varied(SplittableRandom random, int spans) {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (int r = 0; r < 2; r++) {
      ResourceSpans.Builder rs = request.addResourceSpansBuilder()
          .setResource(Resource.newBuilder().addAttributes(kv("service.name", "svc-" + r)).setDroppedAttributesCount(r))
          .setSchemaUrl(r == 0 ? "" : "https://opentelemetry.io/schemas/1.26.0");
      for (int sc = 0; sc < 2; sc++) {
        ScopeSpans.Builder ss = rs.addScopeSpansBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("scope-" + sc).setVersion(sc == 0 ? "" : "1.0"))
            .setSchemaUrl(sc == 0 ? "" : "https://example.com/s");
        for (int i = 0; i < spans; i++) {
          byte[] trace = new byte[16];
          byte[] id = new byte[8];
          random.nextBytes(trace);
          random.nextBytes(id);
          trace[0] |= 1;
          id[0] |= 1;
          Span.Builder span = Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(id))
              .setName(random.nextBoolean() ? "GET /cart/{id}" : "käse ✓").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
              .setStartTimeUnixNano(random.nextLong(1L << 62)).setEndTimeUnixNano(random.nextLong(1L << 62))
              .setFlags(random.nextBoolean() ? 0x301 : 0).setDroppedAttributesCount(random.nextInt(3))
              .addAttributes(kv("http.route", "/cart/{id}")).addAttributes(kvInt("http.status_code", 200 + i))
              .addAttributes(kv("user.email", "c" + i + "@example.com"))
              .addAttributes(KeyValue.newBuilder().setKey("payload").setValue(AnyValue.newBuilder().setKvlistValue(
                  KeyValueList.newBuilder().addValues(kvInt("a", i)))))
              .addAttributes(KeyValue.newBuilder().setKey("tags").setValue(AnyValue.newBuilder().setArrayValue(
                  ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setStringValue("x"))
                      .addValues(AnyValue.newBuilder().setDoubleValue(1.5)))))
              .addAttributes(KeyValue.newBuilder().setKey("raw").setValue(AnyValue.newBuilder()
                  .setBytesValue(ByteString.copyFromUtf8("\u0001\u0002"))))
              .addEvents(Span.Event.newBuilder().setName("exception").setTimeUnixNano(5))
              .addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(id)))
              .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"));
          if (random.nextBoolean()) {
            span.setParentSpanId(ByteString.copyFrom(id)).setTraceState("vendor=1");
          }
          if (i % 5 == 0) {
            span.addAttributes(kv(OtlpItems.LINEAGE_ATTRIBUTE, "stale#1"));
          }
          ss.addSpans(span);
        }
      }
    }
    return request.build();
  }

  /** What a pipeline might do to items: add, change, rename, delete, repair ids, dead-letter. */
  private static Consumer<Item> enrichment(int seed) {
    return item -> {
      int h = Math.floorMod(item.spanId().hashCode() + seed, 7);
      item.attributes().put("request.id", "req-" + item.spanId());
      if (h == 1) {
        item.attributes().put("user.email", "[REDACTED:email]");
      }
      if (h == 2) {
        item.attributes().remove("http.route");
        item.attributes().put("http.route.template", "/cart/{id}");
      }
      if (h == 3) {
        item.traceId("0af7651916cd43dd8448eb211c80319c").spanId("b7ad6b7169203331").traceState(null);
      }
      if (h == 4) {
        item.resource().put("deployment.environment.name", "prod");
        item.name("renamed");
        item.traceFlags(0);
      }
      if (h == 5) {
        item.attributes().put("payload", "{\"a\":\"changed\"}");
      }
      if (h == 6 && item.name().equals("käse ✓")) {
        item.deadLetter("test: routed to the dead-letter sink");
      }
    };
  }

  private static Envelope enrich(ExportTraceServiceRequest request, byte[] wire, Consumer<Item> enrichment) {
    Envelope e = wire == null ? OtlpItems.toItems(Signal.TRACES, request) : WireDecoder.decode(Signal.TRACES, wire);
    e.items.forEach(enrichment);
    CompiledPipeline empty = PipelineCompiler.builder(ProcessorRegistry.of(List.of())).build()
        .compile("dev", 7, PipelineSpec.empty());
    Batch batch = Batch.of(e.items);
    empty.run(batch);
    OtlpItems.rebuild(e, batch, true);
    return e;
  }

  private static List<String> texts(List<Envelope.Line> lines) {
    List<String> out = new ArrayList<>();
    for (Envelope.Line line : lines) {
      out.add(line.lineage() + " " + line.text());
    }
    return out;
  }

  @Test
  void spans_written_from_the_request_bytes_equal_spans_rebuilt_through_builders() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 20; round++) {
      ExportTraceServiceRequest request = varied(random, 1 + random.nextInt(12));
      byte[] wire = request.toByteArray();
      Envelope byBuilders = enrich(request, null, enrichment(round));
      Envelope byWire = enrich(request, wire, enrichment(round));

      assertThat(byWire.encoded).as("the wire path ran").isNotNull();
      assertThat(byBuilders.encoded).isNull();
      assertThat(byWire.request()).isEqualTo(byBuilders.request());
      assertThat(byWire.delivered).isEqualTo(byBuilders.delivered);
      assertThat(byWire.lines).hasSameSizeAs(byBuilders.lines);
      for (int i = 0; i < byWire.lines.size(); i++) {
        assertThat(byWire.lines.get(i).json()).isEqualTo(byBuilders.lines.get(i).json());
        assertThat(byWire.lines.get(i).lineage()).isEqualTo(byBuilders.lines.get(i).lineage()).startsWith("dev#7");
      }
      // An export dead letter of a request held only encoded: its lines come from the request,
      // the same lines (in the request's order, which groups by resource and scope).
      assertThat(texts(OtlpItems.lines(Signal.TRACES, byWire.request())))
          .containsExactlyInAnyOrderElementsOf(texts(byBuilders.lines));
      assertThat(byWire.deadLetters).hasSameSizeAs(byBuilders.deadLetters);
      for (int i = 0; i < byWire.deadLetters.size(); i++) {
        assertThat(byWire.deadLetters.get(i)).isEqualTo(byBuilders.deadLetters.get(i));
      }
    }
  }

  @Test
  void unchanged_spans_keep_their_bytes_and_malformed_bytes_are_left_to_protobuf() {
    ExportTraceServiceRequest request = varied(new SplittableRandom(3), 4);
    byte[] wire = request.toByteArray();
    Envelope untouched = WireDecoder.decode(Signal.TRACES, wire);
    OtlpItems.rebuild(untouched, Batch.of(untouched.items), false);
    // Without enrichment and lineage the request comes out as it went in, byte for byte.
    assertThat(untouched.encoded).isEqualTo(wire);

    // Bytes protobuf-java would refuse are left to it.
    byte[] truncated = java.util.Arrays.copyOf(wire, wire.length - 3);
    assertThat(WireDecoder.decode(Signal.TRACES, truncated)).isNull();
  }
}
