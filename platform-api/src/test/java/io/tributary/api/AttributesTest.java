package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.Attributes.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributesTest {

  // ---------------------------------------------------------------- typed put and get

  @Test
  void string_value_reads_back_as_string() {
    Attributes a = Attributes.create().put("http.route", "/users/{id}");

    assertThat(a.getString("http.route")).isEqualTo("/users/{id}");
    assertThat(a.type("http.route")).isEqualTo(Type.STRING);
    assertThat(a.get("http.route")).isEqualTo("/users/{id}");
  }

  @Test
  void long_value_reads_back_as_long() {
    Attributes a = Attributes.create().put("http.status_code", 503L);

    assertThat(a.getLong("http.status_code", -1)).isEqualTo(503L);
    assertThat(a.type("http.status_code")).isEqualTo(Type.LONG);
    assertThat(a.get("http.status_code")).isEqualTo(503L);
  }

  @Test
  void extreme_long_values_survive() {
    Attributes a = Attributes.create().put("min", Long.MIN_VALUE).put("max", Long.MAX_VALUE);

    assertThat(a.getLong("min", 0)).isEqualTo(Long.MIN_VALUE);
    assertThat(a.getLong("max", 0)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void double_value_reads_back_as_double() {
    Attributes a = Attributes.create().put("ratio", 0.25d);

    assertThat(a.getDouble("ratio", -1d)).isEqualTo(0.25d);
    assertThat(a.type("ratio")).isEqualTo(Type.DOUBLE);
    assertThat(a.get("ratio")).isEqualTo(0.25d);
  }

  @Test
  void special_double_values_survive() {
    Attributes a =
        Attributes.create()
            .put("nan", Double.NaN)
            .put("neg_zero", -0.0d)
            .put("inf", Double.NEGATIVE_INFINITY);

    assertThat(a.getDouble("nan", 0)).isNaN();
    assertThat(Double.doubleToRawLongBits(a.getDouble("neg_zero", 1)))
        .isEqualTo(Double.doubleToRawLongBits(-0.0d));
    assertThat(a.getDouble("inf", 0)).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void boolean_values_read_back_as_booleans() {
    Attributes a = Attributes.create().put("error", true).put("sampled", false);

    assertThat(a.getBoolean("error", false)).isTrue();
    assertThat(a.getBoolean("sampled", true)).isFalse();
    assertThat(a.type("error")).isEqualTo(Type.BOOLEAN);
    assertThat(a.get("sampled")).isEqualTo(Boolean.FALSE);
  }

  @Test
  void bytes_value_reads_back_as_equal_bytes() {
    Attributes a = Attributes.create().putBytes("payload", new byte[] {1, 2, 3});

    assertThat(a.type("payload")).isEqualTo(Type.BYTES);
    assertThat((byte[]) a.get("payload")).containsExactly(1, 2, 3);
  }

  @Test
  void array_value_reads_back_as_list() {
    Attributes a = Attributes.create().putArray("tags", List.of("a", 2L, 1.5d, true));

    assertThat(a.type("tags")).isEqualTo(Type.ARRAY);
    assertThat(a.get("tags")).isEqualTo(List.of("a", 2L, 1.5d, true));
  }

  @Test
  void put_value_dispatches_every_supported_java_type() {
    Attributes a =
        Attributes.create()
            .putValue("s", "text")
            .putValue("l", 7L)
            .putValue("i", 7)
            .putValue("sh", (short) 7)
            .putValue("b", (byte) 7)
            .putValue("d", 1.5d)
            .putValue("f", 1.5f)
            .putValue("bool", true)
            .putValue("bytes", new byte[] {9})
            .putValue("list", List.of(1, "x"));

    assertThat(a.type("s")).isEqualTo(Type.STRING);
    assertThat(a.getLong("l", 0)).isEqualTo(7L);
    assertThat(a.getLong("i", 0)).isEqualTo(7L);
    assertThat(a.getLong("sh", 0)).isEqualTo(7L);
    assertThat(a.getLong("b", 0)).isEqualTo(7L);
    assertThat(a.getDouble("d", 0)).isEqualTo(1.5d);
    assertThat(a.getDouble("f", 0)).isEqualTo(1.5d);
    assertThat(a.getBoolean("bool", false)).isTrue();
    assertThat((byte[]) a.get("bytes")).containsExactly(9);
    assertThat(a.get("list")).isEqualTo(List.of(1L, "x"));
  }

  @Test
  void put_value_rejects_an_unsupported_type_naming_key_and_type() {
    Attributes a = Attributes.create();

    assertThatThrownBy(() -> a.putValue("when", new java.util.Date()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'when'")
        .hasMessageContaining("java.util.Date");
    assertThat(a.isEmpty()).isTrue();
  }

  @Test
  void put_value_with_null_removes_the_key() {
    Attributes a = Attributes.create().put("k", 1L);

    a.putValue("k", null);

    assertThat(a.contains("k")).isFalse();
  }

  // ---------------------------------------------------------------- wrong types and absence

  @Test
  void getters_of_another_type_return_null_or_the_default() {
    Attributes a =
        Attributes.create()
            .put("s", "1")
            .put("l", 1L)
            .put("d", 1d)
            .put("b", true)
            .putBytes("bytes", new byte[] {1})
            .putArray("arr", List.of("1"));

    assertThat(a.getString("l")).isNull();
    assertThat(a.getString("b")).isNull();
    assertThat(a.getString("arr")).isNull();
    assertThat(a.getLong("s", -7)).isEqualTo(-7);
    assertThat(a.getLong("d", -7)).isEqualTo(-7);
    assertThat(a.getLong("b", -7)).isEqualTo(-7);
    assertThat(a.getDouble("l", -7d)).isEqualTo(-7d);
    assertThat(a.getDouble("s", -7d)).isEqualTo(-7d);
    assertThat(a.getBoolean("l", false)).isFalse();
    assertThat(a.getBoolean("s", true)).isTrue();
    assertThat(a.getBoolean("bytes", true)).isTrue();
  }

  @Test
  void index_getters_of_another_type_return_null_or_zero() {
    Attributes a = Attributes.create().put("l", 5L).put("s", "x");

    assertThat(a.stringAt(0)).isNull();
    assertThat(a.doubleAt(0)).isZero();
    assertThat(a.booleanAt(0)).isFalse();
    assertThat(a.longAt(1)).isZero();
    assertThat(a.longAt(0)).isEqualTo(5L);
    assertThat(a.stringAt(1)).isEqualTo("x");
  }

  @Test
  void absent_key_reads_as_null_or_the_default() {
    Attributes a = Attributes.create().put("present", "x");

    assertThat(a.getString("absent")).isNull();
    assertThat(a.getLong("absent", 42)).isEqualTo(42);
    assertThat(a.getDouble("absent", 4.2)).isEqualTo(4.2);
    assertThat(a.getBoolean("absent", true)).isTrue();
    assertThat(a.get("absent")).isNull();
    assertThat(a.type("absent")).isNull();
    assertThat(a.indexOf("absent")).isEqualTo(-1);
    assertThat(a.contains("absent")).isFalse();
  }

  @Test
  void a_null_key_is_a_programming_error() {
    Attributes a = Attributes.create().put("k", "v");

    assertThatThrownBy(() -> a.put(null, "v")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> a.put(null, 1L)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> a.getString(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void index_access_out_of_bounds_throws() {
    Attributes a = Attributes.create().put("k", "v");

    assertThatThrownBy(() -> a.keyAt(1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> a.valueAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> a.setStringAt(1, "x")).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> a.removeAt(1))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("size 1");
  }

  // ---------------------------------------------------------------- null removes

  @Test
  void null_string_removes_the_key() {
    Attributes a = Attributes.create().put("a", "1").put("b", "2");

    a.put("a", (String) null);

    assertThat(a.contains("a")).isFalse();
    assertThat(a.size()).isEqualTo(1);
    assertThat(a.keyAt(0)).isEqualTo("b");
  }

  @Test
  void null_bytes_and_null_array_remove_the_key() {
    Attributes a = Attributes.create().putBytes("b", new byte[] {1}).putArray("l", List.of("x"));

    a.putBytes("b", null);
    a.putArray("l", null);

    assertThat(a.isEmpty()).isTrue();
  }

  @Test
  void null_value_for_an_absent_key_is_a_no_op() {
    Attributes a = Attributes.create().put("a", "1");

    a.put("missing", (String) null);

    assertThat(a.toString()).isEqualTo("{a=\"1\"}");
  }

  // ---------------------------------------------------------------- order

  @Test
  void keys_keep_insertion_order() {
    Attributes a = Attributes.create().put("z", 1L).put("a", 2L).put("m", 3L);

    assertThat(a.keyAt(0)).isEqualTo("z");
    assertThat(a.keyAt(1)).isEqualTo("a");
    assertThat(a.keyAt(2)).isEqualTo("m");
    assertThat(a.asMap().keySet()).containsExactly("z", "a", "m");
  }

  @Test
  void replacing_a_value_keeps_its_position_even_with_another_type() {
    Attributes a = Attributes.create().put("a", 1L).put("b", 2L).put("c", 3L);

    a.put("b", "two");

    assertThat(a.toString()).isEqualTo("{a=1L, b=\"two\", c=3L}");
    assertThat(a.indexOf("b")).isEqualTo(1);
    assertThat(a.size()).isEqualTo(3);
  }

  @Test
  void remove_at_shifts_later_attributes_up() {
    Attributes a = Attributes.create().put("a", "1").put("b", "2").put("c", "3").put("d", "4");

    a.removeAt(1);

    assertThat(a.size()).isEqualTo(3);
    assertThat(a.toString()).isEqualTo("{a=\"1\", c=\"3\", d=\"4\"}");
    assertThat(a.indexOf("c")).isEqualTo(1);
    assertThat(a.indexOf("d")).isEqualTo(2);
    assertThat(a.indexOf("b")).isEqualTo(-1);
  }

  @Test
  void removing_the_last_and_first_attribute_keeps_lookups_working() {
    Attributes a = Attributes.create().put("a", 1L).put("b", 2L).put("c", 3L);

    a.removeAt(2);
    a.removeAt(0);

    assertThat(a.toString()).isEqualTo("{b=2L}");
    assertThat(a.getLong("b", 0)).isEqualTo(2L);
  }

  @Test
  void remove_returns_whether_the_key_was_present() {
    Attributes a = Attributes.create().put("a", "1");

    assertThat(a.remove("a")).isTrue();
    assertThat(a.remove("a")).isFalse();
    assertThat(a.isEmpty()).isTrue();
  }

  @Test
  void a_removed_key_added_again_goes_to_the_end() {
    Attributes a = Attributes.create().put("a", "1").put("b", "2");

    a.remove("a");
    a.put("a", "1");

    assertThat(a.toString()).isEqualTo("{b=\"2\", a=\"1\"}");
  }

  @Test
  void set_string_at_replaces_in_place_whatever_the_old_type() {
    Attributes a = Attributes.create().put("a", 1L).put("b", 2L);

    a.setStringAt(0, "one");

    assertThat(a.toString()).isEqualTo("{a=\"one\", b=2L}");
    assertThat(a.getString("a")).isEqualTo("one");
    assertThat(a.getLong("a", -1)).isEqualTo(-1);
  }

  @Test
  void set_string_at_rejects_null() {
    Attributes a = Attributes.create().put("a", "x");

    assertThatThrownBy(() -> a.setStringAt(0, null)).isInstanceOf(NullPointerException.class);
    assertThat(a.getString("a")).isEqualTo("x");
  }

  @Test
  void index_iteration_sees_every_attribute_in_order() {
    Attributes a = Attributes.create().put("s", "x").put("l", 1L).put("d", 2.5).put("b", true);

    StringBuilder seen = new StringBuilder();
    for (int i = 0; i < a.size(); i++) {
      seen.append(a.keyAt(i)).append(':').append(a.typeAt(i)).append(' ');
    }

    assertThat(seen.toString()).isEqualTo("s:STRING l:LONG d:DOUBLE b:BOOLEAN ");
    assertThat(a.doubleAt(2)).isEqualTo(2.5);
    assertThat(a.booleanAt(3)).isTrue();
  }

  @Test
  void keys_with_colliding_hash_codes_are_told_apart() {
    // "Aa" and "BB" share a String.hashCode.
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    Attributes a = Attributes.create().put("Aa", "first").put("BB", "second");

    assertThat(a.getString("Aa")).isEqualTo("first");
    assertThat(a.getString("BB")).isEqualTo("second");
    a.remove("Aa");
    assertThat(a.getString("BB")).isEqualTo("second");
    assertThat(a.contains("Aa")).isFalse();
  }

  // ---------------------------------------------------------------- arrays

  @Test
  void put_array_copies_the_list() {
    List<Object> source = new ArrayList<>(List.of("a", "b"));
    Attributes a = Attributes.create().putArray("tags", source);

    source.add("c");

    assertThat(a.get("tags")).isEqualTo(List.of("a", "b"));
  }

  @Test
  void stored_array_is_immutable() {
    Attributes a = Attributes.create().putArray("tags", List.of("a"));

    @SuppressWarnings("unchecked")
    List<Object> stored = (List<Object>) a.get("tags");

    assertThatThrownBy(() -> stored.add("b")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(a.get("tags")).isEqualTo(List.of("a"));
  }

  @Test
  void put_array_widens_integers_and_floats() {
    Attributes a =
        Attributes.create().putArray("n", List.of(1, (short) 2, (byte) 3, 1.5f, 4L, 2.5d));

    assertThat(a.get("n")).isEqualTo(List.of(1L, 2L, 3L, 1.5d, 4L, 2.5d));
  }

  @Test
  void put_array_rejects_a_null_element() {
    Attributes a = Attributes.create().put("tags", "kept");

    assertThatThrownBy(() -> a.putArray("tags", Arrays.asList("a", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tags'")
        .hasMessageContaining("null");
    assertThat(a.getString("tags")).isEqualTo("kept");
  }

  @Test
  void put_array_rejects_an_element_of_another_type() {
    Attributes a = Attributes.create();

    assertThatThrownBy(() -> a.putArray("nested", List.of(List.of("x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nested'")
        .hasMessageContaining("String, Long, Double or Boolean");
    assertThatThrownBy(() -> a.putArray("big", List.of(java.math.BigDecimal.ONE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.math.BigDecimal");
    assertThat(a.isEmpty()).isTrue();
  }

  @Test
  void empty_array_is_a_value() {
    Attributes a = Attributes.create().putArray("tags", List.of());

    assertThat(a.contains("tags")).isTrue();
    assertThat(a.get("tags")).isEqualTo(List.of());
  }

  // ---------------------------------------------------------------- bytes

  @Test
  void put_bytes_copies_the_source() {
    byte[] source = {1, 2, 3};
    Attributes a = Attributes.create().putBytes("b", source);

    source[0] = 99;

    assertThat((byte[]) a.get("b")).containsExactly(1, 2, 3);
  }

  @Test
  void mutating_a_returned_byte_array_does_not_change_the_stored_value() {
    Attributes a = Attributes.create().putBytes("b", new byte[] {1, 2, 3});

    ((byte[]) a.get("b"))[0] = 99;
    ((byte[]) a.valueAt(0))[1] = 99;
    ((byte[]) a.asMap().get("b"))[2] = 99;

    assertThat((byte[]) a.get("b")).containsExactly(1, 2, 3);
    assertThat(a.toString()).isEqualTo("{b=bytes[1, 2, 3]}");
  }

  @Test
  void empty_bytes_is_a_value() {
    Attributes a = Attributes.create().putBytes("b", new byte[0]);

    assertThat(a.type("b")).isEqualTo(Type.BYTES);
    assertThat((byte[]) a.get("b")).isEmpty();
  }

  // ---------------------------------------------------------------- equality and rendering

  @Test
  void equals_ignores_order_but_to_string_shows_it() {
    Attributes ab = Attributes.create().put("a", "1").put("b", 2L);
    Attributes ba = Attributes.create().put("b", 2L).put("a", "1");

    assertThat(ab).isEqualTo(ba);
    assertThat(ab.hashCode()).isEqualTo(ba.hashCode());
    assertThat(ab.toString()).isEqualTo("{a=\"1\", b=2L}");
    assertThat(ba.toString()).isEqualTo("{b=2L, a=\"1\"}");
  }

  @Test
  void equals_tells_types_apart() {
    assertThat(Attributes.create().put("k", "1")).isNotEqualTo(Attributes.create().put("k", 1L));
    assertThat(Attributes.create().put("k", 1L)).isNotEqualTo(Attributes.create().put("k", 1d));
    assertThat(Attributes.create().put("k", 1L)).isNotEqualTo(Attributes.create().put("k", true));
    assertThat(Attributes.create().putArray("k", List.of(1L)))
        .isNotEqualTo(Attributes.create().putArray("k", List.of(1d)));
  }

  @Test
  void equals_tells_values_and_keys_apart() {
    Attributes base = Attributes.create().put("a", "1").put("b", "2");

    assertThat(base).isNotEqualTo(Attributes.create().put("a", "1").put("b", "3"));
    assertThat(base).isNotEqualTo(Attributes.create().put("a", "1").put("c", "2"));
    assertThat(base).isNotEqualTo(Attributes.create().put("a", "1"));
    assertThat(base).isNotEqualTo(null);
    assertThat(base).isNotEqualTo("{a=\"1\", b=\"2\"}");
  }

  @Test
  void equal_byte_contents_are_equal_whatever_the_array() {
    Attributes x = Attributes.create().putBytes("b", new byte[] {1, 2});
    Attributes y = Attributes.create().putBytes("b", new byte[] {1, 2});

    assertThat(x).isEqualTo(y);
    assertThat(x.hashCode()).isEqualTo(y.hashCode());
    assertThat(x).isNotEqualTo(Attributes.create().putBytes("b", new byte[] {1, 3}));
  }

  @Test
  void to_string_keeps_types_visible() {
    Attributes a =
        Attributes.create()
            .put("s", "1")
            .put("l", 1L)
            .put("d", 1d)
            .put("b", true)
            .putBytes("y", new byte[] {7})
            .putArray("arr", List.of("x", 2L));

    assertThat(a.toString())
        .isEqualTo("{s=\"1\", l=1L, d=1.0d, b=true, y=bytes[7], arr=[x, 2]}");
    assertThat(Attributes.create().toString()).isEqualTo("{}");
  }

  @Test
  void as_map_is_an_ordered_unmodifiable_copy() {
    Attributes a = Attributes.create().put("b", 1L).put("a", "x");

    Map<String, Object> map = a.asMap();
    a.put("c", true);

    assertThat(map).containsExactly(Map.entry("b", 1L), Map.entry("a", "x"));
    assertThatThrownBy(() -> map.put("z", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void put_all_replaces_equal_keys_in_place_and_appends_the_rest() {
    Attributes target = Attributes.create().put("a", "1").put("b", "2");
    Attributes source = Attributes.create().put("c", 3L).put("a", "one");

    target.putAll(source);

    assertThat(target.toString()).isEqualTo("{a=\"one\", b=\"2\", c=3L}");
    assertThat(source.toString()).isEqualTo("{c=3L, a=\"one\"}");
  }

  @Test
  void put_all_does_not_share_mutable_bytes() {
    Attributes source = Attributes.create().putBytes("b", new byte[] {1});
    Attributes target = Attributes.create().putAll(source);

    ((byte[]) target.get("b"))[0] = 9;
    source.putBytes("b", new byte[] {2});

    assertThat((byte[]) target.get("b")).containsExactly(1);
  }

  // ---------------------------------------------------------------- growth

  @Test
  void grows_beyond_eight_keys() {
    Attributes a = Attributes.create();
    for (int i = 0; i < 9; i++) {
      a.put("k" + i, (long) i);
    }

    assertThat(a.size()).isEqualTo(9);
    for (int i = 0; i < 9; i++) {
      assertThat(a.keyAt(i)).isEqualTo("k" + i);
      assertThat(a.getLong("k" + i, -1)).isEqualTo(i);
    }
  }

  @Test
  void grows_beyond_a_hundred_keys_and_shrinks_back() {
    Attributes a = Attributes.create();
    for (int i = 0; i < 150; i++) {
      a.put("key." + i, "v" + i);
    }

    assertThat(a.size()).isEqualTo(150);
    for (int i = 0; i < 150; i++) {
      assertThat(a.indexOf("key." + i)).isEqualTo(i);
      assertThat(a.getString("key." + i)).isEqualTo("v" + i);
    }

    for (int i = 0; i < 150; i += 2) {
      assertThat(a.remove("key." + i)).isTrue();
    }
    assertThat(a.size()).isEqualTo(75);
    for (int i = 0; i < 75; i++) {
      assertThat(a.keyAt(i)).isEqualTo("key." + (2 * i + 1));
    }
    for (int i = 0; i < 150; i++) {
      assertThat(a.contains("key." + i)).isEqualTo(i % 2 == 1);
    }
  }
}
