package io.tributary.plugins.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.testkit.ProcessorTester;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class EnvironmentProcessorFactoryTest {

  private final ProcessorTester tester = ProcessorTester.of(new EnvironmentProcessorFactory());

  /** Runs one item through a real one-stage pipeline in {@code environment}, strict mode. */
  private static Item runInEnvironment(String environment, Map<String, ?> config, Item item) {
    return ProcessorTester.of(new EnvironmentProcessorFactory()).withEnvironment(environment)
        .run(config, item);
  }

  @Test
  void descriptor_examples_pass() {
    tester.verifyExamples();
  }

  @Test
  void is_found_by_the_service_loader() {
    assertThat(ServiceLoader.load(io.tributary.api.ProcessorFactory.class).stream()
            .map(ServiceLoader.Provider::type))
        .contains(EnvironmentProcessorFactory.class);
  }

  @Test
  void uses_the_pipeline_environment_when_none_is_configured() {
    Item item = Item.span();
    runInEnvironment("staging", Map.of("serviceName", "checkout"), item);

    assertThat(item.resource().getString("deployment.environment.name")).isEqualTo("staging");
    assertThat(item.resource().getString("service.name")).isEqualTo("checkout");
  }

  @Test
  void configured_environment_beats_the_pipeline_environment() {
    Item item = Item.span();
    runInEnvironment("staging", Map.of("environment", "staging-eu"), item);

    assertThat(item.resource().getString("deployment.environment.name")).isEqualTo("staging-eu");
  }

  @Test
  void an_item_that_already_carries_everything_is_left_unchanged() {
    Item item = Item.span();
    item.resource()
        .put("deployment.environment.name", "prod")
        .put("service.name", "checkout")
        .put("host.name", "node-7");
    Item before = item.copy();

    runInEnvironment("prod", Map.of("serviceName", "cart", "hostName", "gw-1"), item);

    assertThat(item).isEqualTo(before);
  }

  @Test
  void replaces_any_sdk_default_service_name_but_only_when_a_service_name_is_configured() {
    Item plain = Item.span();
    plain.resource().put("service.name", "unknown_service");
    tester.run(Map.of("environment", "prod", "serviceName", "checkout"), plain);
    assertThat(plain.resource().getString("service.name")).isEqualTo("checkout");

    Item unnamed = Item.span();
    unnamed.resource().put("service.name", "unknown_service:node");
    tester.run(Map.of("environment", "prod"), unnamed);
    assertThat(unnamed.resource().getString("service.name")).isEqualTo("unknown_service:node");
  }

  @Test
  void an_empty_value_counts_as_missing() {
    Item item = Item.span();
    item.resource().put("service.version", " ");

    tester.run(Map.of("environment", "prod", "serviceVersion", "2.1.0"), item);

    assertThat(item.resource().getString("service.version")).isEqualTo("2.1.0");
  }

  @Test
  void a_non_string_value_is_kept_unless_overwrite_is_on() {
    Item kept = Item.span();
    kept.resource().put("service.version", 3L);
    tester.run(Map.of("environment", "prod", "serviceVersion", "3.0.0"), kept);
    assertThat(kept.resource().getLong("service.version", 0)).isEqualTo(3L);

    Item replaced = Item.span();
    replaced.resource().put("service.version", 3L);
    tester.run(Map.of("environment", "prod", "serviceVersion", "3.0.0", "overwrite", true), replaced);
    assertThat(replaced.resource().getString("service.version")).isEqualTo("3.0.0");
  }

  @Test
  void tags_go_to_the_resource_by_default_and_respect_overwrite() {
    Item item = Item.metricPoint();
    item.resource().put("team", "search");

    tester.run(Map.of("environment", "prod", "tags", Map.of("team", "payments", "tier", "1")), item);

    assertThat(item.resource().asMap())
        .containsEntry("team", "search")
        .containsEntry("tier", "1")
        .containsEntry("deployment.environment.name", "prod");
    assertThat(item.attributes().isEmpty()).isTrue();
  }

  @Test
  void tags_can_target_item_attributes_through_the_engine() {
    Item item = Item.log();

    runInEnvironment(
        "dev", Map.of("tags", Map.of("team", "payments"), "tagsTarget", "attributes"), item);

    assertThat(item.attributes().getString("team")).isEqualTo("payments");
    assertThat(item.resource().contains("team")).isFalse();
    assertThat(item.resource().getString("deployment.environment.name")).isEqualTo("dev");
  }

  @Test
  void a_blank_value_is_rejected_naming_the_key() {
    assertThatThrownBy(() -> tester.create(Map.of("serviceName", "  ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'serviceName'");
    for (String key : List.of("environment", "serviceName", "serviceVersion", "serviceNamespace",
        "hostName", "cloudRegion")) {
      // Blank as String.isBlank() has it: an em space is whitespace, a no-break space is not.
      for (String value : List.of("", " ", "\t\n", "\u2003")) {
        assertThat(tester.configProblems(Map.of(key, value))).as(key + "=[" + value + "]")
            .singleElement(STRING).startsWith(key + ": ");
      }
      for (String value : List.of("x", " x ", "a\nb", "\u00a0")) {
        assertThat(tester.configProblems(Map.of(key, value))).as(key + "=[" + value + "]").isEmpty();
      }
    }
  }

  @Test
  void a_blank_pipeline_environment_is_rejected_when_none_is_configured() {
    ProcessorTester blank = ProcessorTester.of(new EnvironmentProcessorFactory()).withEnvironment(" ");
    assertThatThrownBy(() -> blank.create(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("config 'environment': ");
    Item item = Item.span();
    blank.run(Map.of("environment", "prod"), item);
    assertThat(item.resource().getString("deployment.environment.name")).isEqualTo("prod");
  }

  @Test
  void a_tag_that_duplicates_a_dedicated_field_is_rejected() {
    assertThatThrownBy(() -> tester.create(Map.of("tags", Map.of("service.name", "checkout"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("config 'tags': ")
        .hasMessageContaining("serviceName");
  }

  @Test
  void a_blank_tag_key_is_rejected() {
    assertThatThrownBy(() -> tester.create(Map.of("tags", Map.of(" ", "x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("config 'tags': ");
  }

  @Test
  void an_unknown_tags_target_fails_validation() {
    assertThat(tester.configProblems(Map.of("tagsTarget", "scope")))
        .singleElement(STRING)
        .startsWith("tagsTarget: ")
        .contains("[resource, attributes]");
  }

  @Test
  void one_processor_serves_many_threads() throws Exception {
    Processor processor = tester.create(Map.of("environment", "prod", "serviceName", "checkout"));
    List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
    for (int t = 0; t < 8; t++) {
      threads.add(new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          Item item = Item.span();
          processor.process(item);
          if (!"checkout".equals(item.resource().getString("service.name"))
              || !"prod".equals(item.resource().getString("deployment.environment.name"))) {
            wrong.incrementAndGet();
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(wrong).hasValue(0);
  }
}
