package io.tributary.plugins.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.runtime.Batch;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.ExampleVerifier;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.ProcessorRegistry;
import io.tributary.runtime.StageOutcome;
import io.tributary.runtime.StageSpec;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class EnvironmentProcessorFactoryTest {

  private final EnvironmentProcessorFactory factory = new EnvironmentProcessorFactory();
  private final ProcessorDescriptor descriptor = factory.descriptor();

  private Processor create(Map<String, ?> config) {
    return factory.create(ProcessorContext.of(descriptor.validateConfig(config)));
  }

  /** Runs one item through a real one-stage pipeline, declared writes enforced. */
  private static StageOutcome runInEnvironment(String environment, Map<String, ?> config, Item item) {
    PipelineCompiler compiler =
        PipelineCompiler.builder(ProcessorRegistry.of(List.of(new EnvironmentProcessorFactory())))
            .enforceDeclaredWrites(true)
            .build();
    StageSpec stage = StageSpec.of("environment", config);
    try (CompiledPipeline pipeline = compiler.compile(environment, 1, PipelineSpec.of(stage))) {
      Batch batch = Batch.of(item);
      pipeline.run(batch);
      return batch.outcome(0, 0);
    }
  }

  @Test
  void descriptor_examples_pass() {
    assertThat(ExampleVerifier.verify(new EnvironmentProcessorFactory())).isEmpty();
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
    StageOutcome outcome = runInEnvironment("staging", Map.of("serviceName", "checkout"), item);

    assertThat(outcome).isEqualTo(StageOutcome.MODIFIED);
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

    StageOutcome outcome = runInEnvironment(
        "prod", Map.of("serviceName", "cart", "hostName", "gw-1"), item);

    assertThat(outcome).isEqualTo(StageOutcome.UNCHANGED);
    assertThat(item).isEqualTo(before);
  }

  @Test
  void replaces_any_sdk_default_service_name_but_only_when_a_service_name_is_configured() {
    Item plain = Item.span();
    plain.resource().put("service.name", "unknown_service");
    create(Map.of("environment", "prod", "serviceName", "checkout")).process(plain);
    assertThat(plain.resource().getString("service.name")).isEqualTo("checkout");

    Item unnamed = Item.span();
    unnamed.resource().put("service.name", "unknown_service:node");
    create(Map.of("environment", "prod")).process(unnamed);
    assertThat(unnamed.resource().getString("service.name")).isEqualTo("unknown_service:node");
  }

  @Test
  void an_empty_value_counts_as_missing() {
    Item item = Item.span();
    item.resource().put("service.version", " ");

    create(Map.of("environment", "prod", "serviceVersion", "2.1.0")).process(item);

    assertThat(item.resource().getString("service.version")).isEqualTo("2.1.0");
  }

  @Test
  void a_non_string_value_is_kept_unless_overwrite_is_on() {
    Item kept = Item.span();
    kept.resource().put("service.version", 3L);
    create(Map.of("environment", "prod", "serviceVersion", "3.0.0")).process(kept);
    assertThat(kept.resource().getLong("service.version", 0)).isEqualTo(3L);

    Item replaced = Item.span();
    replaced.resource().put("service.version", 3L);
    create(Map.of("environment", "prod", "serviceVersion", "3.0.0", "overwrite", true))
        .process(replaced);
    assertThat(replaced.resource().getString("service.version")).isEqualTo("3.0.0");
  }

  @Test
  void tags_go_to_the_resource_by_default_and_respect_overwrite() {
    Item item = Item.metricPoint();
    item.resource().put("team", "search");

    create(Map.of("environment", "prod", "tags", Map.of("team", "payments", "tier", "1")))
        .process(item);

    assertThat(item.resource().asMap())
        .containsEntry("team", "search")
        .containsEntry("tier", "1")
        .containsEntry("deployment.environment.name", "prod");
    assertThat(item.attributes().isEmpty()).isTrue();
  }

  @Test
  void tags_can_target_item_attributes_through_the_engine() {
    Item item = Item.log();

    StageOutcome outcome = runInEnvironment(
        "dev", Map.of("tags", Map.of("team", "payments"), "tagsTarget", "attributes"), item);

    assertThat(outcome).isEqualTo(StageOutcome.MODIFIED);
    assertThat(item.attributes().getString("team")).isEqualTo("payments");
    assertThat(item.resource().contains("team")).isFalse();
  }

  @Test
  void a_blank_value_is_rejected_naming_the_key() {
    assertThatThrownBy(() -> create(Map.of("serviceName", "  ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'serviceName'");
  }

  @Test
  void a_tag_that_duplicates_a_dedicated_field_is_rejected() {
    assertThatThrownBy(() -> create(Map.of("tags", Map.of("service.name", "checkout"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tags'")
        .hasMessageContaining("serviceName");
  }

  @Test
  void a_blank_tag_key_is_rejected() {
    assertThatThrownBy(() -> create(Map.of("tags", Map.of(" ", "x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tags'");
  }

  @Test
  void an_unknown_tags_target_fails_validation() {
    assertThatThrownBy(() -> descriptor.validateConfig(Map.of("tagsTarget", "scope")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tagsTarget'")
        .hasMessageContaining("[resource, attributes]");
  }

  @Test
  void one_processor_serves_many_threads() throws Exception {
    Processor processor = create(Map.of("environment", "prod", "serviceName", "checkout"));
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
