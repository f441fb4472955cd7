package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ConfigField;
import io.tributary.runtime.Diagnostic.Severity;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PipelineCompilerTest {

  private static final String[] NONE = {};

  private static ProcessorDescriptor.Builder tagger(String version) {
    return ProcessorDescriptor.builder("tagger", version)
        .writes("team")
        .config(
            ConfigField.string("team").required().doc("team name"),
            ConfigField.longValue("weight").withDefault(1L),
            ConfigField.string("mode").withDefault("set").allowedValues("set", "append"));
  }

  private static final ProcessorRegistry REGISTRY = ProcessorRegistry.of(List.of(
      TestFactory.processing(tagger("1.0.0").build(), item -> item.attributes().put("team", "a")),
      TestFactory.processing(tagger("1.2.0").build(), item -> item.attributes().put("team", "b")),
      TestFactory.processing(tagger("2.0.0-rc.1").build(), item -> item.attributes().put("team", "c"))));

  private static PipelineCompiler compiler(ProcessorRegistry registry) {
    return PipelineCompiler.builder(registry).build();
  }

  private static List<Diagnostic> errorsOf(ProcessorRegistry registry, PipelineSpec spec) {
    PipelineCompilationException e = org.junit.jupiter.api.Assertions.assertThrows(
        PipelineCompilationException.class, () -> compiler(registry).compile("dev", 1, spec));
    return e.errors();
  }

  @Test
  void latest_release_is_chosen_when_no_version_is_pinned() {
    CompiledPipeline p = compiler(REGISTRY).compile("dev", 1,
        PipelineSpec.of(StageSpec.of("tagger", Map.of("team", "x"))));
    assertThat(p.stages()).singleElement()
        .satisfies(s -> assertThat(s.coordinates()).isEqualTo("tagger@1.2.0"));
  }

  @Test
  void pinned_version_is_used_even_when_newer_exist() {
    CompiledPipeline p = compiler(REGISTRY).compile("dev", 1,
        PipelineSpec.of(StageSpec.of("tagger", Map.of("team", "x")).withVersion("1.0.0")));
    assertThat(p.stages().get(0).coordinates()).isEqualTo("tagger@1.0.0");
  }

  @Test
  void unknown_processor_names_the_stage_and_suggests_a_close_id() {
    List<Diagnostic> errors = errorsOf(REGISTRY, PipelineSpec.of(StageSpec.of("tager").withName("tags")));
    assertThat(errors).singleElement().satisfies(d -> {
      assertThat(d.stage()).isEqualTo("tags");
      assertThat(d.stageIndex()).isZero();
      assertThat(d.message()).contains("unknown processor 'tager'").contains("did you mean tagger");
    });
  }

  @Test
  void unknown_version_lists_the_available_ones() {
    List<Diagnostic> errors = errorsOf(REGISTRY,
        PipelineSpec.of(StageSpec.of("tagger", Map.of("team", "x")).withVersion("1.1.0")));
    assertThat(errors).singleElement().satisfies(d -> assertThat(d.message())
        .contains("version 1.1.0 of 'tagger' is not available")
        .contains("1.0.0, 1.2.0, 2.0.0-rc.1"));
  }

  @Test
  void malformed_version_pin_is_an_error() {
    List<Diagnostic> errors = errorsOf(REGISTRY,
        PipelineSpec.of(StageSpec.of("tagger", Map.of("team", "x")).withVersion("1.2")));
    assertThat(errors).singleElement().satisfies(d -> assertThat(d.message()).contains("not a semantic version"));
  }

  @Test
  void config_errors_name_stage_and_key() {
    List<Diagnostic> errors = errorsOf(REGISTRY, PipelineSpec.of(
        StageSpec.of("tagger", Map.of("weight", "heavy", "colour", "red", "mode", "replace"))));
    assertThat(errors).extracting(Diagnostic::key).containsExactlyInAnyOrder("colour", "team", "weight", "mode");
    assertThat(errors).allSatisfy(d -> assertThat(d.stage()).isEqualTo("tagger"));
    assertThat(errors).filteredOn(d -> "colour".equals(d.key())).singleElement()
        .satisfies(d -> assertThat(d.message()).contains("unknown config key").contains("team"));
    assertThat(errors).filteredOn(d -> "team".equals(d.key())).singleElement()
        .satisfies(d -> assertThat(d.message()).contains("required"));
    assertThat(errors).filteredOn(d -> "weight".equals(d.key())).singleElement()
        .satisfies(d -> assertThat(d.message()).contains("expected an integer").contains("\"heavy\""));
    assertThat(errors).filteredOn(d -> "mode".equals(d.key())).singleElement()
        .satisfies(d -> assertThat(d.message()).contains("\"replace\" is not one of [set, append]"));
  }

  @Test
  void config_defaults_reach_the_factory() {
    AtomicInteger seenWeight = new AtomicInteger();
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.of(tagger("1.0.0").build(), ctx -> {
      seenWeight.set((int) (long) ctx.config().asMap().get("weight"));
      assertThat(ctx.environment()).isEqualTo("staging");
      assertThat(ctx.stageName()).isEqualTo("tagger");
      return item -> {};
    })));
    compiler(registry).compile("staging", 3, PipelineSpec.of(StageSpec.of("tagger", Map.of("team", "t"))));
    assertThat(seenWeight).hasValue(1);
  }

  @Test
  void duplicate_stage_names_are_refused() {
    List<Diagnostic> errors = errorsOf(REGISTRY, PipelineSpec.of(
        StageSpec.of("tagger", Map.of("team", "x")), StageSpec.of("tagger", Map.of("team", "y"))));
    assertThat(errors).singleElement().satisfies(d -> {
      assertThat(d.stageIndex()).isEqualTo(1);
      assertThat(d.message()).contains("name is used twice");
    });
  }

  @Test
  void disabled_stage_problems_are_warnings_and_the_stage_does_not_run() {
    CompiledPipeline p = compiler(REGISTRY).compile("dev", 1, PipelineSpec.of(
        StageSpec.of("gone").withEnabled(false), StageSpec.of("tagger", Map.of("team", "x"))));
    assertThat(p.stages()).extracting(Stage::name).containsExactly("tagger");
    assertThat(p.diagnostics()).anySatisfy(d -> {
      assertThat(d.severity()).isEqualTo(Severity.WARNING);
      assertThat(d.message()).contains("(disabled) unknown processor 'gone'");
    });
  }

  @Test
  void requirement_written_only_by_a_later_stage_says_which_to_move() {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(
        TestFactory.declaring("user", NONE, new String[] {"user.id"}),
        TestFactory.declaring("tenant", NONE, new String[] {"tenant.id"}, "user.id")));
    List<Diagnostic> errors = errorsOf(registry, PipelineSpec.of(StageSpec.of("tenant"), StageSpec.of("user")));
    assertThat(errors).singleElement().satisfies(d -> {
      assertThat(d.stage()).isEqualTo("tenant");
      assertThat(d.key()).isEqualTo("user.id");
      assertThat(d.message()).contains("only the later stage 'user'").contains("move 'user' before 'tenant'");
    });
    assertThat(compiler(registry).compile("dev", 1, PipelineSpec.of(StageSpec.of("user"), StageSpec.of("tenant")))
        .diagnostics()).noneMatch(Diagnostic::isError);
  }

  @Test
  void requirement_nobody_writes_is_an_error() {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(
        TestFactory.declaring("tenant", NONE, new String[] {"tenant.id"}, "resource:service.name")));
    assertThat(errorsOf(registry, PipelineSpec.of(StageSpec.of("tenant")))).singleElement()
        .satisfies(d -> assertThat(d.message()).contains("requires 'resource:service.name', which no stage before it writes"));
  }

  @Test
  void requirement_cycle_is_reported_as_a_cycle() {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(
        TestFactory.declaring("a", NONE, new String[] {"a.key"}, "b.key"),
        TestFactory.declaring("b", NONE, new String[] {"b.key"}, "a.key")));
    List<Diagnostic> errors = errorsOf(registry, PipelineSpec.of(StageSpec.of("a"), StageSpec.of("b")));
    assertThat(errors).singleElement().satisfies(d ->
        assertThat(d.message()).contains("requirement cycle a → b → a").contains("no order works"));
  }

  @Test
  void reading_a_key_a_later_stage_writes_is_a_warning() {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(
        TestFactory.declaring("redact", new String[] {"*"}, new String[] {"*"}),
        TestFactory.declaring("env", NONE, new String[] {"deployment.environment.name"})));
    CompiledPipeline p = compiler(registry).compile("dev", 1, PipelineSpec.of(StageSpec.of("redact"), StageSpec.of("env")));
    assertThat(p.diagnostics()).anySatisfy(d -> {
      assertThat(d.severity()).isEqualTo(Severity.WARNING);
      assertThat(d.stage()).isEqualTo("redact");
      assertThat(d.message()).contains("the later stage 'env' writes 'deployment.environment.name'");
    });
    // In the right order there is nothing to say about reads.
    CompiledPipeline right = compiler(registry).compile("dev", 1, PipelineSpec.of(StageSpec.of("env"), StageSpec.of("redact")));
    assertThat(right.diagnostics()).noneMatch(d -> d.severity() == Severity.WARNING);
  }

  @Test
  void two_stages_writing_one_key_is_a_warning_naming_both() {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(
        TestFactory.declaring("semconv", NONE, new String[] {"deployment.environment.name"}),
        TestFactory.declaring("env", NONE, new String[] {"deployment.*"})));
    CompiledPipeline p = compiler(registry).compile("dev", 1, PipelineSpec.of(StageSpec.of("semconv"), StageSpec.of("env")));
    assertThat(p.diagnostics()).anySatisfy(d -> {
      assertThat(d.severity()).isEqualTo(Severity.WARNING);
      assertThat(d.stage()).isEqualTo("env");
      assertThat(d.message()).contains("both 'semconv' and 'env' write 'deployment.environment.name'");
    });
  }

  @Test
  void a_read_nothing_provides_is_noted() {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(
        TestFactory.declaring("router", new String[] {"http.route"}, NONE)));
    CompiledPipeline p = compiler(registry).compile("dev", 1, PipelineSpec.of(StageSpec.of("router")));
    assertThat(p.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.severity()).isEqualTo(Severity.INFO);
      assertThat(d.key()).isEqualTo("http.route");
    });
  }

  @Test
  void deprecated_processor_warns_with_its_replacement() {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.processing(
        ProcessorDescriptor.builder("old-tags", "1.0.0").deprecatedFor("tagger").build(), item -> {})));
    CompiledPipeline p = compiler(registry).compile("dev", 1, PipelineSpec.of(StageSpec.of("old-tags")));
    assertThat(p.diagnostics()).singleElement().satisfies(d ->
        assertThat(d.message()).isEqualTo("old-tags@1.0.0 is deprecated; use 'tagger'"));
  }

  @Test
  void missing_service_is_an_error_and_a_provided_one_reaches_the_processor() {
    ProcessorDescriptor d = ProcessorDescriptor.builder("lookup", "1.0.0").requiresService(Runnable.class).build();
    AtomicInteger calls = new AtomicInteger();
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.of(d, ctx -> {
      ctx.service(Runnable.class).orElseThrow().run();
      return item -> {};
    })));
    assertThat(errorsOf(registry, PipelineSpec.of(StageSpec.of("lookup")))).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("needs service java.lang.Runnable"));
    PipelineCompiler.builder(registry).service(Runnable.class, calls::incrementAndGet).build()
        .compile("dev", 1, PipelineSpec.of(StageSpec.of("lookup")));
    assertThat(calls).hasValue(1);
  }

  @Test
  void factory_that_throws_is_an_error_and_processors_already_created_are_closed() {
    AtomicInteger closed = new AtomicInteger();
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(
        TestFactory.of(ProcessorDescriptor.builder("fine", "1.0.0").build(), ctx -> new io.tributary.api.Processor() {
          @Override
          public void process(io.tributary.api.Item item) {}

          @Override
          public void close() {
            closed.incrementAndGet();
          }
        }),
        TestFactory.of(ProcessorDescriptor.builder("broken", "1.0.0").build(), ctx -> {
          throw new IllegalArgumentException("pattern '[' does not compile");
        })));
    assertThat(errorsOf(registry, PipelineSpec.of(StageSpec.of("fine"), StageSpec.of("broken")))).singleElement()
        .satisfies(d -> {
          assertThat(d.stage()).isEqualTo("broken");
          assertThat(d.message()).contains("broken@1.0.0 failed to start").contains("pattern '[' does not compile");
        });
    assertThat(closed).hasValue(1);
  }

  @Test
  void compilation_exception_message_lists_every_error() {
    assertThatThrownBy(() -> compiler(REGISTRY).compile("dev", 1,
            PipelineSpec.of(StageSpec.of("nope"), StageSpec.of("tagger"))))
        .isInstanceOf(PipelineCompilationException.class)
        .hasMessageContaining("stage 'nope' (#1)")
        .hasMessageContaining("stage 'tagger' (#2) key 'team'");
  }

  @Test
  void check_reports_without_creating_processors() {
    AtomicInteger created = new AtomicInteger();
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.of(
        ProcessorDescriptor.builder("x", "1.0.0").build(), ctx -> {
          created.incrementAndGet();
          return item -> {};
        })));
    assertThat(compiler(registry).check(PipelineSpec.of(StageSpec.of("x"), StageSpec.of("y"))))
        .extracting(Diagnostic::stage).containsExactly("y");
    assertThat(created).hasValue(0);
  }

  @Test
  void registry_refuses_the_same_id_and_version_twice() {
    assertThatThrownBy(() -> ProcessorRegistry.of(List.of(
            TestFactory.declaring("x", NONE, NONE), TestFactory.declaring("x", NONE, NONE))))
        .hasMessageContaining("x@1.0.0 is offered twice");
  }

  @Test
  void findings_are_one_per_pair_of_stages_however_many_keys_overlap() {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(
        TestFactory.declaring("upgrade", new String[] {"a.old", "b.old", "c.old", "d.old", "e.old"},
            new String[] {"a", "b", "c", "d", "e"}),
        TestFactory.declaring("tags", NONE, new String[] {"*"})));
    CompiledPipeline p = compiler(registry).compile("dev", 1,
        PipelineSpec.of(StageSpec.of("upgrade"), StageSpec.of("tags")));
    assertThat(p.diagnostics()).filteredOn(d -> d.severity() == Severity.INFO).singleElement()
        .satisfies(d -> assertThat(d.message()).isEqualTo(
            "reads 'a.old', 'b.old', 'c.old' and 2 more, which no earlier stage writes: they must come with the telemetry"));
    assertThat(p.diagnostics()).filteredOn(d -> d.severity() == Severity.WARNING).extracting(Diagnostic::message)
        .containsExactly(
            "reads 'a.old', 'b.old', 'c.old' and 2 more, but the later stage 'tags' writes '*': 'upgrade' will not"
                + " see those values (move 'tags' first if it should)",
            "both 'upgrade' and 'tags' write 'a', 'b', 'c' and 2 more: 'tags' runs later and overwrites");
  }
}
