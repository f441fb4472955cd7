package io.tributary.plugins.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.trace.Baggage;
import io.tributary.api.trace.TraceParent;
import io.tributary.testkit.ProcessorTester;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CorrelationProcessorFactoryTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";
  private static final Pattern HEX_32 = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern HEX_16 = Pattern.compile("[0-9a-f]{16}");

  private final ProcessorTester tester = ProcessorTester.of(new CorrelationProcessorFactory());

  private Processor create(Map<String, ?> config) {
    return tester.create(config);
  }

  private static Item validSpan() {
    Item item = Item.span().traceId(TRACE_ID).spanId(SPAN_ID);
    item.attributes().put("request.id", "r-1");
    return item;
  }

  @Test
  void descriptor_examples_pass() {
    tester.verifyExamples();
  }

  // ---------------------------------------------------------------- trace context

  @Test
  void a_span_without_ids_gets_a_generated_trace_id_and_span_id() {
    Item item = Item.span();
    item.attributes().put("request.id", "r-1");

    tester.run(Map.of(), item);

    assertThat(item.traceId()).matches(HEX_32).satisfies(id -> assertThat(TraceParent.isValidTraceId(id)).isTrue());
    assertThat(item.spanId()).matches(HEX_16).satisfies(id -> assertThat(TraceParent.isValidSpanId(id)).isTrue());
    assertThat(item.parentSpanId()).isNull();
  }

  @Test
  void all_zero_and_malformed_ids_are_replaced_and_flags_kept() {
    Item item = validSpan().traceId("00000000000000000000000000000000").spanId("xyz").traceFlags(0x301);

    tester.run(Map.of(), item);

    assertThat(item.traceId()).matches(HEX_32).isNotEqualTo("00000000000000000000000000000000");
    assertThat(item.spanId()).matches(HEX_16);
    assertThat(item.traceFlags()).isEqualTo(0x301);
  }

  @Test
  void an_upper_case_parent_is_lowercased_and_an_all_zero_parent_removed() {
    Item upper = validSpan().parentSpanId("B7AD6B7169203331");
    tester.run(Map.of(), upper);
    assertThat(upper.parentSpanId()).isEqualTo("b7ad6b7169203331");

    Item zero = validSpan().parentSpanId("0000000000000000");
    tester.run(Map.of(), zero);
    assertThat(zero.parentSpanId()).isNull();
  }

  @Test
  void span_id_normalization_accepts_only_sixteen_hex_digits_not_all_zero() {
    assertThat(CorrelationProcessor.normalizeSpanId("00F067AA0BA902B7")).isEqualTo(SPAN_ID);
    assertThat(CorrelationProcessor.normalizeSpanId("0000000000000000")).isNull();
    assertThat(CorrelationProcessor.normalizeSpanId("00F067AA0BA902BZ")).isNull();
    assertThat(CorrelationProcessor.normalizeSpanId("00F067AA0BA902B")).isNull();
  }

  @Test
  void with_repair_off_existing_trace_context_is_left_exactly_as_it_is() {
    Item item = validSpan()
        .traceId("4BF92F3577B34DA6A3CE929D0E0E4736")
        .spanId("0000000000000000")
        .parentSpanId("nope")
        .traceState("Bad Key=1");
    Item before = item.copy();

    tester.run(Map.of("repair", false), item);

    assertThat(item).isEqualTo(before);
  }

  @Test
  void logs_get_no_generated_trace_context_unless_configured() {
    Item log = Item.log().body("hello");
    log.attributes().put("request.id", "r-1");
    Item before = log.copy();
    tester.run(Map.of(), log);
    assertThat(log).isEqualTo(before);

    tester.run(Map.of("generateTraceContextFor", List.of("span", "log")), log);
    assertThat(log.traceId()).matches(HEX_32);
    assertThat(log.spanId()).matches(HEX_16);
  }

  @Test
  void a_log_with_a_trace_id_but_no_span_id_keeps_it_that_way() {
    Item log = Item.log().traceId(TRACE_ID);
    log.attributes().put("request.id", "r-1");

    tester.run(Map.of(), log);

    assertThat(log.traceId()).isEqualTo(TRACE_ID);
    assertThat(log.spanId()).isNull();
  }

  @Test
  void a_valid_tracestate_is_kept() {
    Item item = validSpan().traceState("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
    tester.run(Map.of(), item);
    assertThat(item.traceState()).isEqualTo("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
  }

  @Test
  void traceparent_uses_the_low_eight_bits_of_the_flags_and_needs_valid_ids() {
    Item item = validSpan().traceFlags(0x101);
    tester.run(Map.of("writeTraceparent", true), item);
    assertThat(item.attributes().getString("traceparent"))
        .isEqualTo("00-" + TRACE_ID + "-" + SPAN_ID + "-01");

    Item log = Item.log().traceId(TRACE_ID);
    log.attributes().put("request.id", "r-1");
    tester.run(Map.of("writeTraceparent", true), log);
    assertThat(log.attributes().contains("traceparent")).isFalse();
  }

  @Test
  void traceparent_is_off_by_default() {
    Item item = validSpan();
    tester.run(Map.of(), item);
    assertThat(item.attributes().contains("traceparent")).isFalse();
  }

  // ---------------------------------------------------------------- request id

  @Test
  void generates_a_uuid_v7_request_id_when_none_is_found() {
    Item item = Item.span().traceId(TRACE_ID).spanId(SPAN_ID);
    tester.run(Map.of(), item);
    assertThat(RequestIds.isUuidV7(item.attributes().getString("request.id"))).isTrue();
  }

  @Test
  void metric_points_never_get_a_generated_request_id_but_keep_one_they_carry() {
    Item point = Item.metricPoint();
    tester.run(Map.of(), point);
    assertThat(point.attributes().contains("request.id")).isFalse();
    Item carrying = Item.metricPoint();
    carrying.attributes().put("x-request-id", "req-7");
    tester.run(Map.of(), carrying);
    assertThat(carrying.attributes().getString("request.id")).isEqualTo("req-7");
    Item log = Item.log();
    tester.run(Map.of(), log);
    assertThat(RequestIds.isUuidV7(log.attributes().getString("request.id"))).isTrue();
  }

  @Test
  void does_not_generate_a_request_id_when_generate_is_off() {
    Item item = Item.span().traceId(TRACE_ID).spanId(SPAN_ID);
    tester.run(Map.of("generate", false), item);
    assertThat(item.attributes().contains("request.id")).isFalse();
  }

  @Test
  void the_first_non_blank_key_wins_and_values_are_trimmed() {
    Item item = Item.span().traceId(TRACE_ID).spanId(SPAN_ID);
    item.attributes().put("x-request-id", "   ").put("correlation.id", " c-9 ").put("x-trace", "t-1");

    tester.run(Map.of(), item);

    assertThat(item.attributes().getString("request.id")).isEqualTo("c-9");
  }

  @Test
  void a_blank_target_is_filled_but_an_existing_value_is_never_replaced() {
    Item blank = Item.span().traceId(TRACE_ID).spanId(SPAN_ID);
    blank.attributes().put("request.id", "").put("x-request-id", "x-1");
    tester.run(Map.of(), blank);
    assertThat(blank.attributes().getString("request.id")).isEqualTo("x-1");

    Item numeric = Item.span().traceId(TRACE_ID).spanId(SPAN_ID);
    numeric.attributes().put("request.id", 42L).put("x-request-id", "x-1");
    tester.run(Map.of(), numeric);
    assertThat(numeric.attributes().getLong("request.id", 0)).isEqualTo(42L);
  }

  @Test
  void over_long_and_non_string_values_are_skipped_not_truncated() {
    Item item = Item.span().traceId(TRACE_ID).spanId(SPAN_ID);
    item.attributes()
        .put("request.id", 7L)
        .put("x-request-id", "a".repeat(40))
        .put("correlation.id", "short");

    tester.run(Map.of("requestIdMaxLength", 36, "requestIdKeys", List.of("x-request-id", "correlation.id")),
        item);

    assertThat(item.attributes().getLong("request.id", 0)).isEqualTo(7L);

    Item other = Item.span().traceId(TRACE_ID).spanId(SPAN_ID);
    other.attributes().put("x-request-id", "a".repeat(40)).put("correlation.id", "short");
    tester.run(Map.of("requestIdMaxLength", 36), other);
    assertThat(other.attributes().getString("request.id")).isEqualTo("short");
  }

  // ---------------------------------------------------------------- baggage

  @Test
  void baggage_is_not_promoted_by_default() {
    Item item = validSpan().baggage("tenant=acme");
    tester.run(Map.of(), item);
    assertThat(item.attributes().contains("baggage.tenant")).isFalse();
  }

  @Test
  void baggage_overwrite_and_custom_prefix_apply_and_values_are_decoded() {
    Item item = validSpan().baggage("tenant=acme%20corp;ttl=5, plan=gold");
    item.attributes().put("baggage.app.tenant", "old");

    tester.run(Map.of("baggageAllowList", List.of("tenant", "plan"), "baggagePrefix", "baggage.app.",
        "baggageOverwrite", true), item);

    assertThat(item.attributes().getString("baggage.app.tenant")).isEqualTo("acme corp");
    assertThat(item.attributes().getString("baggage.app.plan")).isEqualTo("gold");
  }

  @Test
  void unreadable_baggage_is_left_alone() {
    Item item = validSpan().baggage("this is not baggage");
    Item before = item.copy();

    tester.run(Map.of("baggageAllowList", List.of("tenant")), item);

    assertThat(item).isEqualTo(before);
  }

  // ---------------------------------------------------------------- config

  @Test
  void a_prefix_outside_the_declared_namespace_is_rejected() {
    assertThat(tester.configProblems(Map.of("baggagePrefix", "bg.")))
        .singleElement(STRING)
        .startsWith("baggagePrefix: ")
        .contains("\"bg.\"")
        .contains("baggage.");
    assertThat(tester.configProblems(Map.of("baggagePrefix", "baggage.app."))).isEmpty();
  }

  @Test
  void an_invalid_baggage_name_is_rejected() {
    assertThatThrownBy(() -> create(Map.of("baggageAllowList", List.of("tenant", "two words"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'baggageAllowList'")
        .hasMessageContaining("two words");
    // The schema's pattern accepts exactly the names Baggage accepts.
    for (String name : List.of("tenant", "x-b3_id.v1!#$%&'*+^`|~", "", " ", "a,b", "a;b", "a=b",
        "\"q\"", "a/b", "a b", "é", "a\tb")) {
      boolean valid;
      try {
        Baggage.empty().with(name, "");
        valid = true;
      } catch (IllegalArgumentException e) {
        valid = false;
      }
      List<String> problems = tester.configProblems(Map.of("baggageAllowList", List.of(name)));
      if (valid) {
        assertThat(problems).as(name).isEmpty();
      } else {
        assertThat(problems).as(name).singleElement(STRING).startsWith("baggageAllowList: ");
      }
    }
  }

  @Test
  void a_blank_request_id_key_and_a_zero_max_length_are_rejected() {
    assertThatThrownBy(() -> create(Map.of("requestIdKeys", List.of("x-request-id", " "))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'requestIdKeys'");
    // Blank as String.isBlank() has it: a no-break space is not whitespace, an em space is.
    for (String key : List.of("", " ", "\t\n", "\u2003", "\u00a0", "a b", "\nx")) {
      List<String> problems = tester.configProblems(Map.of("requestIdKeys", List.of(key)));
      if (key.isBlank()) {
        assertThat(problems).as(key).singleElement(STRING).startsWith("requestIdKeys: ");
      } else {
        assertThat(problems).as(key).isEmpty();
      }
    }
    assertThatThrownBy(() -> create(Map.of("requestIdMaxLength", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'requestIdMaxLength'");
    assertThat(tester.configProblems(Map.of("requestIdMaxLength", 1L << 31)))
        .singleElement(STRING).startsWith("requestIdMaxLength: ");
    assertThat(tester.configProblems(Map.of("requestIdMaxLength", 1))).isEmpty();
  }

  @Test
  void an_unsupported_target_or_kind_fails_validation() {
    assertThat(tester.configProblems(Map.of("requestIdTarget", "rid")))
        .singleElement(STRING).startsWith("requestIdTarget: ");
    assertThat(tester.configProblems(Map.of("generateTraceContextFor", "trace")))
        .singleElement(STRING).startsWith("generateTraceContextFor: ");
  }

  // ---------------------------------------------------------------- engine

  @Test
  void everything_it_writes_is_declared_and_a_repaired_item_is_changed() {
    Item item = Item.span()
        .traceId("4BF92F3577B34DA6A3CE929D0E0E4736")
        .spanId("bad")
        .parentSpanId("bad")
        .traceState("Bad=1")
        .baggage("tenant=acme");
    Item before = item.copy();

    tester.run(Map.of("writeTraceparent", true, "baggageAllowList", List.of("tenant"),
        "requestIdTarget", "correlation.id"), item);

    assertThat(item).isNotEqualTo(before);
    assertThat(item.traceId()).isEqualTo(TRACE_ID);
    assertThat(item.spanId()).matches(HEX_16);
    assertThat(item.parentSpanId()).isNull();
    assertThat(item.traceState()).isNull();
    assertThat(item.attributes().getString("baggage.tenant")).isEqualTo("acme");
    assertThat(RequestIds.isUuidV7(item.attributes().getString("correlation.id"))).isTrue();
    assertThat(item.attributes().getString("traceparent")).startsWith("00-" + TRACE_ID + "-");
  }

  @Test
  void a_complete_item_passes_unchanged() {
    Item item = validSpan().parentSpanId("b7ad6b7169203331").traceState("rojo=1").baggage("tenant=acme");
    item.attributes().put("baggage.tenant", "acme");
    Item before = item.copy();

    tester.run(Map.of("baggageAllowList", List.of("tenant")), item);

    assertThat(item).isEqualTo(before);
  }

  @Test
  void concurrent_batches_get_distinct_generated_ids() throws Exception {
    int threads = 8;
    int perThread = 2_000;
    Set<String> requestIds = ConcurrentHashMap.newKeySet();
    Set<String> traceIds = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try (Processor processor = create(Map.of())) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          List<Item> items = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            items.add(Item.span());
          }
          processor.process(items);
          for (Item item : items) {
            requestIds.add(item.attributes().getString("request.id"));
            traceIds.add(item.traceId());
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(requestIds).hasSize(threads * perThread).allMatch(RequestIds::isUuidV7);
    assertThat(traceIds).hasSize(threads * perThread);
  }
}
