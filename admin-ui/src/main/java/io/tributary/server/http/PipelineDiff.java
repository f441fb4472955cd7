package io.tributary.server.http;

import io.tributary.catalog.StageRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What changes between two pipelines, stage by stage (matched by stage name). */
public final class PipelineDiff {

  private PipelineDiff() {}

  /**
   * Changes from {@code before} to {@code after}: {@code added}, {@code removed}, {@code moved}
   * (position), and per changed field of a kept stage {@code changed} with its old and new value.
   * Secret values should be masked in both inputs.
   */
  public static List<Map<String, Object>> diff(List<StageRecord> before, List<StageRecord> after) {
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, Integer> oldIndex = new LinkedHashMap<>();
    for (int i = 0; i < before.size(); i++) {
      oldIndex.put(before.get(i).name(), i);
    }
    Map<String, Integer> newIndex = new LinkedHashMap<>();
    for (int i = 0; i < after.size(); i++) {
      newIndex.put(after.get(i).name(), i);
    }
    for (StageRecord s : before) {
      if (!newIndex.containsKey(s.name())) {
        out.add(change("removed", s.name(), null, null, null));
      }
    }
    List<String> keptOld = before.stream().map(StageRecord::name).filter(newIndex::containsKey).toList();
    List<String> keptNew = after.stream().map(StageRecord::name).filter(oldIndex::containsKey).toList();
    for (int i = 0; i < after.size(); i++) {
      StageRecord s = after.get(i);
      Integer was = oldIndex.get(s.name());
      if (was == null) {
        out.add(change("added", s.name(), "position", null, i + 1));
        continue;
      }
      if (keptOld.indexOf(s.name()) != keptNew.indexOf(s.name())) {
        out.add(change("moved", s.name(), "position", was + 1, i + 1));
      }
      StageRecord old = before.get(was);
      field(out, s.name(), "processor", old.processor(), s.processor());
      field(out, s.name(), "version", old.version(), s.version());
      field(out, s.name(), "enabled", old.enabled(), s.enabled());
      field(out, s.name(), "onFailure", old.onFailure(), s.onFailure());
      for (String key : union(old.config(), s.config())) {
        field(out, s.name(), "config." + key, old.config().get(key), s.config().get(key));
      }
    }
    return out;
  }

  private static List<String> union(Map<String, Object> a, Map<String, Object> b) {
    List<String> keys = new ArrayList<>(a.keySet());
    for (String k : b.keySet()) {
      if (!keys.contains(k)) {
        keys.add(k);
      }
    }
    return keys;
  }

  private static void field(List<Map<String, Object>> out, String stage, String field, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      out.add(change("changed", stage, field, before, after));
    }
  }

  private static Map<String, Object> change(String type, String stage, String field, Object before, Object after) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("stage", stage);
    m.put("field", field);
    m.put("before", before);
    m.put("after", after);
    return m;
  }
}
