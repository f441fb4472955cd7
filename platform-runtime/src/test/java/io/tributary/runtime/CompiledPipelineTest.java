package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompiledPipelineTest {

  /** Writes a lot, in every part of the item, then throws for items flagged "poison". */
  private static final Processor VANDAL = item -> {
    item.attributes().put("http.method", "DELETE").put("added", 1L).remove("user.email");
    item.attributes().setStringAt(0, "overwritten");
    item.resource().put("service.name", "vandal").remove("host.name");
    item.scope().put("scope.attr", true);
    item.traceId("ffffffffffffffffffffffffffffffff").spanId(null).body("gone").traceFlags(0)
        .severityText("FATAL").timeUnixNano(1);
    if (item.attributes().getBoolean("poison", false)) {
      throw new IllegalStateException("cannot handle this one");
    }
  };

  private static final ProcessorDescriptor VANDAL_DESCRIPTOR = ProcessorDescriptor.builder("vandal", "1.0.0")
      .writes("*", "resource:*", "scope:*", "field:*")
      .failureDefault("vandal.failed", true)
      .build();

  private static Item sample(boolean poison) {
    Item item = Item.log()
        .traceId("4bf92f3577b34da6a3ce929d0e0e4736").spanId("00f067aa0ba902b7").traceFlags(1)
        .body("user bob@example.com logged in").severityText("INFO").severityNumber(9)
        .timeUnixNano(1_700_000_000_000_000_000L);
    item.attributes().put("first", "kept first").put("user.email", "bob@example.com")
        .put("http.method", "GET").put("count", 3L).put("ratio", 0.5).putArray("tags", List.of("a", "b"))
        .put("poison", poison);
    item.resource().put("service.name", "checkout").put("host.name", "web-1");
    return item;
  }

  private static CompiledPipeline pipeline(FailurePolicy policy) {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(
        TestFactory.processing(VANDAL_DESCRIPTOR, VANDAL),
        TestFactory.processing(ProcessorDescriptor.builder("marker", "2.1.0").writes("marked").build(),
            item -> item.attributes().put("marked", true))));
    return PipelineCompiler.builder(registry).build()
        .compile("dev", 7, PipelineSpec.of(StageSpec.of("vandal").withFailurePolicy(policy), StageSpec.of("marker")));
  }

  @Test
  void failing_stage_leaves_the_item_exactly_as_it_was_and_later_stages_still_run() {
    Item poisoned = sample(true);
    Item before = poisoned.copy();
    String renderedBefore = poisoned.toString();
    Item healthy = sample(false);
    Batch batch = Batch.of(poisoned, healthy);

    pipeline(FailurePolicy.SKIP).run(batch);

    // Restored byte for byte, attribute order included, then the next stage ran on it.
    poisoned.attributes().remove("marked");
    assertThat(poisoned).isEqualTo(before);
    assertThat(poisoned.toString()).isEqualTo(renderedBefore);
    assertThat(batch.outcome(0, 0)).isEqualTo(StageOutcome.FAILED);
    assertThat(batch.outcome(0, 1)).isEqualTo(StageOutcome.MODIFIED);
    // The healthy item kept the vandal's writes.
    assertThat(healthy.body()).isEqualTo("gone");
    assertThat(healthy.resource().getString("service.name")).isEqualTo("vandal");
    assertThat(batch.outcome(1, 0)).isEqualTo(StageOutcome.MODIFIED);
    assertThat(batch.delivered()).containsExactly(poisoned, healthy);
  }

  @Test
  void default_policy_restores_then_sets_the_declared_defaults() {
    Item poisoned = sample(true);
    Item expected = poisoned.copy();
    expected.attributes().put("vandal.failed", true).put("marked", true);
    Batch batch = Batch.of(poisoned);
    pipeline(FailurePolicy.DEFAULT).run(batch);
    assertThat(poisoned).isEqualTo(expected);
    assertThat(batch.outcome(0, 0)).isEqualTo(StageOutcome.DEFAULTED);
  }

  @Test
  void dead_letter_policy_routes_the_restored_item_and_later_stages_skip_it() {
    Item poisoned = sample(true);
    Item original = poisoned.copy();
    Batch batch = Batch.of(poisoned, sample(false));
    pipeline(FailurePolicy.DEAD_LETTER).run(batch);
    assertThat(batch.deadLettered()).containsExactly(poisoned);
    assertThat(poisoned.deadLetterReason())
        .isEqualTo("stage 'vandal' (vandal@1.0.0) failed: IllegalStateException: cannot handle this one");
    assertThat(poisoned.attributes().contains("marked")).isFalse();
    assertThat(poisoned.attributes()).isEqualTo(original.attributes());
    assertThat(batch.outcome(0, 1)).isNull();
    assertThat(batch.lineage(0)).isEqualTo("dev#7 vandal@1.0.0=dead-lettered");
    assertThat(batch.lineage(1)).isEqualTo("dev#7 vandal@1.0.0=modified marker@2.1.0=modified");
  }

  @Test
  void neighbours_with_the_same_outcomes_share_one_lineage_text_and_different_ones_get_their_own() {
    Batch batch = Batch.of(sample(false), sample(false), sample(true), sample(false));
    pipeline(FailurePolicy.DEAD_LETTER).run(batch);
    String ok = "dev#7 vandal@1.0.0=modified marker@2.1.0=modified";
    assertThat(batch.lineage(0)).isEqualTo(ok);
    assertThat(batch.lineage(1)).isEqualTo(ok).isSameAs(batch.lineage(0));
    assertThat(batch.lineage(2)).isEqualTo("dev#7 vandal@1.0.0=dead-lettered");
    assertThat(batch.lineage(3)).isEqualTo(ok);
    assertThat(batch.lineage(2)).isEqualTo("dev#7 vandal@1.0.0=dead-lettered");
  }

  @Test
  void processor_may_route_an_item_to_dead_letter_itself() {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.processing(
        ProcessorDescriptor.builder("gate", "1.0.0").reads("secret").build(),
        item -> {
          if (item.attributes().contains("secret")) {
            item.deadLetter("secret attribute present");
          }
        })));
    Item leaking = Item.span();
    leaking.attributes().put("secret", "x");
    Batch batch = Batch.of(leaking, Item.span());
    PipelineCompiler.builder(registry).build().compile("dev", 1, PipelineSpec.of(StageSpec.of("gate"))).run(batch);
    assertThat(batch.outcome(0, 0)).isEqualTo(StageOutcome.ROUTED);
    assertThat(batch.outcome(1, 0)).isEqualTo(StageOutcome.UNCHANGED);
    assertThat(batch.deadLettered()).singleElement().satisfies(i ->
        assertThat(i.deadLetterReason()).isEqualTo("secret attribute present"));
  }

  @Test
  void stage_metrics_count_items_modified_failed_and_dead_lettered_per_environment_and_stage() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.processing(VANDAL_DESCRIPTOR, VANDAL)));
    CompiledPipeline p = PipelineCompiler.builder(registry).meterRegistry(meters).build()
        .compile("staging", 2, PipelineSpec.of(StageSpec.of("vandal").withFailurePolicy(FailurePolicy.DEAD_LETTER)));
    p.run(Batch.of(sample(true), sample(false), sample(false)));
    p.run(Batch.of(sample(false)));
    assertThat(meters.get("tributary.stage.items").tags("env", "staging", "stage", "vandal").counter().count()).isEqualTo(4);
    assertThat(meters.get("tributary.stage.modified").tag("stage", "vandal").counter().count()).isEqualTo(3);
    assertThat(meters.get("tributary.stage.failed").tag("stage", "vandal").counter().count()).isEqualTo(1);
    assertThat(meters.get("tributary.stage.dead_lettered").tag("stage", "vandal").counter().count()).isEqualTo(1);
    assertThat(meters.get("tributary.stage.duration").tags("env", "staging", "processor", "vandal").timer().count())
        .isEqualTo(2); // one clock reading pair per stage per batch
  }

  @Test
  void timings_off_registers_no_timer() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.processing(VANDAL_DESCRIPTOR, VANDAL)));
    PipelineCompiler.builder(registry).meterRegistry(meters).timings(false).build()
        .compile("dev", 1, PipelineSpec.of(StageSpec.of("vandal"))).run(Batch.of(sample(false)));
    assertThat(meters.find("tributary.stage.duration").timer()).isNull();
    assertThat(meters.get("tributary.stage.items").counter().count()).isEqualTo(1);
  }

  @Test
  void lineage_off_records_only_the_revision() {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.processing(VANDAL_DESCRIPTOR, VANDAL)));
    Batch batch = Batch.of(sample(false));
    PipelineCompiler.builder(registry).lineage(false).build()
        .compile("prod", 12, PipelineSpec.of(StageSpec.of("vandal"))).run(batch);
    assertThat(batch.outcome(0, 0)).isNull();
    assertThat(batch.lineage(0)).isEqualTo("prod#12");
  }

  @Test
  void writing_an_undeclared_key_fails_the_stage_in_debug_mode_only() {
    ProcessorDescriptor narrow = ProcessorDescriptor.builder("narrow", "1.0.0").writes("allowed").build();
    Processor sneaky = item -> item.attributes().put("allowed", 1L).put("sneaky", 2L);
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.processing(narrow, sneaky)));
    PipelineSpec spec = PipelineSpec.of(StageSpec.of("narrow"));

    Item strict = Item.span();
    Batch strictBatch = Batch.of(strict);
    CompiledPipeline debug = PipelineCompiler.builder(registry).enforceDeclaredWrites(true).build().compile("dev", 1, spec);
    debug.run(strictBatch);
    assertThat(strict.attributes().isEmpty()).isTrue();
    assertThat(strictBatch.outcome(0, 0)).isEqualTo(StageOutcome.FAILED);
    assertThat(debug.stages().get(0).breaker().lastFailure()).contains("wrote 'sneaky'");

    Item lax = Item.span();
    PipelineCompiler.builder(registry).build().compile("dev", 1, spec).run(Batch.of(lax));
    assertThat(lax.attributes().getLong("sneaky", 0)).isEqualTo(2);
  }

  @Test
  void writing_the_value_already_there_is_not_a_modification() {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.processing(
        ProcessorDescriptor.builder("same", "1.0.0").writes("k", "field:name").build(),
        item -> {
          item.attributes().put("k", "v");
          item.name("span");
        })));
    Item item = Item.span().name("span");
    item.attributes().put("k", "v");
    Batch batch = Batch.of(item);
    PipelineCompiler.builder(registry).build().compile("dev", 1, PipelineSpec.of(StageSpec.of("same"))).run(batch);
    assertThat(batch.outcome(0, 0)).isEqualTo(StageOutcome.UNCHANGED);
  }

  @Test
  void stack_overflow_in_a_processor_is_isolated_like_any_failure() {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.processing(
        ProcessorDescriptor.builder("recursive", "1.0.0").writes("depth").build(),
        new Processor() {
          @Override
          public void process(Item item) {
            item.attributes().put("depth", item.attributes().getLong("depth", 0) + 1);
            process(item);
          }
        })));
    Item item = Item.span();
    Batch batch = Batch.of(item);
    PipelineCompiler.builder(registry).build().compile("dev", 1, PipelineSpec.of(StageSpec.of("recursive"))).run(batch);
    assertThat(item.attributes().isEmpty()).isTrue();
    assertThat(batch.outcome(0, 0)).isEqualTo(StageOutcome.FAILED);
  }

  @Test
  void a_batch_runs_once() {
    CompiledPipeline p = pipeline(FailurePolicy.SKIP);
    Batch batch = Batch.of(sample(false));
    p.run(batch);
    assertThatThrownBy(() -> p.run(batch)).isInstanceOf(IllegalStateException.class).hasMessageContaining("already ran on dev#7");
  }

  @Test
  void many_items_keep_their_order_and_identity() {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Item item = sample(i % 7 == 0);
      item.attributes().put("seq", (long) i);
      items.add(item);
    }
    Batch batch = Batch.of(items);
    pipeline(FailurePolicy.SKIP).run(batch);
    for (int i = 0; i < 1000; i++) {
      assertThat(batch.item(i)).isSameAs(items.get(i));
      assertThat(batch.item(i).attributes().getLong("seq", -1)).isEqualTo(i);
      assertThat(batch.outcome(i, 0)).isEqualTo(i % 7 == 0 ? StageOutcome.FAILED : StageOutcome.MODIFIED);
    }
  }
}
