package io.tributary.server.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.runtime.Batch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rebuilding a request after enrichment: shared parts are shared, differing ones kept apart. */
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

    ExportTraceServiceRequest out = (ExportTraceServiceRequest) envelope.request;
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
}
