package io.tributary.catalog.internal;

import io.tributary.catalog.ContractDiff;
import io.tributary.catalog.ContractDiff.Change;
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
 * required without a default; allowed values narrowed; stability lowered from stable to
 * experimental. Not breaking, but a contract change that needs a minor bump: everything else that
 * differs (additions, removals from what it reads or requires, new defaults, deprecation). No
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
      default -> "now needs the service '" + key + "'";
    };
  }

  private static String describeRemoved(String field, String key) {
    return switch (field) {
      case "writes" -> "no longer writes '" + key + "': later stages reading it lose it";
      case "reads" -> "no longer reads '" + key + "'";
      case "requires" -> "no longer requires '" + key + "'";
      default -> "no longer needs the service '" + key + "'";
    };
  }

  private static void config(List<Change> out, Map<String, Object> from, Map<String, Object> to) {
    Map<String, Map<?, ?>> before = fields(from.get("config"));
    Map<String, Map<?, ?>> after = fields(to.get("config"));
    for (Map.Entry<String, Map<?, ?>> e : after.entrySet()) {
      String name = e.getKey();
      Map<?, ?> now = e.getValue();
      Map<?, ?> was = before.get(name);
      if (was == null) {
        boolean mandatory = isTrue(now.get("required")) && now.get("default") == null;
        out.add(
            new Change(
                "config.added", name,
                mandatory
                    ? "new required setting without a default: existing pipelines do not set it"
                    : "new optional setting",
                mandatory));
        continue;
      }
      String typeBefore = lower(was.get("type"));
      String typeAfter = lower(now.get("type"));
      if (!Objects.equals(typeBefore, typeAfter)) {
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
      if (isTrue(was.get("secret")) != isTrue(now.get("secret"))) {
        out.add(
            new Change(
                "config.secret", name, isTrue(now.get("secret")) ? "now secret" : "no longer secret", false));
      }
    }
    for (String name : before.keySet()) {
      if (!after.containsKey(name)) {
        out.add(new Change("config.removed", name, "setting removed: pipelines that set it no longer compile", true));
      }
    }
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
