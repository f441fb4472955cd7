package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.tributary.api.ConfigField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigCoercionTest {

  @Test
  void string_accepts_strings_and_spells_out_scalars() {
    assertThat(ConfigSchema.coerce(ConfigField.STRING, "x")).isEqualTo("x");
    assertThat(ConfigSchema.coerce(ConfigField.STRING, 42)).isEqualTo("42");
    assertThat(ConfigSchema.coerce(ConfigField.STRING, 42L)).isEqualTo("42");
    assertThat(ConfigSchema.coerce(ConfigField.STRING, 1.5)).isEqualTo("1.5");
    assertThat(ConfigSchema.coerce(ConfigField.STRING, true)).isEqualTo("true");
  }

  @Test
  void string_rejects_lists_and_objects() {
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.STRING, List.of("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a string, found a list");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.STRING, Map.of("a", "b")))
        .hasMessage("expected a string, found an object");
  }

  @Test
  void long_accepts_integral_numbers_and_numeric_strings() {
    assertThat(ConfigSchema.coerce(ConfigField.LONG, 42)).isEqualTo(42L);
    assertThat(ConfigSchema.coerce(ConfigField.LONG, 42L)).isEqualTo(42L);
    assertThat(ConfigSchema.coerce(ConfigField.LONG, (short) 42)).isEqualTo(42L);
    assertThat(ConfigSchema.coerce(ConfigField.LONG, 42.0)).isEqualTo(42L);
    assertThat(ConfigSchema.coerce(ConfigField.LONG, -3.0)).isEqualTo(-3L);
    assertThat(ConfigSchema.coerce(ConfigField.LONG, "42")).isEqualTo(42L);
    assertThat(ConfigSchema.coerce(ConfigField.LONG, " -7 ")).isEqualTo(-7L);
    assertThat(ConfigSchema.coerce(ConfigField.LONG, String.valueOf(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void long_rejects_fractions_huge_doubles_and_other_text() {
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.LONG, 2.5))
        .hasMessage("expected an integer, found the double 2.5");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.LONG, 1e300))
        .hasMessageStartingWith("expected an integer");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.LONG, Double.NaN))
        .hasMessageStartingWith("expected an integer");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.LONG, "4.0"))
        .hasMessage("expected an integer, found the string \"4.0\"");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.LONG, "9223372036854775808"))
        .hasMessageStartingWith("expected an integer");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.LONG, true))
        .hasMessage("expected an integer, found the boolean true");
  }

  @Test
  void double_accepts_numbers_and_finite_numeric_strings() {
    assertThat(ConfigSchema.coerce(ConfigField.DOUBLE, 1.5)).isEqualTo(1.5d);
    assertThat(ConfigSchema.coerce(ConfigField.DOUBLE, 2)).isEqualTo(2.0d);
    assertThat(ConfigSchema.coerce(ConfigField.DOUBLE, 2L)).isEqualTo(2.0d);
    assertThat(ConfigSchema.coerce(ConfigField.DOUBLE, 1.5f)).isEqualTo(1.5d);
    assertThat(ConfigSchema.coerce(ConfigField.DOUBLE, " 0.25 ")).isEqualTo(0.25d);
    assertThat(ConfigSchema.coerce(ConfigField.DOUBLE, "1e3")).isEqualTo(1000d);
  }

  @Test
  void double_rejects_non_finite_strings_and_other_text() {
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.DOUBLE, "NaN"))
        .hasMessage("expected a number, found the string \"NaN\"");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.DOUBLE, "Infinity"))
        .hasMessageStartingWith("expected a number");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.DOUBLE, "half"))
        .hasMessage("expected a number, found the string \"half\"");
  }

  @Test
  void boolean_accepts_booleans_and_their_exact_spelling() {
    assertThat(ConfigSchema.coerce(ConfigField.BOOLEAN, true)).isEqualTo(Boolean.TRUE);
    assertThat(ConfigSchema.coerce(ConfigField.BOOLEAN, "true")).isEqualTo(Boolean.TRUE);
    assertThat(ConfigSchema.coerce(ConfigField.BOOLEAN, "false")).isEqualTo(Boolean.FALSE);
  }

  @Test
  void boolean_rejects_anything_else() {
    for (Object raw : List.of("TRUE", "yes", "1", 1, 0L)) {
      assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.BOOLEAN, raw))
          .as("%s", raw)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("expected a boolean (true or false), found ");
    }
  }

  @Test
  void string_list_accepts_a_single_string_and_lists_of_scalars() {
    assertThat(ConfigSchema.coerce(ConfigField.STRING_LIST, "only")).isEqualTo(List.of("only"));
    assertThat(ConfigSchema.coerce(ConfigField.STRING_LIST, List.of("a", 1, 2.5, false)))
        .isEqualTo(List.of("a", "1", "2.5", "false"));
    assertThat(ConfigSchema.coerce(ConfigField.STRING_LIST, List.of())).isEqualTo(List.of());
  }

  @Test
  void string_list_result_is_an_unmodifiable_copy() {
    List<Object> raw = new ArrayList<>(List.of("a"));

    @SuppressWarnings("unchecked")
    List<String> coerced = (List<String>) ConfigSchema.coerce(ConfigField.STRING_LIST, raw);
    raw.add("b");

    assertThat(coerced).containsExactly("a");
    assertThatThrownBy(() -> coerced.add("c")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void string_list_rejects_nested_or_null_elements() {
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.STRING_LIST, List.of("a", Map.of())))
        .hasMessage("expected a list of strings, found an element an object");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.STRING_LIST, Arrays.asList("a", null)))
        .hasMessage("expected a list of strings, found an element null");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.STRING_LIST, 42))
        .hasMessage("expected a list of strings, found the integer 42");
  }

  @Test
  void string_map_accepts_maps_of_scalars_in_order() {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("z", "last-letter");
    raw.put("a", 1);
    raw.put("m", true);

    @SuppressWarnings("unchecked")
    Map<String, String> coerced = (Map<String, String>) ConfigSchema.coerce(ConfigField.STRING_MAP, raw);

    assertThat(coerced).containsExactly(entry("z", "last-letter"), entry("a", "1"), entry("m", "true"));
    assertThatThrownBy(() -> coerced.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void string_map_rejects_nested_values_null_values_and_non_string_keys() {
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.STRING_MAP, Map.of("k", List.of())))
        .hasMessage("expected a map of strings, found entry 'k' a list");
    Map<String, Object> withNull = new HashMap<>();
    withNull.put("k", null);
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.STRING_MAP, withNull))
        .hasMessage("expected a map of strings, found entry 'k' null");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.STRING_MAP, Map.of(1, "v")))
        .hasMessageStartingWith("expected a map of strings, found entry '1'");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.STRING_MAP, List.of("k=v")))
        .hasMessage("expected a map of strings, found a list");
  }

  @ParameterizedTest
  @ValueSource(strings = {"string", "scalar", "long", "double", "boolean", "string_list", "string_map"})
  void null_is_a_programming_error_for_every_type(String type) {
    assertThatThrownBy(() -> ConfigSchema.coerce(type, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("raw");
  }

  @ParameterizedTest
  @ValueSource(strings = {"string", "scalar", "long", "double", "boolean", "string_list", "string_map"})
  void an_unrelated_object_is_rejected_by_every_type(String type) {
    assertThatThrownBy(() -> ConfigSchema.coerce(type, new StringBuilder("sb")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("expected a")
        .hasMessageContaining("found the stringbuilder sb");
  }

  @Test
  void a_scalar_keeps_the_type_it_was_written_in() {
    assertThat(ConfigSchema.coerce(ConfigField.SCALAR, "3")).isEqualTo("3");
    assertThat(ConfigSchema.coerce(ConfigField.SCALAR, 3)).isEqualTo(3L);
    assertThat(ConfigSchema.coerce(ConfigField.SCALAR, 3.5)).isEqualTo(3.5d);
    assertThat(ConfigSchema.coerce(ConfigField.SCALAR, 3.0)).isEqualTo(3.0d);
    assertThat(ConfigSchema.coerce(ConfigField.SCALAR, new java.math.BigInteger("12"))).isEqualTo(12L);
    assertThat(ConfigSchema.coerce(ConfigField.SCALAR, false)).isEqualTo(false);
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.SCALAR, List.of("a")))
        .hasMessage("expected a string, number or boolean, found a list");
    assertThatThrownBy(() -> ConfigSchema.coerce(ConfigField.SCALAR, Double.NaN))
        .hasMessageStartingWith("expected a string, number or boolean");
  }
}
