package io.tributary.catalog.internal;

import io.tributary.catalog.CatalogException;
import io.tributary.catalog.StageRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Stages as stored JSON, and the checks a stored pipeline must pass. */
final class Stages {

  private static final Set<String> FAILURE_POLICIES = Set.of("skip", "default", "dead-letter");

  private Stages() {}

  static String toJson(List<StageRecord> stages) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (StageRecord s : stages) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("processor", s.processor());
      m.put("version", s.version());
      m.put("enabled", s.enabled());
      m.put("config", s.config());
      m.put("onFailure", s.onFailure());
      out.add(m);
    }
    return Json.write(out);
  }

  @SuppressWarnings("unchecked")
  static List<StageRecord> fromJson(String json) {
    List<StageRecord> out = new ArrayList<>();
    for (Object o : Json.readList(json)) {
      Map<String, Object> m = (Map<String, Object>) o;
      out.add(
          new StageRecord(
              (String) m.get("name"),
              (String) m.get("processor"),
              (String) m.get("version"),
              !Boolean.FALSE.equals(m.get("enabled")),
              (Map<String, Object>) m.get("config"),
              (String) m.get("onFailure")));
    }
    return out;
  }

  /** Refuses what no pipeline may contain, naming the stage. */
  static void validate(List<StageRecord> stages) {
    if (stages == null) {
      throw new CatalogException(CatalogException.Kind.INVALID, "stages must be a list (empty for no stages)");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < stages.size(); i++) {
      StageRecord s = stages.get(i);
      if (s == null) {
        throw new CatalogException(CatalogException.Kind.INVALID, "stage " + (i + 1) + " is null");
      }
      if (s.processor().isBlank()) {
        throw new CatalogException(CatalogException.Kind.INVALID, "stage " + (i + 1) + " names no processor");
      }
      if (!names.add(s.name())) {
        throw new CatalogException(
            CatalogException.Kind.INVALID, "stage name '" + s.name() + "' is used twice; give each stage its own name");
      }
      if (s.version() != null && s.version().isBlank()) {
        throw new CatalogException(
            CatalogException.Kind.INVALID, "stage '" + s.name() + "': version must be null (newest) or a version");
      }
      if (!FAILURE_POLICIES.contains(s.onFailure())) {
        throw new CatalogException(
            CatalogException.Kind.INVALID,
            "stage '" + s.name() + "': onFailure '" + s.onFailure() + "' is not skip, default or dead-letter");
      }
    }
  }
}
