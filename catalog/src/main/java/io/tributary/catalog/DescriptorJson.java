package io.tributary.catalog;

import io.tributary.api.Attributes;
import io.tributary.api.ConfigField;
import io.tributary.api.Example;
import io.tributary.api.Item;
import io.tributary.api.ProcessorDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders descriptors and items as JSON-ready maps (the API's and the catalog's shape). */
public final class DescriptorJson {

  private DescriptorJson() {}

  public static Map<String, Object> toMap(ProcessorDescriptor d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id());
    m.put("version", d.version());
    m.put("title", d.title());
    m.put("description", d.description());
    m.put("stability", d.stability());
    m.put("replacement", d.replacement());
    m.put("reads", d.reads());
    m.put("writes", d.writes());
    m.put("requires", d.requires());
    m.put("redacts", d.redacts());
    m.put("requiredServices", d.requiredServices());
    m.put("config", fields(d.config()));
    m.put("failureDefaults", d.failureDefaults());
    List<Map<String, Object>> examples = new ArrayList<>();
    for (Example e : d.examples()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("title", e.title());
      x.put("config", e.config());
      x.put("input", item(e.input()));
      x.put("expected", item(e.expected()));
      examples.add(x);
    }
    m.put("examples", examples);
    return m;
  }

  /**
   * Config fields as maps: name, type (e.g. {@code string_list}), default, required, secret,
   * allowedValues, min and max (numbers, or null), pattern (a regular expression strings must wholly
   * match, or null) and patternRule (the same in words, shown to operators), doc, deprecation
   * (advice shown when a deprecated key is given, or null) and, for an {@code object_list} field
   * only, {@code fields}: the keys of each element, in this same shape.
   */
  private static List<Map<String, Object>> fields(List<ConfigField<?>> fields) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ConfigField<?> f : fields) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", f.name());
      c.put("type", f.type());
      c.put("default", f.defaultValue());
      c.put("required", f.isRequired());
      c.put("secret", f.isSecret());
      c.put("allowedValues", f.allowedValues());
      c.put("min", f.min());
      c.put("max", f.max());
      c.put("pattern", f.pattern());
      c.put("patternRule", f.patternRule());
      c.put("doc", f.doc());
      c.put("deprecation", f.deprecation());
      if (ConfigField.OBJECT_LIST.equals(f.type())) {
        c.put("fields", fields(f.fields()));
      }
      out.add(c);
    }
    return out;
  }

  /** An item as a map: kind, set fields, and the three attribute maps. */
  public static Map<String, Object> item(Item item) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", item.kind().name().toLowerCase(Locale.ROOT));
    putIf(m, "name", item.name());
    putIf(m, "traceId", item.traceId());
    putIf(m, "spanId", item.spanId());
    putIf(m, "parentSpanId", item.parentSpanId());
    if (item.traceFlags() != 0) {
      m.put("traceFlags", item.traceFlags());
    }
    putIf(m, "traceState", item.traceState());
    putIf(m, "baggage", item.baggage());
    putIf(m, "body", item.body());
    if (item.severityNumber() != 0) {
      m.put("severityNumber", item.severityNumber());
    }
    putIf(m, "severityText", item.severityText());
    if (item.timeUnixNano() != 0) {
      m.put("timeUnixNano", item.timeUnixNano());
    }
    if (item.endTimeUnixNano() != 0) {
      m.put("endTimeUnixNano", item.endTimeUnixNano());
    }
    putIf(m, "schemaUrl", item.schemaUrl());
    putIf(m, "deadLetter", item.deadLetterReason());
    m.put("attributes", attributes(item.attributes()));
    if (!item.resource().isEmpty()) {
      m.put("resource", attributes(item.resource()));
    }
    if (!item.scope().isEmpty()) {
      m.put("scope", attributes(item.scope()));
    }
    return m;
  }

  private static Map<String, Object> attributes(Attributes a) {
    return a.asMap();
  }

  private static void putIf(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
