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

  /**
   * What a reviewer needs to see, one entry per stage of either pipeline: the proposed stages in
   * their new order, then the removed ones. Each entry has {@code stage}, {@code change} ({@code
   * added}, {@code removed}, {@code changed}, {@code moved} or {@code unchanged}), {@code
   * positionBefore}/{@code positionAfter} (1-based, null where absent), the complete stage {@code
   * before} and {@code after} (null where absent; secrets as given, so mask them first) and {@code
   * changes}: each changed field with its {@code before} and {@code after} value.
   *
   * @param changedSecrets {@code stage/key} of secrets whose value changed although both sides
   *     show them masked; listed as changes with {@code secret: true}
   */
  public static List<Map<String, Object>> review(
      List<StageRecord> before, List<StageRecord> after, List<String> changedSecrets) {
    Map<String, Integer> oldIndex = new LinkedHashMap<>();
    for (int i = 0; i < before.size(); i++) {
      oldIndex.put(before.get(i).name(), i);
    }
    Map<String, Integer> newIndex = new LinkedHashMap<>();
    for (int i = 0; i < after.size(); i++) {
      newIndex.put(after.get(i).name(), i);
    }
    List<String> keptOld = before.stream().map(StageRecord::name).filter(newIndex::containsKey).toList();
    List<String> keptNew = after.stream().map(StageRecord::name).filter(oldIndex::containsKey).toList();
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < after.size(); i++) {
      StageRecord s = after.get(i);
      Integer was = oldIndex.get(s.name());
      if (was == null) {
        out.add(entry(s.name(), "added", null, i + 1, null, s, List.of()));
        continue;
      }
      StageRecord old = before.get(was);
      List<Map<String, Object>> changes = new ArrayList<>();
      for (Map<String, Object> c : diff(List.of(old), List.of(s))) {
        changes.add(fieldChange((String) c.get("field"), c.get("before"), c.get("after"), false));
      }
      for (String key : s.config().keySet()) {
        if (changedSecrets.contains(s.name() + "/" + key)
            && Objects.equals(old.config().get(key), s.config().get(key))) {
          changes.add(fieldChange("config." + key, old.config().get(key), s.config().get(key), true));
        }
      }
      boolean moved = keptOld.indexOf(s.name()) != keptNew.indexOf(s.name());
      String change = !changes.isEmpty() ? "changed" : moved ? "moved" : "unchanged";
      out.add(entry(s.name(), change, was + 1, i + 1, old, s, changes));
    }
    for (int j = 0; j < before.size(); j++) {
      StageRecord s = before.get(j);
      if (!newIndex.containsKey(s.name())) {
        out.add(entry(s.name(), "removed", j + 1, null, s, null, List.of()));
      }
    }
    return out;
  }

  private static Map<String, Object> entry(String stage, String change, Integer positionBefore,
      Integer positionAfter, StageRecord before, StageRecord after, List<Map<String, Object>> changes) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stage", stage);
    m.put("change", change);
    m.put("positionBefore", positionBefore);
    m.put("positionAfter", positionAfter);
    m.put("before", before == null ? null : Json.stage(before));
    m.put("after", after == null ? null : Json.stage(after));
    m.put("changes", changes);
    return m;
  }

  private static Map<String, Object> fieldChange(String field, Object before, Object after, boolean secret) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("field", field);
    m.put("before", before);
    m.put("after", after);
    if (secret) {
      m.put("secret", true);
      m.put("note", "secret value replaced (values are never shown)");
    }
    return m;
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
