package io.tributary.catalog;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Descriptor maps in the shape of {@link DescriptorJson#toMap}, built tersely for tests. */
final class Descriptors {

  private Descriptors() {}

  static Map<String, Object> descriptor(String id, String version, List<Map<String, Object>> config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("version", version);
    m.put("title", id);
    m.put("stability", "stable");
    m.put("reads", List.of());
    m.put("writes", List.of());
    m.put("requires", List.of());
    m.put("requiredServices", List.of());
    m.put("config", config);
    return m;
  }

  static Map<String, Object> field(String name, String type, boolean secret) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("name", name);
    f.put("type", type);
    f.put("default", null);
    f.put("required", false);
    f.put("secret", secret);
    f.put("allowedValues", List.of());
    return f;
  }

  static ProcessorCatalog.Discovered discovered(String id, String version, List<Map<String, Object>> config) {
    return new ProcessorCatalog.Discovered(
        id, version, descriptor(id, version, config), id + "-plugin", version, "ab".repeat(32), "plugin");
  }

  /** Registers {@code lookup} with a secret {@code apiKey} and a plain {@code url}. */
  static void registerLookup(Catalog catalog, Instant at) {
    catalog.processors().synchronize(
        List.of(discovered("lookup", "1.0.0", List.of(field("apiKey", "string", true), field("url", "string", false)))),
        at);
  }
}
