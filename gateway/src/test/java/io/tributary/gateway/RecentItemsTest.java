package io.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineHolder;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.ProcessorRegistry;
import io.tributary.runtime.StageSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recent-items ring behind the Live page: exported and dead-lettered items, numbered, newest
 * first, filtered by lineage, attribute and trace id — on both decoding paths.
 */
class RecentItemsTest {

  @TempDir Path dir;
  private Gateway gateway;

  /** A processor from a descriptor and a lambda. */
  private record Factory(ProcessorDescriptor descriptor, Processor processor) implements ProcessorFactory {
    @Override
    public Processor create(ProcessorContext context) {
      return processor;
    }
  }

  private void start(int recentSize) {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(
        new Factory(ProcessorDescriptor.builder("gate", "1.0.0").reads("poison").build(), item -> {
          if (item.attributes().contains("poison")) {
            item.deadLetter("poison present");
          }
        }),
        new Factory(ProcessorDescriptor.builder("marker", "2.1.0").reads("mark").writes("marked").build(), item -> {
          if (item.attributes().contains("mark")) {
            item.attributes().put("marked", true);
          }
        })));
    PipelineHolder holder = new PipelineHolder("dev", PipelineCompiler.builder(registry).build()
        .compile("dev", 7, PipelineSpec.of(StageSpec.of("gate"), StageSpec.of("marker"))));
    Gateway.Settings d = Gateway.Settings.defaults(true);
    Gateway.Settings settings = new Gateway.Settings(d.queueCapacity(), d.queueMaxBytes(), true, recentSize,
        Duration.ofSeconds(5), d.exportRetryTime(), d.maxFileBytes(), d.admissionWait(), d.queue(), d.queueSync());
    gateway = new Gateway("dev", () -> holder, settings, List.of(new RecordingExporter()),
        new RotatingJsonlFile(dir, "dead-letter", 1 << 20, Clock.systemUTC()), new SimpleMeterRegistry(),
        Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static Span span(String name, String traceId, String key, String value) {
    return Span.newBuilder().setName(name).setTraceId(ByteString.fromHex(traceId))
        .setSpanId(ByteString.fromHex("eee19b7ec3c1b174"))
        .addAttributes(AnyValues.keyValue(key, value)).build();
  }

  private void send(boolean wire, Span... spans) {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(AnyValues.keyValue("service.name", "cart")))
        .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans)))).build();
    Envelope e = wire ? WireDecoder.decode(Signal.TRACES, request.toByteArray()) : OtlpItems.toItems(Signal.TRACES, request);
    assertThat(e).isNotNull();
    assertThat(gateway.submit(e)).isEqualTo(Gateway.Admission.ACCEPTED);
  }

  private List<String> names(RecentFilter filter) {
    List<String> out = new ArrayList<>();
    for (ObjectNode item : gateway.recent(filter, 50).items()) {
      out.add(item.get("seq").asLong() + ":" + item.at("/span/name").asText());
    }
    return out;
  }

  private static RecentFilter filter(String key, String value, String traceId, String stage, String outcome,
      Boolean dead) {
    return new RecentFilter(key, value, traceId, stage, outcome, dead, -1);
  }

  @ParameterizedTest(name = "from the request bytes: {0}")
  @ValueSource(booleans = {true, false})
  void items_are_numbered_newest_first_with_dead_letters_and_filters_pick_the_last_matching(boolean wire) {
    start(100);
    String a = "0af7651916cd43dd8448eb211c80319c";
    String b = "5b8efff798038103d269b633813fc60c";
    send(wire, span("first", a, "mark", "yes"), span("second", b, "user", "bob"), span("third", b, "poison", "1"));
    send(wire, span("fourth", a, "user", "ada"));

    Gateway.Recent all = gateway.recent(RecentFilter.ALL, 50);
    assertThat(all.newestSeq()).isEqualTo(4);
    assertThat(all.searched()).isEqualTo(4);
    // In a request, the exported items come before the dead-lettered ones.
    assertThat(names(RecentFilter.ALL)).containsExactly("4:fourth", "3:third", "2:second", "1:first");
    ObjectNode dead = all.items().get(1);
    assertThat(dead.get("deadLetter").asText()).isEqualTo("poison present");
    assertThat(dead.get("lineage").asText()).isEqualTo("dev#7 gate@1.0.0=routed");
    assertThat(all.items().get(0).has("deadLetter")).isFalse();
    assertThat(all.items().get(0).get("lineage").asText())
        .isEqualTo("dev#7 gate@1.0.0=unchanged marker@2.1.0=unchanged");

    assertThat(names(filter(null, null, null, null, null, true))).containsExactly("3:third");
    assertThat(names(filter(null, null, null, null, null, false))).containsExactly("4:fourth", "2:second", "1:first");
    assertThat(names(filter(null, null, null, "marker", "modified", null))).containsExactly("1:first");
    assertThat(names(filter(null, null, null, "marker@2.1.0", null, null)))
        .containsExactly("4:fourth", "2:second", "1:first");
    assertThat(names(filter(null, null, null, "mark", null, null))).as("a processor id, not its start").isEmpty();
    assertThat(names(filter(null, null, null, null, "routed", null))).containsExactly("3:third");
    assertThat(names(filter("user", "bob", null, null, null, null))).containsExactly("2:second");
    assertThat(names(filter("user", null, null, null, null, null))).containsExactly("4:fourth", "2:second");
    assertThat(names(filter("service.name", "cart", null, null, null, null))).hasSize(4);
    assertThat(names(filter("marked", "true", null, null, null, null))).containsExactly("1:first");
    assertThat(names(filter(null, null, a, null, null, null))).containsExactly("4:fourth", "1:first");
    assertThat(names(filter(null, null, "5b8e", null, null, true))).containsExactly("3:third");
    assertThat(names(new RecentFilter(null, null, null, null, null, null, 2))).containsExactly("4:fourth", "3:third");
    assertThat(gateway.recent(RecentFilter.ALL, 2).items()).hasSize(2);
  }

  @ParameterizedTest(name = "from the request bytes: {0}")
  @ValueSource(booleans = {true, false})
  void the_ring_keeps_its_size_and_the_numbers_count_every_item(boolean wire) {
    start(3);
    String t = "0af7651916cd43dd8448eb211c80319c";
    send(wire, span("a", t, "k", "1"), span("b", t, "k", "2"));
    send(wire, span("c", t, "k", "3"), span("d", t, "k", "4"), span("e", t, "k", "5"), span("f", t, "k", "6"),
        span("g", t, "k", "7"));
    Gateway.Recent kept = gateway.recent(RecentFilter.ALL, 50);
    assertThat(kept.newestSeq()).isEqualTo(7);
    assertThat(kept.capacity()).isEqualTo(3);
    assertThat(names(RecentFilter.ALL)).containsExactly("7:g", "6:f", "5:e");
    send(wire, span("h", t, "k", "8"));
    assertThat(names(RecentFilter.ALL)).containsExactly("8:h", "7:g", "6:f");
  }

  @ParameterizedTest(name = "from the request bytes: {0}")
  @ValueSource(booleans = {true, false})
  void an_armed_tap_keeps_each_item_as_received_beside_its_exported_form_and_costs_nothing_unarmed(boolean wire) {
    start(3);
    String t = "0af7651916cd43dd8448eb211c80319c";
    send(wire, span("before", t, "mark", "yes"));
    assertThat(gateway.recent(RecentFilter.ALL, 50).received(0)).as("not armed: nothing copied").isNull();

    gateway.armTap();
    // Four in one request (the ring keeps 3): one marked, one dead-lettered; exported ones come first.
    send(wire, span("skipped", t, "k", "0"), span("marked", t, "mark", "yes"), span("dead", t, "poison", "1"),
        span("plain", t, "k", "1"));
    Gateway.Recent recent = gateway.recent(RecentFilter.ALL, 50);
    assertThat(names(RecentFilter.ALL)).containsExactly("5:dead", "4:plain", "3:marked");
    assertThat(recent.received(0).name()).isEqualTo("dead");
    assertThat(recent.received(0).deadLetterReason()).as("as received: before the gate dead-lettered it").isNull();
    assertThat(recent.received(1).name()).isEqualTo("plain");
    assertThat(recent.received(2).name()).isEqualTo("marked");
    assertThat(recent.received(2).attributes().contains("marked")).as("as received: before the marker wrote").isFalse();
    assertThat(recent.items().get(2).toString()).as("as exported: after it").contains("\"marked\"");
    assertThat(recent.received(2).attributes().getString("mark")).isEqualTo("yes");
    assertThat(recent.received(2).traceId()).isEqualTo(t);
  }
}
