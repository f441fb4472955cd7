package io.tributary.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A stage's configuration after the host checked it against the processor's {@linkplain
 * ProcessorDescriptor#config() schema}: every key declared, every value of its field's type,
 * defaults filled in. Read it with {@link #get(ConfigField)}. Immutable and thread-safe.
 *
 * <p>Values are {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code
 * List<String>}, {@code Map<String, String>} or {@code List<ProcessorConfig>}, as {@link
 * ConfigField} describes.
 */
public final class ProcessorConfig {

  private static final ProcessorConfig EMPTY = new ProcessorConfig(Map.of());

  private final Map<String, Object> values;

  private ProcessorConfig(Map<String, Object> values) {
    this.values = values;
  }

  /**
   * Creates a configuration from values already of their fields' types. Hosts and the plugin test
   * kit check raw input against a schema first; this only copies.
   *
   * @throws IllegalArgumentException if a value is of none of the types above
   */
  public static ProcessorConfig of(Map<String, ?> values) {
    Map<String, Object> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "key"),
        normalize(k, Objects.requireNonNull(v, k))));
    return new ProcessorConfig(Collections.unmodifiableMap(copy));
  }

  /** The empty configuration. */
  public static ProcessorConfig empty() {
    return EMPTY;
  }

  private static Object normalize(String key, Object v) {
    if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean
        || v instanceof ProcessorConfig) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float) {
      return ((Float) v).doubleValue();
    }
    if (v instanceof List) {
      List<?> list = (List<?>) v;
      boolean objects = !list.isEmpty() && list.get(0) instanceof ProcessorConfig;
      for (Object e : list) {
        if (objects ? !(e instanceof ProcessorConfig) : !(e instanceof String)) {
          throw new IllegalArgumentException(
              "config '" + key + "': a list holds strings or configurations, not a mix");
        }
      }
      return List.copyOf(list);
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

  /**
   * Returns the value of {@code field}: the one given, else its default, else null for a scalar
   * and an empty list or map for a collection.
   *
   * @throws IllegalArgumentException if the value held under the field's name is not of its type:
   *     the processor asks for a field its descriptor declares otherwise (a bug in the processor,
   *     not bad input)
   */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigField<T> field) {
    Object v = values.get(field.name());
    if (v == null) {
      v = field.defaultValue();
    }
    if (v == null) {
      switch (field.type()) {
        case ConfigField.STRING_LIST:
        case ConfigField.OBJECT_LIST:
          return (T) List.of();
        case ConfigField.STRING_MAP:
          return (T) Map.of();
        default:
          return null;
      }
    }
    if (!holds(field.type(), v)) {
      throw new IllegalArgumentException("config '" + field.name() + "' holds a "
          + v.getClass().getSimpleName() + ", not a " + field.type()
          + ": the processor reads it as a field its descriptor does not declare");
    }
    return (T) v;
  }

  private static boolean holds(String type, Object v) {
    switch (type) {
      case ConfigField.STRING: return v instanceof String;
      case ConfigField.SCALAR:
        return v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean;
      case ConfigField.LONG: return v instanceof Long;
      case ConfigField.DOUBLE: return v instanceof Double;
      case ConfigField.BOOLEAN: return v instanceof Boolean;
      case ConfigField.STRING_MAP: return v instanceof Map;
      case ConfigField.STRING_LIST:
        return v instanceof List && (((List<?>) v).isEmpty() || ((List<?>) v).get(0) instanceof String);
      case ConfigField.OBJECT_LIST:
        return v instanceof List
            && (((List<?>) v).isEmpty() || ((List<?>) v).get(0) instanceof ProcessorConfig);
      default: return false;
    }
  }

  /** Returns true if a value was given for {@code field}, or it has a default. */
  public boolean isSet(ConfigField<?> field) {
    return values.containsKey(field.name()) || field.defaultValue() != null;
  }

  /** Every value held, in schema order; an object list's elements are {@code ProcessorConfig}s. */
  public Map<String, Object> asMap() {
    return values;
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
