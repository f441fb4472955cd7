package io.tributary.catalog;

import static io.tributary.catalog.Descriptors.descriptor;
import static io.tributary.catalog.Descriptors.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.ConfigField;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.catalog.ContractDiff.Change;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ContractDiffTest {

  private static Map<String, Object> base(String version) {
    Map<String, Object> d = descriptor("enrich", version, List.of(field("mode", "string", false), field("token", "string", true)));
    d.put("reads", List.of("http.method"));
    d.put("writes", List.of("user.id", "session.id"));
    d.put("requires", List.of("trace"));
    d.put("requiredServices", List.of());
    return d;
  }

  /** The base descriptor at {@code version} with {@code edit} applied (to copies of its lists). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> edited(String version, Consumer<Map<String, Object>> edit) {
    Map<String, Object> d = new LinkedHashMap<>(base(version));
    for (String k : List.of("reads", "writes", "requires", "requiredServices")) {
      d.put(k, new ArrayList<>((List<String>) d.get(k)));
    }
    List<Map<String, Object>> config = new ArrayList<>();
    for (Map<String, Object> f : (List<Map<String, Object>>) d.get("config")) {
      config.add(new LinkedHashMap<>(f));
    }
    d.put("config", config);
    edit.accept(d);
    return d;
  }

  @SuppressWarnings("unchecked")
  private static List<String> list(Map<String, Object> d, String key) {
    return (List<String>) d.get(key);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> config(Map<String, Object> d, String name) {
    return ((List<Map<String, Object>>) d.get("config")).stream().filter(f -> f.get("name").equals(name)).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> configList(Map<String, Object> d) {
    return (List<Map<String, Object>>) d.get("config");
  }

  private static ContractDiff diff(String to, Consumer<Map<String, Object>> edit) {
    return ContractDiff.compare(base("1.2.3"), edited(to, edit));
  }

  @Test
  void identical_contracts_need_only_a_patch() {
    ContractDiff d = diff("1.2.4", x -> {});
    assertThat(d.changes()).isEmpty();
    assertThat(d.requiredBump()).isEqualTo("patch");
    assertThat(d.actualBump()).isEqualTo("patch");
    assertThat(d.semverViolation()).isFalse();
    assertThat(d.id()).isEqualTo("enrich");
    assertThat(d.from()).isEqualTo("1.2.3");
    assertThat(d.to()).isEqualTo("1.2.4");
  }

  @Test
  void a_removed_written_key_is_breaking_and_an_added_one_is_not() {
    ContractDiff d = diff("2.0.0", x -> {
      list(x, "writes").remove("session.id");
      list(x, "writes").add("user.name");
    });
    assertThat(d.changes()).containsExactly(
        new Change("writes.added", "user.name", "now also writes 'user.name'", false),
        new Change("writes.removed", "session.id", "no longer writes 'session.id': later stages reading it lose it", true));
    assertThat(d.requiredBump()).isEqualTo("major");
    assertThat(d.semverViolation()).isFalse();
  }

  @Test
  void an_added_read_or_requirement_is_breaking_and_a_removed_one_is_not() {
    ContractDiff d = diff("3.0.0", x -> {
      list(x, "reads").add("url.path");
      list(x, "reads").remove("http.method");
      list(x, "requires").add("resource");
      list(x, "requiredServices").add("geoip");
    });
    assertThat(d.changes()).extracting(Change::kind, Change::key, Change::breaking).containsExactly(
        org.assertj.core.groups.Tuple.tuple("reads.added", "url.path", true),
        org.assertj.core.groups.Tuple.tuple("reads.removed", "http.method", false),
        org.assertj.core.groups.Tuple.tuple("requires.added", "resource", true),
        org.assertj.core.groups.Tuple.tuple("requiredServices.added", "geoip", true));
  }

  @Test
  void a_redaction_added_is_a_minor_change_and_one_removed_breaks_the_contract() {
    ContractDiff added = diff("1.3.0", x -> x.put("redacts", List.of("user.email")));
    assertThat(added.changes()).containsExactly(
        new Change("redacts.added", "user.email", "now may mask 'user.email'", false));
    assertThat(added.requiredBump()).isEqualTo("minor");

    // A pipeline that relied on the masking would send the value on in the clear after a patch.
    Map<String, Object> from = edited("1.0.0", x -> x.put("redacts", List.of("user.email")));
    ContractDiff removed = ContractDiff.compare(from, edited("1.1.0", x -> {}));
    assertThat(removed.changes()).containsExactly(new Change("redacts.removed", "user.email",
        "no longer masks 'user.email': values it masked now leave the pipeline in the clear", true));
    assertThat(removed.requiredBump()).isEqualTo("major");
    assertThat(removed.semverViolation()).isTrue();
  }

  @Test
  void a_breaking_change_under_a_minor_or_patch_bump_is_a_semver_violation() {
    Consumer<Map<String, Object>> breakIt = x -> list(x, "writes").remove("user.id");
    assertThat(diff("1.3.0", breakIt)).satisfies(d -> {
      assertThat(d.actualBump()).isEqualTo("minor");
      assertThat(d.requiredBump()).isEqualTo("major");
      assertThat(d.semverViolation()).isTrue();
    });
    assertThat(diff("1.2.4", breakIt).semverViolation()).isTrue();
    assertThat(diff("1.2.3", breakIt)).satisfies(d -> {
      assertThat(d.actualBump()).isEqualTo("none");
      assertThat(d.semverViolation()).isTrue();
    });
    assertThat(diff("2.0.0", breakIt).semverViolation()).isFalse();
  }

  @Test
  void an_addition_under_a_patch_bump_is_reported_but_not_a_violation() {
    ContractDiff d = diff("1.2.4", x -> list(x, "writes").add("user.name"));
    assertThat(d.requiredBump()).isEqualTo("minor");
    assertThat(d.actualBump()).isEqualTo("patch");
    assertThat(d.semverViolation()).isFalse();
  }

  @Test
  void a_new_config_key_breaks_only_when_required_without_a_default() {
    ContractDiff optional = diff("1.3.0", x -> configList(x).add(field("region", "string", false)));
    assertThat(optional.changes()).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo("config.added");
      assertThat(c.breaking()).isFalse();
    });
    assertThat(optional.semverViolation()).isFalse();

    ContractDiff requiredWithDefault = diff("1.3.0", x -> {
      Map<String, Object> f = field("region", "string", false);
      f.put("required", true);
      f.put("default", "eu");
      configList(x).add(f);
    });
    assertThat(requiredWithDefault.changes()).singleElement().extracting(Change::breaking).isEqualTo(false);

    ContractDiff mandatory = diff("1.3.0", x -> {
      Map<String, Object> f = field("region", "string", false);
      f.put("required", true);
      configList(x).add(f);
    });
    assertThat(mandatory.changes()).singleElement().extracting(Change::breaking).isEqualTo(true);
    assertThat(mandatory.semverViolation()).isTrue();
  }

  @Test
  void a_removed_or_retyped_config_key_is_breaking_a_changed_default_is_not() {
    ContractDiff d = diff("2.0.0", x -> {
      configList(x).removeIf(f -> f.get("name").equals("token"));
      config(x, "mode").put("type", "long");
    });
    assertThat(d.changes()).extracting(Change::kind, Change::key, Change::detail, Change::breaking).containsExactly(
        org.assertj.core.groups.Tuple.tuple("config.retyped", "mode", "string → long", true),
        org.assertj.core.groups.Tuple.tuple("config.removed", "token", "setting removed: pipelines that set it no longer compile", true));

    ContractDiff defaults = diff("1.3.0", x -> config(x, "mode").put("default", "fast"));
    assertThat(defaults.changes()).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo("config.default_changed");
      assertThat(c.detail()).isEqualTo("default none → 'fast'");
      assertThat(c.breaking()).isFalse();
    });
    assertThat(defaults.requiredBump()).isEqualTo("minor");
  }

  @Test
  void an_existing_key_made_required_or_narrowed_is_breaking() {
    ContractDiff required = diff("1.3.0", x -> config(x, "mode").put("required", true));
    assertThat(required.changes()).extracting(Change::kind, Change::breaking)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("config.required", true));

    ContractDiff narrowed = diff("1.3.0", x -> config(x, "mode").put("allowedValues", List.of("a", "b")));
    assertThat(narrowed.changes()).extracting(Change::kind, Change::breaking)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("config.allowed_values", true));

    Map<String, Object> from = edited("1.0.0", x -> config(x, "mode").put("allowedValues", List.of("a")));
    Map<String, Object> widened = edited("1.1.0", x -> config(x, "mode").put("allowedValues", List.of("a", "b")));
    assertThat(ContractDiff.compare(from, widened).changes()).extracting(Change::kind, Change::breaking)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("config.allowed_values", false));
  }

  @Test
  void a_narrowed_range_is_breaking_and_a_widened_one_is_not() {
    Map<String, Object> from = edited("1.0.0", x -> {
      config(x, "mode").put("type", "long");
      config(x, "mode").put("min", 1);
      config(x, "mode").put("max", 100);
    });
    Consumer<Map<String, Object>> asLong = x -> config(x, "mode").put("type", "long");

    ContractDiff raisedMin = ContractDiff.compare(from, edited("1.1.0", asLong.andThen(x -> {
      config(x, "mode").put("min", 5L);
      config(x, "mode").put("max", 100L);
    })));
    assertThat(raisedMin.changes()).extracting(Change::kind, Change::key, Change::detail, Change::breaking)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("config.range", "mode", "[1, 100] → [5, 100]", true));
    assertThat(raisedMin.semverViolation()).isTrue();

    ContractDiff loweredMax = ContractDiff.compare(from, edited("2.0.0", asLong.andThen(x -> {
      config(x, "mode").put("min", 1);
      config(x, "mode").put("max", 99.5);
    })));
    assertThat(loweredMax.changes()).extracting(Change::kind, Change::breaking)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("config.range", true));
    assertThat(loweredMax.semverViolation()).isFalse();

    ContractDiff newBound = diff("1.3.0", x -> config(x, "mode").put("max", 10));
    assertThat(newBound.changes()).extracting(Change::kind, Change::detail, Change::breaking)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("config.range", "any → […, 10]", true));

    ContractDiff widened = ContractDiff.compare(from, edited("1.1.0", asLong.andThen(x -> {
      config(x, "mode").put("min", 0);
      config(x, "mode").put("max", null);
    })));
    assertThat(widened.changes()).extracting(Change::kind, Change::detail, Change::breaking)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("config.range", "[1, 100] → [0, …]", false));
    assertThat(widened.requiredBump()).isEqualTo("minor");

    // The same bounds written as another number type are no change.
    ContractDiff same = ContractDiff.compare(from, edited("1.0.1", asLong.andThen(x -> {
      config(x, "mode").put("min", 1.0);
      config(x, "mode").put("max", 100L);
    })));
    assertThat(same.changes()).isEmpty();
  }

  @Test
  void a_new_or_changed_pattern_is_breaking_and_a_removed_one_is_not() {
    ContractDiff added = diff("1.3.0", x -> config(x, "mode").put("pattern", "[a-z]+"));
    assertThat(added.changes()).extracting(Change::kind, Change::key, Change::detail, Change::breaking)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("config.pattern", "mode", "any → '[a-z]+'", true));
    assertThat(added.semverViolation()).isTrue();

    Map<String, Object> from = edited("1.0.0", x -> config(x, "mode").put("pattern", "[a-z]+"));
    ContractDiff changed = ContractDiff.compare(from, edited("2.0.0", x -> config(x, "mode").put("pattern", "[a-z0-9]+")));
    assertThat(changed.changes()).extracting(Change::kind, Change::breaking)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("config.pattern", true));
    assertThat(changed.semverViolation()).isFalse();

    ContractDiff removed = ContractDiff.compare(from, edited("1.1.0", x -> {}));
    assertThat(removed.changes()).extracting(Change::kind, Change::breaking)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("config.pattern", false));
    assertThat(removed.semverViolation()).isFalse();
  }

  @SafeVarargs
  private static Map<String, Object> objectList(String name, Map<String, Object>... fields) {
    Map<String, Object> f = field(name, "object_list", false);
    List<Map<String, Object>> nested = new ArrayList<>();
    for (Map<String, Object> n : fields) {
      nested.add(new LinkedHashMap<>(n));
    }
    f.put("fields", nested);
    return f;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> nested(Map<String, Object> d, String list, String name) {
    return ((List<Map<String, Object>>) config(d, list).get("fields")).stream()
        .filter(f -> f.get("name").equals(name)).findFirst().orElseThrow();
  }

  @Test
  @SuppressWarnings("unchecked")
  void changes_to_the_fields_of_an_object_list_are_compared_like_top_level_ones() {
    Map<String, Object> from = edited("1.0.0", x -> configList(x).add(
        objectList("actions", field("key", "string", false), field("limit", "long", false))));
    Consumer<Map<String, Object>> withActions = x -> configList(x).add(
        objectList("actions", field("key", "string", false), field("limit", "long", false)));

    assertThat(ContractDiff.compare(from, edited("1.0.1", withActions)).changes()).isEmpty();

    ContractDiff narrowed = ContractDiff.compare(from, edited("1.1.0", withActions.andThen(x -> {
      nested(x, "actions", "key").put("allowedValues", List.of("set", "delete"));
      nested(x, "actions", "key").put("pattern", "[a-z]+");
      nested(x, "actions", "limit").put("max", 10);
    })));
    assertThat(narrowed.changes()).extracting(Change::kind, Change::key, Change::breaking).containsExactly(
        org.assertj.core.groups.Tuple.tuple("config.allowed_values", "actions[].key", true),
        org.assertj.core.groups.Tuple.tuple("config.pattern", "actions[].key", true),
        org.assertj.core.groups.Tuple.tuple("config.range", "actions[].limit", true));
    assertThat(narrowed.requiredBump()).isEqualTo("major");
    assertThat(narrowed.semverViolation()).isTrue();

    ContractDiff reshaped = ContractDiff.compare(from, edited("2.0.0", withActions.andThen(x -> {
      List<Map<String, Object>> fields = (List<Map<String, Object>>) config(x, "actions").get("fields");
      fields.removeIf(f -> f.get("name").equals("limit"));
      nested(x, "actions", "key").put("type", "string_list");
      Map<String, Object> value = field("value", "string", false);
      value.put("required", true);
      fields.add(value);
      fields.add(field("note", "string", false));
    })));
    assertThat(reshaped.changes()).extracting(Change::kind, Change::key, Change::breaking).containsExactly(
        org.assertj.core.groups.Tuple.tuple("config.retyped", "actions[].key", true),
        org.assertj.core.groups.Tuple.tuple("config.added", "actions[].value", true),
        org.assertj.core.groups.Tuple.tuple("config.added", "actions[].note", false),
        org.assertj.core.groups.Tuple.tuple("config.removed", "actions[].limit", true));
    assertThat(reshaped.semverViolation()).isFalse();

    ContractDiff optionalAdded = ContractDiff.compare(from, edited("1.1.0", withActions.andThen(x ->
        ((List<Map<String, Object>>) config(x, "actions").get("fields")).add(field("note", "string", false)))));
    assertThat(optionalAdded.changes()).extracting(Change::kind, Change::key, Change::breaking)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("config.added", "actions[].note", false));
    assertThat(optionalAdded.semverViolation()).isFalse();
  }

  @Test
  void real_descriptors_with_ranges_patterns_and_object_lists_compare_through_descriptor_json() {
    ProcessorDescriptor v1 = ProcessorDescriptor.builder("rules", "1.0.0")
        .title("Rules").writes("rule.*")
        .config(
            ConfigField.longValue("max").withDefault(10L).range(1, 100),
            ConfigField.objects("actions",
                ConfigField.string("key").required(),
                ConfigField.string("op").allowedValues("set", "delete")))
        .build();
    ProcessorDescriptor v2 = ProcessorDescriptor.builder("rules", "1.1.0")
        .title("Rules").writes("rule.*")
        .config(
            ConfigField.longValue("max").withDefault(10L).range(1, 50),
            ConfigField.objects("actions",
                ConfigField.string("key").required().pattern("[a-z.]+", "must be lowercase words joined by dots"),
                ConfigField.string("op").allowedValues("set", "delete", "rename")))
        .build();
    Map<String, Object> json = DescriptorJson.toMap(v2);
    @SuppressWarnings("unchecked")
    Map<String, Object> actions = ((List<Map<String, Object>>) json.get("config")).get(1);
    assertThat(actions).containsEntry("type", "object_list");
    assertThat(actions.get("fields")).asList().hasSize(2);

    ContractDiff d = ContractDiff.compare(DescriptorJson.toMap(v1), json);
    assertThat(d.changes()).extracting(Change::kind, Change::key, Change::breaking).containsExactly(
        org.assertj.core.groups.Tuple.tuple("config.range", "max", true),
        org.assertj.core.groups.Tuple.tuple("config.pattern", "actions[].key", true),
        org.assertj.core.groups.Tuple.tuple("config.allowed_values", "actions[].op", false));
    assertThat(d.requiredBump()).isEqualTo("major");
    assertThat(d.semverViolation()).isFalse(); // experimental: promised nothing
  }

  @Test
  void lowering_stability_is_breaking_and_deprecation_is_reported_but_not_breaking() {
    ContractDiff lowered = diff("1.3.0", x -> x.put("stability", "experimental"));
    assertThat(lowered.changes()).extracting(Change::kind, Change::breaking)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("stability.lowered", true));
    assertThat(lowered.semverViolation()).isTrue();

    ContractDiff deprecated = diff("1.3.0", x -> {
      x.put("stability", "deprecated");
      x.put("replacement", "enrich2");
    });
    assertThat(deprecated.changes()).singleElement().satisfies(c -> {
      assertThat(c.kind()).isEqualTo("stability.deprecated");
      assertThat(c.detail()).contains("enrich2");
      assertThat(c.breaking()).isFalse();
    });
    assertThat(deprecated.semverViolation()).isFalse();
  }

  @Test
  void an_experimental_processor_may_break_in_any_release_but_it_is_still_flagged() {
    Map<String, Object> from = edited("1.0.0", x -> x.put("stability", "experimental"));
    Map<String, Object> to = edited("1.0.1", x -> {
      x.put("stability", "experimental");
      list(x, "writes").remove("user.id");
    });
    ContractDiff d = ContractDiff.compare(from, to);
    assertThat(d.changes()).extracting(Change::breaking).containsExactly(true);
    assertThat(d.requiredBump()).isEqualTo("major");
    assertThat(d.semverViolation()).isFalse();
  }

  @Test
  void before_1_0_a_minor_bump_may_break_but_a_patch_may_not() {
    Map<String, Object> from = base("0.4.1");
    assertThat(ContractDiff.compare(from, edited("0.5.0", x -> list(x, "writes").clear())).semverViolation()).isFalse();
    assertThat(ContractDiff.compare(from, edited("0.4.2", x -> list(x, "writes").clear())).semverViolation()).isTrue();
  }

  @Test
  void the_actual_bump_reads_the_version_numbers() {
    assertThat(diff("2.0.0", x -> {}).actualBump()).isEqualTo("major");
    assertThat(diff("1.10.0", x -> {}).actualBump()).isEqualTo("minor");
    assertThat(diff("1.2.10", x -> {}).actualBump()).isEqualTo("patch");
    assertThat(diff("1.2.3", x -> {}).actualBump()).isEqualTo("none");
    assertThat(diff("1.2.2", x -> {}).actualBump()).isEqualTo("downgrade");
    assertThat(diff("1.2.3-rc.1", x -> {}).actualBump()).isEqualTo("downgrade");
    assertThat(ContractDiff.compare(base("2.0.0-rc.1"), base("2.0.0")).actualBump()).isEqualTo("none");
  }

  @Test
  void descriptors_of_different_processors_cannot_be_compared() {
    assertThatThrownBy(() -> ContractDiff.compare(base("1.0.0"), descriptor("other", "1.0.0", List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'enrich'")
        .hasMessageContaining("'other'");
  }

  @Test
  void real_descriptors_rendered_by_descriptor_json_compare_cleanly() {
    ProcessorDescriptor v1 = ProcessorDescriptor.builder("geo", "1.0.0")
        .title("Geo").description("adds geo").writes("geo.country")
        .config(ConfigField.string("db").required())
        .build();
    ProcessorDescriptor v2 = ProcessorDescriptor.builder("geo", "1.1.0")
        .title("Geo").description("adds geo").writes("geo.country", "geo.city")
        .config(ConfigField.string("db").required(),
            ConfigField.longValue("cacheSize").withDefault(1000L))
        .build();
    ContractDiff d = ContractDiff.compare(DescriptorJson.toMap(v1), DescriptorJson.toMap(v2));
    assertThat(d.changes()).extracting(Change::kind).containsExactly("writes.added", "config.added");
    assertThat(d.requiredBump()).isEqualTo("minor");
    assertThat(d.actualBump()).isEqualTo("minor");
    assertThat(d.semverViolation()).isFalse();
  }
}
