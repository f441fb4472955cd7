package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine hands a processor that overrides {@code process(List)} whole batches. */
class BatchHookTest {

  private static final ProcessorDescriptor TAGGER =
      ProcessorDescriptor.builder("tagger", "1.0.0").writes("tag").build();

  /** Tags items whose "n" is even, one call per batch; throws for any batch holding n == 13. */
  static class BatchTagger implements Processor {
    final List<Integer> batchSizes = new ArrayList<>();
    int singleCalls;

    @Override
    public void process(Item item) {
      singleCalls++;
      if (item.attributes().getLong("n", 0) == 13) {
        throw new IllegalStateException("unlucky");
      }
      tag(item);
    }

    @Override
    public void process(List<Item> items) {
      batchSizes.add(items.size());
      for (Item item : items) {
        tag(item); // written before the throw below, so the engine must undo it
      }
      for (Item item : items) {
        if (item.attributes().getLong("n", 0) == 13) {
          throw new IllegalStateException("unlucky batch");
        }
      }
    }

    private static void tag(Item item) {
      if (item.attributes().getLong("n", 0) % 2 == 0) {
        item.attributes().put("tag", "even");
      }
    }
  }

  private static List<Item> items(long... ns) {
    List<Item> out = new ArrayList<>();
    for (long n : ns) {
      Item item = Item.span();
      item.attributes().put("n", n);
      out.add(item);
    }
    return out;
  }

  private static CompiledPipeline pipeline(Processor tagger, SimpleMeterRegistry meters) {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(
        TestFactory.processing(ProcessorDescriptor.builder("gate", "1.0.0").build(), item -> {
          if (item.attributes().getLong("n", 0) < 0) {
            item.deadLetter("negative");
          }
        }),
        TestFactory.processing(TAGGER, tagger)));
    return PipelineCompiler.builder(registry).meterRegistry(meters).build()
        .compile("dev", 1, PipelineSpec.of(StageSpec.of("gate"), StageSpec.of("tagger")));
  }

  @Test
  void one_call_per_batch_with_the_live_items_and_an_outcome_per_item() {
    BatchTagger tagger = new BatchTagger();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    List<Item> items = items(2, -4, 3, 8);
    Batch batch = Batch.of(items);

    pipeline(tagger, meters).run(batch);

    assertThat(tagger.batchSizes).containsExactly(3); // the dead-lettered item is not handed on
    assertThat(tagger.singleCalls).isZero();
    assertThat(items.get(0).attributes().getString("tag")).isEqualTo("even");
    assertThat(items.get(1).attributes().contains("tag")).isFalse();
    assertThat(batch.outcome(0, 1)).isEqualTo(StageOutcome.MODIFIED);
    assertThat(batch.outcome(2, 1)).isEqualTo(StageOutcome.UNCHANGED);
    assertThat(batch.outcome(3, 1)).isEqualTo(StageOutcome.MODIFIED);
    assertThat(batch.lineage(0)).contains("tagger@1.0.0=modified");
    assertThat(batch.lineage(2)).contains("tagger@1.0.0=unchanged");
    assertThat(meters.get("tributary.stage.items").tag("stage", "tagger").counter().count()).isEqualTo(3);
    assertThat(meters.get("tributary.stage.modified").tag("stage", "tagger").counter().count()).isEqualTo(2);
  }

  @Test
  void a_failed_batch_call_is_undone_and_the_items_run_one_by_one_isolating_the_failure() {
    BatchTagger tagger = new BatchTagger();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    List<Item> items = items(2, 13, 4);
    Batch batch = Batch.of(items);

    pipeline(tagger, meters).run(batch);

    assertThat(tagger.batchSizes).containsExactly(3);
    assertThat(tagger.singleCalls).isEqualTo(3);
    assertThat(items.get(0).attributes().getString("tag")).isEqualTo("even");
    assertThat(items.get(2).attributes().getString("tag")).isEqualTo("even");
    assertThat(batch.outcome(0, 1)).isEqualTo(StageOutcome.MODIFIED);
    assertThat(batch.outcome(1, 1)).isEqualTo(StageOutcome.FAILED);
    assertThat(batch.outcome(2, 1)).isEqualTo(StageOutcome.MODIFIED);
    assertThat(meters.get("tributary.stage.failed").tag("stage", "tagger").counter().count()).isEqualTo(1);
  }

  @Test
  void a_processor_without_a_batch_method_is_called_item_by_item() {
    List<Item> seen = new ArrayList<>();
    Processor single = seen::add;
    pipeline(single, new SimpleMeterRegistry()).run(Batch.of(items(1, 2)));
    assertThat(seen).hasSize(2);
  }

  @Test
  void undeclared_writes_are_counted_and_in_strict_mode_fail_the_item() {
    Processor sneaky = item -> item.attributes().put("tag", "x").put("sneaky", 1L).put("sneakier", 2L);
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.processing(TAGGER, sneaky)));
    PipelineSpec spec = PipelineSpec.of(StageSpec.of("tagger"));

    SimpleMeterRegistry lax = new SimpleMeterRegistry();
    List<Item> laxItems = items(1, 2);
    PipelineCompiler.builder(registry).meterRegistry(lax).build().compile("dev", 1, spec).run(Batch.of(laxItems));
    assertThat(laxItems.get(0).attributes().getLong("sneaky", 0)).isEqualTo(1);
    assertThat(lax.get("tributary.stage.undeclared_writes").counter().count()).isEqualTo(4);

    SimpleMeterRegistry strict = new SimpleMeterRegistry();
    List<Item> strictItems = items(1);
    Batch strictBatch = Batch.of(strictItems);
    CompiledPipeline p = PipelineCompiler.builder(registry).meterRegistry(strict)
        .enforceDeclaredWrites(true).build().compile("dev", 1, spec);
    p.run(strictBatch);
    assertThat(strictBatch.outcome(0, 0)).isEqualTo(StageOutcome.FAILED);
    assertThat(strictItems.get(0).attributes().contains("tag")).isFalse();
    assertThat(p.stages().get(0).breaker().lastFailure()).contains("wrote 'sneaky'");
    assertThat(strict.get("tributary.stage.undeclared_writes").counter().count()).isEqualTo(2);
    assertThat(strict.get("tributary.stage.failed").counter().count()).isEqualTo(1);
  }

  @Test
  void a_batch_that_writes_an_undeclared_key_in_strict_mode_is_isolated_to_its_item() {
    BatchTagger sneakyBatch = new BatchTagger() {
      @Override
      public void process(List<Item> items) {
        super.process(items);
        items.get(items.size() - 1).attributes().put("sneaky", true);
      }
    };
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.processing(TAGGER, sneakyBatch)));
    List<Item> items = items(2, 4);
    Batch batch = Batch.of(items);
    PipelineCompiler.builder(registry).enforceDeclaredWrites(true).build()
        .compile("dev", 1, PipelineSpec.of(StageSpec.of("tagger"))).run(batch);
    // The batch call is undone; item by item, process(Item) writes only what is declared.
    assertThat(batch.outcome(0, 0)).isEqualTo(StageOutcome.MODIFIED);
    assertThat(batch.outcome(1, 0)).isEqualTo(StageOutcome.MODIFIED);
    assertThat(items.get(1).attributes().contains("sneaky")).isFalse();
  }
}
