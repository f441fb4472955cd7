package io.tributary.catalog.internal;

import io.tributary.catalog.ContractDiff;
import io.tributary.catalog.ContractDiff.Change;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares two descriptor maps (the shape of {@code DescriptorJson.toMap}).
 *
 * <p>Breaking: a written key removed; a read key, required field or required service added; a
 * config key removed or retyped; a new required config key without a default; an existing key made
 * required without a default; a key it redacted no longer redacted (its values would leave in the
 * clear); allowed values narrowed; a numeric range narrowed (a minimum raised or added, a maximum
 * lowered or added); a pattern added or changed; any of these inside the fields
 * of an object list (reported as {@code list[].field}); stability lowered from stable to
 * experimental. Not breaking, but a contract change that needs a minor bump: everything else that
 * differs (additions, removals from what it reads or requires, keys it redacts added,
 * new defaults, deprecation, a widened range, a pattern dropped). No
 * contract change needs only a patch.
 *
 * <p>Versions {@code 0.x} follow the usual convention that the minor number is the breaking one,
 * and a processor whose older version is {@code experimental} promised nothing ("may change in any
 * release"): in both cases a breaking change is still listed, but under a minor bump (0.x) or any
 * bump (experimental) it is not a violation.
 */
public final class ContractComparison {

  private ContractComparison() {}

  public static ContractDiff compare(Map<String, Object> from, Map<String, Object> to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    String id = text(to.get("id"));
    if (!Objects.equals(text(from.get("id")), id)) {
      throw new IllegalArgumentException(
          "cannot compare different processors '" + from.get("id") + "' and '" + to.get("id") + "'");
    }
    List<Change> changes = new ArrayList<>();
    keys(changes, "writes", from, to, false, true);
    keys(changes, "reads", from, to, true, false);
    keys(changes, "requires", from, to, true, false);
    keys(changes, "redacts", from, to, false, true);
    keys(changes, "requiredServices", from, to, true, false);
    config(changes, from, to);
    stability(changes, from, to);

    String fromVersion = text(from.get("version"));
    String toVersion = text(to.get("version"));
    boolean breaking = changes.stream().anyMatch(Change::breaking);
    String required = breaking ? "major" : changes.isEmpty() ? "patch" : "minor";
    SemVer older = SemVer.parse(fromVersion);
    String actual = bump(older, SemVer.parse(toVersion));
    boolean violation = false;
    if (breaking && !"experimental".equals(lower(from.get("stability")))) {
      boolean enough = actual.equals("major") || (older.major() == 0 && actual.equals("minor"));
      violation = !enough;
    }
    return new ContractDiff(id, fromVersion, toVersion, List.copyOf(changes), required, actual, violation);
  }

  static String bump(SemVer from, SemVer to) {
    int order = to.compareTo(from);
    if (order < 0) {
      return "downgrade";
    }
    if (to.major() != from.major()) {
      return "major";
    }
    if (to.minor() != from.minor()) {
      return "minor";
    }
    if (to.patch() != from.patch()) {
      return "patch";
    }
    // Same numbers: a pre-release moving to its release (or a later pre-release) is no bump of
    // the contract's version.
    return "none";
  }

  private static void keys(
      List<Change> out, String field, Map<String, Object> from, Map<String, Object> to,
      boolean addingBreaks, boolean removingBreaks) {
    Set<String> before = strings(from.get(field));
    Set<String> after = strings(to.get(field));
    for (String k : after) {
      if (!before.contains(k)) {
        out.add(new Change(field + ".added", k, describeAdded(field, k), addingBreaks));
      }
    }
    for (String k : before) {
      if (!after.contains(k)) {
        out.add(new Change(field + ".removed", k, describeRemoved(field, k), removingBreaks));
      }
    }
  }

  private static String describeAdded(String field, String key) {
    return switch (field) {
      case "writes" -> "now also writes '" + key + "'";
      case "reads" -> "now reads '" + key + "': pipelines must provide it before this stage";
      case "requires" -> "now requires '" + key + "'";
      case "redacts" -> "now may mask '" + key + "'";
      default -> "now needs the service '" + key + "'";
    };
  }

  private static String describeRemoved(String field, String key) {
    return switch (field) {
      case "writes" -> "no longer writes '" + key + "': later stages reading it lose it";
      case "reads" -> "no longer reads '" + key + "'";
      case "requires" -> "no longer requires '" + key + "'";
      case "redacts" -> "no longer masks '" + key + "': values it masked now leave the pipeline in the clear";
      default -> "no longer needs the service '" + key + "'";
    };
  }

  private static void config(List<Change> out, Map<String, Object> from, Map<String, Object> to) {
    config(out, "", from.get("config"), to.get("config"));
  }

  /**
   * Compares two lists of config fields. {@code prefix} is empty for a stage's own keys and
   * {@code name[].} for the fields of each element of the object list {@code name}, so nested
   * changes are reported under keys like {@code actions[].key}.
   */
  private static void config(List<Change> out, String prefix, Object fromFields, Object toFields) {
    Map<String, Map<?, ?>> before = fields(fromFields);
    Map<String, Map<?, ?>> after = fields(toFields);
    for (Map.Entry<String, Map<?, ?>> e : after.entrySet()) {
      String name = prefix + e.getKey();
      Map<?, ?> now = e.getValue();
      Map<?, ?> was = before.get(e.getKey());
      if (was == null) {
        boolean mandatory = isTrue(now.get("required")) && now.get("default") == null;
        out.add(
            new Change(
                "config.added", name,
                mandatory
                    ? (prefix.isEmpty()
                        ? "new required setting without a default: existing pipelines do not set it"
                        : "new required setting without a default: existing list elements do not set it")
                    : "new optional setting",
                mandatory));
        continue;
      }
      String typeBefore = lower(was.get("type"));
      String typeAfter = lower(now.get("type"));
      boolean retyped = !Objects.equals(typeBefore, typeAfter);
      if (retyped) {
        out.add(new Change("config.retyped", name, typeBefore + " → " + typeAfter, true));
      }
      if (!isTrue(was.get("required")) && isTrue(now.get("required")) && now.get("default") == null) {
        out.add(new Change("config.required", name, "now required, without a default", true));
      } else if (isTrue(was.get("required")) && !isTrue(now.get("required"))) {
        out.add(new Change("config.optional", name, "no longer required", false));
      }
      if (!Objects.equals(was.get("default"), now.get("default"))) {
        out.add(
            new Change(
                "config.default_changed", name,
                "default " + describe(was.get("default")) + " → " + describe(now.get("default")), false));
      }
      Set<String> allowedBefore = strings(was.get("allowedValues"));
      Set<String> allowedAfter = strings(now.get("allowedValues"));
      if (!allowedBefore.equals(allowedAfter)) {
        // An empty list allows anything: going from "anything" to a list narrows it.
        Set<String> dropped = new LinkedHashSet<>(allowedBefore);
        dropped.removeAll(allowedAfter);
        boolean narrowed = (allowedBefore.isEmpty() && !allowedAfter.isEmpty())
            || (!allowedAfter.isEmpty() && !dropped.isEmpty());
        out.add(
            new Change(
                "config.allowed_values", name,
                describe(allowedBefore.isEmpty() ? "any" : allowedBefore) + " → "
                    + describe(allowedAfter.isEmpty() ? "any" : allowedAfter),
                narrowed));
      }
      range(out, name, was, now);
      pattern(out, name, was, now);
      if (isTrue(was.get("secret")) != isTrue(now.get("secret"))) {
        out.add(
            new Change(
                "config.secret", name, isTrue(now.get("secret")) ? "now secret" : "no longer secret", false));
      }
      if ((was.get("deprecation") == null) != (now.get("deprecation") == null)) {
        out.add(
            new Change(
                "config.deprecated", name,
                now.get("deprecation") == null
                    ? "no longer deprecated"
                    : "deprecated: " + now.get("deprecation"),
                false));
      }
      if (!retyped && "object_list".equals(typeAfter)) {
        config(out, name + "[].", was.get("fields"), now.get("fields"));
      }
    }
    for (String name : before.keySet()) {
      if (!after.containsKey(name)) {
        out.add(
            new Change(
                "config.removed", prefix + name,
                prefix.isEmpty()
                    ? "setting removed: pipelines that set it no longer compile"
                    : "setting removed: pipelines whose list elements set it no longer compile",
                true));
      }
    }
  }

  /**
   * A changed numeric range: breaking when it accepts less than before (a minimum raised or
   * added, a maximum lowered or added), not when it only widens.
   */
  private static void range(List<Change> out, String name, Map<?, ?> was, Map<?, ?> now) {
    BigDecimal minBefore = number(was.get("min"));
    BigDecimal maxBefore = number(was.get("max"));
    BigDecimal minAfter = number(now.get("min"));
    BigDecimal maxAfter = number(now.get("max"));
    if (same(minBefore, minAfter) && same(maxBefore, maxAfter)) {
      return;
    }
    boolean narrowed = (minAfter != null && (minBefore == null || minAfter.compareTo(minBefore) > 0))
        || (maxAfter != null && (maxBefore == null || maxAfter.compareTo(maxBefore) < 0));
    out.add(
        new Change(
            "config.range", name,
            describeRange(was.get("min"), was.get("max")) + " → " + describeRange(now.get("min"), now.get("max")),
            narrowed));
  }

  /** A pattern added or changed is breaking (values that matched before may not); one removed is not. */
  private static void pattern(List<Change> out, String name, Map<?, ?> was, Map<?, ?> now) {
    String before = text(was.get("pattern"));
    String after = text(now.get("pattern"));
    if (Objects.equals(before, after)) {
      return;
    }
    out.add(
        new Change(
            "config.pattern", name,
            (before == null ? "any" : "'" + before + "'") + " → " + (after == null ? "any" : "'" + after + "'"),
            after != null));
  }

  private static BigDecimal number(Object o) {
    if (o == null) {
      return null;
    }
    try {
      return new BigDecimal(o.toString());
    } catch (NumberFormatException e) {
      // An infinite bound (JSON has no literal for it) bounds nothing.
      return null;
    }
  }

  private static boolean same(BigDecimal a, BigDecimal b) {
    return a == null ? b == null : b != null && a.compareTo(b) == 0;
  }

  private static String describeRange(Object min, Object max) {
    if (min == null && max == null) {
      return "any";
    }
    return "[" + (min == null ? "…" : min) + ", " + (max == null ? "…" : max) + "]";
  }

  private static void stability(List<Change> out, Map<String, Object> from, Map<String, Object> to) {
    String before = lower(from.get("stability"));
    String after = lower(to.get("stability"));
    if (Objects.equals(before, after) || after == null) {
      return;
    }
    if ("deprecated".equals(after)) {
      Object replacement = to.get("replacement");
      out.add(
          new Change(
              "stability.deprecated", "stability",
              before + " → deprecated" + (replacement == null ? "" : " (use " + replacement + ")"), false));
    } else if ("experimental".equals(after) && "stable".equals(before)) {
      out.add(new Change("stability.lowered", "stability", "stable → experimental", true));
    } else {
      out.add(new Change("stability.raised", "stability", before + " → " + after, false));
    }
  }

  private static Map<String, Map<?, ?>> fields(Object config) {
    Map<String, Map<?, ?>> out = new LinkedHashMap<>();
    if (config instanceof Collection<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> m && m.get("name") != null) {
          out.put(String.valueOf(m.get("name")), m);
        }
      }
    }
    return out;
  }

  private static Set<String> strings(Object value) {
    Set<String> out = new LinkedHashSet<>();
    if (value instanceof Collection<?> c) {
      for (Object o : c) {
        out.add(String.valueOf(o));
      }
    }
    return out;
  }

  private static boolean isTrue(Object o) {
    return Boolean.TRUE.equals(o);
  }

  private static String lower(Object o) {
    return o == null ? null : o.toString().toLowerCase(Locale.ROOT);
  }

  private static String text(Object o) {
    return o == null ? null : o.toString();
  }

  private static String describe(Object o) {
    return o == null ? "none" : o instanceof String s ? "'" + s + "'" : String.valueOf(o);
  }
}
