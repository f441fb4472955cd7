package io.tributary.catalog.internal;

/**
 * Lenient semantic versions: {@code MAJOR.MINOR.PATCH[-pre][+build]}, missing parts read as 0,
 * ordered by semver.org's precedence (section 11) through java-semver, the library the runtime
 * orders versions with too: {@code rc.2} before {@code rc.10}, a pre-release before its release.
 */
public record SemVer(long major, long minor, long patch, String preRelease) implements Comparable<SemVer> {

  public static SemVer parse(String text) {
    String s = text == null ? "" : text.trim();
    if (s.startsWith("v") || s.startsWith("V")) {
      s = s.substring(1);
    }
    int plus = s.indexOf('+');
    if (plus >= 0) {
      s = s.substring(0, plus);
    }
    String pre = null;
    int dash = s.indexOf('-');
    if (dash >= 0) {
      pre = s.substring(dash + 1);
      s = s.substring(0, dash);
    }
    String[] parts = s.split("\\.", -1);
    return new SemVer(number(parts, 0), number(parts, 1), number(parts, 2), pre);
  }

  private static long number(String[] parts, int i) {
    if (i >= parts.length) {
      return 0;
    }
    String digits = parts[i].replaceAll("[^0-9].*$", "");
    if (digits.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  public static int compare(String a, String b) {
    int c = parse(a).compareTo(parse(b));
    return c != 0 ? c : String.valueOf(a).compareTo(String.valueOf(b));
  }

  @Override
  public int compareTo(SemVer o) {
    int c = Long.compare(major, o.major);
    if (c == 0) {
      c = Long.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Long.compare(patch, o.patch);
    }
    if (c != 0 || (preRelease == null && o.preRelease == null)) {
      return c;
    }
    if (preRelease == null || o.preRelease == null) {
      return preRelease == null ? 1 : -1;
    }
    try {
      return com.github.zafarkhaja.semver.Version.of(major, minor, patch, preRelease)
          .compareToIgnoreBuildMetadata(com.github.zafarkhaja.semver.Version.of(o.major, o.minor, o.patch,
              o.preRelease));
    } catch (RuntimeException notSemver) {
      // A pre-release that is not one by the specification's grammar: ordered as text.
      return preRelease.compareTo(o.preRelease);
    }
  }
}
