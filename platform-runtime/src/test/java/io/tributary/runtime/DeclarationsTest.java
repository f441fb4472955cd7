package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.ConfigField;
import io.tributary.api.Item;
import io.tributary.api.ProcessorDescriptor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys chosen in configuration ({@code {field}}) and declared redactions, as the compiler sees them. */
class DeclarationsTest {

  private static final ConfigField<Map<String, String>> TAGS = ConfigField.stringMap("tags");

  /** Writes each configured tag: declares exactly those keys. */
  private static final TestFactory TAGGER = TestFactory.of(
      ProcessorDescriptor.builder("tagger", "1.0.0").writes("{tags}", "resource:{tags}").config(TAGS).build(),
      ctx -> item -> ctx.config().get(TAGS).forEach(item.attributes()::put));

  private static final TestFactory REDACTOR = TestFactory.processing(
      ProcessorDescriptor.builder("redactor", "1.0.0").reads("*").redacts("*").writes("redacted.count").build(),
      item -> {
        int at = item.attributes().indexOf("user.email");
        if (at >= 0) {
          item.attributes().setStringAt(at, "[REDACTED]");
          item.attributes().put("redacted.count", 1L);
        }
      });

  private static final TestFactory READER = TestFactory.declaring("reader",
      new String[] {"team", "user.email"}, new String[] {});

  private static final TestFactory WRITER = TestFactory.declaring("writer",
      new String[] {}, new String[] {"user.email"});

  private static CompiledPipeline compile(StageSpec... stages) {
    return PipelineCompiler.builder(ProcessorRegistry.of(List.of(TAGGER, REDACTOR, READER, WRITER)))
        .build().compile("dev", 1, PipelineSpec.of(stages));
  }

  private static List<String> warnings(CompiledPipeline p) {
    return p.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING)
        .map(Diagnostic::toString).toList();
  }

  @Test
  void a_stage_declares_exactly_the_keys_its_configuration_names() {
    // Unconfigured, the tagger writes nothing: no clash with the reader before it.
    assertThat(warnings(compile(StageSpec.of("reader"), StageSpec.of("tagger")))).isEmpty();
    // Configured to write 'team', it clashes with exactly that key, named.
    assertThat(warnings(compile(StageSpec.of("reader"),
        StageSpec.of("tagger", Map.of("tags", Map.of("team", "checkout"))))))
        .singleElement().asString()
        .contains("reads 'team', but the later stage 'tagger' writes 'team'")
        .contains("move 'tagger' first");
  }

  @Test
  void a_configured_key_may_be_written_and_others_are_undeclared() {
    Item item = Item.span();
    CompiledPipeline p = PipelineCompiler.builder(ProcessorRegistry.of(List.of(TAGGER)))
        .enforceDeclaredWrites(true).build()
        .compile("dev", 1, PipelineSpec.of(StageSpec.of("tagger", Map.of("tags", Map.of("team", "a")))));
    Batch batch = Batch.of(item);
    p.run(batch);
    assertThat(batch.outcome(0, 0)).isEqualTo(StageOutcome.MODIFIED);
    assertThat(item.attributes().getString("team")).isEqualTo("a");
  }

  @Test
  void a_redaction_clashes_with_nothing_before_it_but_names_a_later_writer() {
    assertThat(warnings(compile(StageSpec.of("reader"), StageSpec.of("writer"), StageSpec.of("redactor"))))
        .as("reading before a redaction, or writing what it will redact, is what it is for")
        .noneMatch(w -> w.contains("redactor"));
    assertThat(warnings(compile(StageSpec.of("redactor"), StageSpec.of("writer"))))
        .singleElement().asString()
        .contains("writes 'user.email' after 'redactor' redacts '*'")
        .contains("is not redacted")
        .contains("move 'writer' before 'redactor'");
  }

  @Test
  void a_redaction_may_change_any_value_it_declares_in_strict_mode() {
    Item item = Item.span();
    item.attributes().put("user.email", "a@b.c");
    Batch batch = Batch.of(item);
    PipelineCompiler.builder(ProcessorRegistry.of(List.of(REDACTOR))).enforceDeclaredWrites(true).build()
        .compile("dev", 1, PipelineSpec.of(StageSpec.of("redactor"))).run(batch);
    assertThat(batch.outcome(0, 0)).isEqualTo(StageOutcome.MODIFIED);
    assertThat(item.attributes().getString("user.email")).isEqualTo("[REDACTED]");
  }

  @Test
  void a_template_must_name_a_declared_string_list_or_map_field() {
    assertThatThrownBy(() -> DescriptorRules.check(
        ProcessorDescriptor.builder("t", "1.0.0").writes("{tagz}").config(TAGS).build()))
        .hasMessageContaining("writes '{tagz}': names config 'tagz', which is not declared");
    assertThatThrownBy(() -> DescriptorRules.check(ProcessorDescriptor.builder("t", "1.0.0")
        .writes("{n}").config(ConfigField.longValue("n")).build()))
        .hasMessageContaining("not a string, string list or string map");
    assertThatThrownBy(() -> DescriptorRules.check(
        ProcessorDescriptor.builder("t", "1.0.0").writes("x.{tags}").config(TAGS).build()))
        .hasMessageContaining("{field} or resource:{field}");
    assertThatThrownBy(() -> DescriptorRules.check(
        ProcessorDescriptor.builder("t", "1.0.0").requires("{tags}").config(TAGS).build()))
        .hasMessageContaining("a requirement must name one key");
  }
}
