package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessorConfigTest {

  static final ConfigField<String> HEADER = ConfigField.string("header");
  static final ConfigField<Long> LIMIT = ConfigField.longValue("limit");
  static final ConfigField<Double> RATIO = ConfigField.doubleValue("ratio");
  static final ConfigField<Boolean> STRICT = ConfigField.bool("strict");
  static final ConfigField<List<String>> KEYS = ConfigField.stringList("keys");
  static final ConfigField<Map<String, String>> LABELS = ConfigField.stringMap("labels");
  static final ConfigField<Object> VALUE = ConfigField.scalar("value");

  private static ProcessorConfig sample() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("header", "x-user");
    values.put("limit", 10L);
    values.put("ratio", 0.5);
    values.put("strict", true);
    values.put("keys", List.of("a", "b"));
    values.put("labels", Map.of("team", "core"));
    return ProcessorConfig.of(values);
  }

  @Test
  void typed_reads_return_the_values() {
    ProcessorConfig config = sample();

    String header = config.get(HEADER);
    long limit = config.get(LIMIT);
    assertThat(header).isEqualTo("x-user");
    assertThat(limit).isEqualTo(10L);
    assertThat(config.get(RATIO)).isEqualTo(0.5);
    assertThat(config.get(STRICT)).isTrue();
    assertThat(config.get(KEYS)).containsExactly("a", "b");
    assertThat(config.get(LABELS)).containsEntry("team", "core");
  }

  @Test
  void unset_fields_give_their_default_else_null_or_empty() {
    ProcessorConfig config = ProcessorConfig.empty();

    assertThat(config.get(HEADER)).isNull();
    assertThat(config.get(LIMIT.withDefault(7L))).isEqualTo(7L);
    assertThat(config.get(RATIO)).isNull();
    assertThat(config.get(KEYS)).isEmpty();
    assertThat(config.get(LABELS)).isEmpty();
    assertThat(config.get(ConfigField.objects("rules", HEADER))).isEmpty();
    assertThat(config.isSet(HEADER)).isFalse();
    assertThat(config.isSet(HEADER.withDefault("h"))).isTrue();
    assertThat(sample().isSet(HEADER)).isTrue();
  }

  @Test
  void a_scalar_comes_back_with_the_type_it_holds() {
    assertThat(ProcessorConfig.of(Map.of("value", 3)).get(VALUE)).isEqualTo(3L);
    assertThat(ProcessorConfig.of(Map.of("value", "3")).get(VALUE)).isEqualTo("3");
    assertThat(ProcessorConfig.of(Map.of("value", true)).get(VALUE)).isEqualTo(true);
    assertThatThrownBy(() -> ProcessorConfig.of(Map.of("value", List.of("a"))).get(VALUE))
        .hasMessageContaining("config 'value' holds a");
  }

  @Test
  void a_list_of_objects_holds_one_config_per_element() {
    ConfigField<List<ProcessorConfig>> rules = ConfigField.objects("rules", HEADER, LIMIT);
    ProcessorConfig first = ProcessorConfig.of(Map.of("header", "a", "limit", 1L));
    ProcessorConfig second = ProcessorConfig.of(Map.of("header", "b"));
    ProcessorConfig config = ProcessorConfig.of(Map.of("rules", List.of(first, second)));

    List<ProcessorConfig> read = config.get(rules);
    assertThat(read).hasSize(2);
    assertThat(read.get(0).get(HEADER)).isEqualTo("a");
    assertThat(read.get(1).get(LIMIT.withDefault(5L))).isEqualTo(5L);
    assertThatThrownBy(() -> ProcessorConfig.of(Map.of("rules", List.of(first, "b"))))
        .hasMessageContaining("not a mix");
  }

  @Test
  void reading_a_field_as_another_type_throws_naming_the_key() {
    ProcessorConfig config = sample();

    assertThatThrownBy(() -> config.get(ConfigField.longValue("header")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config 'header' holds a String, not a long: the processor reads it as a field"
            + " its descriptor does not declare");
    assertThatThrownBy(() -> config.get(ConfigField.string("limit")))
        .hasMessageStartingWith("config 'limit' holds a Long, not a string");
    assertThatThrownBy(() -> config.get(ConfigField.doubleValue("limit")))
        .hasMessageStartingWith("config 'limit' holds a Long, not a double");
    assertThatThrownBy(() -> config.get(ConfigField.bool("header")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.get(ConfigField.stringList("labels")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.get(ConfigField.stringMap("keys")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.get(ConfigField.objects("keys", HEADER)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void to_string_lists_keys_but_never_values() {
    ProcessorConfig config = ProcessorConfig.of(Map.of("token", "hunter2"));

    assertThat(config.toString()).isEqualTo("ProcessorConfig[token]");
    assertThat(sample().toString())
        .isEqualTo("ProcessorConfig[header, limit, ratio, strict, keys, labels]")
        .doesNotContain("x-user")
        .doesNotContain("core");
  }

  @Test
  void of_copies_the_given_map() {
    Map<String, Object> values = new HashMap<>(Map.of("a", "1"));
    ProcessorConfig config = ProcessorConfig.of(values);

    values.put("a", "2");
    values.put("b", "3");

    assertThat(config.get(ConfigField.string("a"))).isEqualTo("1");
    assertThat(config.isSet(ConfigField.string("b"))).isFalse();
  }

  @Test
  void as_map_keeps_order_and_cannot_be_modified() {
    ProcessorConfig config = sample();

    assertThat(config.asMap().keySet())
        .containsExactly("header", "limit", "ratio", "strict", "keys", "labels");
    assertThatThrownBy(() -> config.asMap().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void null_keys_and_values_are_rejected() {
    Map<String, Object> nullValue = new HashMap<>();
    nullValue.put("k", null);
    Map<String, Object> nullKey = new HashMap<>();
    nullKey.put(null, "v");

    assertThatThrownBy(() -> ProcessorConfig.of(nullValue))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("k");
    assertThatThrownBy(() -> ProcessorConfig.of(nullKey))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
  }

  @Test
  void the_empty_config_has_nothing() {
    assertThat(ProcessorConfig.empty().asMap()).isEmpty();
    assertThat(ProcessorConfig.empty().get(ConfigField.longValue("x"))).isNull();
    assertThat(ProcessorConfig.empty()).isEqualTo(ProcessorConfig.of(Map.of()));
    assertThat(ProcessorConfig.empty().toString()).isEqualTo("ProcessorConfig[]");
  }

  @Test
  void configs_with_equal_values_are_equal() {
    assertThat(sample()).isEqualTo(sample());
    assertThat(sample().hashCode()).isEqualTo(sample().hashCode());
    assertThat(ProcessorConfig.of(Map.of("a", 1L))).isNotEqualTo(ProcessorConfig.of(Map.of("a", 2L)));
    assertThat(ProcessorConfig.of(Map.of("a", 1L))).isNotEqualTo(ProcessorConfig.of(Map.of("a", "1")));
    assertThat(sample()).isNotEqualTo(null).isNotEqualTo(sample().asMap());
  }

  @Test
  void of_widens_numbers_and_copies_collections() {
    List<String> names = new java.util.ArrayList<>(List.of("a"));
    ProcessorConfig config = ProcessorConfig.of(Map.of("n", 5, "ratio", 0.5f, "names", names));
    names.add("b");
    assertThat(config.get(ConfigField.longValue("n"))).isEqualTo(5L);
    assertThat(config.get(ConfigField.doubleValue("ratio"))).isEqualTo(0.5);
    assertThat(config.get(ConfigField.stringList("names"))).containsExactly("a");
    assertThatThrownBy(() -> ProcessorConfig.of(Map.of("names", List.of(1))))
        .hasMessageContaining("config 'names': a list holds strings or configurations");
    assertThatThrownBy(() -> ProcessorConfig.of(Map.of("when", new Object())))
        .hasMessageContaining("unsupported value type");
  }
}
