package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Item;
import io.tributary.runtime.Batch;
import org.junit.jupiter.api.Test;

/** The smoke check CI runs: each benchmark body works, and the pipeline does what the hand-written code does. */
class EngineBenchmarkTest {

  @Test
  void pipeline_and_handwritten_produce_the_same_items() {
    EngineBenchmark a = new EngineBenchmark();
    a.attributes = 10;
    a.setUp();
    EngineBenchmark b = new EngineBenchmark();
    b.attributes = 10;
    b.setUp();
    Item[] byHand = a.handwritten();
    Batch byPipeline = b.pipeline();
    assertThat(byPipeline.size()).isEqualTo(byHand.length);
    for (int i = 0; i < byHand.length; i++) {
      assertThat(byPipeline.item(i)).isEqualTo(byHand[i]);
      assertThat(byHand[i].attributes().getString("user.email")).isEqualTo("***");
      assertThat(byPipeline.lineage(i)).startsWith("bench#1 request-id@1.0.0=");
    }
    assertThat(b.pipelineTimingsOff().size()).isEqualTo(EngineBenchmark.BATCH);
    assertThat(b.noopChain().delivered()).hasSize(EngineBenchmark.BATCH);
    assertThat(b.copyOnly()).hasSize(EngineBenchmark.BATCH);
  }
}
