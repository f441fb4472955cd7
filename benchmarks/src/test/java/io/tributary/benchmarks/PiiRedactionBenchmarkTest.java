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

  /** The reference follows the processor's newer rules too, so the ratio compares like with like. */
  @Test
  void processor_and_regex_baseline_agree_on_secrets_in_free_text() {
    String[] values = {
        "login failed for bob@example.org from 198.51.100.7 password=hunter2",
        "PASSWORD: hunter2 retry", "db.password = 'p@ss w0rd' ok", "userPassword=hunter2",
        "GET /x?access_token=abc123&sig=Zm9vYmFy%2B&page=2", "X-Api-Key: QWERTYUIOP123",
        "connect postgres://app:Sup3rS3cret@db.internal:5432/shop", "token=sk_live_EXAMPLE0000000000000000",
        "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "header Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== sent",
        "Authorization: Bearer abcdef123456", "password: ****", "token_type=bearer", "password= user=bob",
        "secret: false", "pay to DE89 3704 0044 0532 0130 00 today", "GB82WEST12345698765432",
        "DE89370400440532013001", "ssn 536-22-1234 on file", "123-45-6789", "666-12-3456",
        "key -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAK\n-----END RSA PRIVATE KEY----- ok",
        "AIzaSyA-EXAMPLE_EXAMPLE_EXAMPLE_EXAMPL1", "xoxr-123456789012-abcdefghij", "the bearer instrument",
        "using token 8f3kQ2mP9xL4vR7tY1wZ now", "secret 4bf92f3577b34da6a3ce929d0e0e4736.",
        "token user_profile_v2_cache_key", "password reset requested by support team",
    };
    io.tributary.api.Processor processor = PiiRedactionBenchmark.processor();
    RegexRedactor regex = new RegexRedactor();
    for (String v : values) {
      Item a = Item.log().body(v);
      Item b = Item.log().body(v);
      processor.process(a);
      regex.redact(b);
      assertThat(b.body()).as(v).isEqualTo(a.body());
      assertThat(b).as(v).isEqualTo(a);
    }
  }

  @Test
  void processor_and_regex_baseline_agree_on_the_adversarial_values() {
    for (String kind : new String[] {"nearMissEmails", "digits", "dots", "unicode", "cards", "mixedText",
        "credentialWords", "keyValues"}) {
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
