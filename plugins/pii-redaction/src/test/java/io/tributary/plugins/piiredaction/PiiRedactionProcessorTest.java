package io.tributary.plugins.piiredaction;

import static io.tributary.plugins.piiredaction.Redaction.TESTER;
import static io.tributary.plugins.piiredaction.Redaction.processor;
import static io.tributary.plugins.piiredaction.Redaction.redact;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PiiRedactionProcessorTest {

  private static final String KEY = "test-key-0123456789abcdef";
  private static final Map<String, Object> HASH = Map.of("action", "hash", "hashKey", KEY);

  // ---------------------------------------------------------------- actions

  @Test
  void masks_an_email_inside_a_longer_value() {
    assertThat(redact("contact alice@example.com for access"))
        .isEqualTo("contact [REDACTED:email] for access");
  }

  @Test
  void hash_is_deterministic_and_keyed() {
    Processor a = processor(HASH);
    Processor b = processor(HASH);
    Processor otherKey = processor(Map.of("action", "hash", "hashKey", "another-key-0123456789"));
    String first = redact(a, "alice@example.com");
    assertThat(first).matches("\\[HASH:email:[0-9a-f]{16}]");
    assertThat(redact(b, "alice@example.com")).isEqualTo(first);
    assertThat(redact(a, "bob@example.com")).isNotEqualTo(first);
    assertThat(redact(otherKey, "alice@example.com")).isNotEqualTo(first);
  }

  @Test
  void hash_correlates_values_written_differently() {
    Processor p = processor(HASH);
    assertThat(redact(p, "Alice@Example.COM")).isEqualTo(redact(p, "alice@example.com"));
    assertThat(redact(p, "4111 1111 1111 1111")).isEqualTo(redact(p, "4111-1111-1111-1111"))
        .isEqualTo(redact(p, "4111111111111111"));
    assertThat(redact(p, "+1 415 555 2671")).isEqualTo(redact(p, "+1-415-555-2671"));
  }

  @Test
  void hash_length_is_configurable() {
    Map<String, Object> config = Map.of("action", "hash", "hashKey", KEY, "hashLength", 40);
    assertThat(redact(processor(config), "10.0.0.1")).matches("\\[HASH:ipv4:[0-9a-f]{40}]");
  }

  @Test
  void hash_of_a_key_name_match_covers_non_string_values() {
    Item item = Item.span();
    item.attributes().put("card.cvv", 123L).put("db.password", "hunter2");
    TESTER.run(HASH, item);
    assertThat(item.attributes().getString("card.cvv")).matches("\\[HASH:key_name:[0-9a-f]{16}]");
    assertThat(item.attributes().getString("db.password")).matches("\\[HASH:key_name:[0-9a-f]{16}]");
  }

  @Test
  void drop_removes_the_attribute_and_keeps_the_others_in_order() {
    Item item = Item.span();
    item.attributes().put("a", "x").put("contact", "alice@example.com").put("b", "y")
        .put("c", "10.0.0.1");
    TESTER.run(Map.of("actions", Map.of("email", "drop")), item);
    Attributes a = item.attributes();
    assertThat(a.contains("contact")).isFalse();
    assertThat(a.keyAt(0)).isEqualTo("a");
    assertThat(a.keyAt(1)).isEqualTo("b");
    assertThat(a.getString("c")).isEqualTo("[REDACTED:ipv4]");
    assertThat(a.getLong("pii.redacted.email", 0)).isEqualTo(1);
    assertThat(a.getLong("pii.redacted.count", 0)).isEqualTo(2);
  }

  @Test
  void drop_masks_in_a_log_body() {
    Item item = Item.log().body("user alice@example.com logged in");
    TESTER.run(Map.of("action", "drop"), item);
    assertThat(item.body()).isEqualTo("user [REDACTED:email] logged in");
  }

  @Test
  void a_key_name_match_masks_values_of_any_type() {
    Item item = Item.span();
    item.attributes().put("user.password", "hunter2").put("pin.secret", 1234L)
        .putArray("http.response.header.set-cookie", List.of("sid=abc", "theme=dark"))
        .put("api_key", "");
    TESTER.run(Map.of(), item);
    Attributes a = item.attributes();
    assertThat(a.getString("user.password")).isEqualTo("[REDACTED:key_name]");
    assertThat(a.getString("pin.secret")).isEqualTo("[REDACTED:key_name]");
    assertThat(a.getString("http.response.header.set-cookie")).isEqualTo("[REDACTED:key_name]");
    assertThat(a.getString("api_key")).as("an empty value hides nothing").isEmpty();
    assertThat(a.getLong("pii.redacted.key_name", 0)).isEqualTo(3);
  }

  @Test
  void key_names_are_configurable() {
    Item item = Item.span();
    item.attributes().put("user.mothers_maiden_name", "Smith").put("password", "hunter2");
    TESTER.run(Map.of("keyNames", List.of("mothers maiden name")), item);
    assertThat(item.attributes().getString("user.mothers_maiden_name")).isEqualTo("[REDACTED:key_name]");
    assertThat(item.attributes().getString("password")).isEqualTo("hunter2");
  }

  @Test
  void string_elements_of_arrays_are_scanned() {
    Item item = Item.span();
    item.attributes().putArray("mail.to", List.of("alice@example.com", 42L, "team"));
    TESTER.run(Map.of(), item);
    assertThat(item.attributes().get("mail.to")).isEqualTo(List.of("[REDACTED:email]", 42L, "team"));
  }

  @Test
  void allow_listed_keys_are_never_touched_exact_or_by_prefix() {
    Item item = Item.span();
    item.attributes().put("audit.actor", "alice@example.com").put("net.peer", "10.0.0.1")
        .put("debug.password", "hunter2").put("other", "10.0.0.1");
    TESTER.run(Map.of("allowKeys", List.of("audit.actor", "debug.*", "net.peer")), item);
    Attributes a = item.attributes();
    assertThat(a.getString("audit.actor")).isEqualTo("alice@example.com");
    assertThat(a.getString("net.peer")).isEqualTo("10.0.0.1");
    assertThat(a.getString("debug.password")).as("allow-list beats key names").isEqualTo("hunter2");
    assertThat(a.getString("other")).isEqualTo("[REDACTED:ipv4]");
  }

  @Test
  void resource_attributes_are_scanned_only_when_asked() {
    Item item = Item.span();
    item.resource().put("host.ip", "10.1.2.3");
    TESTER.run(Map.of(), item);
    assertThat(item.resource().getString("host.ip")).isEqualTo("10.1.2.3");
    assertThat(item.attributes().isEmpty()).isTrue();

    TESTER.run(Map.of("scanResource", true), item);
    assertThat(item.resource().getString("host.ip")).isEqualTo("[REDACTED:ipv4]");
    assertThat(item.attributes().getLong("pii.redacted.ipv4", 0)).isEqualTo(1);
  }

  @Test
  void body_is_not_scanned_when_scan_body_is_off() {
    Item item = Item.log().body("alice@example.com");
    TESTER.run(Map.of("scanBody", false), item);
    assertThat(item.body()).isEqualTo("alice@example.com");
  }

  @Test
  void counts_can_be_turned_off_and_add_to_earlier_counts() {
    Item quiet = Item.span();
    quiet.attributes().put("note", "alice@example.com");
    TESTER.run(Map.of("countAttributes", false), quiet);
    assertThat(quiet.attributes().size()).isEqualTo(1);

    Item item = Item.log().body("a@example.com b@example.com");
    item.attributes().put("pii.redacted.count", 3L).put("pii.redacted.email", 1L).put("ip", "10.0.0.1");
    TESTER.run(Map.of(), item);
    assertThat(item.attributes().getLong("pii.redacted.count", 0)).isEqualTo(6);
    assertThat(item.attributes().getLong("pii.redacted.email", 0)).isEqualTo(3);
    assertThat(item.attributes().getLong("pii.redacted.ipv4", 0)).isEqualTo(1);
  }

  @Test
  void oversize_values_are_scanned_up_to_the_limit_only_by_default() {
    String value = "a@example.com " + "x".repeat(100) + " b@example.com";
    assertThat(redact(processor(Map.of("maxScanLength", 50)), value))
        .startsWith("[REDACTED:email] xxx")
        .endsWith(" b@example.com");
  }

  @Test
  void oversize_values_can_be_masked_or_dropped_whole() {
    String value = "x".repeat(100);
    assertThat(redact(processor(Map.of("maxScanLength", 50, "oversize", "mask")), value))
        .isEqualTo("[REDACTED:oversize]");
    Item item = Item.log().body(value);
    item.attributes().put("note", value).put("short", "ok");
    TESTER.run(Map.of("maxScanLength", 50, "oversize", "drop"), item);
    assertThat(item.attributes().contains("note")).isFalse();
    assertThat(item.attributes().getString("short")).isEqualTo("ok");
    assertThat(item.body()).as("a body is masked, not dropped").isEqualTo("[REDACTED:oversize]");
    assertThat(item.attributes().getLong("pii.redacted.oversize", 0)).isEqualTo(2);
  }

  @Test
  void card_issuer_check_can_be_turned_off() {
    String number = "1234567812345670"; // passes Luhn, issuer digit 1
    assertThat(redact(number)).isEqualTo(number);
    assertThat(redact(processor(Map.of("cardIinCheck", false)), number)).isEqualTo("[REDACTED:card]");
  }

  @Test
  void non_string_values_and_bytes_are_left_alone() {
    Item item = Item.span();
    item.attributes().put("http.response.status_code", 200L).put("ratio", 0.5).put("ok", true)
        .putBytes("blob", "alice@example.com".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Item before = item.copy();
    TESTER.run(Map.of(), item);
    assertThat(item).isEqualTo(before);
  }

  @Test
  void a_clean_item_keeps_the_very_same_strings() {
    Item item = Item.log().body("GET /cart 200 in 12ms");
    String value = "checkout-7d9f8b6c5-x2x4q";
    item.attributes().put("k8s.pod.name", value);
    TESTER.run(Map.of(), item);
    assertThat(item.attributes().getString("k8s.pod.name")).isSameAs(value);
    assertThat(item.attributes().size()).isEqualTo(1);
  }

  @Test
  void a_clean_item_allocates_nothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Item item = Item.log().body("GET /cart 200 in 12ms trace 4bf92f3577b34da6a3ce929d0e0e4736");
    for (int i = 0; i < 10; i++) {
      item.attributes().put("attr." + i, "value-" + i + " 550e8400-e29b-41d4-a716-446655440000");
    }
    Processor p = Redaction.DEFAULT;
    for (int i = 0; i < 20_000; i++) {
      p.process(item); // warm up, so the measurement sees compiled code
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 10_000; i++) {
      p.process(item);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated for 10,000 clean items").isLessThan(10_000);
  }

  // ---------------------------------------------------------------- through the engine

  @Test
  void runs_in_a_compiled_pipeline_with_declared_writes_enforced() {
    Item dirty = Item.log().body("card 4111-1111-1111-1111 declined");
    dirty.attributes().put("http.request.header.authorization", "Bearer abcdefghijk");
    dirty.resource().put("host.ip", "10.0.0.1");
    Item clean = Item.span().name("GET /cart");
    clean.attributes().put("http.request.method", "GET");
    Item cleanBefore = clean.copy();

    // Strict mode: fails if the processor throws on either item or writes an undeclared key.
    TESTER.run(Map.of("actions", Map.of("key_name", "drop"), "scanResource", true),
        List.of(dirty, clean));

    assertThat(clean).isEqualTo(cleanBefore);
    assertThat(dirty.body()).isEqualTo("card [REDACTED:card] declined");
    assertThat(dirty.attributes().contains("http.request.header.authorization")).isFalse();
    assertThat(dirty.resource().getString("host.ip")).isEqualTo("[REDACTED:ipv4]");
    assertThat(dirty.attributes().getLong("pii.redacted.count", 0)).isEqualTo(3);
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void many_threads_share_one_processor_safely() throws Exception {
    Processor shared = processor(HASH);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      values.add(i % 3 == 0 ? "user" + i + "@example.com, card 4111 1111 1111 1111"
          : i % 3 == 1 ? "from 10.0." + (i % 250) + ".7 with Bearer tok" + i + "abcdefgh"
          : "nothing to see " + i);
    }
    List<String> expected = new ArrayList<>();
    Processor reference = processor(HASH);
    for (String v : values) {
      expected.add(redact(reference, v));
    }
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        Callable<Integer> task = () -> {
          start.await();
          int mismatches = 0;
          for (int round = 0; round < 50; round++) {
            for (int k = 0; k < values.size(); k++) {
              int i = (k + offset * 7) % values.size();
              if (!redact(shared, values.get(i)).equals(expected.get(i))) {
                mismatches++;
              }
            }
          }
          return mismatches;
        };
        results.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Integer> r : results) {
        assertThat(r.get(60, TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
