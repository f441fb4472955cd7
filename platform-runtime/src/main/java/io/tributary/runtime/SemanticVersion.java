package io.tributary.runtime;

import com.github.zafarkhaja.semver.Version;
import java.util.Objects;
import java.util.Optional;

/**
 * A SemVer 2.0.0 version, ordered by the specification's precedence rules (section 11: numeric
 * pre-release identifiers compare as numbers, {@code rc.2} before {@code rc.10}, a pre-release
 * before its release; build metadata ignored). The one version rule of the product: plugin
 * ranges (PF4J), the catalog's order and "latest", and the stage an unpinned pipeline runs all use
 * the same library, java-semver.
 */
public final class SemanticVersion implements Comparable<SemanticVersion> {

  private final Version version;
  private final String text;

  private SemanticVersion(Version version, String text) {
    this.version = version;
    this.text = text;
  }

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException if it is not a semantic version
   */
  public static SemanticVersion parse(String text) {
    Objects.requireNonNull(text, "text");
    Optional<Version> v = Version.tryParse(text);
    if (v.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' is not a semantic version (MAJOR.MINOR.PATCH)");
    }
    return new SemanticVersion(v.get(), text);
  }

  /** Returns true if {@code text} is a semantic version. */
  public static boolean isValid(String text) {
    return text != null && Version.isValid(text);
  }

  public long major() {
    return version.majorVersion();
  }

  public long minor() {
    return version.minorVersion();
  }

  public long patch() {
    return version.patchVersion();
  }

  /** True for versions like {@code 1.0.0-rc.1}. */
  public boolean isPreRelease() {
    return version.isPreRelease();
  }

  @Override
  public int compareTo(SemanticVersion o) {
    return version.compareToIgnoreBuildMetadata(o.version);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SemanticVersion && compareTo((SemanticVersion) o) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(major(), minor(), patch(), version.preReleaseVersion().orElse(null));
  }

  @Override
  public String toString() {
    return text;
  }
}
