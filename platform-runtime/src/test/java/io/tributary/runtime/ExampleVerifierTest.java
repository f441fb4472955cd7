package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Item;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ConfigField;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExampleVerifierTest {

  private static Item withTeam(String team) {
    Item item = Item.span().name("checkout");
    if (team != null) {
      item.attributes().put("team", team);
    }
    return item;
  }

  private static ProcessorDescriptor.Builder tagger() {
    return ProcessorDescriptor.builder("tagger", "1.0.0")
        .writes("team")
        .config(ConfigField.string("team").withDefault("core"));
  }

  private static TestFactory factory(ProcessorDescriptor d) {
    return TestFactory.of(d, ctx -> item -> item.attributes().put("team", (String) ctx.config().asMap().get("team")));
  }

  @Test
  void passing_examples_report_nothing() {
    ProcessorDescriptor d = tagger()
        .example("default team", Map.of(), withTeam(null), withTeam("core"))
        .example("configured team", Map.of("team", "payments"), withTeam(null), withTeam("payments"))
        .build();
    assertThat(ExampleVerifier.verify(factory(d))).isEmpty();
  }

  @Test
  void a_wrong_expectation_is_reported_with_both_items() {
    ProcessorDescriptor d = tagger()
        .example("wrong", Map.of("team", "payments"), withTeam(null), withTeam("search"))
        .build();
    assertThat(ExampleVerifier.verify(factory(d))).singleElement().satisfies(m -> assertThat(m)
        .contains("tagger@1.0.0 example 'wrong'")
        .contains("expected SPAN{ name=checkout attributes={team=\"search\"}}")
        .contains("but got  SPAN{ name=checkout attributes={team=\"payments\"}}"));
  }

  @Test
  void an_example_that_does_not_compile_is_reported() {
    ProcessorDescriptor d = ProcessorDescriptor.builder("lookup", "1.0.0")
        .requiresService(Runnable.class)
        .example("needs a service", Map.of(), Item.span(), Item.span())
        .build();
    assertThat(ExampleVerifier.verify(TestFactory.processing(d, item -> {}))).singleElement()
        .satisfies(m -> assertThat(m).contains("example 'needs a service'").contains("needs service java.lang.Runnable"));
  }

  @Test
  void a_processor_that_throws_or_writes_undeclared_keys_fails_its_example() {
    ProcessorDescriptor d = tagger().example("any", Map.of(), withTeam(null), withTeam("core")).build();
    assertThat(ExampleVerifier.verify(TestFactory.processing(d, item -> item.attributes().put("oops", 1L))))
        .singleElement().satisfies(m -> assertThat(m).contains("the processor failed").contains("wrote 'oops'"));
  }

  @Test
  void an_example_that_never_finishes_fails_within_the_limit() {
    ProcessorDescriptor d = tagger()
        .example("hangs", Map.of(), withTeam(null), withTeam("core"))
        .example("never run", Map.of(), withTeam(null), withTeam("core"))
        .build();
    TestFactory hanging = TestFactory.of(d, ctx -> item -> {
      while (true) {
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          // a plugin that ignores interrupts: the worst case
        }
      }
    });
    long start = System.nanoTime();
    var failures = ExampleVerifier.verify(hanging, java.time.Duration.ofMillis(300));
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(5));
    assertThat(failures).singleElement().asString()
        .contains("example 'hangs'").contains("did not return within 300 ms");
  }
}
