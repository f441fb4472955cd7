package io.tributary.plugins.semconvupgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.testkit.ProcessorTester;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SemconvUpgradeProcessorFactoryTest {

  private static final String NEWEST = SemconvTable.newestVersion();
  private static final String NEWEST_URL = "https://opentelemetry.io/schemas/" + NEWEST;

  private final ProcessorTester tester = ProcessorTester.of(new SemconvUpgradeProcessorFactory());

  private Processor create(Map<String, ?> config) {
    return tester.create(config);
  }

  private static Item span(Object... keysAndValues) {
    Item item = Item.span();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      item.attributes().putValue((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return item;
  }

  @Test
  void descriptor_examples_pass() {
    tester.verifyExamples();
  }

  @Test
  void target_version_allows_every_step_and_defaults_to_the_newest() {
    assertThat(tester.descriptor().configField("targetVersion"))
        .isEqualTo(SemconvUpgradeProcessorFactory.TARGET_VERSION);
    assertThat(SemconvUpgradeProcessorFactory.TARGET_VERSION.allowedValues())
        .containsExactlyElementsOf(SemconvTable.versions());
    assertThat(tester.config(Map.of()).get(SemconvUpgradeProcessorFactory.TARGET_VERSION))
        .isEqualTo(NEWEST);
    assertThat(tester.configProblems(Map.of("targetVersion", "1.99.0")))
        .singleElement().asString().startsWith("targetVersion: ");
  }

  @Test
  void steps_are_in_ascending_version_order() {
    List<String> versions = SemconvTable.versions();
    for (int i = 1; i < versions.size(); i++) {
      int[] previous = SemconvUpgradeProcessor.parseVersion(versions.get(i - 1), 0);
      int[] current = SemconvUpgradeProcessor.parseVersion(versions.get(i), 0);
      assertThat(current).as(versions.get(i)).isNotNull();
      assertThat(previous[0] * 1000 + previous[1] * 10 + previous[2])
          .isLessThan(current[0] * 1000 + current[1] * 10 + current[2]);
    }
  }

  @Test
  void the_brief_mandated_renames_are_in_the_newest_table() {
    Map<String, SemconvTable.Rule> rules = SemconvTable.rulesUpTo(NEWEST);
    Map<String, String> expected = Map.ofEntries(
        Map.entry("http.method", "http.request.method"),
        Map.entry("http.status_code", "http.response.status_code"),
        Map.entry("http.url", "url.full"),
        Map.entry("http.target", "url.path"),
        Map.entry("http.scheme", "url.scheme"),
        Map.entry("http.user_agent", "user_agent.original"),
        Map.entry("http.request_content_length", "http.request.body.size"),
        Map.entry("http.response_content_length", "http.response.body.size"),
        Map.entry("net.peer.name", "server.address"),
        Map.entry("net.peer.port", "server.port"),
        Map.entry("net.host.name", "server.address"),
        Map.entry("net.host.port", "server.port"),
        Map.entry("net.sock.peer.addr", "network.peer.address"),
        Map.entry("net.sock.peer.port", "network.peer.port"),
        Map.entry("net.protocol.name", "network.protocol.name"),
        Map.entry("net.protocol.version", "network.protocol.version"),
        Map.entry("net.transport", "network.transport"),
        Map.entry("db.statement", "db.query.text"),
        Map.entry("db.system", "db.system.name"),
        Map.entry("messaging.kafka.destination.partition", "messaging.destination.partition.id"),
        Map.entry("deployment.environment", "deployment.environment.name"));
    expected.forEach((from, to) -> assertThat(rules.get(from)).as(from).isNotNull()
        .extracting(SemconvTable.Rule::to).isEqualTo(to));
  }

  @Test
  void chains_are_followed_only_as_far_as_the_target_version() {
    Item at120 = span("net.app.protocol.name", "http", "messaging.kafka.partition", 3L);
    tester.run(Map.of("targetVersion", "1.20.0"), at120);
    assertThat(at120.attributes().asMap())
        .containsOnly(
            Map.entry("net.protocol.name", "http"),
            Map.entry("messaging.kafka.destination.partition", 3L));
    assertThat(at120.schemaUrl()).isEqualTo("https://opentelemetry.io/schemas/1.20.0");

    Item newest = span("net.app.protocol.name", "http", "messaging.kafka.partition", 3L);
    tester.run(Map.of(), newest);
    assertThat(newest.attributes().asMap())
        .containsOnly(
            Map.entry("network.protocol.name", "http"),
            Map.entry("messaging.destination.partition.id", "3"));
  }

  @Test
  void a_later_step_that_renames_a_key_again_wins() {
    Item at133 = span("feature_flag.evaluation.error.message", "boom");
    tester.run(Map.of("targetVersion", "1.33.0"), at133);
    assertThat(at133.attributes().getString("error.message")).isEqualTo("boom");

    Item at140 = span("feature_flag.evaluation.error.message", "boom");
    tester.run(Map.of("targetVersion", "1.40.0"), at140);
    assertThat(at140.attributes().getString("feature_flag.error.message")).isEqualTo("boom");
  }

  @Test
  void a_newer_key_is_never_overwritten_and_the_old_one_is_dropped_by_default() {
    Item item = span("http.method", "GET", "http.request.method", "POST");
    tester.run(Map.of(), item);
    assertThat(item.attributes().asMap()).containsOnly(Map.entry("http.request.method", "POST"));
  }

  @Test
  void two_old_keys_for_one_new_key_keep_the_first_in_the_item() {
    Item item = span("tls.client.server_name", "sni.example.com", "net.peer.name", "api.example.com");
    tester.run(Map.of(), item);
    assertThat(item.attributes().asMap())
        .containsOnly(Map.entry("server.address", "sni.example.com"));
  }

  @Test
  void net_peer_becomes_client_when_net_host_comes_first_and_is_already_renamed() {
    Item item = span("net.host.port", 8080L, "net.peer.port", 51234L, "net.peer.name", "10.0.0.7");
    tester.run(Map.of(), item);
    assertThat(item.attributes().asMap())
        .containsOnly(
            Map.entry("server.port", 8080L),
            Map.entry("client.port", 51234L),
            Map.entry("client.address", "10.0.0.7"));
  }

  @Test
  void a_request_target_that_is_not_a_path_stays_where_it_is() {
    for (Object target : List.of("*", "example.com:443", "http://example.com/x", 42L)) {
      Item item = span("http.target", target);
      tester.run(Map.of(), item);
      assertThat(item.attributes().get("http.target")).as("%s", target).isEqualTo(target);
      assertThat(item.attributes().contains("url.path")).isFalse();
    }
  }

  @Test
  void a_request_target_with_an_empty_query_gives_only_a_path() {
    Item item = span("http.target", "/search?");
    tester.run(Map.of(), item);
    assertThat(item.attributes().asMap()).containsOnly(Map.entry("url.path", "/search"));
  }

  @Test
  void values_keep_their_type() {
    Item item = span(
        "http.status_code", "200",
        "http.response_content_length", 1024L,
        "messaging.kafka.message.tombstone", true,
        "message.compressed_size", 12.5d,
        "db.name", List.of("a", "b"));
    tester.run(Map.of(), item);
    assertThat(item.attributes().asMap())
        .containsOnly(
            Map.entry("http.response.status_code", "200"),
            Map.entry("http.response.body.size", 1024L),
            Map.entry("messaging.kafka.message.tombstone", true),
            Map.entry("rpc.message.compressed_size", 12.5d),
            Map.entry("db.namespace", List.of("a", "b")));
  }

  @Test
  void unknown_transport_values_are_kept() {
    Item item = span("net.transport", "inproc");
    tester.run(Map.of(), item);
    assertThat(item.attributes().getString("network.transport")).isEqualTo("inproc");
  }

  @Test
  void scopes_limit_which_attributes_are_upgraded() {
    Item item = span("http.method", "GET");
    item.resource().put("deployment.environment", "prod");

    tester.run(Map.of("scopes", List.of("resource")), item);

    assertThat(item.attributes().getString("http.method")).isEqualTo("GET");
    assertThat(item.resource().getString("deployment.environment.name")).isEqualTo("prod");
  }

  @Test
  void an_empty_scope_list_is_rejected_naming_the_key() {
    assertThatThrownBy(() -> create(Map.of("scopes", List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("config 'scopes': ");
    assertThatThrownBy(() -> tester.run(Map.of("scopes", List.of()), Item.span()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'scopes'");
  }

  @Test
  void an_unknown_scope_is_rejected_by_the_schema() {
    assertThat(tester.configProblems(Map.of("scopes", List.of("attributes", "scope"))))
        .singleElement().asString().startsWith("scopes: ");
  }

  @Test
  void schema_url_is_raised_but_never_lowered_or_taken_from_another_publisher() {
    Processor processor = create(Map.of("targetVersion", "1.27.0"));
    Map<String, String> cases = Map.of(
        "https://opentelemetry.io/schemas/1.21.0", "https://opentelemetry.io/schemas/1.27.0",
        "https://opentelemetry.io/schemas/1.30.0", "https://opentelemetry.io/schemas/1.30.0",
        "https://opentelemetry.io/schemas/1.27.0", "https://opentelemetry.io/schemas/1.27.0",
        "https://opentelemetry.io/schemas/1.9.0", "https://opentelemetry.io/schemas/1.27.0",
        "https://opentelemetry.io/schemas/1.36.0-dev", "https://opentelemetry.io/schemas/1.36.0-dev",
        "https://opentelemetry.io/schemas/1.2", "https://opentelemetry.io/schemas/1.2",
        "https://example.com/schemas/1.0.0", "https://example.com/schemas/1.0.0");
    cases.forEach((given, expected) -> {
      Item item = Item.log().schemaUrl(given);
      processor.process(item);
      assertThat(item.schemaUrl()).as(given).isEqualTo(expected);
    });
  }

  @Test
  void metric_points_are_renamed_but_keep_their_schema_url() {
    Item point = Item.metricPoint().schemaUrl("https://opentelemetry.io/schemas/1.20.0");
    point.attributes().put("http.method", "GET");
    tester.run(Map.of(), point);
    assertThat(point.attributes().getString("http.request.method")).isEqualTo("GET");
    assertThat(point.schemaUrl()).isEqualTo("https://opentelemetry.io/schemas/1.20.0");
  }

  @Test
  void an_item_with_nothing_to_upgrade_is_unchanged() {
    Item item = span("http.request.method", "GET", "custom.key", 1L).schemaUrl(NEWEST_URL);
    item.resource().put("service.name", "checkout");
    Item before = item.copy();
    assertThat(tester.run(Map.of(), item)).isEqualTo(before);
  }

  @Test
  void every_key_of_every_step_is_declared_in_both_scopes() {
    for (String version : SemconvTable.versions()) {
      Item item = Item.span();
      int n = 0;
      for (String key : SemconvTable.deprecatedKeys()) {
        // Origin-form value so http.target is converted too; ports and others take any string.
        item.attributes().put(key, "/v" + n);
        item.resource().put(key, "/v" + n++);
      }
      Item before = item.copy();
      // Strict mode: a write to a key the descriptor does not declare fails the run.
      assertThat(tester.run(Map.of("targetVersion", version), item)).as(version).isNotEqualTo(before);
    }
  }

  @Test
  void one_processor_serves_many_threads() throws Exception {
    Processor processor = create(Map.of());
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 8; t++) {
      threads.add(new Thread(() -> {
        for (int i = 0; i < 5_000; i++) {
          Item item = span("http.method", "GET", "net.host.name", "h", "net.peer.name", "c");
          processor.process(item);
          if (!item.attributes().asMap().equals(Map.of(
              "http.request.method", "GET", "server.address", "h", "client.address", "c"))) {
            failures.add(new AssertionError(item.toString()));
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
  }
}
