package io.tributary.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A processor's passport and catalog entry: who it is, what it reads and writes, how it is
 * configured, how stable it is, and worked examples that double as documentation and tests.
 * Immutable; built with {@link #builder(String, String)}.
 *
 * <p>The host checks a descriptor when it loads the plugin and refuses the plugin, naming the
 * first problem, when an id is not lowercase words joined by {@code -} or {@code .} (at most 64
 * characters), a version is not semantic (SemVer 2.0.0), a key does not follow the notation
 * below, a config field is declared twice or contradicts itself, a failure default is not among
 * the writes, or an example's configuration does not fit the schema. The plugin test kit runs the
 * same check, so a plugin's own tests find these first.
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
 * item attribute), {@code field:*}. A key chosen in configuration is named by its config field in
 * braces, after an optional prefix: {@code {tags}}, {@code resource:{tags}} stand for the value of
 * a string field, the values of a string list or the keys of a string map, as a stage configures
 * them, so each stage declares exactly the keys it touches.
 *
 * <p>{@code reads} are keys the processor looks at if present (from the incoming telemetry or an
 * earlier stage; looking at a key it writes, to leave a value already there, is part of writing
 * it); {@code requires} are keys an <em>earlier stage</em> must write, so the pipeline
 * does not compile without one; {@code writes} are every key the processor may add, change or
 * remove; {@code redacts} are keys whose values it may mask, hash, shorten or remove but never
 * fills with anything new. The host orders stages by these declarations and warns where they
 * clash; a redaction clashes with nothing written before it (redacting what earlier stages wrote is
 * its purpose) but warns when a later stage writes what it redacts.
 */
public final class ProcessorDescriptor {

  /** {@link #stability()}: may change in any release. The default. */
  public static final String EXPERIMENTAL = "experimental";
  /** {@link #stability()}: changes follow semantic versioning. */
  public static final String STABLE = "stable";
  /** {@link #stability()}: still works, but will go; {@link #replacement()} may name what to use. */
  public static final String DEPRECATED = "deprecated";

  private final String id;
  private final String version;
  private final String title;
  private final String description;
  private final List<String> reads;
  private final List<String> writes;
  private final List<String> requires;
  private final List<String> redacts;
  private final List<String> requiredServices;
  private final List<ConfigField<?>> config;
  private final String stability;
  private final String replacement;
  private final Map<String, Object> failureDefaults;
  private final List<Example> examples;

  private ProcessorDescriptor(Builder b) {
    this.id = b.id;
    this.version = b.version;
    this.title = b.title == null ? b.id : b.title;
    this.description = b.description;
    this.reads = List.copyOf(b.reads);
    this.writes = List.copyOf(b.writes);
    this.requires = List.copyOf(b.requires);
    this.redacts = List.copyOf(b.redacts);
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

  /** A short human name; the id if none was given. */
  public String title() {
    return title;
  }

  /** What the processor does, in Markdown. */
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

  /** Keys whose values the processor may mask, hash, shorten or remove, never fill anew. */
  public List<String> redacts() {
    return redacts;
  }

  /** Keys an earlier stage must write for this processor to work. */
  public List<String> requires() {
    return requires;
  }

  /** Fully qualified names of service types the host must offer ({@link ProcessorContext#service}). */
  public List<String> requiredServices() {
    return requiredServices;
  }

  /** The configuration schema, in display order. */
  public List<ConfigField<?>> config() {
    return config;
  }

  /** The field named {@code name}, or null. */
  public ConfigField<?> configField(String name) {
    for (ConfigField<?> f : config) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** {@link #EXPERIMENTAL}, {@link #STABLE} or {@link #DEPRECATED}. */
  public String stability() {
    return stability;
  }

  /** For a deprecated processor, the id of the one to use instead, if named; else null. */
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

  /** The worked examples, in order. */
  public List<Example> examples() {
    return examples;
  }

  @Override
  public String toString() {
    return "ProcessorDescriptor[" + coordinates() + ", " + stability + "]";
  }

  /**
   * Builds a {@link ProcessorDescriptor}. Collects what it is given; the host checks the result
   * (see the class documentation). Not thread-safe.
   */
  public static final class Builder {
    private final String id;
    private final String version;
    private String title;
    private String description = "";
    private final List<String> reads = new ArrayList<>();
    private final List<String> writes = new ArrayList<>();
    private final List<String> requires = new ArrayList<>();
    private final List<String> redacts = new ArrayList<>();
    private final List<String> requiredServices = new ArrayList<>();
    private final List<ConfigField<?>> config = new ArrayList<>();
    private String stability = EXPERIMENTAL;
    private String replacement;
    private final Map<String, Object> failureDefaults = new LinkedHashMap<>();
    private final List<Example> examples = new ArrayList<>();

    private Builder(String id, String version) {
      this.id = Objects.requireNonNull(id, "id");
      this.version = Objects.requireNonNull(version, "version");
    }

    public Builder title(String title) {
      this.title = Objects.requireNonNull(title, "title");
      return this;
    }

    /** What the processor does, in Markdown (tables included). */
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

    public Builder redacts(String... keys) {
      redacts.addAll(Arrays.asList(keys));
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

    public Builder config(ConfigField<?>... fields) {
      config.addAll(Arrays.asList(fields));
      return this;
    }

    /** Marks the processor {@link #STABLE}: its contract changes follow semantic versioning. */
    public Builder stable() {
      this.stability = STABLE;
      this.replacement = null;
      return this;
    }

    /** Marks the processor {@link #DEPRECATED} in favour of processor {@code replacementId}. */
    public Builder deprecatedFor(String replacementId) {
      this.stability = DEPRECATED;
      this.replacement = Objects.requireNonNull(replacementId, "replacementId");
      return this;
    }

    /** Marks the processor {@link #DEPRECATED} with no replacement. */
    public Builder deprecated() {
      this.stability = DEPRECATED;
      this.replacement = null;
      return this;
    }

    public Builder failureDefault(String key, Object value) {
      failureDefaults.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    public Builder example(Example example) {
      examples.add(Objects.requireNonNull(example, "example"));
      return this;
    }

    public Builder example(String title, Map<String, ?> config, Item input, Item expected) {
      return example(Example.of(title, config, input, expected));
    }

    public ProcessorDescriptor build() {
      return new ProcessorDescriptor(this);
    }
  }
}
