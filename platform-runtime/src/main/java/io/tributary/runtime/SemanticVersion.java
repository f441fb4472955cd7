package io.tributary.runtime;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A SemVer 2.0.0 version, ordered by the specification's precedence rules (build metadata ignored). */
public final class SemanticVersion implements Comparable<SemanticVersion> {

  private static final Pattern SEMVER = Pattern.compile(
      "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
          + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
          + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

  private final long major;
  private final long minor;
  private final long patch;
  private final String preRelease;
  private final String text;

  private SemanticVersion(long major, long minor, long patch, String preRelease, String text) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.preRelease = preRelease;
    this.text = text;
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException if it is not a semantic version
   */
  public static SemanticVersion parse(String text) {
    Objects.requireNonNull(text, "text");
    Matcher m = SEMVER.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a semantic version (MAJOR.MINOR.PATCH)");
    }
    try {
      return new SemanticVersion(
          Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
          m.group(4), text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': version number too large", e);
    }
  }

  /** Returns true if {@code text} is a semantic version. */
  public static boolean isValid(String text) {
    return text != null && SEMVER.matcher(text).matches();
  }

  public long major() {
    return major;
  }

  public long minor() {
    return minor;
  }

  public long patch() {
    return patch;
  }

  /** True for versions like {@code 1.0.0-rc.1}. */
  public boolean isPreRelease() {
    return preRelease != null;
  }

  @Override
  public int compareTo(SemanticVersion o) {
    int c = Long.compare(major, o.major);
    if (c == 0) {
      c = Long.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Long.compare(patch, o.patch);
    }
    if (c != 0) {
      return c;
    }
    if (preRelease == null || o.preRelease == null) {
      return preRelease == null ? (o.preRelease == null ? 0 : 1) : -1;
    }
    String[] a = preRelease.split("\\.");
    String[] b = o.preRelease.split("\\.");
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      boolean an = a[i].chars().allMatch(Character::isDigit);
      boolean bn = b[i].chars().allMatch(Character::isDigit);
      if (an && bn) {
        c = Long.compare(Long.parseLong(a[i]), Long.parseLong(b[i]));
      } else if (an || bn) {
        c = an ? -1 : 1;
      } else {
        c = a[i].compareTo(b[i]);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SemanticVersion && compareTo((SemanticVersion) o) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(major, minor, patch, preRelease);
  }

  @Override
  public String toString() {
    return text;
  }
}
