package io.tributary.server.http;

import io.tributary.api.Item;
import io.tributary.catalog.DescriptorJson;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What a stage changed on an item: one entry per field or attribute set, changed or removed. */
public final class ItemDiff {

  private ItemDiff() {}

  /** Entries {@code {"key": "attributes.user.email", "before": …, "after": …}}; absent = null. */
  public static List<Map<String, Object>> diff(Item before, Item after) {
    Map<String, Object> a = flatten(DescriptorJson.item(before));
    Map<String, Object> b = flatten(DescriptorJson.item(after));
    Set<String> keys = new LinkedHashSet<>(a.keySet());
    keys.addAll(b.keySet());
    List<Map<String, Object>> out = new ArrayList<>();
    for (String key : keys) {
      Object x = a.get(key);
      Object y = b.get(key);
      if (!Objects.equals(x, y)) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("key", key);
        m.put("before", x);
        m.put("after", y);
        out.add(m);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> flatten(Map<String, Object> item) {
    Map<String, Object> flat = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Object> e : item.entrySet()) {
      if (e.getValue() instanceof Map) {
        for (Map.Entry<String, Object> a : ((Map<String, Object>) e.getValue()).entrySet()) {
          flat.put(e.getKey() + "." + a.getKey(), a.getValue());
        }
      } else {
        flat.put(e.getKey(), e.getValue());
      }
    }
    return flat;
  }
}
