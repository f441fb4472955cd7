package io.tributary.runtime;

import io.tributary.api.ConfigField;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keys chosen in configuration: a declared key {@code {tags}} or {@code resource:{tags}} stands
 * for the keys a stage's config field {@code tags} names (a string's value, a list's values, a
 * map's keys). Resolved per stage, so a stage declares exactly what it touches.
 */
final class KeyTemplates {

  private static final Pattern TEMPLATE =
      Pattern.compile("((?:resource|scope):)?\\{([A-Za-z][A-Za-z0-9_.-]*)\\}");

  private KeyTemplates() {}

  /** True if {@code key} names a config field in braces. */
  static boolean isTemplate(String key) {
    return key.indexOf('{') >= 0 || key.indexOf('}') >= 0;
  }

  /** What is wrong with a template key of {@code d}, or null if nothing. */
  static String problem(String key, ProcessorDescriptor d) {
    Matcher m = TEMPLATE.matcher(key);
    if (!m.matches()) {
      return "a key chosen in configuration is {field} or resource:{field} or scope:{field}, whole";
    }
    ConfigField<?> field = d.configField(m.group(2));
    if (field == null) {
      return "names config '" + m.group(2) + "', which is not declared";
    }
    String type = field.type();
    if (!type.equals(ConfigField.STRING) && !type.equals(ConfigField.STRING_LIST)
        && !type.equals(ConfigField.STRING_MAP)) {
      return "names config '" + m.group(2) + "', which is not a string, string list or string map";
    }
    return null;
  }

  /** {@code keys} with each template replaced by the keys the stage's config names. */
  static List<String> resolve(List<String> keys, ProcessorDescriptor d, ProcessorConfig config) {
    List<String> out = null;
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      if (!isTemplate(key)) {
        if (out != null) {
          out.add(key);
        }
        continue;
      }
      if (out == null) {
        out = new ArrayList<>(keys.subList(0, i));
      }
      Matcher m = TEMPLATE.matcher(key);
      if (!m.matches()) {
        continue;
      }
      String prefix = m.group(1) == null ? "" : m.group(1);
      ConfigField<?> field = d.configField(m.group(2));
      Object value = field == null ? null : config.get(field);
      Collection<?> names = value instanceof Map ? ((Map<?, ?>) value).keySet()
          : value instanceof Collection ? (Collection<?>) value
          : value == null ? List.of() : List.of(value);
      for (Object name : names) {
        String k = prefix + name;
        if (!out.contains(k)) {
          out.add(k);
        }
      }
    }
    return out == null ? keys : List.copyOf(out);
  }
}
