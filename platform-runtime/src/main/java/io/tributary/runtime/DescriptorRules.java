package io.tributary.runtime;

import io.tributary.api.ConfigField;
import io.tributary.api.Example;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.host.Hooks;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rules a processor descriptor must follow before the host takes the processor in, and the
 * key notation's matching ({@link #covers}). Plugin loading, the built-in registry and the plugin
 * test kit all check through {@link #check(ProcessorDescriptor)}.
 */
public final class DescriptorRules {

  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*");
  private static final Pattern CONFIG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
  private static final Set<String> FIELDS = Set.copyOf(Hooks.itemFields());
  private static final Set<String> STABILITIES = Set.of(
      ProcessorDescriptor.EXPERIMENTAL, ProcessorDescriptor.STABLE, ProcessorDescriptor.DEPRECATED);

  private DescriptorRules() {}

  /**
   * Checks {@code d} and returns it.
   *
   * @throws IllegalArgumentException naming the processor and the first problem found
   */
  public static ProcessorDescriptor check(ProcessorDescriptor d) {
    String id = d.id();
    String where = "processor '" + id + "'";
    if (id.isEmpty()) {
      throw new IllegalArgumentException("processor id is empty");
    }
    if (id.length() > 64 || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          where + ": id must be lowercase words joined by '-' or '.', at most 64 characters");
    }
    if (!SemanticVersion.isValid(d.version())) {
      throw new IllegalArgumentException(where + ": version '" + d.version()
          + "' is not a semantic version (MAJOR.MINOR.PATCH)");
    }
    where = "processor " + d.coordinates();
    if (d.title().isBlank()) {
      throw new IllegalArgumentException(where + ": title is empty");
    }
    checkKeys(where, "reads", d.reads(), d);
    checkKeys(where, "writes", d.writes(), d);
    checkKeys(where, "redacts", d.redacts(), d);
    checkKeys(where, "requires", d.requires(), d);
    for (String key : d.requires()) {
      if (key.endsWith("*") || KeyTemplates.isTemplate(key)) {
        throw new IllegalArgumentException(
            where + ": requires '" + key + "': a requirement must name one key, not a pattern");
      }
    }
    checkFields(where + ": config '", d.config(), true);
    if (!STABILITIES.contains(d.stability())) {
      throw new IllegalArgumentException(where + ": unknown stability '" + d.stability() + "'");
    }
    if (d.replacement() != null) {
      if (!ID.matcher(d.replacement()).matches()) {
        throw new IllegalArgumentException(
            where + ": replacement '" + d.replacement() + "' is not a processor id");
      }
    }
    for (Map.Entry<String, Object> e : d.failureDefaults().entrySet()) {
      checkFailureDefault(where, d, e.getKey(), e.getValue());
    }
    for (Example example : d.examples()) {
      if (example.title().isBlank()) {
        throw new IllegalArgumentException(where + ": an example title is empty");
      }
      try {
        ConfigSchema.validate(d, example.config());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            where + ": example '" + example.title() + "' has an " + e.getMessage(), e);
      }
    }
    return d;
  }

  private static void checkFailureDefault(String where, ProcessorDescriptor d, String key, Object value) {
    String problem = keyProblem(key);
    if (problem == null && (key.endsWith("*") || key.startsWith("field:"))) {
      problem = "a failure default names one attribute, not a field or a pattern";
    }
    if (problem != null) {
      throw new IllegalArgumentException(where + ": failure default '" + key + "': " + problem);
    }
    if (d.writes().stream().noneMatch(p -> covers(p, key))) {
      throw new IllegalArgumentException(where + ": failure default '" + key + "' is not among its writes");
    }
    try {
      io.tributary.api.Attributes.create().putValue("x", value);
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException(where + ": failure default '" + key + "' has an unsupported value");
    }
  }

  private static void checkFields(String where, List<ConfigField<?>> fields, boolean topLevel) {
    Set<String> names = new HashSet<>();
    for (ConfigField<?> f : fields) {
      String at = where + f.name() + "'";
      if (!CONFIG_NAME.matcher(f.name()).matches()) {
        throw new IllegalArgumentException(
            at + ": name must start with a letter and use letters, digits, '_', '.', '-'");
      }
      if (!names.add(f.name())) {
        throw new IllegalArgumentException(at + " is declared twice");
      }
      checkField(at, f, topLevel);
    }
  }

  private static void checkField(String at, ConfigField<?> f, boolean topLevel) {
    String type = f.type();
    boolean strings = type.equals(ConfigField.STRING) || type.equals(ConfigField.STRING_LIST);
    boolean number = type.equals(ConfigField.LONG) || type.equals(ConfigField.DOUBLE);
    if (f.isRequired() && f.defaultValue() != null) {
      throw new IllegalArgumentException(at + " is required and has a default: choose one");
    }
    if (f.isRequired() && f.deprecation() != null) {
      throw new IllegalArgumentException(at + " is required and deprecated: choose one");
    }
    if (f.deprecation() != null && !topLevel) {
      throw new IllegalArgumentException(at + ": a field inside a list of objects cannot be deprecated");
    }
    if (!f.allowedValues().isEmpty() && !strings) {
      throw new IllegalArgumentException(at + ": allowed values apply to strings and string lists only");
    }
    if (f.pattern() != null) {
      if (!strings) {
        throw new IllegalArgumentException(at + ": a pattern applies to strings and string lists only");
      }
      String problem = ConfigSchema.patternProblem(f.pattern());
      if (problem != null) {
        throw new IllegalArgumentException(at + ": pattern does not compile: " + problem);
      }
    }
    if (f.min() != null || f.max() != null) {
      if (!number) {
        throw new IllegalArgumentException(at + ": a range applies to numbers only");
      }
      if (f.min() != null && f.max() != null
          && new java.math.BigDecimal(f.min().toString()).compareTo(
              new java.math.BigDecimal(f.max().toString())) > 0) {
        throw new IllegalArgumentException(at + ": range minimum " + f.min() + " is above its maximum " + f.max());
      }
    }
    if (f.isSecret()) {
      if (!topLevel) {
        throw new IllegalArgumentException(at + ": a field inside a list of objects cannot be secret");
      }
      if (!type.equals(ConfigField.STRING) && !type.equals(ConfigField.STRING_MAP)) {
        throw new IllegalArgumentException(at + ": only strings and string maps can be secret");
      }
      if (!f.allowedValues().isEmpty()) {
        throw new IllegalArgumentException(at + ": a secret cannot list allowed values");
      }
      if (f.defaultValue() != null) {
        throw new IllegalArgumentException(at + ": a secret cannot have a default");
      }
    }
    if (type.equals(ConfigField.OBJECT_LIST)) {
      if (!topLevel) {
        throw new IllegalArgumentException(at + ": a list of objects cannot hold another");
      }
      if (f.fields().isEmpty()) {
        throw new IllegalArgumentException(at + ": a list of objects must declare its fields");
      }
      if (f.defaultValue() != null) {
        throw new IllegalArgumentException(at + ": a list of objects cannot have a default (it is empty)");
      }
      checkFields(at.substring(0, at.length() - 1) + ".", f.fields(), false);
      return;
    }
    if (f.defaultValue() != null) {
      try {
        Object coerced = ConfigSchema.coerce(type, f.defaultValue());
        if (!coerced.equals(f.defaultValue())) {
          throw new IllegalArgumentException("is not " + ConfigSchema.article(type));
        }
        ConfigSchema.checkConstraints(f, coerced);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": default " + e.getMessage());
      }
    }
  }

  private static void checkKeys(String where, String what, List<String> keys, ProcessorDescriptor d) {
    Set<String> seen = new HashSet<>();
    for (String key : keys) {
      String problem = key != null && KeyTemplates.isTemplate(key) ? KeyTemplates.problem(key, d) : keyProblem(key);
      if (problem != null) {
        throw new IllegalArgumentException(where + ": " + what + " '" + key + "': " + problem);
      }
      if (!seen.add(key)) {
        throw new IllegalArgumentException(where + ": " + what + " '" + key + "' is listed twice");
      }
    }
  }

  /** Returns what is wrong with a key in descriptor notation, or null if nothing. */
  static String keyProblem(String key) {
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
      return "unknown field (known: " + new TreeSet<>(FIELDS) + ")";
    }
    return null;
  }

  /**
   * Returns true if {@code pattern} (a declared key, possibly ending in {@code *}) covers {@code
   * key} (a concrete key or another pattern), both in the descriptor's key notation.
   */
  public static boolean covers(String pattern, String key) {
    if (pattern.endsWith("*")) {
      String prefix = pattern.substring(0, pattern.length() - 1);
      String k = key.endsWith("*") ? key.substring(0, key.length() - 1) : key;
      // "*" covers item attributes only, not "resource:x".
      return k.startsWith(prefix) && (prefix.indexOf(':') >= 0 || k.indexOf(':') < 0 || !isScoped(k));
    }
    return pattern.equals(key);
  }

  private static boolean isScoped(String key) {
    return key.startsWith("resource:") || key.startsWith("scope:") || key.startsWith("field:");
  }
}
