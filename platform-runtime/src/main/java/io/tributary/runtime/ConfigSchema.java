package io.tributary.runtime;

import io.tributary.api.ConfigField;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorDescriptor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a stage's raw configuration (as parsed from JSON) against its processor's schema and
 * turns it into a typed {@link ProcessorConfig}: unknown keys, missing required values, wrong
 * types, values outside the allowed values, range or pattern are each reported, by key; an
 * element of a list of objects is named {@code key[i].field}.
 */
public final class ConfigSchema {

  private ConfigSchema() {}

  /**
   * Reports every problem to {@code problems} as (key, message) and returns the typed
   * configuration with defaults filled in, or null if there was any problem.
   */
  public static ProcessorConfig validate(
      ProcessorDescriptor descriptor, Map<String, ?> raw, BiConsumer<String, String> problems) {
    Objects.requireNonNull(problems, "problems");
    return validate(descriptor.config(), raw == null ? Map.of() : raw, "", problems);
  }

  /**
   * Like {@link #validate(ProcessorDescriptor, Map, BiConsumer)}, but throws {@link
   * IllegalArgumentException} listing every problem.
   */
  public static ProcessorConfig validate(ProcessorDescriptor descriptor, Map<String, ?> raw) {
    List<String> problems = new ArrayList<>();
    ProcessorConfig result = validate(descriptor, raw, (k, m) -> problems.add("'" + k + "': " + m));
    if (result == null) {
      throw new IllegalArgumentException(
          "invalid config for " + descriptor.coordinates() + ": " + String.join("; ", problems));
    }
    return result;
  }

  private static ProcessorConfig validate(List<ConfigField<?>> fields, Map<String, ?> given,
      String prefix, BiConsumer<String, String> problems) {
    boolean ok = true;
    List<String> names = new ArrayList<>();
    for (ConfigField<?> f : fields) {
      names.add(f.name());
    }
    for (String key : given.keySet()) {
      if (!names.contains(key)) {
        problems.accept(prefix + key, "unknown config key" + (names.isEmpty()
            ? " (this processor takes no config)" : " (known keys: " + names + ")"));
        ok = false;
      }
    }
    Map<String, Object> typed = new LinkedHashMap<>();
    for (ConfigField<?> field : fields) {
      String key = prefix + field.name();
      Object value = given.get(field.name());
      if (value == null) {
        if (field.isRequired()) {
          problems.accept(key, "a value is required");
          ok = false;
        } else if (field.defaultValue() != null) {
          typed.put(field.name(), field.defaultValue());
        }
        continue;
      }
      if (field.type().equals(ConfigField.OBJECT_LIST)) {
        List<ProcessorConfig> elements = objects(field, value, key, problems);
        if (elements == null) {
          ok = false;
        } else {
          typed.put(field.name(), elements);
        }
        continue;
      }
      try {
        Object coerced = coerce(field.type(), value);
        checkConstraints(field, coerced);
        typed.put(field.name(), coerced);
      } catch (IllegalArgumentException e) {
        // Coercion messages quote the value found; a secret's value must never be shown.
        problems.accept(key, field.isSecret()
            ? "expected " + article(field.type()) + " (the value of a secret is not shown)"
            : e.getMessage());
        ok = false;
      }
    }
    return ok ? ProcessorConfig.of(typed) : null;
  }

  private static List<ProcessorConfig> objects(
      ConfigField<?> field, Object value, String key, BiConsumer<String, String> problems) {
    if (!(value instanceof List)) {
      problems.accept(key, "expected a list of objects, found " + describe(value));
      return null;
    }
    List<ProcessorConfig> out = new ArrayList<>();
    boolean ok = true;
    List<?> list = (List<?>) value;
    for (int i = 0; i < list.size(); i++) {
      Object element = list.get(i);
      String at = key + "[" + i + "]";
      if (!(element instanceof Map)) {
        problems.accept(at, "expected an object, found " + describe(element));
        ok = false;
        continue;
      }
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) element).entrySet()) {
        map.put(String.valueOf(e.getKey()), e.getValue());
      }
      ProcessorConfig c = validate(field.fields(), map, at + ".", problems);
      if (c == null) {
        ok = false;
      } else {
        out.add(c);
      }
    }
    return ok ? Collections.unmodifiableList(out) : null;
  }

  /**
   * Checks a value of the field's type against its allowed values, range and pattern.
   *
   * @throws IllegalArgumentException saying which constraint the value breaks
   */
  static void checkConstraints(ConfigField<?> field, Object value) {
    List<?> values = value instanceof List ? (List<?>) value : List.of(value);
    for (Object v : values) {
      if (!field.allowedValues().isEmpty() && !field.allowedValues().contains(v)) {
        throw new IllegalArgumentException("\"" + v + "\" is not one of " + field.allowedValues());
      }
      if (field.pattern() != null && v instanceof String
          && !Pattern.compile(field.pattern()).matcher((String) v).matches()) {
        throw new IllegalArgumentException("\"" + v + "\" " + field.patternRule());
      }
    }
    if (value instanceof Number && !inRange(field, (Number) value)) {
      throw new IllegalArgumentException(value + " is outside " + rangeText(field));
    }
  }

  private static boolean inRange(ConfigField<?> field, Number n) {
    BigDecimal v = new BigDecimal(n.toString());
    return (field.min() == null || v.compareTo(new BigDecimal(field.min().toString())) >= 0)
        && (field.max() == null || v.compareTo(new BigDecimal(field.max().toString())) <= 0);
  }

  static String rangeText(ConfigField<?> field) {
    if (field.min() != null && field.max() != null) {
      return "the range " + field.min() + " to " + field.max();
    }
    return field.min() != null ? "the range (at least " + field.min() + ")"
        : "the range (at most " + field.max() + ")";
  }

  /** Checks that {@code regex} compiles; returns its problem, or null. */
  static String patternProblem(String regex) {
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return e.getDescription() + " at index " + e.getIndex();
    }
  }

  /**
   * Converts a raw value (as parsed from JSON or YAML) to a field type's value. Numbers,
   * booleans and strings that spell them ({@code "42"}, {@code "true"}) are accepted for the
   * scalar types; a single string for a list; a map's values must be strings or scalars.
   *
   * @throws IllegalArgumentException saying what was expected and what was found
   */
  public static Object coerce(String type, Object raw) {
    Objects.requireNonNull(raw, "raw");
    switch (type) {
      case ConfigField.STRING:
        if (raw instanceof String) {
          return raw;
        }
        if (raw instanceof Number || raw instanceof Boolean) {
          return raw.toString();
        }
        break;
      case ConfigField.SCALAR:
        if (raw instanceof String || raw instanceof Boolean) {
          return raw;
        }
        if (raw instanceof Number) {
          Long exact = toLong(raw);
          if (exact != null && !(raw instanceof Double || raw instanceof Float || raw instanceof BigDecimal)) {
            return exact;
          }
          Double number = toDouble(raw);
          if (number != null && Double.isFinite(number)) {
            return number;
          }
        }
        break;
      case ConfigField.LONG:
        Long l = toLong(raw);
        if (l != null) {
          return l;
        }
        break;
      case ConfigField.DOUBLE:
        Double d = toDouble(raw);
        if (d != null) {
          return d;
        }
        break;
      case ConfigField.BOOLEAN:
        if (raw instanceof Boolean) {
          return raw;
        }
        if ("true".equals(raw) || "false".equals(raw)) {
          return Boolean.valueOf((String) raw);
        }
        break;
      case ConfigField.STRING_LIST:
        if (raw instanceof String) {
          return List.of(raw);
        }
        if (raw instanceof List) {
          List<String> out = new ArrayList<>();
          for (Object o : (List<?>) raw) {
            if (!isScalar(o)) {
              throw new IllegalArgumentException(
                  "expected a list of strings, found an element " + describe(o));
            }
            out.add(o.toString());
          }
          return Collections.unmodifiableList(out);
        }
        break;
      case ConfigField.STRING_MAP:
        if (raw instanceof Map) {
          Map<String, String> out = new LinkedHashMap<>();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) raw).entrySet()) {
            if (!(e.getKey() instanceof String) || !isScalar(e.getValue())) {
              throw new IllegalArgumentException("expected a map of strings, found entry '"
                  + e.getKey() + "' " + describe(e.getValue()));
            }
            out.put((String) e.getKey(), e.getValue().toString());
          }
          return Collections.unmodifiableMap(out);
        }
        break;
      default:
        throw new IllegalArgumentException("unknown config type '" + type + "'");
    }
    throw new IllegalArgumentException("expected " + article(type) + ", found " + describe(raw));
  }

  private static Long toLong(Object raw) {
    if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
      return ((Number) raw).longValue();
    }
    try {
      if (raw instanceof BigInteger || raw instanceof BigDecimal) {
        return new BigDecimal(raw.toString()).longValueExact();
      }
      if (raw instanceof Double) {
        double d = (Double) raw;
        return d == Math.rint(d) && Math.abs(d) < 0x1p53 ? (long) d : null;
      }
      if (raw instanceof String) {
        return Long.parseLong(((String) raw).trim());
      }
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
    return null;
  }

  private static Double toDouble(Object raw) {
    if (raw instanceof Number) {
      return ((Number) raw).doubleValue();
    }
    if (raw instanceof String) {
      try {
        double d = Double.parseDouble(((String) raw).trim());
        return Double.isFinite(d) ? d : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static boolean isScalar(Object o) {
    return o instanceof String || o instanceof Number || o instanceof Boolean;
  }

  /** "a string", "an integer", … for a type name. */
  public static String article(String type) {
    switch (type) {
      case ConfigField.STRING: return "a string";
      case ConfigField.SCALAR: return "a string, number or boolean";
      case ConfigField.LONG: return "an integer";
      case ConfigField.DOUBLE: return "a number";
      case ConfigField.BOOLEAN: return "a boolean (true or false)";
      case ConfigField.STRING_LIST: return "a list of strings";
      case ConfigField.STRING_MAP: return "a map of strings";
      default: return "a list of objects";
    }
  }

  private static String describe(Object o) {
    if (o == null) {
      return "null";
    }
    if (o instanceof String) {
      return "the string \"" + o + "\"";
    }
    if (o instanceof Map) {
      return "an object";
    }
    if (o instanceof List) {
      return "a list";
    }
    return "the " + o.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " " + o;
  }
}
