package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.tributary.api.Attributes;
import io.tributary.api.ConfigField;
import io.tributary.api.Example;
import io.tributary.api.Item;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorDescriptor.Builder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DescriptorRulesTest {

  private static Builder minimal() {
    return ProcessorDescriptor.builder("pii-redaction", "1.2.3");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(Builder builder) {
    return assertThatThrownBy(() -> DescriptorRules.check(builder.build()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- a valid descriptor

  @Test
  void a_valid_descriptor_keeps_what_was_given() {
    Item input = Item.span();
    input.attributes().put("user.email", "a@b.c");
    Item expected = Item.span();
    expected.attributes().put("user.email", "***");

    ProcessorDescriptor d =
        ProcessorDescriptor.builder("pii-redaction", "1.2.3-rc.1+build.7")
            .title("PII redaction")
            .description("Masks personal data.")
            .reads("resource:service.name", "field:body")
            .writes("user.*", "field:body")
            .requires("tenant.id")
            .requiresService(java.time.Clock.class)
            .config(
                ConfigField.string("mask").withDefault("***").doc("What to write instead."),
                ConfigField.stringList("keys").required())
            .stable()
            .failureDefault("user.redaction_failed", true)
            .example("masks an email", Map.of("keys", List.of("user.email")), input, expected)
            .build();

    assertThat(d.id()).isEqualTo("pii-redaction");
    assertThat(d.version()).isEqualTo("1.2.3-rc.1+build.7");
    assertThat(d.coordinates()).isEqualTo("pii-redaction@1.2.3-rc.1+build.7");
    assertThat(d.title()).isEqualTo("PII redaction");
    assertThat(d.description()).isEqualTo("Masks personal data.");
    assertThat(d.reads()).containsExactly("resource:service.name", "field:body");
    assertThat(d.writes()).containsExactly("user.*", "field:body");
    assertThat(d.requires()).containsExactly("tenant.id");
    assertThat(d.requiredServices()).containsExactly("java.time.Clock");
    assertThat(d.config()).extracting(ConfigField::name).containsExactly("mask", "keys");
    assertThat(d.configField("mask").doc()).isEqualTo("What to write instead.");
    assertThat(d.configField("keys").isRequired()).isTrue();
    assertThat(d.configField("absent")).isNull();
    assertThat(d.stability()).isEqualTo(ProcessorDescriptor.STABLE);
    assertThat(d.replacement()).isNull();
    assertThat(d.failureDefaults()).containsExactly(entry("user.redaction_failed", true));
    assertThat(d.examples()).hasSize(1);
    assertThat(d.examples().get(0).title()).isEqualTo("masks an email");
    assertThat(d.examples().get(0).input()).isEqualTo(input);
    assertThat(d.examples().get(0).expected()).isEqualTo(expected);
    assertThat(d.toString()).isEqualTo("ProcessorDescriptor[pii-redaction@1.2.3-rc.1+build.7, stable]");
  }

  @Test
  void a_minimal_descriptor_gets_sensible_defaults() {
    ProcessorDescriptor d = minimal().build();

    assertThat(d.title()).isEqualTo("pii-redaction");
    assertThat(d.description()).isEmpty();
    assertThat(d.stability()).isEqualTo(ProcessorDescriptor.EXPERIMENTAL);
    assertThat(d.reads()).isEmpty();
    assertThat(d.writes()).isEmpty();
    assertThat(d.config()).isEmpty();
    assertThat(d.failureDefaults()).isEmpty();
    assertThat(d.examples()).isEmpty();
  }

  @Test
  void the_descriptor_is_immutable_and_independent_of_its_builder() {
    Builder builder = minimal().writes("a").config(ConfigField.string("s"));
    ProcessorDescriptor d = builder.build();

    builder.writes("b").config(ConfigField.string("t")).failureDefault("a", "x");

    assertThat(d.writes()).containsExactly("a");
    assertThat(d.config()).hasSize(1);
    assertThat(d.failureDefaults()).isEmpty();
    assertThatThrownBy(() -> d.writes().add("c")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> d.config().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> d.failureDefaults().put("a", "b"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void deprecated_for_names_the_replacement() {
    ProcessorDescriptor d = minimal().deprecatedFor("pii-redaction-v2").build();

    assertThat(d.stability()).isEqualTo(ProcessorDescriptor.DEPRECATED);
    assertThat(d.replacement()).isEqualTo("pii-redaction-v2");
  }

  @Test
  void deprecated_without_a_replacement_is_allowed() {
    assertThat(minimal().deprecated().build().replacement()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "pii-redaction", "geo.ip", "k8s-meta.v2", "x1"})
  void well_formed_ids_are_accepted(String id) {
    assertThat(ProcessorDescriptor.builder(id, "1.0.0").build().id()).isEqualTo(id);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"0.0.0", "1.0.0", "10.20.30", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-0.3.7",
        "1.0.0-x-y-z.--", "1.0.0+build.5", "1.0.0-rc.1+sha.5114f85"})
  void semantic_versions_are_accepted(String version) {
    assertThat(ProcessorDescriptor.builder("p", version).build().version()).isEqualTo(version);
  }

  // ---------------------------------------------------------------- defaults are coerced

  @Test
  void typed_defaults_are_kept_as_given() {
    ProcessorDescriptor d =
        minimal()
            .config(
                ConfigField.longValue("n").withDefault(5L),
                ConfigField.doubleValue("ratio").withDefault(1.0),
                ConfigField.bool("flag").withDefault(true),
                ConfigField.stringList("keys").withDefault(List.of("only")),
                ConfigField.stringMap("headers").withDefault(Map.of("x-retry", "3")),
                ConfigField.string("mode").allowedValues("1", "2").withDefault("2").doc("Mode."))
            .build();

    assertThat(DescriptorRules.check(d)).isSameAs(d);
    assertThat(d.configField("n").defaultValue()).isEqualTo(5L);
    assertThat(d.configField("ratio").defaultValue()).isEqualTo(1.0d);
    assertThat(d.configField("flag").defaultValue()).isEqualTo(Boolean.TRUE);
    assertThat(d.configField("keys").defaultValue()).isEqualTo(List.of("only"));
    assertThat(d.configField("headers").defaultValue()).isEqualTo(Map.of("x-retry", "3"));
    ConfigField<?> mode = d.configField("mode");
    assertThat(mode.allowedValues()).containsExactly("1", "2");
    assertThat(mode.doc()).isEqualTo("Mode.");
    assertThat(mode.type()).isEqualTo(ConfigField.STRING);
  }

  // ---------------------------------------------------------------- each problem, named

  @Test
  void an_empty_id_is_rejected() {
    assertInvalid(ProcessorDescriptor.builder("", "1.0.0")).hasMessage("processor id is empty");
    assertThatThrownBy(() -> ProcessorDescriptor.builder(null, "1.0.0"))
        .isInstanceOf(NullPointerException.class).hasMessage("id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PII", "pii_redaction", "pii redaction", "-pii", "pii-", "pii..x", "1pii",
    "pii@1"})
  void an_id_with_bad_characters_is_rejected(String id) {
    assertInvalid(ProcessorDescriptor.builder(id, "1.0.0"))
        .hasMessageContaining("'" + id + "'")
        .hasMessageContaining("id must be lowercase words");
  }

  @Test
  void an_id_longer_than_64_characters_is_rejected() {
    assertThat(ProcessorDescriptor.builder("a".repeat(64), "1.0.0").build()).isNotNull();
    assertInvalid(ProcessorDescriptor.builder("a".repeat(65), "1.0.0"))
        .hasMessageContaining("at most 64 characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "01.0.0", "1.01.0", "1.0.0-", "1.0.0+", "v1.0.0", "1.0.0-01",
    "1.0.0.0", " 1.0.0", "1.0.0-alpha..1", ""})
  void a_version_that_is_not_semver_is_rejected(String version) {
    assertInvalid(ProcessorDescriptor.builder("p", version))
        .hasMessageContaining("version '" + version + "'")
        .hasMessageContaining("is not a semantic version");
  }

  @Test
  void a_null_version_is_rejected() {
    assertThatThrownBy(() -> ProcessorDescriptor.builder("p", null))
        .isInstanceOf(NullPointerException.class).hasMessage("version");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t"})
  void a_blank_title_is_rejected(String title) {
    assertInvalid(minimal().title(title))
        .hasMessage("processor pii-redaction@1.2.3: title is empty");
  }

  @Test
  void a_key_with_an_unknown_prefix_is_rejected() {
    assertInvalid(minimal().reads("http:route"))
        .hasMessageContaining("processor pii-redaction@1.2.3")
        .hasMessageContaining("reads 'http:route'")
        .hasMessageContaining("unknown prefix 'http:'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"user.*.id", "*.id", "resource:*.name", "has space", "tab\tkey"})
  void a_key_with_a_star_inside_or_whitespace_is_rejected(String key) {
    assertInvalid(minimal().writes(key))
        .hasMessageContaining("writes '" + key + "'")
        .hasMessageContaining("'*' only at the end");
  }

  @ParameterizedTest
  @ValueSource(strings = {"field:traceid", "field:trace*", "field:Name", "field:"})
  void a_key_naming_an_unknown_field_is_rejected(String key) {
    assertInvalid(minimal().reads(key)).hasMessageContaining("reads '" + key + "'");
    if (!key.equals("field:")) {
      assertInvalid(minimal().reads(key)).hasMessageContaining("unknown field");
    }
  }

  @Test
  void an_empty_key_is_rejected() {
    assertInvalid(minimal().reads("")).hasMessageContaining("empty key");
    assertInvalid(minimal().writes("resource:")).hasMessageContaining("empty key name");
    assertThatThrownBy(() -> minimal().requires((String) null).build())
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void every_documented_key_form_is_accepted() {
    ProcessorDescriptor d =
        minimal()
            .reads("http.route", "resource:service.name", "scope:otel.library", "field:trace_id",
                "user.*", "resource:*", "*", "field:*")
            .build();

    assertThat(d.reads()).hasSize(8);
    for (String field : new String[] {"name", "trace_id", "span_id", "parent_span_id",
        "trace_flags", "trace_state", "baggage", "body", "severity_number", "severity_text",
        "time", "end_time", "observed_time", "schema_url", "scope_name", "scope_version"}) {
      assertThat(minimal().writes("field:" + field).build().writes()).containsExactly("field:" + field);
    }
  }

  @Test
  void a_key_listed_twice_is_rejected() {
    assertInvalid(minimal().writes("a", "b", "a")).hasMessageContaining("writes 'a' is listed twice");
    assertInvalid(minimal().reads("x").reads("x")).hasMessageContaining("reads 'x' is listed twice");
  }

  @Test
  void the_same_key_in_reads_and_writes_is_fine() {
    assertThat(minimal().reads("a").writes("a").build().writes()).containsExactly("a");
  }

  @ParameterizedTest
  @ValueSource(strings = {"user.*", "*", "resource:*", "field:*"})
  void a_requirement_with_a_wildcard_is_rejected(String key) {
    assertInvalid(minimal().requires(key))
        .hasMessageContaining("requires '" + key + "'")
        .hasMessageContaining("must name one key, not a pattern");
  }

  @Test
  void a_config_name_declared_twice_is_rejected() {
    assertInvalid(minimal().config(ConfigField.string("mode"), ConfigField.longValue("mode")))
        .hasMessageContaining("config 'mode' is declared twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1abc", "_x", "has space", "a:b"})
  void a_malformed_config_name_is_rejected(String name) {
    assertInvalid(minimal().config(ConfigField.string(name)))
        .hasMessageContaining("config '" + name + "'")
        .hasMessageContaining("name must start with a letter");
  }

  @Test
  void a_required_field_with_a_default_is_rejected() {
    assertInvalid(minimal().config(ConfigField.string("s").withDefault("x").required()))
        .hasMessageContaining("config 's' is required and has a default");
  }

  /** A field with its type parameter erased, as a plugin compiled with raw types could build. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ConfigField<Object> raw(ConfigField<?> f) {
    return (ConfigField) f;
  }

  @Test
  void a_default_of_the_wrong_type_is_rejected() {
    assertInvalid(minimal().config(raw(ConfigField.longValue("n")).withDefault("many")))
        .hasMessageContaining("config 'n'")
        .hasMessageContaining("default expected an integer, found the string \"many\"");
    assertInvalid(minimal().config(raw(ConfigField.bool("b")).withDefault(1)))
        .hasMessageContaining("config 'b'")
        .hasMessageContaining("expected a boolean");
    assertInvalid(minimal().config(raw(ConfigField.stringMap("m")).withDefault(List.of("x"))))
        .hasMessageContaining("expected a map of strings, found a list");
  }

  @Test
  void a_default_not_among_the_allowed_values_is_rejected() {
    assertInvalid(minimal().config(ConfigField.string("mode").allowedValues("fast", "safe").withDefault("slow")))
        .hasMessageContaining("config 'mode'")
        .hasMessageContaining("\"slow\" is not one of [fast, safe]");
    assertInvalid(
            minimal()
                .config(
                    ConfigField.stringList("modes")
                        .allowedValues("fast", "safe")
                        .withDefault(List.of("fast", "slow"))))
        .hasMessageContaining("\"slow\" is not one of [fast, safe]");
  }

  @Test
  void allowed_values_on_a_non_string_field_are_rejected() {
    assertInvalid(minimal().config(ConfigField.longValue("n").allowedValues("1", "2")))
        .hasMessageContaining("config 'n'")
        .hasMessageContaining("allowed values apply to strings and string lists only");
    assertInvalid(minimal().config(ConfigField.bool("b").allowedValues("true")))
        .hasMessageContaining("allowed values apply to strings");
  }

  @Test
  void a_secret_with_a_default_is_rejected() {
    assertInvalid(minimal().config(ConfigField.string("token").secret().withDefault("hunter2")))
        .hasMessageContaining("config 'token'")
        .hasMessageContaining("a secret cannot have a default")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void only_strings_and_string_maps_can_be_secret() {
    assertThat(minimal()
            .config(ConfigField.string("token").secret(), ConfigField.stringMap("headers").secret())
            .build()
            .configField("headers")
            .isSecret())
        .isTrue();
    assertInvalid(minimal().config(ConfigField.longValue("pin").secret()))
        .hasMessageContaining("config 'pin'")
        .hasMessageContaining("only strings and string maps can be secret");
  }

  @Test
  void a_replacement_that_is_not_an_id_is_rejected() {
    assertInvalid(minimal().deprecatedFor("PII v2"))
        .hasMessageContaining("replacement 'PII v2' is not a processor id");
  }

  @Test
  void a_failure_default_not_among_the_writes_is_rejected() {
    assertInvalid(minimal().writes("user.*").failureDefault("enrichment.failed", true))
        .hasMessageContaining("failure default 'enrichment.failed' is not among its writes");
    assertInvalid(minimal().writes("*").failureDefault("resource:x", "y"))
        .hasMessageContaining("failure default 'resource:x' is not among its writes");
  }

  @Test
  void a_failure_default_covered_by_a_pattern_is_accepted() {
    ProcessorDescriptor d =
        minimal().writes("enrichment.*").failureDefault("enrichment.failed", true).build();

    assertThat(d.failureDefaults()).containsEntry("enrichment.failed", true);
  }

  @Test
  void a_failure_default_of_an_unsupported_type_is_rejected() {
    assertInvalid(minimal().writes("x").failureDefault("x", new Object()))
        .hasMessageContaining("failure default 'x' has an unsupported value");
  }

  @Test
  void an_example_using_an_unknown_config_key_is_rejected() {
    assertInvalid(
            minimal()
                .config(ConfigField.string("mask"))
                .example("masks", Map.of("mask", "*", "masc", "#"), Item.span(), Item.span()))
        .hasMessageContaining("example 'masks' has an invalid config")
        .hasMessageContaining("'masc': unknown config key");
  }

  @Test
  void an_example_needs_a_title() {
    assertInvalid(minimal().example(Example.of(" ", Map.of(), Item.span(), Item.span())))
        .hasMessageContaining("an example title is empty");
  }

  @Test
  void the_first_problem_found_is_reported() {
    assertInvalid(ProcessorDescriptor.builder("BAD", "1.0")).hasMessageContaining("id must be");
  }

  // ---------------------------------------------------------------- examples and fields

  @Test
  void examples_hand_out_fresh_copies_of_their_items() {
    Item input = Item.log().body("card 4111 1111 1111 1111");
    Example example = Example.of("masks a card", Map.of(), input, Item.log().body("card ****"));

    input.body("changed after the example was made");
    example.input().body("changed by a test");
    example.expected().attributes().put("x", 1L);

    assertThat(example.input().body()).isEqualTo("card 4111 1111 1111 1111");
    assertThat(example.expected()).isEqualTo(Item.log().body("card ****"));
    assertThat(example.input()).isNotSameAs(example.input());
  }

  @Test
  void example_config_is_an_unmodifiable_copy() {
    Map<String, Object> config = new HashMap<>(Map.of("mask", "*"));
    Example example = Example.of("t", config, Item.span(), Item.span());

    config.put("mask", "#");

    assertThat(example.config()).containsExactly(entry("mask", "*"));
    assertThatThrownBy(() -> example.config().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void an_example_keeps_a_dead_lettered_expectation() {
    Item expected = Item.log();
    expected.deadLetter("policy");

    Example example = Example.of("drops", Map.of(), Item.log(), expected);

    assertThat(example.expected().deadLetterReason()).isEqualTo("policy");
  }

  @Test
  void config_field_refinements_return_new_values() {
    ConfigField plain = ConfigField.string("s");
    ConfigField refined = plain.required().secret().doc("d").allowedValues("a");

    assertThat(plain.isRequired()).isFalse();
    assertThat(plain.isSecret()).isFalse();
    assertThat(plain.doc()).isEmpty();
    assertThat(plain.allowedValues()).isEmpty();
    assertThat(refined.isRequired()).isTrue();
    assertThat(refined.isSecret()).isTrue();
    assertThat(refined.doc()).isEqualTo("d");
    assertThat(refined.allowedValues()).containsExactly("a");
    assertThat(refined.toString()).isEqualTo("s:string required secret");
    assertThat(plain.toString()).isEqualTo("s:string");
  }

  @Test
  void config_field_factories_set_the_type() {
    assertThat(ConfigField.string("x").type()).isEqualTo(ConfigField.STRING);
    assertThat(ConfigField.longValue("x").type()).isEqualTo(ConfigField.LONG);
    assertThat(ConfigField.doubleValue("x").type()).isEqualTo(ConfigField.DOUBLE);
    assertThat(ConfigField.bool("x").type()).isEqualTo(ConfigField.BOOLEAN);
    assertThat(ConfigField.stringList("x").type()).isEqualTo(ConfigField.STRING_LIST);
    assertThat(ConfigField.stringMap("x").type()).isEqualTo(ConfigField.STRING_MAP);
    assertThat(ConfigField.scalar("x").type()).isEqualTo(ConfigField.SCALAR);
    assertThat(ConfigField.objects("x", ConfigField.string("y")).type()).isEqualTo(ConfigField.OBJECT_LIST);
  }

  @Test
  void config_fields_are_equal_by_value() {
    assertThat(ConfigField.string("s").doc("d")).isEqualTo(ConfigField.string("s").doc("d"));
    assertThat(ConfigField.string("s").doc("d").hashCode())
        .isEqualTo(ConfigField.string("s").doc("d").hashCode());
    assertThat(ConfigField.string("s")).isNotEqualTo(ConfigField.string("s").required());
    assertThat(ConfigField.string("s")).isNotEqualTo(ConfigField.longValue("s"));
    assertThat(ConfigField.string("s")).isNotEqualTo(ConfigField.string("s").withDefault("x"));
  }

  // ---------------------------------------------------------------- validateConfig

  private static final ProcessorDescriptor SCHEMA =
      ProcessorDescriptor.builder("http-enricher", "2.0.0")
          .config(
              ConfigField.string("header").required(),
              ConfigField.longValue("limit").withDefault(10L),
              ConfigField.doubleValue("ratio"),
              ConfigField.bool("strict").withDefault(false),
              ConfigField.stringList("modes").allowedValues("fast", "safe"),
              ConfigField.string("level").allowedValues("low", "high"),
              ConfigField.stringMap("labels"),
              ConfigField.string("token").secret(),
              ConfigField.stringMap("credentials").secret())
          .build();

  private static Map<String, Object> problemsOf(Map<String, ?> raw) {
    Map<String, Object> problems = new LinkedHashMap<>();
    ProcessorConfig result = ConfigSchema.validate(SCHEMA, raw, problems::put);
    if (!problems.isEmpty()) {
      assertThat(result).as("a config with problems").isNull();
    }
    return problems;
  }

  @Test
  void valid_config_comes_back_typed_with_defaults_filled_in() {
    ProcessorConfig config = ConfigSchema.validate(SCHEMA, Map.of("header", "x-user"));

    assertThat(config.asMap().get("header")).isEqualTo("x-user");
    assertThat(config.asMap().get("limit")).isEqualTo(10L);
    assertThat(config.asMap().get("strict")).isEqualTo(false);
    assertThat(config.asMap().containsKey("ratio")).isFalse();
    assertThat(config.asMap().containsKey("token")).isFalse();
    assertThat(config.asMap()).containsOnlyKeys("header", "limit", "strict");
  }

  @Test
  void validated_config_is_in_schema_order() {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("strict", true);
    raw.put("ratio", 0.5);
    raw.put("header", "h");

    assertThat(ConfigSchema.validate(SCHEMA, raw).asMap().keySet())
        .containsExactly("header", "limit", "ratio", "strict");
  }

  @Test
  void given_values_override_defaults() {
    ProcessorConfig config = ConfigSchema.validate(SCHEMA, Map.of("header", "h", "limit", 3, "strict", true));

    assertThat(config.asMap().get("limit")).isEqualTo(3L);
    assertThat(config.asMap().get("strict")).isEqualTo(true);
  }

  @Test
  void raw_values_are_coerced() {
    Map<String, Object> raw = new HashMap<>();
    raw.put("header", 42);
    raw.put("limit", "42");
    raw.put("ratio", "0.25");
    raw.put("strict", "true");
    raw.put("modes", "fast");
    raw.put("labels", Map.of("team", "core", "tier", 1, "paged", true));

    ProcessorConfig config = ConfigSchema.validate(SCHEMA, raw);

    assertThat(config.asMap().get("header")).isEqualTo("42");
    assertThat(config.asMap().get("limit")).isEqualTo(42L);
    assertThat(config.asMap().get("ratio")).isEqualTo(0.25d);
    assertThat(config.asMap().get("strict")).isEqualTo(Boolean.TRUE);
    assertThat(config.get(ConfigField.stringList("modes"))).containsExactly("fast");
    assertThat(config.get(ConfigField.stringMap("labels")))
        .containsOnly(entry("team", "core"), entry("tier", "1"), entry("paged", "true"));
  }

  @Test
  void json_numbers_of_every_width_become_longs() {
    assertThat(ConfigSchema.validate(SCHEMA, Map.of("header", "h", "limit", 7)).asMap().get("limit")).isEqualTo(7L);
    assertThat(ConfigSchema.validate(SCHEMA, Map.of("header", "h", "limit", 7L)).asMap().get("limit")).isEqualTo(7L);
    assertThat(ConfigSchema.validate(SCHEMA, Map.of("header", "h", "limit", 7.0)).asMap().get("limit")).isEqualTo(7L);
  }

  @Test
  void an_unknown_key_is_reported_with_the_known_keys() {
    Map<String, Object> problems = problemsOf(Map.of("header", "h", "limt", 5));

    assertThat(problems).containsOnlyKeys("limt");
    assertThat((String) problems.get("limt"))
        .contains("unknown config key")
        .contains("known keys: [header, limit, ratio, strict, modes, level, labels, token,"
            + " credentials]");
  }

  @Test
  void a_processor_without_config_says_so_for_any_key() {
    List<String> problems = new ArrayList<>();

    ProcessorConfig result = ConfigSchema.validate(minimal().build(), Map.of("x", 1), (k, m) -> problems.add(k + ": " + m));

    assertThat(result).isNull();
    assertThat(problems).containsExactly("x: unknown config key (this processor takes no config)");
  }

  @Test
  void a_missing_required_value_is_reported() {
    assertThat(problemsOf(Map.of())).containsExactly(entry("header", "a value is required"));
    assertThat(problemsOf(null)).containsExactly(entry("header", "a value is required"));
  }

  @Test
  void an_explicit_null_counts_as_missing() {
    Map<String, Object> raw = new HashMap<>();
    raw.put("header", null);
    raw.put("limit", null);

    assertThat(problemsOf(raw)).containsExactly(entry("header", "a value is required"));
    raw.put("header", "h");
    assertThat(ConfigSchema.validate(SCHEMA, raw).asMap().get("limit")).isEqualTo(10L);
  }

  @Test
  void a_wrong_type_is_reported_with_what_was_expected_and_found() {
    Map<String, Object> problems =
        problemsOf(
            Map.of(
                "header", List.of("a", "b"),
                "limit", "ten",
                "ratio", true,
                "strict", 1,
                "labels", "team=core"));

    assertThat(problems)
        .containsOnly(
            entry("header", "expected a string, found a list"),
            entry("limit", "expected an integer, found the string \"ten\""),
            entry("ratio", "expected a number, found the boolean true"),
            entry("strict", "expected a boolean (true or false), found the integer 1"),
            entry("labels", "expected a map of strings, found the string \"team=core\""));
  }

  @Test
  void a_fractional_number_for_an_integer_is_reported() {
    assertThat(problemsOf(Map.of("header", "h", "limit", 2.5)))
        .containsExactly(entry("limit", "expected an integer, found the double 2.5"));
  }

  @Test
  void a_value_outside_the_allowed_values_is_reported() {
    assertThat(problemsOf(Map.of("header", "h", "level", "medium")))
        .containsExactly(entry("level", "\"medium\" is not one of [low, high]"));
    assertThat(problemsOf(Map.of("header", "h", "modes", List.of("fast", "reckless"))))
        .containsExactly(entry("modes", "\"reckless\" is not one of [fast, safe]"));
    assertThat(ConfigSchema.validate(SCHEMA, Map.of("header", "h", "modes", List.of("safe", "fast")))
            .get(ConfigField.stringList("modes")))
        .containsExactly("safe", "fast");
  }

  @Test
  void a_secret_value_never_appears_in_a_problem() {
    Map<String, Object> problems =
        problemsOf(Map.of("header", "h", "credentials", "hunter2", "token", Map.of("p", "s3cr3t")));

    assertThat(problems).containsOnlyKeys("credentials", "token");
    assertThat(problems.values().toString()).doesNotContain("hunter2").doesNotContain("s3cr3t");
    assertThat((String) problems.get("credentials")).contains("expected a map of strings");
    assertThat((String) problems.get("token")).contains("expected a string");
  }

  @Test
  void every_problem_is_reported_not_just_the_first() {
    Map<String, Object> problems = problemsOf(Map.of("limit", "x", "ratio", "y", "nope", 1));

    assertThat(problems).containsOnlyKeys("nope", "header", "limit", "ratio");
  }

  @Test
  void the_throwing_overload_lists_every_problem() {
    assertThatThrownBy(() -> ConfigSchema.validate(SCHEMA, Map.of("limit", "x", "nope", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid config for http-enricher@2.0.0: ")
        .hasMessageContaining("'nope': unknown config key")
        .hasMessageContaining("'header': a value is required")
        .hasMessageContaining("'limit': expected an integer, found the string \"x\"");
  }

  @Test
  void the_callback_overload_needs_a_callback() {
    assertThatThrownBy(() -> ConfigSchema.validate(SCHEMA, Map.of(), null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void validated_lists_and_maps_cannot_be_modified() {
    ProcessorConfig config =
        ConfigSchema.validate(SCHEMA, 
            Map.of("header", "h", "modes", new ArrayList<>(List.of("fast")),
                "labels", new HashMap<>(Map.of("a", "b"))));

    assertThatThrownBy(() -> config.get(ConfigField.stringList("modes")).add("safe"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> config.get(ConfigField.stringMap("labels")).put("c", "d"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> config.asMap().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void validating_does_not_change_the_raw_input() {
    Map<String, Object> raw = new HashMap<>(Map.of("header", "h", "limit", "5"));

    ConfigSchema.validate(SCHEMA, raw);

    assertThat(raw).containsOnly(entry("header", "h"), entry("limit", "5"));
  }

  // ---------------------------------------------------------------- covers

  @Test
  void a_plain_key_covers_only_itself() {
    assertThat(DescriptorRules.covers("http.route", "http.route")).isTrue();
    assertThat(DescriptorRules.covers("http.route", "http.route.x")).isFalse();
    assertThat(DescriptorRules.covers("http.route", "http")).isFalse();
    assertThat(DescriptorRules.covers("service.name", "resource:service.name")).isFalse();
  }

  @Test
  void a_trailing_star_covers_any_suffix() {
    assertThat(DescriptorRules.covers("user.*", "user.id")).isTrue();
    assertThat(DescriptorRules.covers("user.*", "user.email.domain")).isTrue();
    assertThat(DescriptorRules.covers("user.*", "user.")).isTrue();
    assertThat(DescriptorRules.covers("user.*", "username")).isFalse();
    assertThat(DescriptorRules.covers("user.*", "user")).isFalse();
    assertThat(DescriptorRules.covers("user*", "username")).isTrue();
  }

  @Test
  void a_bare_star_covers_item_attributes_only() {
    assertThat(DescriptorRules.covers("*", "http.route")).isTrue();
    assertThat(DescriptorRules.covers("*", "resource:service.name")).isFalse();
    assertThat(DescriptorRules.covers("*", "scope:otel.library")).isFalse();
    assertThat(DescriptorRules.covers("*", "field:trace_id")).isFalse();
  }

  @Test
  void an_attribute_pattern_does_not_reach_into_other_parts() {
    assertThat(DescriptorRules.covers("res*", "resource:service.name")).isFalse();
    assertThat(DescriptorRules.covers("resource*", "resource:x")).isFalse();
    assertThat(DescriptorRules.covers("field*", "field:name")).isFalse();
  }

  @Test
  void a_scoped_star_covers_its_own_part_only() {
    assertThat(DescriptorRules.covers("resource:*", "resource:service.name")).isTrue();
    assertThat(DescriptorRules.covers("resource:service.*", "resource:service.name")).isTrue();
    assertThat(DescriptorRules.covers("resource:*", "service.name")).isFalse();
    assertThat(DescriptorRules.covers("resource:*", "scope:service.name")).isFalse();
    assertThat(DescriptorRules.covers("scope:*", "scope:otel.library")).isTrue();
    assertThat(DescriptorRules.covers("field:*", "field:trace_id")).isTrue();
    assertThat(DescriptorRules.covers("field:*", "resource:x")).isFalse();
  }

  @Test
  void a_pattern_covers_a_narrower_pattern_but_not_a_wider_one() {
    assertThat(DescriptorRules.covers("user.*", "user.email.*")).isTrue();
    assertThat(DescriptorRules.covers("user.*", "user.*")).isTrue();
    assertThat(DescriptorRules.covers("*", "user.*")).isTrue();
    assertThat(DescriptorRules.covers("user.email.*", "user.*")).isFalse();
    assertThat(DescriptorRules.covers("user.*", "*")).isFalse();
    assertThat(DescriptorRules.covers("*", "resource:*")).isFalse();
    assertThat(DescriptorRules.covers("resource:*", "*")).isFalse();
  }

  @Test
  void a_plain_key_does_not_cover_a_pattern() {
    assertThat(DescriptorRules.covers("user.id", "user.*")).isFalse();
  }

  @Test
  void failure_default_must_name_one_attribute_with_a_value() {
    assertThatThrownBy(() -> DescriptorRules.check(ProcessorDescriptor.builder("p", "1.0.0").writes("*")
            .failureDefault("bad key", "x").build()))
        .hasMessageContaining("failure default 'bad key'");
    assertThatThrownBy(() -> DescriptorRules.check(ProcessorDescriptor.builder("p", "1.0.0").writes("field:*")
            .failureDefault("field:body", "x").build()))
        .hasMessageContaining("not a field or a pattern");
    assertThatThrownBy(() -> ProcessorDescriptor.builder("p", "1.0.0").writes("k").failureDefault("k", null))
        .isInstanceOf(NullPointerException.class).hasMessage("k");
  }

  @Test
  void example_config_of_the_wrong_type_is_refused_when_built() {
    assertThatThrownBy(() -> DescriptorRules.check(ProcessorDescriptor.builder("p", "1.0.0")
            .config(ConfigField.longValue("step"))
            .example("bad", Map.of("step", "two"), Item.span(), Item.span()).build()))
        .hasMessageContaining("example 'bad' has an invalid config")
        .hasMessageContaining("'step': expected an integer");
  }

  @Test
  void a_secret_cannot_list_allowed_values() {
    assertThatThrownBy(() -> DescriptorRules.check(ProcessorDescriptor.builder("p", "1.0.0")
            .config(ConfigField.string("key").secret().allowedValues("a")).build()))
        .hasMessageContaining("a secret cannot list allowed values");
  }

  @Test
  void big_numbers_coerce_to_long_only_when_exact() {
    assertThat(ConfigSchema.coerce(ConfigField.LONG, new java.math.BigDecimal("42"))).isEqualTo(42L);
    assertThat(ConfigSchema.coerce(ConfigField.LONG, (byte) 7)).isEqualTo(7L);
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.LONG, new java.math.BigDecimal("4.5")))
        .hasMessageContaining("expected an integer");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.LONG, new java.math.BigInteger("99999999999999999999")))
        .hasMessageContaining("expected an integer");
  }

  // ---------------------------------------------------------------- lists of objects, ranges, patterns

  private static final ConfigField<String> ACTION =
      ConfigField.string("action").required().allowedValues("set", "delete");
  private static final ConfigField<String> KEY = ConfigField.string("key").required().pattern("[a-z.]+", "must be lowercase words joined by dots");
  private static final ConfigField<Object> VALUE = ConfigField.scalar("value");
  private static final ConfigField<Long> WEIGHT = ConfigField.longValue("weight").withDefault(1L).range(1, 10);
  private static final ConfigField<List<ProcessorConfig>> RULES =
      ConfigField.objects("rules", ACTION, KEY, VALUE, WEIGHT);
  private static final ProcessorDescriptor RULED =
      ProcessorDescriptor.builder("ruled", "1.0.0").config(RULES,
          ConfigField.string("old").deprecated("use 'rules'")).build();

  @Test
  void a_list_of_objects_comes_back_as_typed_configs_with_defaults() {
    ProcessorConfig config = ConfigSchema.validate(RULED, Map.of("rules", List.of(
        Map.of("action", "set", "key", "tier", "value", 3),
        Map.of("action", "delete", "key", "password", "weight", "4"))));

    List<ProcessorConfig> rules = config.get(RULES);
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).get(VALUE)).isEqualTo(3L);
    assertThat(rules.get(0).get(WEIGHT)).isEqualTo(1L);
    assertThat(rules.get(1).get(KEY)).isEqualTo("password");
    assertThat(rules.get(1).get(WEIGHT)).isEqualTo(4L);
    assertThat(rules.get(1).get(VALUE)).isNull();
  }

  @Test
  void every_problem_in_a_list_of_objects_names_its_element_and_field() {
    Map<String, Object> problems = new LinkedHashMap<>();
    ConfigSchema.validate(RULED, Map.of("rules", List.of(
        Map.of("action", "sett", "key", "tier"),
        "delete password",
        Map.of("key", "Bad Key", "weight", 11, "colour", "red"))), problems::put);

    assertThat(problems).containsOnlyKeys("rules[0].action", "rules[1]", "rules[2].colour",
        "rules[2].action", "rules[2].key", "rules[2].weight");
    assertThat(problems.get("rules[0].action")).isEqualTo("\"sett\" is not one of [set, delete]");
    assertThat(problems.get("rules[1]")).isEqualTo("expected an object, found the string \"delete password\"");
    assertThat(problems.get("rules[2].key")).isEqualTo("\"Bad Key\" must be lowercase words joined by dots");
    assertThat(problems.get("rules[2].weight")).isEqualTo("11 is outside the range 1 to 10");
    assertThat(problems.get("rules[2].action")).isEqualTo("a value is required");
    assertThat((String) problems.get("rules[2].colour")).startsWith("unknown config key");
    assertThat(ConfigSchema.validate(RULED, Map.of("rules", "x"), (k, m) -> { })).isNull();
  }

  @Test
  void schema_rules_for_ranges_patterns_and_object_lists_are_checked_when_loaded() {
    assertInvalid(minimal().config(ConfigField.string("s").range(1, 2)))
        .hasMessageContaining("config 's': a range applies to numbers only");
    assertInvalid(minimal().config(ConfigField.longValue("n").range(5, 1)))
        .hasMessageContaining("range minimum 5 is above its maximum 1");
    assertInvalid(minimal().config(ConfigField.longValue("n").pattern("x", "must be x")))
        .hasMessageContaining("a pattern applies to strings");
    assertInvalid(minimal().config(ConfigField.string("s").pattern("(", "must be (")))
        .hasMessageContaining("config 's': pattern does not compile");
    assertInvalid(minimal().config(ConfigField.string("s").pattern("[a-z]+", "must be lowercase letters").withDefault("A")))
        .hasMessageContaining("config 's': default \"A\" must be lowercase letters");
    assertInvalid(minimal().config(ConfigField.objects("rules")))
        .hasMessageContaining("config 'rules': a list of objects must declare its fields");
    assertInvalid(minimal().config(ConfigField.objects("rules", ConfigField.string("t").secret())))
        .hasMessageContaining("config 'rules.t': a field inside a list of objects cannot be secret");
    assertInvalid(minimal().config(ConfigField.objects("rules", ConfigField.objects("inner", KEY))))
        .hasMessageContaining("cannot hold another");
    assertInvalid(minimal().config(ConfigField.objects("rules", KEY, ConfigField.string("key"))))
        .hasMessageContaining("config 'rules.key' is declared twice");
    assertInvalid(minimal().config(ConfigField.string("s").required().deprecated("no")))
        .hasMessageContaining("is required and deprecated");
    assertThat(DescriptorRules.check(RULED)).isSameAs(RULED);
  }

  @Test
  void a_deprecated_key_still_validates() {
    assertThat(ConfigSchema.validate(RULED, Map.of("old", "x")).asMap()).containsEntry("old", "x");
    assertThat(RULED.configField("old").deprecation()).isEqualTo("use 'rules'");
  }
}
