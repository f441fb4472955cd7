package io.tributary.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * A processor's passport and catalog entry: who it is, what it reads and writes, how it is
 * configured, how stable it is, and worked examples that double as documentation and tests.
 * Immutable; built with {@link #builder(String, String)}, which validates everything and throws
 * {@link IllegalArgumentException} naming the first problem.
 *
 * <h2>Key notation</h2>
 *
 * {@link #reads()}, {@link #writes()} and {@link #requires()} name parts of an {@link Item}:
 *
 * <ul>
 *   <li>{@code http.route} — an item attribute;
 *   <li>{@code resource:service.name} — a resource attribute;
 *   <li>{@code scope:otel.library} — an instrumentation scope attribute;
 *   <li>{@code field:trace_id} — a field: {@code name}, {@code trace_id}, {@code span_id}, {@code
 *       parent_span_id}, {@code trace_flags}, {@code trace_state}, {@code baggage}, {@code body},
 *       {@code severity_number}, {@code severity_text}, {@code time}, {@code end_time}, {@code
 *       observed_time}, {@code schema_url}, {@code scope_name}, {@code scope_version}.
 * </ul>
 *
 * A trailing {@code *} matches any suffix: {@code user.*}, {@code resource:*}, {@code *} (every
 * item attribute), {@code field:*}.
 *
 * <p>{@code reads} are keys the processor looks at if present (from the incoming telemetry or an
 * earlier stage); {@code requires} are keys an <em>earlier stage</em> must write, so the pipeline
 * does not compile without one; {@code writes} are every key the processor may add, change or
 * remove.
 */
public final class ProcessorDescriptor {

  /** How far a processor's contract can be relied on. */
  public enum Stability {
    /** May change in any release. */
    EXPERIMENTAL,
    /** Changes follow semantic versioning. */
    STABLE,
    /** Still works, but will go; {@link #replacement()} names what to use instead. */
    DEPRECATED
  }

  /** The type of a configuration value. */
  public enum ConfigType {
    STRING,
    LONG,
    DOUBLE,
    BOOLEAN,
    STRING_LIST,
    STRING_MAP;

    /**
     * Converts a raw value (as parsed from JSON or YAML) to this type. Numbers, booleans and
     * strings that spell them ({@code "42"}, {@code "true"}) are accepted for the scalar types;
     * a single string for a list; a map's values must be strings or scalars.
     *
     * @throws IllegalArgumentException saying what was expected and what was found
     */
    public Object coerce(Object raw) {
      Objects.requireNonNull(raw, "raw");
      switch (this) {
        case STRING:
          if (raw instanceof String) {
            return raw;
          }
          if (raw instanceof Number || raw instanceof Boolean) {
            return raw.toString();
          }
          break;
        case LONG:
          if (raw instanceof Long || raw instanceof Integer || raw instanceof Short
              || raw instanceof Byte) {
            return ((Number) raw).longValue();
          }
          if (raw instanceof java.math.BigInteger || raw instanceof java.math.BigDecimal) {
            try {
              return new java.math.BigDecimal(raw.toString()).longValueExact();
            } catch (ArithmeticException e) {
              break;
            }
          }
          if (raw instanceof Double && isIntegral((Double) raw)) {
            return ((Double) raw).longValue();
          }
          if (raw instanceof String) {
            try {
              return Long.parseLong(((String) raw).trim());
            } catch (NumberFormatException e) {
              break;
            }
          }
          break;
        case DOUBLE:
          if (raw instanceof Number) {
            return ((Number) raw).doubleValue();
          }
          if (raw instanceof String) {
            try {
              double d = Double.parseDouble(((String) raw).trim());
              if (Double.isFinite(d)) {
                return d;
              }
            } catch (NumberFormatException e) {
              break;
            }
          }
          break;
        case BOOLEAN:
          if (raw instanceof Boolean) {
            return raw;
          }
          if ("true".equals(raw) || "false".equals(raw)) {
            return Boolean.valueOf((String) raw);
          }
          break;
        case STRING_LIST:
          if (raw instanceof String) {
            return List.of(raw);
          }
          if (raw instanceof List) {
            List<String> out = new ArrayList<>();
            for (Object o : (List<?>) raw) {
              if (!(o instanceof String || o instanceof Number || o instanceof Boolean)) {
                throw new IllegalArgumentException(
                    "expected a list of strings, found an element " + describe(o));
              }
              out.add(o.toString());
            }
            return Collections.unmodifiableList(out);
          }
          break;
        case STRING_MAP:
          if (raw instanceof Map) {
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) raw).entrySet()) {
              Object v = e.getValue();
              if (!(e.getKey() instanceof String)
                  || !(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                throw new IllegalArgumentException(
                    "expected a map of strings, found entry '" + e.getKey() + "' " + describe(v));
              }
              out.put((String) e.getKey(), v.toString());
            }
            return Collections.unmodifiableMap(out);
          }
          break;
        default:
          throw new AssertionError(this);
      }
      throw new IllegalArgumentException("expected " + article() + ", found " + describe(raw));
    }

    private String article() {
      switch (this) {
        case STRING: return "a string";
        case LONG: return "an integer";
        case DOUBLE: return "a number";
        case BOOLEAN: return "a boolean (true or false)";
        case STRING_LIST: return "a list of strings";
        default: return "a map of strings";
      }
    }

    private static boolean isIntegral(double d) {
      return d == Math.rint(d) && Math.abs(d) < 0x1p53;
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
      return "the " + o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + o;
    }
  }

  /**
   * One configuration key. Build with the static factories and refine with the {@code with…}
   * methods, which return new values: {@code ConfigField.string("header").required().doc("…")}.
   */
  public static final class ConfigField {
    private final String name;
    private final ConfigType type;
    private final Object defaultValue;
    private final boolean required;
    private final boolean secret;
    private final List<String> allowedValues;
    private final String doc;

    private ConfigField(
        String name,
        ConfigType type,
        Object defaultValue,
        boolean required,
        boolean secret,
        List<String> allowedValues,
        String doc) {
      this.name = Objects.requireNonNull(name, "name");
      this.type = Objects.requireNonNull(type, "type");
      this.defaultValue = defaultValue;
      this.required = required;
      this.secret = secret;
      this.allowedValues = List.copyOf(allowedValues);
      this.doc = Objects.requireNonNull(doc, "doc");
    }

    public static ConfigField of(String name, ConfigType type) {
      return new ConfigField(name, type, null, false, false, List.of(), "");
    }

    public static ConfigField string(String name) {
      return of(name, ConfigType.STRING);
    }

    public static ConfigField longValue(String name) {
      return of(name, ConfigType.LONG);
    }

    public static ConfigField doubleValue(String name) {
      return of(name, ConfigType.DOUBLE);
    }

    public static ConfigField bool(String name) {
      return of(name, ConfigType.BOOLEAN);
    }

    public static ConfigField stringList(String name) {
      return of(name, ConfigType.STRING_LIST);
    }

    public static ConfigField stringMap(String name) {
      return of(name, ConfigType.STRING_MAP);
    }

    /** Returns a copy with a default (coerced to the field's type when the descriptor is built). */
    public ConfigField withDefault(Object value) {
      return new ConfigField(name, type, value, required, secret, allowedValues, doc);
    }

    /** Returns a copy that must be given a value (and so has no default). */
    public ConfigField required() {
      return new ConfigField(name, type, defaultValue, true, secret, allowedValues, doc);
    }

    /** Returns a copy whose value is a secret: encrypted at rest, never shown or logged. */
    public ConfigField secret() {
      return new ConfigField(name, type, defaultValue, required, true, allowedValues, doc);
    }

    /** Returns a copy that accepts only these values (for strings and string lists). */
    public ConfigField allowedValues(String... values) {
      return new ConfigField(name, type, defaultValue, required, secret, Arrays.asList(values), doc);
    }

    /** Returns a copy with documentation. */
    public ConfigField doc(String text) {
      return new ConfigField(name, type, defaultValue, required, secret, allowedValues, text);
    }

    public String name() {
      return name;
    }

    public ConfigType type() {
      return type;
    }

    /** The default, already of this field's type, or null. */
    public Object defaultValue() {
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

    public String doc() {
      return doc;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof ConfigField)) {
        return false;
      }
      ConfigField f = (ConfigField) o;
      return name.equals(f.name) && type == f.type && Objects.equals(defaultValue, f.defaultValue)
          && required == f.required && secret == f.secret
          && allowedValues.equals(f.allowedValues) && doc.equals(f.doc);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, type, defaultValue, required, secret, allowedValues, doc);
    }

    @Override
    public String toString() {
      return name + ":" + type + (required ? " required" : "") + (secret ? " secret" : "");
    }
  }

  /**
   * A worked example: running the processor with {@code config} on {@code input} must produce
   * {@code expected}. Rendered in the catalog and run by the test suite. The items are templates:
   * the host copies them before use, and nobody should mutate them.
   */
  public static final class Example {
    private final String title;
    private final Map<String, Object> config;
    private final Item input;
    private final Item expected;

    private Example(String title, Map<String, Object> config, Item input, Item expected) {
      this.title = requireText(title, "example title");
      this.config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
      this.input = Objects.requireNonNull(input, "input").copy();
      this.expected = Objects.requireNonNull(expected, "expected").copy();
    }

    public static Example of(String title, Map<String, ?> config, Item input, Item expected) {
      return new Example(title, new LinkedHashMap<>(config), input, expected);
    }

    public String title() {
      return title;
    }

    public Map<String, Object> config() {
      return config;
    }

    /** Returns a fresh copy of the input item. */
    public Item input() {
      return input.copy();
    }

    /** Returns a fresh copy of the expected output item. */
    public Item expected() {
      return expected.copy();
    }
  }

  // The official SemVer 2.0.0 grammar.
  private static final Pattern SEMVER = Pattern.compile(
      "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
          + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
          + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*");
  private static final Pattern CONFIG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
  private static final Set<String> FIELDS = Set.of(Arrays.copyOf(Item.FIELD_NAMES, 16));

  private final String id;
  private final String version;
  private final String title;
  private final String description;
  private final List<String> reads;
  private final List<String> writes;
  private final List<String> requires;
  private final List<String> requiredServices;
  private final List<ConfigField> config;
  private final Stability stability;
  private final String replacement;
  private final Map<String, Object> failureDefaults;
  private final List<Example> examples;

  private ProcessorDescriptor(Builder b) {
    this.id = b.id;
    this.version = b.version;
    this.title = b.title;
    this.description = b.description;
    this.reads = List.copyOf(b.reads);
    this.writes = List.copyOf(b.writes);
    this.requires = List.copyOf(b.requires);
    this.requiredServices = List.copyOf(b.requiredServices);
    this.config = List.copyOf(b.config);
    this.stability = b.stability;
    this.replacement = b.replacement;
    this.failureDefaults = Collections.unmodifiableMap(new LinkedHashMap<>(b.failureDefaults));
    this.examples = List.copyOf(b.examples);
  }

  /** Starts a descriptor for processor {@code id} at semantic version {@code version}. */
  public static Builder builder(String id, String version) {
    return new Builder(id, version);
  }

  /** The processor id: lowercase words joined by {@code -} or {@code .}, e.g. {@code pii-redaction}. */
  public String id() {
    return id;
  }

  /** The processor's semantic version (SemVer 2.0.0). */
  public String version() {
    return version;
  }

  /** {@code id@version}, as lineage and logs name a processor. */
  public String coordinates() {
    return id + "@" + version;
  }

  public String title() {
    return title;
  }

  public String description() {
    return description;
  }

  /** Keys the processor reads if present. See the class documentation for the notation. */
  public List<String> reads() {
    return reads;
  }

  /** Every key the processor may add, change or remove. */
  public List<String> writes() {
    return writes;
  }

  /** Keys an earlier stage must write for this processor to work. */
  public List<String> requires() {
    return requires;
  }

  /** Fully qualified names of service types the host must inject ({@link ProcessorContext#service}). */
  public List<String> requiredServices() {
    return requiredServices;
  }

  /** The configuration schema, in display order. */
  public List<ConfigField> config() {
    return config;
  }

  /** The field named {@code name}, or null. */
  public ConfigField configField(String name) {
    for (ConfigField f : config) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  public Stability stability() {
    return stability;
  }

  /** For a deprecated processor, the id of the one to use instead; else null. */
  public String replacement() {
    return replacement;
  }

  /**
   * Attribute values a stage with the {@code default} failure policy sets when this processor
   * fails on an item. Keys are among {@link #writes()}.
   */
  public Map<String, Object> failureDefaults() {
    return failureDefaults;
  }

  public List<Example> examples() {
    return examples;
  }

  /**
   * Checks raw configuration (as parsed from JSON) against the schema: unknown keys, missing
   * required values, wrong types and disallowed values are each reported to {@code problems} as
   * (key, message). Returns the typed configuration with defaults filled in, or null if there was
   * any problem.
   */
  public ProcessorConfig validateConfig(Map<String, ?> raw, BiConsumer<String, String> problems) {
    Objects.requireNonNull(problems, "problems");
    Map<String, ?> given = raw == null ? Map.of() : raw;
    boolean ok = true;
    for (String key : given.keySet()) {
      if (configField(key) == null) {
        problems.accept(key, "unknown config key" + suggestion(key));
        ok = false;
      }
    }
    Map<String, Object> typed = new LinkedHashMap<>();
    for (ConfigField field : config) {
      Object value = given.get(field.name());
      if (value == null) {
        if (field.isRequired()) {
          problems.accept(field.name(), "a value is required");
          ok = false;
        } else if (field.defaultValue() != null) {
          typed.put(field.name(), field.defaultValue());
        }
        continue;
      }
      try {
        Object coerced = field.type().coerce(value);
        checkAllowed(field, coerced);
        typed.put(field.name(), coerced);
      } catch (IllegalArgumentException e) {
        // Coercion messages quote the value found; a secret's value must never be shown.
        problems.accept(
            field.name(),
            field.isSecret()
                ? "expected " + field.type().article() + " (the value of a secret is not shown)"
                : e.getMessage());
        ok = false;
      }
    }
    return ok ? ProcessorConfig.of(typed) : null;
  }

  /**
   * Like {@link #validateConfig(Map, BiConsumer)}, but throws {@link IllegalArgumentException}
   * listing every problem.
   */
  public ProcessorConfig validateConfig(Map<String, ?> raw) {
    List<String> problems = new ArrayList<>();
    ProcessorConfig result = validateConfig(raw, (k, m) -> problems.add("'" + k + "': " + m));
    if (result == null) {
      throw new IllegalArgumentException(
          "invalid config for " + coordinates() + ": " + String.join("; ", problems));
    }
    return result;
  }

  private String suggestion(String key) {
    List<String> names = new ArrayList<>();
    for (ConfigField f : config) {
      names.add(f.name());
    }
    return names.isEmpty() ? " (this processor takes no config)" : " (known keys: " + names + ")";
  }

  private static void checkAllowed(ConfigField field, Object value) {
    if (field.allowedValues().isEmpty()) {
      return;
    }
    List<?> values = value instanceof List ? (List<?>) value : List.of(value);
    for (Object v : values) {
      if (!field.allowedValues().contains(v)) {
        throw new IllegalArgumentException(
            "\"" + v + "\" is not one of " + field.allowedValues());
      }
    }
  }

  /**
   * Returns true if {@code pattern} (a declared key, possibly ending in {@code *}) covers {@code
   * key} (a concrete key or another pattern), both in the notation of the class documentation.
   */
  public static boolean covers(String pattern, String key) {
    if (pattern.endsWith("*")) {
      String prefix = pattern.substring(0, pattern.length() - 1);
      String k = key.endsWith("*") ? key.substring(0, key.length() - 1) : key;
      return k.startsWith(prefix) && hasSameScope(prefix, k);
    }
    return pattern.equals(key);
  }

  private static boolean hasSameScope(String prefix, String key) {
    // "*" covers item attributes only, not "resource:x".
    return prefix.indexOf(':') >= 0 || key.indexOf(':') < 0 || !isScoped(key);
  }

  private static boolean isScoped(String key) {
    return key.startsWith("resource:") || key.startsWith("scope:") || key.startsWith("field:");
  }

  @Override
  public String toString() {
    return "ProcessorDescriptor[" + coordinates() + ", " + stability + "]";
  }

  /** Builds a {@link ProcessorDescriptor}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private final String version;
    private String title;
    private String description = "";
    private final List<String> reads = new ArrayList<>();
    private final List<String> writes = new ArrayList<>();
    private final List<String> requires = new ArrayList<>();
    private final List<String> requiredServices = new ArrayList<>();
    private final List<ConfigField> config = new ArrayList<>();
    private Stability stability = Stability.EXPERIMENTAL;
    private String replacement;
    private final Map<String, Object> failureDefaults = new LinkedHashMap<>();
    private final List<Example> examples = new ArrayList<>();

    private Builder(String id, String version) {
      this.id = id;
      this.version = version;
    }

    public Builder title(String title) {
      this.title = title;
      return this;
    }

    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    public Builder reads(String... keys) {
      reads.addAll(Arrays.asList(keys));
      return this;
    }

    public Builder writes(String... keys) {
      writes.addAll(Arrays.asList(keys));
      return this;
    }

    public Builder requires(String... keys) {
      requires.addAll(Arrays.asList(keys));
      return this;
    }

    public Builder requiresService(Class<?> type) {
      requiredServices.add(type.getName());
      return this;
    }

    public Builder config(ConfigField... fields) {
      config.addAll(Arrays.asList(fields));
      return this;
    }

    public Builder stability(Stability stability) {
      this.stability = Objects.requireNonNull(stability, "stability");
      return this;
    }

    /** Marks the processor deprecated in favour of processor {@code replacementId}. */
    public Builder deprecatedFor(String replacementId) {
      this.stability = Stability.DEPRECATED;
      this.replacement = replacementId;
      return this;
    }

    public Builder failureDefault(String key, Object value) {
      failureDefaults.put(key, value);
      return this;
    }

    public Builder example(Example example) {
      examples.add(Objects.requireNonNull(example, "example"));
      return this;
    }

    public Builder example(String title, Map<String, ?> config, Item input, Item expected) {
      return example(Example.of(title, config, input, expected));
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first problem found
     */
    public ProcessorDescriptor build() {
      String where = "processor '" + id + "'";
      if (id == null || id.isEmpty()) {
        throw new IllegalArgumentException("processor id is empty");
      }
      if (id.length() > 64 || !ID.matcher(id).matches()) {
        throw new IllegalArgumentException(
            where + ": id must be lowercase words joined by '-' or '.', at most 64 characters");
      }
      if (version == null || !SEMVER.matcher(version).matches()) {
        throw new IllegalArgumentException(
            where + ": version '" + version + "' is not a semantic version (MAJOR.MINOR.PATCH)");
      }
      where = "processor " + id + "@" + version;
      if (title == null) {
        title = id;
      }
      requireText(title, where + ": title");
      checkKeys(where, "reads", reads);
      checkKeys(where, "writes", writes);
      checkKeys(where, "requires", requires);
      for (String key : requires) {
        if (key.endsWith("*")) {
          throw new IllegalArgumentException(
              where + ": requires '" + key + "': a requirement must name one key, not a pattern");
        }
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < config.size(); i++) {
        config.set(i, checkField(where, config.get(i), names));
      }
      if (replacement != null) {
        if (stability != Stability.DEPRECATED) {
          throw new IllegalArgumentException(where + ": a replacement is given but it is not deprecated");
        }
        if (!ID.matcher(replacement).matches()) {
          throw new IllegalArgumentException(
              where + ": replacement '" + replacement + "' is not a processor id");
        }
      }
      for (Map.Entry<String, Object> e : failureDefaults.entrySet()) {
        String key = e.getKey();
        String problem = keyProblem(key);
        if (problem == null && (key.endsWith("*") || key.startsWith("field:"))) {
          problem = "a failure default names one attribute, not a field or a pattern";
        }
        if (problem != null) {
          throw new IllegalArgumentException(where + ": failure default '" + key + "': " + problem);
        }
        if (!isCovered(writes, key)) {
          throw new IllegalArgumentException(
              where + ": failure default '" + key + "' is not among its writes");
        }
        try {
          Attributes.create().putValue("x", Objects.requireNonNull(e.getValue()));
        } catch (IllegalArgumentException | NullPointerException ex) {
          throw new IllegalArgumentException(
              where + ": failure default '" + key + "' has an unsupported value");
        }
      }
      for (Example example : examples) {
        for (String key : example.config().keySet()) {
          if (!names.contains(key)) {
            throw new IllegalArgumentException(
                where + ": example '" + example.title() + "' uses unknown config key '" + key + "'");
          }
        }
      }
      ProcessorDescriptor descriptor = new ProcessorDescriptor(this);
      for (Example example : examples) {
        try {
          descriptor.validateConfig(example.config());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              where + ": example '" + example.title() + "' has an " + e.getMessage(), e);
        }
      }
      return descriptor;
    }

    private static ConfigField checkField(String where, ConfigField f, Set<String> names) {
      String at = where + ": config '" + f.name() + "'";
      if (!CONFIG_NAME.matcher(f.name()).matches()) {
        throw new IllegalArgumentException(at + ": name must start with a letter and use letters, digits, '_', '.', '-'");
      }
      if (!names.add(f.name())) {
        throw new IllegalArgumentException(at + " is declared twice");
      }
      if (f.isRequired() && f.defaultValue() != null) {
        throw new IllegalArgumentException(at + " is required and has a default: choose one");
      }
      if (!f.allowedValues().isEmpty()
          && f.type() != ConfigType.STRING && f.type() != ConfigType.STRING_LIST) {
        throw new IllegalArgumentException(at + ": allowed values apply to strings and string lists only");
      }
      if (f.isSecret() && f.type() != ConfigType.STRING && f.type() != ConfigType.STRING_MAP) {
        throw new IllegalArgumentException(at + ": only strings and string maps can be secret");
      }
      if (f.isSecret() && !f.allowedValues().isEmpty()) {
        throw new IllegalArgumentException(at + ": a secret cannot list allowed values");
      }
      if (f.isSecret() && f.defaultValue() != null) {
        throw new IllegalArgumentException(at + ": a secret cannot have a default");
      }
      if (f.defaultValue() == null) {
        return f;
      }
      Object coerced;
      try {
        coerced = f.type().coerce(f.defaultValue());
        checkAllowed(f, coerced);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": default " + e.getMessage());
      }
      return f.withDefault(coerced);
    }

    private static void checkKeys(String where, String what, List<String> keys) {
      Set<String> seen = new HashSet<>();
      for (String key : keys) {
        String problem = keyProblem(key);
        if (problem != null) {
          throw new IllegalArgumentException(where + ": " + what + " '" + key + "': " + problem);
        }
        if (!seen.add(key)) {
          throw new IllegalArgumentException(where + ": " + what + " '" + key + "' is listed twice");
        }
      }
    }

    private static String keyProblem(String key) {
      if (key == null || key.isEmpty()) {
        return "empty key";
      }
      String name = key;
      String scope = "";
      int colon = key.indexOf(':');
      if (colon >= 0) {
        scope = key.substring(0, colon);
        name = key.substring(colon + 1);
        if (!scope.equals("resource") && !scope.equals("scope") && !scope.equals("field")) {
          return "unknown prefix '" + scope + ":' (use resource:, scope: or field:)";
        }
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c <= ' ' || c == 127 || (c == '*' && i != name.length() - 1)) {
          return "keys may not contain whitespace, and '*' only at the end";
        }
      }
      if (name.isEmpty()) {
        return "empty key name";
      }
      if (scope.equals("field") && !name.equals("*") && !FIELDS.contains(name)) {
        return "unknown field (known: " + new java.util.TreeSet<>(FIELDS) + ")";
      }
      return null;
    }

    private static boolean isCovered(List<String> patterns, String key) {
      for (String p : patterns) {
        if (covers(p, key)) {
          return true;
        }
      }
      return false;
    }
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    return value;
  }
}
