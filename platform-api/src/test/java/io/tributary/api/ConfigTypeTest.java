package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.tributary.api.ProcessorDescriptor.ConfigType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConfigTypeTest {

  @Test
  void string_accepts_strings_and_spells_out_scalars() {
    assertThat(ConfigType.STRING.coerce("x")).isEqualTo("x");
    assertThat(ConfigType.STRING.coerce(42)).isEqualTo("42");
    assertThat(ConfigType.STRING.coerce(42L)).isEqualTo("42");
    assertThat(ConfigType.STRING.coerce(1.5)).isEqualTo("1.5");
    assertThat(ConfigType.STRING.coerce(true)).isEqualTo("true");
  }

  @Test
  void string_rejects_lists_and_objects() {
    assertThatThrownBy(() -> ConfigType.STRING.coerce(List.of("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a string, found a list");
    assertThatThrownBy(() -> ConfigType.STRING.coerce(Map.of("a", "b")))
        .hasMessage("expected a string, found an object");
  }

  @Test
  void long_accepts_integral_numbers_and_numeric_strings() {
    assertThat(ConfigType.LONG.coerce(42)).isEqualTo(42L);
    assertThat(ConfigType.LONG.coerce(42L)).isEqualTo(42L);
    assertThat(ConfigType.LONG.coerce((short) 42)).isEqualTo(42L);
    assertThat(ConfigType.LONG.coerce(42.0)).isEqualTo(42L);
    assertThat(ConfigType.LONG.coerce(-3.0)).isEqualTo(-3L);
    assertThat(ConfigType.LONG.coerce("42")).isEqualTo(42L);
    assertThat(ConfigType.LONG.coerce(" -7 ")).isEqualTo(-7L);
    assertThat(ConfigType.LONG.coerce(String.valueOf(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void long_rejects_fractions_huge_doubles_and_other_text() {
    assertThatThrownBy(() -> ConfigType.LONG.coerce(2.5))
        .hasMessage("expected an integer, found the double 2.5");
    assertThatThrownBy(() -> ConfigType.LONG.coerce(1e300))
        .hasMessageStartingWith("expected an integer");
    assertThatThrownBy(() -> ConfigType.LONG.coerce(Double.NaN))
        .hasMessageStartingWith("expected an integer");
    assertThatThrownBy(() -> ConfigType.LONG.coerce("4.0"))
        .hasMessage("expected an integer, found the string \"4.0\"");
    assertThatThrownBy(() -> ConfigType.LONG.coerce("9223372036854775808"))
        .hasMessageStartingWith("expected an integer");
    assertThatThrownBy(() -> ConfigType.LONG.coerce(true))
        .hasMessage("expected an integer, found the boolean true");
  }

  @Test
  void double_accepts_numbers_and_finite_numeric_strings() {
    assertThat(ConfigType.DOUBLE.coerce(1.5)).isEqualTo(1.5d);
    assertThat(ConfigType.DOUBLE.coerce(2)).isEqualTo(2.0d);
    assertThat(ConfigType.DOUBLE.coerce(2L)).isEqualTo(2.0d);
    assertThat(ConfigType.DOUBLE.coerce(1.5f)).isEqualTo(1.5d);
    assertThat(ConfigType.DOUBLE.coerce(" 0.25 ")).isEqualTo(0.25d);
    assertThat(ConfigType.DOUBLE.coerce("1e3")).isEqualTo(1000d);
  }

  @Test
  void double_rejects_non_finite_strings_and_other_text() {
    assertThatThrownBy(() -> ConfigType.DOUBLE.coerce("NaN"))
        .hasMessage("expected a number, found the string \"NaN\"");
    assertThatThrownBy(() -> ConfigType.DOUBLE.coerce("Infinity"))
        .hasMessageStartingWith("expected a number");
    assertThatThrownBy(() -> ConfigType.DOUBLE.coerce("half"))
        .hasMessage("expected a number, found the string \"half\"");
  }

  @Test
  void boolean_accepts_booleans_and_their_exact_spelling() {
    assertThat(ConfigType.BOOLEAN.coerce(true)).isEqualTo(Boolean.TRUE);
    assertThat(ConfigType.BOOLEAN.coerce("true")).isEqualTo(Boolean.TRUE);
    assertThat(ConfigType.BOOLEAN.coerce("false")).isEqualTo(Boolean.FALSE);
  }

  @Test
  void boolean_rejects_anything_else() {
    for (Object raw : List.of("TRUE", "yes", "1", 1, 0L)) {
      assertThatThrownBy(() -> ConfigType.BOOLEAN.coerce(raw))
          .as("%s", raw)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("expected a boolean (true or false), found ");
    }
  }

  @Test
  void string_list_accepts_a_single_string_and_lists_of_scalars() {
    assertThat(ConfigType.STRING_LIST.coerce("only")).isEqualTo(List.of("only"));
    assertThat(ConfigType.STRING_LIST.coerce(List.of("a", 1, 2.5, false)))
        .isEqualTo(List.of("a", "1", "2.5", "false"));
    assertThat(ConfigType.STRING_LIST.coerce(List.of())).isEqualTo(List.of());
  }

  @Test
  void string_list_result_is_an_unmodifiable_copy() {
    List<Object> raw = new ArrayList<>(List.of("a"));

    @SuppressWarnings("unchecked")
    List<String> coerced = (List<String>) ConfigType.STRING_LIST.coerce(raw);
    raw.add("b");

    assertThat(coerced).containsExactly("a");
    assertThatThrownBy(() -> coerced.add("c")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void string_list_rejects_nested_or_null_elements() {
    assertThatThrownBy(() -> ConfigType.STRING_LIST.coerce(List.of("a", Map.of())))
        .hasMessage("expected a list of strings, found an element an object");
    assertThatThrownBy(() -> ConfigType.STRING_LIST.coerce(Arrays.asList("a", null)))
        .hasMessage("expected a list of strings, found an element null");
    assertThatThrownBy(() -> ConfigType.STRING_LIST.coerce(42))
        .hasMessage("expected a list of strings, found the integer 42");
  }

  @Test
  void string_map_accepts_maps_of_scalars_in_order() {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("z", "last-letter");
    raw.put("a", 1);
    raw.put("m", true);

    @SuppressWarnings("unchecked")
    Map<String, String> coerced = (Map<String, String>) ConfigType.STRING_MAP.coerce(raw);

    assertThat(coerced).containsExactly(entry("z", "last-letter"), entry("a", "1"), entry("m", "true"));
    assertThatThrownBy(() -> coerced.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void string_map_rejects_nested_values_null_values_and_non_string_keys() {
    assertThatThrownBy(() -> ConfigType.STRING_MAP.coerce(Map.of("k", List.of())))
        .hasMessage("expected a map of strings, found entry 'k' a list");
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("k", null);
    assertThatThrownBy(() -> ConfigType.STRING_MAP.coerce(withNull))
        .hasMessage("expected a map of strings, found entry 'k' null");
    assertThatThrownBy(() -> ConfigType.STRING_MAP.coerce(Map.of(1, "v")))
        .hasMessageStartingWith("expected a map of strings, found entry '1'");
    assertThatThrownBy(() -> ConfigType.STRING_MAP.coerce(List.of("k=v")))
        .hasMessage("expected a map of strings, found a list");
  }

  @ParameterizedTest
  @EnumSource(ConfigType.class)
  void null_is_a_programming_error_for_every_type(ConfigType type) {
    assertThatThrownBy(() -> type.coerce(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("raw");
  }

  @ParameterizedTest
  @EnumSource(ConfigType.class)
  void an_unrelated_object_is_rejected_by_every_type(ConfigType type) {
    assertThatThrownBy(() -> type.coerce(new StringBuilder("sb")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("expected a")
        .hasMessageContaining("found the stringbuilder sb");
  }
}
