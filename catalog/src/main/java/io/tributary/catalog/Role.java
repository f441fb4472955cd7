package io.tributary.catalog;

import java.util.Locale;

/** What a principal may do: each role includes the ones before it. */
public enum Role {
  /** Reads everything but secrets. */
  VIEWER,
  /** Also edits pipelines (changes to protected environments become change requests). */
  OPERATOR,
  /** Also manages environments and tokens. */
  ADMIN;

  public boolean atLeast(Role other) {
    return compareTo(other) >= 0;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code viewer}, {@code operator} or {@code admin}, case-insensitively. */
  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown role '" + text + "' (use viewer, operator or admin)");
  }
}
