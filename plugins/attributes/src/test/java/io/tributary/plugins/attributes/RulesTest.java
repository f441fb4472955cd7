package io.tributary.plugins.attributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.ConfigField;
import io.tributary.api.Example;
import io.tributary.api.Item;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.plugins.attributes.Action.Scope;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.Diagnostic;
import io.tributary.runtime.PipelineCompilationException;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.ProcessorRegistry;
import io.tributary.runtime.StageSpec;
import io.tributary.testkit.ProcessorTester;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The structured form, {@code rules}: it gives exactly the actions the deprecated text form
 * ({@code actions}) gives, names the element and field of every mistake, and the text form still
 * compiles, with a deprecation warning.
 */
class RulesTest {

  private static final AttributesProcessorFactory FACTORY = new AttributesProcessorFactory();
  private final ProcessorTester tester = ProcessorTester.of(FACTORY);

  /**
   * The worked examples as version 1.0 wrote them, in the text form, by title: the structured
   * examples must do exactly what these did.
   */
  private static final Map<String, List<String>> TEXT_FORM_OF_EXAMPLES = Map.of(
      "Insert, update and upsert", List.of(
          "insert team=checkout",
          "insert deployment.environment.name=dev",
          "update deployment.environment.name=prod",
          "upsert tier=\"gold\"",
          "upsert retry.limit=3"),
      "Rename to the current semantic conventions and drop a secret", List.of(
          "rename http.method -> http.request.method",
          "rename http.status_code -> http.response.status_code",
          "delete password"),
      "Conditions and scopes", List.of(
          "upsert support.tier=priority if customer.plan == \"enterprise\"",
          "upsert http.error=true if http.response.status_code == 500",
          "insert route.kind=api if url.path startswith /api/",
          "copy resource:service.name -> service.name"),
      "Hash an e-mail address, keep a copy of the user id", List.of(
          "copy user.id -> enduser.id",
          "hash user.email"),
      "Resource scope for the whole stage", List.of(
          "insert deployment.environment.name=prod",
          "delete attributes:debug"));

  static Stream<Example> structuredExamples() {
    return FACTORY.descriptor().examples().stream().filter(e -> e.config().containsKey("rules"));
  }

  @Test
  void every_structured_example_has_its_text_form_here() {
    assertThat(structuredExamples().map(Example::title)).containsExactlyInAnyOrderElementsOf(
        TEXT_FORM_OF_EXAMPLES.keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structuredExamples")
  void structured_examples_give_exactly_what_the_text_form_gives(Example example) {
    Map<String, Object> structured = example.config();
    Map<String, Object> text = new LinkedHashMap<>(structured);
    text.remove("rules");
    text.put("actions", TEXT_FORM_OF_EXAMPLES.get(example.title()));

    assertThat(actions(structured)).isEqualTo(actions(text)).hasSize(((List<?>) structured.get("rules")).size());

    Item fromRules = tester.run(structured, example.input());
    Item fromText = tester.run(text, example.input());
    assertThat(fromRules).isEqualTo(fromText).isEqualTo(example.expected());
  }

  static Stream<Arguments> equivalents() {
    return Stream.of(
        Arguments.of("insert team=checkout", rule("insert", "team", "value", "checkout")),
        Arguments.of("update retries=3", rule("update", "retries", "value", 3)),
        Arguments.of("upsert ratio=2.5", rule("upsert", "ratio", "value", 2.5)),
        Arguments.of("upsert flag=true", rule("upsert", "flag", "value", true)),
        Arguments.of("upsert code=\"42\"", rule("upsert", "code", "value", "42")),
        Arguments.of("upsert note=\"a b\"", rule("upsert", "note", "value", "a b")),
        Arguments.of("upsert empty=\"\"", rule("upsert", "empty", "value", "")),
        Arguments.of("rename a -> b", rule("rename", "b", "from", "a")),
        Arguments.of("rename \"odd key\" -> \"other key\"", rule("rename", "other key", "from", "odd key")),
        Arguments.of("copy resource:service.name -> service.name",
            rule("copy", "service.name", "from", "resource:service.name")),
        Arguments.of("copy service.name -> resource:service.alias",
            rule("copy", "resource:service.alias", "from", "service.name")),
        Arguments.of("delete attributes:debug", rule("delete", "attributes:debug")),
        Arguments.of("hash user.email", rule("hash", "user.email")),
        Arguments.of("delete k if a exists", rule("delete", "k", "ifKey", "a", "ifOp", "exists")),
        Arguments.of("delete k if resource:a missing",
            rule("delete", "k", "ifKey", "resource:a", "ifOp", "missing")),
        Arguments.of("delete k if status == 500",
            rule("delete", "k", "ifKey", "status", "ifOp", "equals", "ifValue", 500)),
        Arguments.of("delete k if ratio == 2.5",
            rule("delete", "k", "ifKey", "ratio", "ifOp", "equals", "ifValue", 2.5)),
        Arguments.of("delete k if ok == true",
            rule("delete", "k", "ifKey", "ok", "ifOp", "equals", "ifValue", true)),
        Arguments.of("delete k if status == \"500\"",
            rule("delete", "k", "ifKey", "status", "ifOp", "equals", "ifValue", "500")),
        Arguments.of("delete k if env != \"prod\"",
            rule("delete", "k", "ifKey", "env", "ifOp", "not-equals", "ifValue", "prod")),
        Arguments.of("insert route=api if url.path startswith /api/",
            rule("insert", "route", "value", "api", "ifKey", "url.path", "ifOp", "starts-with",
                "ifValue", "/api/")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("equivalents")
  void each_rule_is_the_action_its_text_line_gives(String line, Map<String, Object> rule) {
    for (Scope scope : Scope.values()) {
      String name = scope == Scope.RESOURCE ? "resource" : "attributes";
      ProcessorConfig config = tester.config(Map.of("scope", name, "rules", List.of(rule)));
      ProcessorConfig element = config.get(AttributesProcessorFactory.RULES).get(0);
      Action fromText;
      try {
        fromText = ActionParser.parse(line, 0, scope);
      } catch (IllegalArgumentException e) {
        // Say, a copy from resource:x to x in the resource scope: both forms refuse it alike.
        assertThatThrownBy(() -> RuleReader.read(element, 0, scope)).as(scope.name())
            .hasMessageEndingWith(e.getMessage().substring(e.getMessage().indexOf("': ")));
        continue;
      }
      assertThat(RuleReader.read(element, 0, scope)).as(scope.name()).isEqualTo(fromText);
    }
  }

  @Test
  void values_keep_the_type_they_are_written_in() {
    Item item = tester.run(Map.of("rules", List.of(
        rule("upsert", "long", "value", 3),
        rule("upsert", "string", "value", "3"),
        rule("upsert", "double", "value", 3.0),
        rule("upsert", "boolean", "value", false),
        rule("upsert", "text", "value", "true"))), Item.span());
    assertThat(item.attributes().asMap()).containsExactly(
        Map.entry("long", 3L), Map.entry("string", "3"), Map.entry("double", 3.0),
        Map.entry("boolean", false), Map.entry("text", "true"));
  }

  @Test
  void equals_compares_numbers_as_numbers_and_never_a_number_with_a_string() {
    Item item = Item.span();
    item.attributes().put("status", 500L).put("code", "500");
    tester.run(Map.of("rules", List.of(
        rule("insert", "long", "value", 1, "ifKey", "status", "ifOp", "equals", "ifValue", 500),
        rule("insert", "double", "value", 1, "ifKey", "status", "ifOp", "equals", "ifValue", 500.0),
        rule("insert", "string", "value", 1, "ifKey", "status", "ifOp", "equals", "ifValue", "500"),
        rule("insert", "code.matched", "value", 1, "ifKey", "code", "ifOp", "equals", "ifValue", 500),
        rule("insert", "absent", "value", 1, "ifKey", "nope", "ifOp", "not-equals", "ifValue", 500))),
        item);
    assertThat(item.attributes().asMap().keySet())
        .contains("long", "double", "absent").doesNotContain("string", "code.matched");
  }

  // ---------------------------------------------------------------- errors name element and field

  static Stream<Arguments> badRules() {
    return Stream.of(
        Arguments.of(rule("rename", "b"), "from", "rename needs 'from', the key to move ('key' is the target)"),
        Arguments.of(rule("copy", "b"), "from", "copy needs 'from', the key to copy ('key' is the target)"),
        Arguments.of(rule("copy", "b", "from", "a", "value", 1), "value",
            "copy takes no 'value' (the value is that of 'from')"),
        Arguments.of(rule("rename", "a", "from", "attributes:a"), "from",
            "rename from 'a' to itself does nothing"),
        Arguments.of(rule("insert", "a"), "value", "insert needs 'value', the value to set"),
        Arguments.of(rule("upsert", "a", "from", "b", "value", 1), "from",
            "upsert takes no 'from' (only rename and copy do)"),
        Arguments.of(rule("delete", "a", "value", "x"), "value",
            "delete takes no 'value' (only insert, update and upsert do)"),
        Arguments.of(rule("hash", "a", "from", "b"), "from", "hash takes no 'from' (only rename and copy do)"),
        Arguments.of(rule("delete", "a", "ifOp", "exists"), "ifKey",
            "'ifOp' needs 'ifKey', the key the condition tests"),
        Arguments.of(rule("delete", "a", "ifKey", "b"), "ifOp",
            "the condition on 'b' needs 'ifOp' (one of exists, missing, equals, not-equals, starts-with)"),
        Arguments.of(rule("delete", "a", "ifValue", 1), "ifValue",
            "'ifValue' needs a condition: 'ifKey' and 'ifOp'"),
        Arguments.of(rule("delete", "a", "ifKey", "b", "ifOp", "missing", "ifValue", 1), "ifValue",
            "'missing' takes no 'ifValue'"),
        Arguments.of(rule("delete", "a", "ifKey", "b", "ifOp", "not-equals"), "ifValue",
            "'not-equals' needs 'ifValue', the value to compare with"),
        Arguments.of(rule("delete", "a", "ifKey", "b", "ifOp", "starts-with"), "ifValue",
            "'starts-with' needs 'ifValue', the prefix"),
        Arguments.of(rule("delete", "a", "ifKey", "b", "ifOp", "starts-with", "ifValue", 42), "ifValue",
            "'starts-with' needs a string prefix, not 42 (write \"42\")"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("badRules")
  void a_rule_that_does_not_add_up_names_its_element_and_field(
      Map<String, Object> bad, String field, String why) {
    Map<String, Object> config = Map.of("rules", List.of(rule("delete", "x"), rule("insert", "y", "value", 1), bad));
    assertThat(tester.configProblems(config)).isEmpty(); // each field is fine; together they are not
    String message = "config 'rules[2]." + field + "': " + why;
    assertThatThrownBy(() -> tester.create(config))
        .isInstanceOf(IllegalArgumentException.class).hasMessage(message);

    // The host shows it on that field of that element.
    PipelineCompiler compiler = PipelineCompiler.builder(ProcessorRegistry.of(List.of(FACTORY))).build();
    assertThatThrownBy(() -> compiler.compile("dev", 0, PipelineSpec.of(StageSpec.of("attributes", config))))
        .isInstanceOfSatisfying(PipelineCompilationException.class, e -> assertThat(e.errors())
            .singleElement().satisfies(d -> {
              assertThat(d.key()).isEqualTo("rules[2]." + field);
              assertThat(d.message()).endsWith(message);
            }));
  }

  static Stream<Arguments> schemaProblems() {
    return Stream.of(
        Arguments.of(rule("uspert", "a", "value", 1), "rules[1].action: \"uspert\" is not one of "
            + "[insert, update, upsert, rename, copy, delete, hash]"),
        Arguments.of(Map.of("action", "delete"), "rules[1].key: a value is required"),
        Arguments.of(rule("delete", ""), "rules[1].key: "),
        Arguments.of(rule("delete", "resource:"), "rules[1].key: "),
        Arguments.of(rule("copy", "b", "from", "attributes:"), "rules[1].from: "),
        Arguments.of(rule("delete", "a", "ifKey", "resource:", "ifOp", "exists"), "rules[1].ifKey: "),
        Arguments.of(rule("delete", "a", "ifKey", "b", "ifOp", "=="), "rules[1].ifOp: \"==\" is not one of "
            + "[exists, missing, equals, not-equals, starts-with]"),
        Arguments.of(rule("upsert", "a", "value", List.of("x")), "rules[1].value: "),
        Arguments.of(rule("upsert", "a", "value", Map.of("x", "y")), "rules[1].value: "),
        Arguments.of(rule("delete", "a", "form", "b"), "rules[1].form: unknown config key"),
        Arguments.of("delete a", "rules[1]: expected an object, found the string \"delete a\""));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("schemaProblems")
  void the_schema_names_the_element_and_field_of_a_bad_value(Object bad, String problem) {
    List<String> problems = tester.configProblems(Map.of("rules", List.of(rule("delete", "x"), bad)));
    assertThat(problems).singleElement().asString().startsWith(problem);
  }

  @Test
  void exactly_one_of_rules_and_actions_is_given() {
    assertThatThrownBy(() -> tester.create(Map.of()))
        .hasMessage("config 'rules': no rules given: give 'rules' (or, in the deprecated text form, 'actions')");
    assertThatThrownBy(() -> tester.create(Map.of("scope", "resource")))
        .hasMessageStartingWith("config 'rules': no rules given");
    assertThatThrownBy(() -> tester.create(Map.of("rules", List.of(rule("delete", "a")),
        "actions", List.of("delete a"))))
        .hasMessage("config 'rules': give the rules once: as 'rules' or in the deprecated text form "
            + "'actions', not both");
    assertThatThrownBy(() -> tester.create(Map.of("rules", List.of())))
        .hasMessage("config 'rules': at least one rule is needed");
    assertThat(tester.configProblems(Map.of())).isEmpty(); // the schema cannot say "one of"; the factory does
  }

  @Test
  void a_hash_rule_needs_the_hash_key_naming_the_rule() {
    assertThatThrownBy(() -> tester.create(Map.of("rules", List.of(rule("delete", "x"), rule("hash", "user.email")))))
        .hasMessage("config 'hashKey': a key is required because rules[1] hashes");
    assertThatThrownBy(() -> tester.create(Map.of("hashKey", "", "rules", List.of(rule("hash", "e")))))
        .hasMessage("config 'hashKey': a key is required because rules[0] hashes");
    Item item = Item.span();
    item.attributes().put("user.email", "alice@example.com");
    tester.run(Map.of("hashKey", "example-key", "rules", List.of(rule("hash", "user.email"))), item);
    assertThat(item.attributes().getString("user.email"))
        .isEqualTo("8f7cba6b97581337a4eb3f0d7fbf963f7dfb45153dfe473108cc8c9e57ec9363");
  }

  // ---------------------------------------------------------------- the deprecated text form

  @Test
  void the_text_form_still_compiles_with_a_deprecation_warning_on_actions() {
    PipelineCompiler compiler = PipelineCompiler.builder(ProcessorRegistry.of(List.of(FACTORY))).build();
    try (CompiledPipeline pipeline = compiler.compile("dev", 0, PipelineSpec.of(StageSpec.of("attributes",
        Map.of("actions", List.of("insert team=checkout", "rename a -> b")))))) {
      assertThat(pipeline.diagnostics()).singleElement().satisfies(d -> {
        assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
        assertThat(d.key()).isEqualTo("actions");
        assertThat(d.message()).isEqualTo("config 'actions' is deprecated: write the actions as 'rules' "
            + "objects; see the processor's documentation");
      });
    }
    try (CompiledPipeline pipeline = compiler.compile("dev", 0, PipelineSpec.of(StageSpec.of("attributes",
        Map.of("rules", List.of(rule("insert", "team", "value", "checkout"), rule("rename", "b", "from", "a"))))))) {
      assertThat(pipeline.diagnostics()).isEmpty();
    }
  }

  @Test
  void the_descriptor_offers_rules_and_keeps_actions_as_deprecated() {
    ProcessorDescriptor d = tester.descriptor();
    assertThat(d.version()).isEqualTo("1.1.0");
    assertThat(d.stability()).isEqualTo(ProcessorDescriptor.STABLE);
    assertThat(d.config()).extracting(ConfigField::name).containsExactly("rules", "actions", "scope", "hashKey");
    ConfigField<?> rules = d.configField("rules");
    assertThat(rules.type()).isEqualTo(ConfigField.OBJECT_LIST);
    assertThat(rules.fields()).extracting(ConfigField::name)
        .containsExactly("action", "key", "from", "value", "ifKey", "ifOp", "ifValue");
    assertThat(rules.fields()).allSatisfy(f -> assertThat(f.doc()).isNotBlank());
    assertThat(rules.fields()).filteredOn(ConfigField::isRequired).extracting(ConfigField::name)
        .containsExactly("action", "key");
    assertThat(AttributesProcessorFactory.VALUE.type()).isEqualTo(ConfigField.SCALAR);
    ConfigField<?> actions = d.configField("actions");
    assertThat(actions.deprecation()).contains("'rules'");
    assertThat(actions.isRequired()).isFalse();
    List<String> titles = new ArrayList<>();
    d.examples().forEach(e -> titles.add(e.title() + (e.config().containsKey("actions") ? " (text)" : "")));
    assertThat(titles).filteredOn(t -> t.endsWith("(text)")).hasSize(1);
  }

  /** A raw rule object, as JSON gives it: {@code action}, {@code key}, then field, value, … */
  private static Map<String, Object> rule(String action, String key, Object... fieldsAndValues) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("action", action);
    rule.put("key", key);
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      rule.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
    }
    return rule;
  }

  private List<Action> actions(Map<String, Object> raw) {
    ProcessorConfig config = tester.config(raw);
    Scope scope = "resource".equals(config.get(AttributesProcessorFactory.SCOPE)) ? Scope.RESOURCE : Scope.ATTRIBUTES;
    List<Action> out = new ArrayList<>();
    List<ProcessorConfig> rules = config.get(AttributesProcessorFactory.RULES);
    for (int i = 0; i < rules.size(); i++) {
      out.add(RuleReader.read(rules.get(i), i, scope));
    }
    List<String> texts = config.get(AttributesProcessorFactory.ACTIONS);
    for (int i = 0; i < texts.size(); i++) {
      out.add(ActionParser.parse(texts.get(i), i, scope));
    }
    return out;
  }
}
