package io.tributary.plugins.attributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.testkit.ProcessorTester;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The processor's behaviour, written in the deprecated text form ({@code actions}), which must
 * keep working; {@link RulesTest} shows the {@code rules} objects give the same actions.
 */
class AttributesProcessorTest {

  private final ProcessorTester tester = ProcessorTester.of(new AttributesProcessorFactory());
  private final ProcessorDescriptor descriptor = tester.descriptor();

  private Processor create(Map<String, ?> config) {
    return tester.create(config);
  }

  /** Runs a span with {@code attributes} through a strict one-stage pipeline (undeclared writes fail). */
  private Item run(List<String> actions, Map<String, Object> attributes) {
    Item item = Item.span();
    attributes.forEach(item.attributes()::putValue);
    return tester.run(Map.of("actions", actions, "hashKey", "k"), item);
  }

  @Test
  void descriptor_examples_pass() {
    tester.verifyExamples();
  }

  @Test
  void descriptor_declares_wildcards_because_keys_come_from_config() {
    assertThat(descriptor.id()).isEqualTo("attributes");
    assertThat(descriptor.writes()).containsExactly("*", "resource:*");
    assertThat(descriptor.configField("hashKey").isSecret()).isTrue();
    assertThat(descriptor.config()).allSatisfy(f -> assertThat(f.doc()).isNotBlank());
  }

  @Test
  void insert_sets_only_absent_keys() {
    Item item = run(List.of("insert a=1", "insert b=2"), Map.of("a", "kept"));
    assertThat(item.attributes().asMap()).containsExactly(Map.entry("a", "kept"), Map.entry("b", 2L));
  }

  @Test
  void update_sets_only_present_keys_and_may_change_the_type() {
    Item item = run(List.of("update a=1.5", "update b=2"), Map.of("a", "x"));
    assertThat(item.attributes().asMap()).containsExactly(Map.entry("a", 1.5));
  }

  @Test
  void upsert_sets_always() {
    Item item = run(List.of("upsert a=true", "upsert b=\"2\""), Map.of("a", "x"));
    assertThat(item.attributes().asMap()).containsEntry("a", true).containsEntry("b", "2");
  }

  @Test
  void rename_moves_the_value_keeping_its_type_and_overwrites_the_target() {
    Item item = run(List.of("rename http.status_code -> http.response.status_code", "rename gone -> x"),
        Map.of("http.status_code", 503L, "http.response.status_code", 0L));
    assertThat(item.attributes().asMap()).containsExactly(Map.entry("http.response.status_code", 503L));
  }

  @Test
  void copy_and_rename_carry_arrays_and_bytes() {
    Item item = Item.span();
    item.attributes().putArray("tags", List.of("a", "b")).putBytes("blob", new byte[] {1, 2});
    tester.run(Map.of("actions", List.of("copy tags -> labels", "rename blob -> payload")), item);
    assertThat(item.attributes().get("labels")).isEqualTo(List.of("a", "b"));
    assertThat((byte[]) item.attributes().get("payload")).containsExactly(1, 2);
    assertThat(item.attributes().contains("blob")).isFalse();
  }

  @Test
  void copy_works_across_scopes() {
    Item item = Item.log();
    item.resource().put("service.name", "cart");
    tester.run(Map.of("actions", List.of("copy resource:service.name -> service.name",
        "rename service.name -> resource:service.alias")), item);
    assertThat(item.attributes().isEmpty()).isTrue();
    assertThat(item.resource().asMap()).containsEntry("service.name", "cart").containsEntry("service.alias", "cart");
  }

  @Test
  void delete_removes_and_ignores_absent_keys() {
    Item item = run(List.of("delete password", "delete nothing"), Map.of("password", "p", "user", "u"));
    assertThat(item.attributes().asMap()).containsExactly(Map.entry("user", "u"));
  }

  @Test
  void hash_replaces_scalars_by_their_hmac_and_leaves_arrays_alone() {
    Item item = Item.span();
    item.attributes().put("email", "alice@example.com").put("id", 7L).putArray("list", List.of("x"));
    tester.run(Map.of("actions", List.of("hash email", "hash id", "hash list", "hash absent"),
        "hashKey", "example-key"), item);
    Hmac hmac = new Hmac("example-key");
    assertThat(item.attributes().getString("email"))
        .isEqualTo("8f7cba6b97581337a4eb3f0d7fbf963f7dfb45153dfe473108cc8c9e57ec9363");
    assertThat(item.attributes().getString("id")).isEqualTo(hmac.hex("7"));
    assertThat(item.attributes().get("list")).isEqualTo(List.of("x"));
  }

  @Test
  void conditions_decide_whether_an_action_runs() {
    Map<String, Object> attrs = Map.of("plan", "enterprise", "status", 500L, "ratio", 2.0, "path", "/api/x");
    Item item = run(List.of(
        "insert e1=1 if plan exists",
        "insert e2=1 if nope exists",
        "insert m1=1 if nope missing",
        "insert m2=1 if plan missing",
        "insert q1=1 if plan == enterprise",
        "insert q2=1 if plan == \"free\"",
        "insert q3=1 if status == 500",
        "insert q4=1 if status == \"500\"",
        "insert q5=1 if ratio == 2",
        "insert q6=1 if status == 500.0",
        "insert n1=1 if plan != free",
        "insert n2=1 if nope != x",
        "insert n3=1 if status != 500",
        "insert s1=1 if path startswith /api/",
        "insert s2=1 if path startswith /web/",
        "insert s3=1 if status startswith 5"), attrs);
    assertThat(item.attributes().asMap().keySet())
        .contains("e1", "m1", "q1", "q3", "q5", "q6", "n1", "n2", "s1")
        .doesNotContain("e2", "m2", "q2", "q4", "n3", "s2", "s3");
  }

  @Test
  void actions_run_in_order_and_see_earlier_results() {
    Item item = run(List.of("rename a -> b", "upsert seen=true if b exists", "delete a"), Map.of("a", "v"));
    assertThat(item.attributes().asMap()).containsExactly(Map.entry("b", "v"), Map.entry("seen", true));
  }

  @Test
  void refuses_hash_actions_without_a_key_naming_the_key_and_the_action() {
    assertThatThrownBy(() -> create(Map.of("actions", List.of("delete x", "hash user.email"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config 'hashKey': a key is required because actions[1] hashes");
  }

  @Test
  void a_bad_action_fails_creation_with_its_index() {
    assertThatThrownBy(() -> create(Map.of("actions", List.of("insert a=1", "delete b", "uspert c=1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config 'actions[2]': unknown action 'uspert'; did you mean 'upsert'?");
    assertThatThrownBy(() -> create(Map.of("actions", List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config 'actions': at least one action is needed");
  }

  @Test
  void a_bad_action_stops_the_pipeline_from_compiling() {
    assertThatThrownBy(() -> tester.run(Map.of("actions", List.of("rename a")), Item.span()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("config 'actions[0]': rename needs 'from -> to'");
  }

  @Test
  void runs_through_the_engine_with_declared_writes_enforced() {
    Item touched = Item.span();
    touched.attributes().put("secret", "s");
    Item untouched = Item.span();
    untouched.resource().put("deployment.environment.name", "prod");
    Item untouchedBefore = untouched.copy();
    tester.run(Map.of("actions", List.of("upsert resource:deployment.environment.name=prod", "delete secret")),
        List.of(touched, untouched));
    assertThat(touched.resource().getString("deployment.environment.name")).isEqualTo("prod");
    assertThat(touched.attributes().isEmpty()).isTrue();
    assertThat(untouched).isEqualTo(untouchedBefore);
  }

  @Test
  void is_safe_to_share_between_threads() throws Exception {
    Processor processor = create(Map.of("actions", List.of("hash user.email", "copy user.email -> h",
        "upsert n=1 if h exists"), "hashKey", "k"));
    Hmac hmac = new Hmac("k");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            String email = "user" + thread + "-" + i + "@example.com";
            Item item = Item.span();
            item.attributes().put("user.email", email);
            processor.process(item);
            String expected = hmac.hex(email);
            if (!expected.equals(item.attributes().getString("h"))
                || item.attributes().getLong("n", 0) != 1) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
