package io.tributary.api;

import io.tributary.api.host.ChangeTracker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ItemTest {

  /** An item with every field and every attribute map set. */
  static Item fullSpan() {
    Item item =
        Item.span()
            .name("GET /users/{id}")
            .traceId("4bf92f3577b34da6a3ce929d0e0e4736")
            .spanId("00f067aa0ba902b7")
            .parentSpanId("b7ad6b7169203331")
            .traceFlags(1)
            .traceState("congo=t61rcWkgMzE")
            .baggage("userId=alice")
            .body("{\"msg\":\"hi\"}")
            .severityNumber(17)
            .severityText("ERROR")
            .timeUnixNano(1_700_000_000_000_000_000L)
            .endTimeUnixNano(1_700_000_000_500_000_000L)
            .observedTimeUnixNano(1_700_000_001_000_000_000L)
            .schemaUrl("https://opentelemetry.io/schemas/1.24.0")
            .scopeName("io.opentelemetry.http")
            .scopeVersion("1.2.3");
    item.attributes()
        .put("http.method", "GET")
        .put("http.status_code", 200L)
        .put("ratio", 0.5)
        .put("error", false)
        .putBytes("raw", new byte[] {1, 2})
        .putArray("tags", List.of("a", "b"));
    item.resource().put("service.name", "checkout").put("host.name", "web-1");
    item.scope().put("otel.library", "okhttp");
    return item;
  }

  @Test
  void factories_create_empty_items_of_each_kind() {
    assertThat(Item.span().kind()).isEqualTo(Item.Kind.SPAN);
    assertThat(Item.log().kind()).isEqualTo(Item.Kind.LOG);
    assertThat(Item.metricPoint().kind()).isEqualTo(Item.Kind.METRIC_POINT);
    assertThat(Item.event().kind()).isEqualTo(Item.Kind.EVENT);
    assertThat(new Item(Item.Kind.LOG)).isEqualTo(Item.log());
  }

  @Test
  void a_new_item_has_null_strings_zero_numbers_and_empty_maps() {
    Item item = Item.log();

    assertThat(item.name()).isNull();
    assertThat(item.traceId()).isNull();
    assertThat(item.body()).isNull();
    assertThat(item.deadLetterReason()).isNull();
    assertThat(item.traceFlags()).isZero();
    assertThat(item.severityNumber()).isZero();
    assertThat(item.timeUnixNano()).isZero();
    assertThat(item.attributes().isEmpty()).isTrue();
    assertThat(item.resource().isEmpty()).isTrue();
    assertThat(item.scope().isEmpty()).isTrue();
    assertThat(item.toString()).isEqualTo("LOG{ attributes={}}");
  }

  @Test
  void kind_is_required() {
    assertThatThrownBy(() -> new Item(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("kind");
  }

  @Test
  void every_field_reads_back_what_was_written() {
    Item item = fullSpan();

    assertThat(item.name()).isEqualTo("GET /users/{id}");
    assertThat(item.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(item.spanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(item.parentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(item.traceFlags()).isEqualTo(1);
    assertThat(item.traceState()).isEqualTo("congo=t61rcWkgMzE");
    assertThat(item.baggage()).isEqualTo("userId=alice");
    assertThat(item.body()).isEqualTo("{\"msg\":\"hi\"}");
    assertThat(item.severityNumber()).isEqualTo(17);
    assertThat(item.severityText()).isEqualTo("ERROR");
    assertThat(item.timeUnixNano()).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(item.endTimeUnixNano()).isEqualTo(1_700_000_000_500_000_000L);
    assertThat(item.observedTimeUnixNano()).isEqualTo(1_700_000_001_000_000_000L);
    assertThat(item.schemaUrl()).isEqualTo("https://opentelemetry.io/schemas/1.24.0");
    assertThat(item.scopeName()).isEqualTo("io.opentelemetry.http");
    assertThat(item.scopeVersion()).isEqualTo("1.2.3");
  }

  @Test
  void string_fields_can_be_cleared_with_null() {
    Item item = fullSpan().name(null).traceId(null).body(null);

    assertThat(item.name()).isNull();
    assertThat(item.traceId()).isNull();
    assertThat(item.body()).isNull();
  }

  @Test
  void attribute_maps_are_separate() {
    Item item = Item.span();

    item.attributes().put("k", "attribute");
    item.resource().put("k", "resource");
    item.scope().put("k", "scope");

    assertThat(item.attributes().getString("k")).isEqualTo("attribute");
    assertThat(item.resource().getString("k")).isEqualTo("resource");
    assertThat(item.scope().getString("k")).isEqualTo("scope");
  }

  // ---------------------------------------------------------------- copy

  @Test
  void copy_is_equal_and_renders_identically() {
    Item original = fullSpan();

    Item copy = original.copy();

    assertThat(copy).isNotSameAs(original).isEqualTo(original);
    assertThat(copy.hashCode()).isEqualTo(original.hashCode());
    assertThat(copy.toString()).isEqualTo(original.toString());
  }

  @Test
  void mutating_the_copy_leaves_the_original_alone() {
    Item original = fullSpan();
    String before = original.toString();

    Item copy = original.copy();
    copy.name("other").traceFlags(0).timeUnixNano(5).body(null);
    copy.attributes().put("http.method", "POST").put("added", 1L).remove("tags");
    copy.attributes().setStringAt(0, "PATCH");
    copy.attributes().removeAt(0);
    copy.resource().put("service.name", "payments");
    copy.scope().remove("otel.library");
    copy.deadLetter("nope");

    assertThat(original.toString()).isEqualTo(before);
    assertThat(original).isEqualTo(fullSpan());
    assertThat(copy).isNotEqualTo(original);
  }

  @Test
  void growing_the_copy_beyond_its_capacity_leaves_the_original_alone() {
    Item original = Item.span();
    original.attributes().put("a", 1L).put("b", 2L);
    Item copy = original.copy();

    for (int i = 0; i < 40; i++) {
      copy.attributes().put("k" + i, (long) i);
    }

    assertThat(original.attributes().toString()).isEqualTo("{a=1L, b=2L}");
    assertThat(copy.attributes().size()).isEqualTo(42);
  }

  @Test
  void mutating_the_original_leaves_the_copy_alone() {
    Item original = fullSpan();
    Item copy = original.copy();

    original.attributes().put("http.method", "DELETE");
    original.resource().remove("host.name");

    assertThat(copy).isEqualTo(fullSpan());
  }

  @Test
  void copy_keeps_the_dead_letter_reason() {
    Item original = Item.log();
    original.deadLetter("policy: pii");

    assertThat(original.copy().deadLetterReason()).isEqualTo("policy: pii");
  }

  @Test
  void copy_is_not_tracked_by_the_originals_tracker() {
    Item original = fullSpan();
    ChangeTracker tracker = new ChangeTracker();
    tracker.begin(original);

    Item copy = original.copy();
    copy.name("changed");
    copy.attributes().put("new", "x");

    assertThat(tracker.changeCount()).isZero();
    tracker.rollback();
    assertThat(copy.name()).isEqualTo("changed");
    assertThat(copy.attributes().getString("new")).isEqualTo("x");
  }

  // ---------------------------------------------------------------- equality

  @Test
  void items_differing_in_any_single_field_are_not_equal() {
    Item base = fullSpan();

    assertThat(base.copy().name("x")).isNotEqualTo(base);
    assertThat(base.copy().traceId("x")).isNotEqualTo(base);
    assertThat(base.copy().spanId("x")).isNotEqualTo(base);
    assertThat(base.copy().parentSpanId("x")).isNotEqualTo(base);
    assertThat(base.copy().traceFlags(0)).isNotEqualTo(base);
    assertThat(base.copy().traceState("x")).isNotEqualTo(base);
    assertThat(base.copy().baggage("x")).isNotEqualTo(base);
    assertThat(base.copy().body("x")).isNotEqualTo(base);
    assertThat(base.copy().severityNumber(1)).isNotEqualTo(base);
    assertThat(base.copy().severityText("x")).isNotEqualTo(base);
    assertThat(base.copy().timeUnixNano(1)).isNotEqualTo(base);
    assertThat(base.copy().endTimeUnixNano(1)).isNotEqualTo(base);
    assertThat(base.copy().observedTimeUnixNano(1)).isNotEqualTo(base);
    assertThat(base.copy().schemaUrl("x")).isNotEqualTo(base);
    assertThat(base.copy().scopeName("x")).isNotEqualTo(base);
    assertThat(base.copy().scopeVersion("x")).isNotEqualTo(base);
    Item deadLettered = base.copy();
    deadLettered.deadLetter("x");
    assertThat(deadLettered).isNotEqualTo(base);
  }

  @Test
  void items_differing_in_kind_or_attribute_maps_are_not_equal() {
    Item base = fullSpan();

    Item otherKind = new Item(Item.Kind.EVENT);
    assertThat(otherKind).isNotEqualTo(Item.span());
    Item attr = base.copy();
    attr.attributes().put("x", 1L);
    Item res = base.copy();
    res.resource().put("x", 1L);
    Item scope = base.copy();
    scope.scope().put("x", 1L);

    assertThat(attr).isNotEqualTo(base);
    assertThat(res).isNotEqualTo(base);
    assertThat(scope).isNotEqualTo(base);
    assertThat(base).isNotEqualTo(null).isNotEqualTo("SPAN{}");
  }

  @Test
  void the_same_key_in_another_map_is_not_equal() {
    Item inAttributes = Item.span();
    inAttributes.attributes().put("service.name", "a");
    Item inResource = Item.span();
    inResource.resource().put("service.name", "a");

    assertThat(inAttributes).isNotEqualTo(inResource);
  }

  @Test
  void equal_items_built_in_another_order_are_equal_but_render_differently() {
    Item ab = Item.span().name("n");
    ab.attributes().put("a", 1L).put("b", 2L);
    Item ba = Item.span().name("n");
    ba.attributes().put("b", 2L).put("a", 1L);

    assertThat(ab).isEqualTo(ba);
    assertThat(ab.hashCode()).isEqualTo(ba.hashCode());
    assertThat(ab.toString()).isNotEqualTo(ba.toString());
  }

  @Test
  void to_string_renders_every_set_part_in_a_fixed_order() {
    assertThat(fullSpan().toString())
        .isEqualTo(
            "SPAN{ name=GET /users/{id} trace_id=4bf92f3577b34da6a3ce929d0e0e4736"
                + " span_id=00f067aa0ba902b7 parent_span_id=b7ad6b7169203331 trace_flags=1"
                + " trace_state=congo=t61rcWkgMzE baggage=userId=alice body={\"msg\":\"hi\"}"
                + " severity_number=17 severity_text=ERROR time=1700000000000000000"
                + " end_time=1700000000500000000 observed_time=1700000001000000000"
                + " schema_url=https://opentelemetry.io/schemas/1.24.0"
                + " scope_name=io.opentelemetry.http scope_version=1.2.3"
                + " attributes={http.method=\"GET\", http.status_code=200L, ratio=0.5d,"
                + " error=false, raw=bytes[1, 2], tags=[a, b]}"
                + " resource={service.name=\"checkout\", host.name=\"web-1\"}"
                + " scope={otel.library=\"okhttp\"}}");
  }

  // ---------------------------------------------------------------- dead letter

  @Test
  void dead_letter_records_the_reason() {
    Item item = Item.log();

    item.deadLetter("policy: credit card number in body");

    assertThat(item.deadLetterReason()).isEqualTo("policy: credit card number in body");
    assertThat(item.toString()).contains("dead_letter=policy: credit card number in body");
  }

  @Test
  void the_first_dead_letter_reason_wins() {
    Item item = Item.log();

    item.deadLetter("first");
    item.deadLetter("second");

    assertThat(item.deadLetterReason()).isEqualTo("first");
  }

  @Test
  void dead_letter_needs_a_reason() {
    Item item = Item.log();

    assertThatThrownBy(() -> item.deadLetter(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("reason");
    assertThat(item.deadLetterReason()).isNull();
  }

  @Test
  void field_names_match_the_descriptor_notation_and_the_field_ids() {
    assertThat(Item.FIELD_NAMES).hasSize(17);
    assertThat(Item.FIELD_NAMES[Item.F_NAME]).isEqualTo("name");
    assertThat(Item.FIELD_NAMES[Item.F_TRACE_ID]).isEqualTo("trace_id");
    assertThat(Item.FIELD_NAMES[Item.F_SEVERITY_NUMBER]).isEqualTo("severity_number");
    assertThat(Item.FIELD_NAMES[Item.F_OBSERVED_TIME]).isEqualTo("observed_time");
    assertThat(Item.FIELD_NAMES[Item.F_SCOPE_VERSION]).isEqualTo("scope_version");
    assertThat(Item.FIELD_NAMES[Item.F_DEAD_LETTER]).isEqualTo("dead_letter");
  }
}
