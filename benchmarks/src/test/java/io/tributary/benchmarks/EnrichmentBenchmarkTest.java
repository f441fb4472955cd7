package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Item;
import io.tributary.runtime.Batch;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/** The smoke check CI runs: every benchmark body of EnrichmentBenchmark works, a few laps each. */
class EnrichmentBenchmarkTest {

  private static final int LAPS = 3;

  @Test
  void every_benchmark_body_runs() {
    Blackhole bh = new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    EnrichmentBenchmark s = new EnrichmentBenchmark();
    s.attributes = 10;
    s.setUp();
    try {
      for (int lap = 0; lap < LAPS; lap++) {
        assertThat(s.copyOnly()).hasSize(EnrichmentBenchmark.BATCH);
        assertDelivered(s.pipeline());
        Item[] byHand = s.handwritten();
        assertThat(byHand).hasSize(EnrichmentBenchmark.BATCH);
        assertThat(byHand[0].attributes().contains(EnrichmentWorkload.REQUEST_ID)).isTrue();
        s.kafkaConnect(bh);
        s.kafkaConnectRegex(bh);
        s.kafkaConnectFromItems(bh);
        s.kafkaConnectWithoutMask(bh);
        assertDelivered(s.noopChain());
        assertDelivered(s.pipelineTimingsOff());
        assertDelivered(s.pipelineWithoutPii());
      }
      // The four Kafka Connect bodies move through the records a batch a lap each.
      assertThat(s.recordCursor).isEqualTo(4 * LAPS * EnrichmentBenchmark.BATCH % EnrichmentBenchmark.RING);
    } finally {
      s.tearDown();
      bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
    }
    assertThat(s.workDir).doesNotExist();
  }

  private static void assertDelivered(Batch batch) {
    assertThat(batch.size()).isEqualTo(EnrichmentBenchmark.BATCH);
    assertThat(batch.delivered()).hasSize(EnrichmentBenchmark.BATCH);
    assertThat(batch.lineage(0)).startsWith("bench#1 ");
  }
}
