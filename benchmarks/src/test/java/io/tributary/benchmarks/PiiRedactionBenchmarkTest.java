package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Item;
import org.junit.jupiter.api.Test;

/** The smoke check: the regex baseline and the processor agree on the benchmark's data. */
class PiiRedactionBenchmarkTest {

  @Test
  void processor_and_regex_baseline_redact_the_ring_identically() {
    for (int percent : new int[] {0, 10, 100}) {
      PiiRedactionBenchmark.Items s = new PiiRedactionBenchmark.Items();
      s.piiPercent = percent;
      s.setUp();
      Item[] byProcessor = new PiiRedactionBenchmark().processor(s);
      s.cursor = 0;
      Item[] byRegex = new PiiRedactionBenchmark().regex(s);
      int redacted = 0;
      for (int i = 0; i < byProcessor.length; i++) {
        assertThat(byRegex[i]).as("item %d at %d%% PII", i, percent).isEqualTo(byProcessor[i]);
        redacted += byProcessor[i].attributes().contains("pii.redacted.count") ? 1 : 0;
      }
      if (percent == 0) {
        assertThat(redacted).isZero();
      } else if (percent == 100) {
        assertThat(redacted).isEqualTo(PiiRedactionBenchmark.BATCH);
      } else {
        assertThat(redacted).isBetween(1, PiiRedactionBenchmark.BATCH / 4);
      }
    }
  }

  @Test
  void processor_and_regex_baseline_agree_on_the_adversarial_values() {
    for (String kind : new String[] {"nearMissEmails", "digits", "dots", "unicode", "cards", "mixedText"}) {
      PiiRedactionBenchmark.Adversarial s = new PiiRedactionBenchmark.Adversarial();
      s.kind = kind;
      s.setUp();
      Item a = new PiiRedactionBenchmark().adversarialProcessor(s);
      Item b = new PiiRedactionBenchmark().adversarialRegex(s);
      if (!kind.equals("mixedText")) {
        assertThat(b).as(kind).isEqualTo(a);
      }
      assertThat(a.body()).as(kind).isNotNull();
    }
  }
}
