package io.tributary.api;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One configuration key of a processor, typed: declare it once as a constant, list it in the
 * {@linkplain ProcessorDescriptor.Builder#config descriptor}, and read it with {@link
 * ProcessorConfig#get(ConfigField)}, which returns a {@code T}.
 *
 * <pre>{@code
 * static final ConfigField<String> HEADER = ConfigField.string("header").required().doc("…");
 * static final ConfigField<Long> MAX = ConfigField.longValue("max").withDefault(10L).range(1, 1000);
 * …
 * String header = context.config().get(HEADER);
 * }</pre>
 *
 * <p>The value types, and the {@linkplain #type() type names} the catalog shows: {@code String}
 * ({@value #STRING}), {@code Object} ({@value #SCALAR}: a string, long, double or boolean kept as
 * written, for a value that becomes an attribute), {@code Long} ({@value #LONG}), {@code Double} ({@value #DOUBLE}), {@code
 * Boolean} ({@value #BOOLEAN}), {@code List<String>} ({@value #STRING_LIST}), {@code Map<String,
 * String>} ({@value #STRING_MAP}) and {@code List<ProcessorConfig>} ({@value #OBJECT_LIST}: a list
 * of objects, each checked against the {@linkplain #fields() fields} given to {@link
 * #objects(String, ConfigField...)}).
 *
 * <p>Immutable: the refining methods return a new field. The host checks a field when it loads
 * the plugin (a default outside the allowed values or range, a pattern that does not compile, a
 * secret with a default, …) and refuses the plugin with a message naming the key; the plugin test
 * kit runs the same check.
 *
 * @param <T> the type of the value {@link ProcessorConfig#get(ConfigField)} returns
 */
public final class ConfigField<T> {

  public static final String STRING = "string";
  public static final String SCALAR = "scalar";
  public static final String LONG = "long";
  public static final String DOUBLE = "double";
  public static final String BOOLEAN = "boolean";
  public static final String STRING_LIST = "string_list";
  public static final String STRING_MAP = "string_map";
  public static final String OBJECT_LIST = "object_list";

  private final String name;
  private final String type;
  private final T defaultValue;
  private final boolean required;
  private final boolean secret;
  private final List<String> allowedValues;
  private final Number min;
  private final Number max;
  private final String pattern;
  private final String patternRule;
  private final List<ConfigField<?>> fields;
  private final String doc;
  private final String deprecation;

  private ConfigField(String name, String type, T defaultValue, boolean required, boolean secret,
      List<String> allowedValues, List<ConfigField<?>> fields) {
    this(name, type, defaultValue, required, secret, allowedValues, null, null, null, null, fields, "",
        null);
  }

  private ConfigField(String name, String type, T defaultValue, boolean required, boolean secret,
      List<String> allowedValues, Number min, Number max, String pattern, String patternRule,
      List<ConfigField<?>> fields, String doc, String deprecation) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = type;
    this.defaultValue = defaultValue;
    this.required = required;
    this.secret = secret;
    this.allowedValues = List.copyOf(allowedValues);
    this.min = min;
    this.max = max;
    this.pattern = pattern;
    this.patternRule = patternRule;
    this.fields = List.copyOf(fields);
    this.doc = Objects.requireNonNull(doc, "doc");
    this.deprecation = deprecation;
  }

  private static <T> ConfigField<T> of(String name, String type) {
    return new ConfigField<>(name, type, null, false, false, List.of(), List.of());
  }

  public static ConfigField<String> string(String name) {
    return of(name, STRING);
  }

  /** A string, long, double or boolean, kept with the type it was written in (JSON {@code 3} is a Long). */
  public static ConfigField<Object> scalar(String name) {
    return of(name, SCALAR);
  }

  public static ConfigField<Long> longValue(String name) {
    return of(name, LONG);
  }

  public static ConfigField<Double> doubleValue(String name) {
    return of(name, DOUBLE);
  }

  public static ConfigField<Boolean> bool(String name) {
    return of(name, BOOLEAN);
  }

  /** A list of strings; a single string given for it is read as a list of one. */
  public static ConfigField<List<String>> stringList(String name) {
    return of(name, STRING_LIST);
  }

  public static ConfigField<Map<String, String>> stringMap(String name) {
    return of(name, STRING_MAP);
  }

  /**
   * A list of objects, each with the keys {@code fields} declare (checked like a stage's own
   * configuration: unknown keys, required values, types, defaults), read as one {@link
   * ProcessorConfig} per element. Errors name the element: {@code actions[2].key}.
   */
  public static ConfigField<List<ProcessorConfig>> objects(String name, ConfigField<?>... fields) {
    return new ConfigField<>(name, OBJECT_LIST, null, false, false, List.of(), Arrays.asList(fields));
  }

  /** Returns a copy with this default, used when the key is not given. */
  public ConfigField<T> withDefault(T value) {
    return new ConfigField<>(name, type, Objects.requireNonNull(value, "default"), required, secret,
        allowedValues, min, max, pattern, patternRule, fields, doc, deprecation);
  }

  /** Returns a copy that must be given a value (and so has no default). */
  public ConfigField<T> required() {
    return new ConfigField<>(name, type, defaultValue, true, secret, allowedValues, min, max,
        pattern, patternRule, fields, doc, deprecation);
  }

  /** Returns a copy whose value is a secret: encrypted at rest, never shown or logged. */
  public ConfigField<T> secret() {
    return new ConfigField<>(name, type, defaultValue, required, true, allowedValues, min, max,
        pattern, patternRule, fields, doc, deprecation);
  }

  /** Returns a copy that accepts only these values (strings, or each element of a string list). */
  public ConfigField<T> allowedValues(String... values) {
    return new ConfigField<>(name, type, defaultValue, required, secret, Arrays.asList(values), min,
        max, pattern, patternRule, fields, doc, deprecation);
  }

  /** Returns a copy that accepts numbers from {@code min} to {@code max}, both included; either may be null. */
  public ConfigField<T> range(Number min, Number max) {
    return new ConfigField<>(name, type, defaultValue, required, secret, allowedValues, min, max,
        pattern, patternRule, fields, doc, deprecation);
  }

  /**
   * Returns a copy that accepts only strings (or string-list elements) wholly matching the
   * regular expression {@code regex} ({@link java.util.regex.Pattern} syntax). {@code rule} says
   * the same in words, completing a sentence about the value, and is what an operator is shown:
   * {@code pattern("[a-z][a-z0-9_]*", "must be lowercase letters, digits and '_'")} refuses {@code
   * "X"} with {@code "X" must be lowercase letters, digits and '_'}.
   */
  public ConfigField<T> pattern(String regex, String rule) {
    return new ConfigField<>(name, type, defaultValue, required, secret, allowedValues, min, max,
        Objects.requireNonNull(regex, "regex"), Objects.requireNonNull(rule, "rule"), fields, doc,
        deprecation);
  }

  /** Returns a copy with documentation (Markdown), shown in the catalog and the UI's forms. */
  public ConfigField<T> doc(String text) {
    return new ConfigField<>(name, type, defaultValue, required, secret, allowedValues, min, max,
        pattern, patternRule, fields, text, deprecation);
  }

  /**
   * Returns a copy marked deprecated: still accepted, but a pipeline that gives it compiles with
   * a warning showing {@code advice} (say, what to use instead).
   */
  public ConfigField<T> deprecated(String advice) {
    return new ConfigField<>(name, type, defaultValue, required, secret, allowedValues, min, max,
        pattern, patternRule, fields, doc, Objects.requireNonNull(advice, "advice"));
  }

  public String name() {
    return name;
  }

  /** For a deprecated field, the advice shown when it is given; else null. */
  public String deprecation() {
    return deprecation;
  }

  /**
   * Returns the exception a factory throws when this field's value is valid by the schema but
   * unusable (a pattern that does not compile, a file that cannot be read): its message is {@code
   * config '<name>': <why>}, which the host shows on the field.
   */
  public IllegalArgumentException invalid(String why) {
    return new IllegalArgumentException("config '" + name + "': " + why);
  }

  /** One of the type names listed in the class documentation, e.g. {@value #STRING_LIST}. */
  public String type() {
    return type;
  }

  /** The default, or null. */
  public T defaultValue() {
    return defaultValue;
  }

  public boolean isRequired() {
    return required;
  }

  public boolean isSecret() {
    return secret;
  }

  /** The values accepted, or empty if any value of the type is. */
  public List<String> allowedValues() {
    return allowedValues;
  }

  /** The smallest number accepted, or null. */
  public Number min() {
    return min;
  }

  /** The largest number accepted, or null. */
  public Number max() {
    return max;
  }

  /** The regular expression strings must match, or null. */
  public String pattern() {
    return pattern;
  }

  /** The {@link #pattern()} in words, as given with it, or null. */
  public String patternRule() {
    return patternRule;
  }

  /** For an {@value #OBJECT_LIST} field, the keys of each element; else empty. */
  public List<ConfigField<?>> fields() {
    return fields;
  }

  public String doc() {
    return doc;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ConfigField)) {
      return false;
    }
    ConfigField<?> f = (ConfigField<?>) o;
    return name.equals(f.name) && type.equals(f.type) && Objects.equals(defaultValue, f.defaultValue)
        && required == f.required && secret == f.secret && allowedValues.equals(f.allowedValues)
        && Objects.equals(min, f.min) && Objects.equals(max, f.max)
        && Objects.equals(pattern, f.pattern) && Objects.equals(patternRule, f.patternRule)
        && fields.equals(f.fields) && doc.equals(f.doc)
        && Objects.equals(deprecation, f.deprecation);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, defaultValue, required, secret, allowedValues, min, max, pattern,
        fields, doc, deprecation);
  }

  @Override
  public String toString() {
    return name + ":" + type + (required ? " required" : "") + (secret ? " secret" : "");
  }
}
