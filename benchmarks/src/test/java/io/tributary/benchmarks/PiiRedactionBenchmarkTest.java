package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Item;
import org.junit.jupiter.api.Test;

/** The smoke check CI runs: both redactors remove the same PII from the benchmark's items. */
class PiiRedactionBenchmarkTest {

  @Test
  void scanner_and_regex_reference_both_remove_the_pii() {
    PiiRedactionBenchmark a = new PiiRedactionBenchmark();
    a.piiPercent = 100;
    a.setUp();
    PiiRedactionBenchmark b = new PiiRedactionBenchmark();
    b.piiPercent = 100;
    b.setUp();
    Item[] scanned = a.scanner();
    Item[] regexed = b.regex();
    for (int i = 0; i < scanned.length; i++) {
      String note = scanned[i].attributes().getString("note");
      assertThat(note).doesNotContain("@example.com").doesNotContain("4111 1111");
      assertThat(regexed[i].attributes().getString("note")).doesNotContain("@example.com").doesNotContain("4111 1111");
      assertThat(scanned[i].attributes().getString("trace_id")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(scanned[i].attributes().getString("duration")).startsWith("took 15");
    }
  }
}
