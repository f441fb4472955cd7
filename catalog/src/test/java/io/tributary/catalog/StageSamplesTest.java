package io.tributary.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.StageSamples.Sample;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The timings history: samples by node, stage and 10 s step, read back by range, pruned by age. */
class StageSamplesTest extends StoreTest {

  private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");

  private static Sample sample(String node, String stage, Instant at, long items, long nanos) {
    return new Sample(node, "dev", stage, stage + "@1.0.0", at, items, items / 2, 1, 0, 0, 2, nanos);
  }

  @Test
  void samples_of_several_nodes_are_read_back_by_time_then_node_then_stage() {
    Catalog other = open();
    catalog.stageSamples().record(List.of(sample("b", "pii", T0, 10, 1000), sample("b", "env", T0, 10, 500)));
    other.stageSamples().record(List.of(sample("a", "pii", T0.plusSeconds(10), 4, 80)));
    other.stageSamples().record(List.of(sample("a", "pii", T0, 6, 300),
        new Sample("a", "prod", "pii", "pii@1.0.0", T0, 99, 0, 0, 0, 0, 1, 9)));

    List<Sample> dev = catalog.stageSamples().range("dev", T0, T0.plusSeconds(60));
    assertThat(dev).extracting(s -> s.at().getEpochSecond() - T0.getEpochSecond() + " " + s.node() + " " + s.stage())
        .containsExactly("0 a pii", "0 b env", "0 b pii", "10 a pii");
    Sample first = dev.get(2);
    assertThat(first.items()).isEqualTo(10);
    assertThat(first.modified()).isEqualTo(5);
    assertThat(first.failed()).isEqualTo(1);
    assertThat(first.batches()).isEqualTo(2);
    assertThat(first.totalNanos()).isEqualTo(1000);
    assertThat(first.processor()).isEqualTo("pii@1.0.0");
    assertThat(catalog.stageSamples().range("dev", T0.plusSeconds(10), T0.plusSeconds(20)))
        .as("the range's end is excluded, its start included").singleElement()
        .extracting(Sample::items).isEqualTo(4L);
    assertThat(catalog.stageSamples().range("prod", T0, T0.plusSeconds(60))).extracting(Sample::items).containsExactly(99L);
  }

  @Test
  void a_second_sample_for_the_same_step_is_added_to_the_first() {
    catalog.stageSamples().record(List.of(sample("a", "pii", T0, 10, 1000)));
    catalog.stageSamples().record(List.of(sample("a", "pii", T0, 3, 200)));
    assertThat(catalog.stageSamples().range("dev", T0, T0.plusSeconds(10))).singleElement().satisfies(s -> {
      assertThat(s.items()).isEqualTo(13);
      assertThat(s.totalNanos()).isEqualTo(1200);
      assertThat(s.batches()).isEqualTo(4);
      assertThat(s.failed()).isEqualTo(2);
    });
  }

  @Test
  void pruning_deletes_only_samples_older_than_the_cut() {
    catalog.stageSamples().record(List.of(sample("a", "pii", T0, 1, 1), sample("a", "pii", T0.plusSeconds(10), 2, 2),
        sample("a", "pii", T0.plusSeconds(20), 3, 3)));
    assertThat(catalog.stageSamples().prune(T0.plusSeconds(10))).isEqualTo(1);
    assertThat(catalog.stageSamples().range("dev", T0.minusSeconds(60), T0.plusSeconds(60)))
        .extracting(Sample::items).containsExactly(2L, 3L);
  }
}
