package io.tributary.plugins.piiredaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorContext;
import io.tributary.runtime.ExampleVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PiiRedactionProcessorTest {

  private static final PiiRedactionProcessorFactory FACTORY = new PiiRedactionProcessorFactory();

  private static Processor processor(Map<String, ?> config) {
    return FACTORY.create(ProcessorContext.of(FACTORY.descriptor().validateConfig(config)));
  }

  private static String redact(String value) {
    Item item = Item.span();
    item.attributes().put("note", value);
    processor(Map.of()).process(item);
    return item.attributes().getString("note");
  }

  @Test
  void descriptor_examples_pass() {
    assertThat(ExampleVerifier.verify(FACTORY)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "mail bob@example.com now|mail [REDACTED:email] now",
      "<alice.smith+tag@mail.example.co.uk>|<[REDACTED:email]>",
      "ends with a stop bob@example.com.|ends with a stop [REDACTED:email].",
      "card 4111111111111111 ok|card [REDACTED:card] ok",
      "card 5500-0000-0000-0004|card [REDACTED:card]",
      "amex 3782 822463 10005|amex [REDACTED:card]",
      "call +44 20 7946 0958 today|call [REDACTED:phone] today",
      "call (555) 123-4567|call [REDACTED:phone]",
      "call 555-123-4567|call [REDACTED:phone]",
      "from 192.168.10.25:443|from [REDACTED:ip]:443",
      "v6 2001:db8:85a3::8a2e:370:7334 end|v6 [REDACTED:ip] end",
      "v6 fe80::1|v6 [REDACTED:ip]",
      "Bearer abcdefghijklmnop.qrstuv|Bearer [REDACTED:bearer]",
      "key sk_live_4eC39HqLyjWDarjtT1zdp7dc|key [REDACTED:apikey]",
      "aws AKIAIOSFODNN7EXAMPLE|aws [REDACTED:apikey]",
      "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U|jwt [REDACTED:jwt]",
  })
  void finds_each_kind_of_pii(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "4bf92f3577b34da6a3ce929d0e0e4736", // trace id
      "00f067aa0ba902b7", // span id
      "123e4567-e89b-12d3-a456-426614174000", // UUID
      "01890a5d-ac96-774b-bcce-b302099a8057", // UUIDv7
      "2026-11-23T20:15:00.123Z", // timestamp
      "1732392900000", // epoch millis
      "1.2.3", "10.0.0-rc.1", "v1.2.3.4-beta", // versions
      "4111 1111 1111 1112", // fails Luhn
      "1234567890123456", // Luhn-valid? no card network prefix 12
      "took 1500ms at 20:15:00", // a time of day is not IPv6
      "aa:bb:cc:dd:ee:ff", // a MAC address
      "user@localhost", // no top-level domain
      "@handle and a@b", // not addresses
      "order #12345 shipped",
      "price 3.14 and 2.71",
      "Größe 42 – naïve café ☕",
      "eyJhbGciOi without dots",
      "bearer", "Bearer short",
  })
  void leaves_what_is_not_pii_alone(String value) {
    assertThat(redact(value)).isEqualTo(value);
  }

  @Test
  void an_attribute_whose_key_names_a_secret_is_redacted_whole() {
    Item item = Item.span();
    item.attributes().put("db.password", "hunter2").put("http.request.header.authorization", "Basic abc")
        .put("user.session_token", "x").put("passwordless", "yes").put("tokenizer", "wordpiece")
        .put("retry.count", 3L).put("api_key", 12345L);
    processor(Map.of()).process(item);
    assertThat(item.attributes().getString("db.password")).isEqualTo("[REDACTED:secret-key]");
    assertThat(item.attributes().getString("http.request.header.authorization")).isEqualTo("[REDACTED:secret-key]");
    assertThat(item.attributes().getString("user.session_token")).isEqualTo("[REDACTED:secret-key]");
    assertThat(item.attributes().getString("api_key")).as("non-string values too").isEqualTo("[REDACTED:secret-key]");
    assertThat(item.attributes().getString("passwordless")).isEqualTo("yes");
    assertThat(item.attributes().getString("tokenizer")).isEqualTo("wordpiece");
    assertThat(item.attributes().getLong("pii.redacted.secret-key", 0)).isEqualTo(4);
    assertThat(item.attributes().getLong("pii.redacted.count", 0)).isEqualTo(4);
  }

  @Test
  void hashing_keeps_equal_values_equal_and_different_values_different() {
    Processor p = processor(Map.of("actions", Map.of("email", "hash"), "hashKey", "k1"));
    Item a = Item.log().body("from bob@example.com");
    Item b = Item.log().body("again bob@example.com");
    Item c = Item.log().body("from eve@example.com");
    p.process(a);
    p.process(b);
    p.process(c);
    String hashA = a.body().substring(a.body().indexOf('['));
    assertThat(b.body()).endsWith(hashA);
    assertThat(c.body()).doesNotEndWith(hashA).startsWith("from [email:");
    assertThat(hashA).matches("\\[email:[0-9a-f]{16}]");
    Item other = Item.log().body("from bob@example.com");
    processor(Map.of("actions", Map.of("email", "hash"), "hashKey", "k2")).process(other);
    assertThat(other.body()).as("another key, another hash").doesNotEndWith(hashA);
  }

  @Test
  void drop_removes_the_attribute_but_masks_a_body() {
    Item item = Item.log().body("mail bob@example.com");
    item.attributes().put("contact", "bob@example.com").put("keep", "me");
    processor(Map.of("actions", Map.of("email", "drop"))).process(item);
    assertThat(item.attributes().contains("contact")).isFalse();
    assertThat(item.attributes().getString("keep")).isEqualTo("me");
    assertThat(item.body()).isEqualTo("mail [REDACTED:email]");
  }

  @Test
  void allow_listed_keys_disabled_types_and_resource_scope_are_respected() {
    Item item = Item.span();
    item.attributes().put("client.address", "10.0.0.1").put("contact", "bob@example.com");
    item.resource().put("host.ip", "10.1.2.3");
    processor(Map.of("allowKeys", List.of("client.*"), "types", List.of("ip"))).process(item);
    assertThat(item.attributes().getString("client.address")).isEqualTo("10.0.0.1");
    assertThat(item.attributes().getString("contact")).isEqualTo("bob@example.com");
    assertThat(item.resource().getString("host.ip")).isEqualTo("10.1.2.3");
    processor(Map.of("scanResource", true)).process(item);
    assertThat(item.resource().getString("host.ip")).isEqualTo("[REDACTED:ip]");
  }

  @Test
  void an_item_without_pii_is_not_touched_and_gets_no_counts() {
    Item item = Item.span().name("GET /cart");
    item.attributes().put("http.route", "/cart/{id}").put("http.response.status_code", 200L);
    Item before = item.copy();
    processor(Map.of()).process(item);
    assertThat(item).isEqualTo(before);
  }

  @Test
  void oversize_values_are_redacted_whole_not_passed_unscanned() {
    assertThat(redactWith(Map.of("maxScanLength", 10), "a value longer than ten"))
        .isEqualTo("[REDACTED:oversize]");
  }

  private static String redactWith(Map<String, ?> config, String value) {
    Item item = Item.span();
    item.attributes().put("note", value);
    processor(config).process(item);
    return item.attributes().getString("note");
  }

  @Test
  void adversarial_ten_kilobyte_values_stay_linear_and_correct() {
    List<String> cases = new ArrayList<>();
    cases.add("a@".repeat(5_000)); // near-miss emails
    cases.add("a@a.".repeat(2_500));
    cases.add("9".repeat(10_000)); // a digit run far beyond any card
    cases.add("4111 ".repeat(2_000)); // card-like groups
    cases.add(".".repeat(10_000));
    cases.add(":".repeat(5_000) + "1".repeat(5_000)); // colon runs
    cases.add("1:".repeat(5_000));
    cases.add("eyJ.".repeat(2_500)); // JWT-looking fragments
    cases.add("+1 ".repeat(3_333));
    cases.add("é€😀".repeat(3_000)); // unicode
    cases.add("Bearer ".repeat(1_400));
    for (String value : cases) {
      long start = System.nanoTime();
      String out = redact(value);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(millis).as("time for %s…", value.substring(0, 12)).isLessThan(200);
      assertThat(out).isNotNull();
    }
    assertThat(redact("9".repeat(10_000))).isEqualTo("9".repeat(10_000));
    assertThat(redact("a@".repeat(5_000))).isEqualTo("a@".repeat(5_000));
    String cards = "4111 1111 1111 1111 and 4111-1111-1111-1111 ".repeat(200);
    assertThat(redact(cards)).doesNotContain("4111");
  }

  @Test
  void bad_config_names_the_key() {
    assertThatThrownBy(() -> processor(Map.of("actions", Map.of("email", "hash"))))
        .hasMessageContaining("config 'hashKey'");
    assertThatThrownBy(() -> processor(Map.of("actions", Map.of("email", "shred"))))
        .hasMessageContaining("config 'actions'").hasMessageContaining("shred");
    assertThatThrownBy(() -> processor(Map.of("actions", Map.of("emails", "mask"))))
        .hasMessageContaining("unknown type 'emails'");
    assertThatThrownBy(() -> processor(Map.of("hashLength", 4))).hasMessageContaining("config 'hashLength'");
    assertThatThrownBy(() -> FACTORY.descriptor().validateConfig(Map.of("types", List.of("ssn"))))
        .hasMessageContaining("'types'");
  }

  @Test
  void one_processor_serves_many_threads() throws Exception {
    Processor p = processor(Map.of("actions", Map.of("email", "hash"), "hashKey", "k"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<String>> results = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      results.add(pool.submit(() -> {
        String last = null;
        for (int i = 0; i < 5_000; i++) {
          Item item = Item.log().body("user bob@example.com card 4111111111111111");
          p.process(item);
          if (last != null && !last.equals(item.body())) {
            throw new AssertionError(last + " != " + item.body());
          }
          last = item.body();
        }
        return last;
      }));
    }
    String first = results.get(0).get();
    for (Future<String> f : results) {
      assertThat(f.get()).isEqualTo(first);
    }
    pool.shutdown();
    assertThat(first).startsWith("user [email:").endsWith("card [REDACTED:card]");
  }
}
