package io.tributary.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A stage's configuration after validation against the processor's schema: every key declared,
 * every value of its declared type ({@code String}, {@code Long}, {@code Double}, {@code Boolean},
 * {@code List<String>} or {@code Map<String, String>}), defaults filled in. Immutable and
 * thread-safe.
 *
 * <p>Getters throw {@link IllegalArgumentException} when a key holds another type: that is a bug
 * in the processor (asking for a type its schema does not declare), not bad input.
 */
public final class ProcessorConfig {

  private static final ProcessorConfig EMPTY = new ProcessorConfig(Map.of());

  private final Map<String, Object> values;

  private ProcessorConfig(Map<String, Object> values) {
    this.values = values;
  }

  /**
   * Creates a configuration from already-typed values; use {@link
   * ProcessorDescriptor#validateConfig(Map)} to check and coerce raw input instead.
   */
  public static ProcessorConfig of(Map<String, ?> values) {
    Map<String, Object> copy = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> copy.put(Objects.requireNonNull(k, "key"), normalize(k, Objects.requireNonNull(v, k))));
    return new ProcessorConfig(Collections.unmodifiableMap(copy));
  }

  /** Widens numbers to Long and Double and copies lists and maps, so the config stays immutable. */
  private static Object normalize(String key, Object v) {
    if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float) {
      return ((Float) v).doubleValue();
    }
    if (v instanceof List) {
      for (Object e : (List<?>) v) {
        if (!(e instanceof String)) {
          throw new IllegalArgumentException("config '" + key + "': list elements must be strings");
        }
      }
      return List.copyOf((List<?>) v);
    }
    if (v instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!(e.getKey() instanceof String) || !(e.getValue() instanceof String)) {
          throw new IllegalArgumentException("config '" + key + "': map keys and values must be strings");
        }
      }
      return Collections.unmodifiableMap(new LinkedHashMap<>((Map<?, ?>) v));
    }
    throw new IllegalArgumentException(
        "config '" + key + "': unsupported value type " + v.getClass().getName());
  }

  /** The empty configuration. */
  public static ProcessorConfig empty() {
    return EMPTY;
  }

  /** Returns true if {@code name} has a value (given or defaulted). */
  public boolean isSet(String name) {
    return values.containsKey(name);
  }

  /** Returns the string under {@code name}, or null if unset. */
  public String getString(String name) {
    return typed(name, String.class);
  }

  /** Returns the long under {@code name}, or {@code otherwise} if unset. */
  public long getLong(String name, long otherwise) {
    Long v = typed(name, Long.class);
    return v == null ? otherwise : v;
  }

  /** Returns the double under {@code name}, or {@code otherwise} if unset. */
  public double getDouble(String name, double otherwise) {
    Double v = typed(name, Double.class);
    return v == null ? otherwise : v;
  }

  /** Returns the boolean under {@code name}, or {@code otherwise} if unset. */
  public boolean getBoolean(String name, boolean otherwise) {
    Boolean v = typed(name, Boolean.class);
    return v == null ? otherwise : v;
  }

  /** Returns the string list under {@code name}, or an empty list if unset. */
  @SuppressWarnings("unchecked")
  public List<String> getStringList(String name) {
    List<String> v = typed(name, List.class);
    return v == null ? List.of() : v;
  }

  /** Returns the string map under {@code name}, or an empty map if unset. */
  @SuppressWarnings("unchecked")
  public Map<String, String> getStringMap(String name) {
    Map<String, String> v = typed(name, Map.class);
    return v == null ? Map.of() : v;
  }

  /** Returns every value, in schema order. */
  public Map<String, Object> asMap() {
    return values;
  }

  private <T> T typed(String name, Class<T> type) {
    Object v = values.get(name);
    if (v == null || type.isInstance(v)) {
      return type.cast(v);
    }
    throw new IllegalArgumentException(
        "config '" + name + "' is a " + v.getClass().getSimpleName() + ", not a "
            + type.getSimpleName());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProcessorConfig && ((ProcessorConfig) o).values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** Lists the keys only: values may be secrets. */
  @Override
  public String toString() {
    return "ProcessorConfig" + values.keySet();
  }
}
