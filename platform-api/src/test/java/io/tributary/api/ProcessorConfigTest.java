package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessorConfigTest {

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
  void typed_getters_return_the_values() {
    ProcessorConfig config = sample();

    assertThat(config.getString("header")).isEqualTo("x-user");
    assertThat(config.getLong("limit", -1)).isEqualTo(10L);
    assertThat(config.getDouble("ratio", -1)).isEqualTo(0.5);
    assertThat(config.getBoolean("strict", false)).isTrue();
    assertThat(config.getStringList("keys")).containsExactly("a", "b");
    assertThat(config.getStringMap("labels")).containsEntry("team", "core");
  }

  @Test
  void unset_keys_give_null_the_default_or_empty() {
    ProcessorConfig config = sample();

    assertThat(config.isSet("missing")).isFalse();
    assertThat(config.getString("missing")).isNull();
    assertThat(config.getLong("missing", 7)).isEqualTo(7);
    assertThat(config.getDouble("missing", 0.7)).isEqualTo(0.7);
    assertThat(config.getBoolean("missing", true)).isTrue();
    assertThat(config.getStringList("missing")).isEmpty();
    assertThat(config.getStringMap("missing")).isEmpty();
  }

  @Test
  void is_set_tells_present_keys() {
    assertThat(sample().isSet("header")).isTrue();
    assertThat(sample().isSet("limit")).isTrue();
  }

  @Test
  void asking_for_another_type_throws_naming_key_and_types() {
    ProcessorConfig config = sample();

    assertThatThrownBy(() -> config.getLong("header", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config 'header' is a String, not a Long");
    assertThatThrownBy(() -> config.getString("limit"))
        .hasMessage("config 'limit' is a Long, not a String");
    assertThatThrownBy(() -> config.getDouble("limit", 0))
        .hasMessage("config 'limit' is a Long, not a Double");
    assertThatThrownBy(() -> config.getBoolean("header", false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.getStringList("labels"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> config.getStringMap("keys"))
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

    assertThat(config.getString("a")).isEqualTo("1");
    assertThat(config.isSet("b")).isFalse();
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
    assertThat(ProcessorConfig.empty().getLong("x", 3)).isEqualTo(3);
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
    assertThat(config.getLong("n", -1)).isEqualTo(5);
    assertThat(config.getDouble("ratio", -1)).isEqualTo(0.5);
    assertThat(config.getStringList("names")).containsExactly("a");
    assertThatThrownBy(() -> ProcessorConfig.of(Map.of("names", List.of(1))))
        .hasMessageContaining("config 'names': list elements must be strings");
    assertThatThrownBy(() -> ProcessorConfig.of(Map.of("when", new Object())))
        .hasMessageContaining("unsupported value type");
  }
}
