package io.tributary.catalog;

import io.tributary.catalog.internal.ContractComparison;
import java.util.List;
import java.util.Map;

/**
 * What changed in a processor's contract between two versions, and whether the version bump
 * matches: a breaking change (a written key removed, a read or required key added, a config key
 * removed or retyped, a new required config key, a config key's allowed values, range or pattern
 * narrowed, stability lowered) needs a major bump; anything
 * else a minor one (additions) or a patch.
 *
 * @param from the older version
 * @param to the newer version
 * @param changes every change, breaking ones flagged
 * @param requiredBump {@code major}, {@code minor} or {@code patch}: what the changes need
 * @param actualBump what the version numbers did: {@code major}, {@code minor}, {@code patch} or
 *     {@code none}/{@code downgrade}
 * @param semverViolation a breaking change under a minor or patch bump (or a non-breaking
 *     addition under a patch bump is reported as a change only)
 */
public record ContractDiff(
    String id, String from, String to, List<Change> changes, String requiredBump, String actualBump,
    boolean semverViolation) {

  /**
   * One difference.
   *
   * @param kind e.g. {@code writes.removed}, {@code reads.added}, {@code config.retyped}
   * @param key the key concerned
   * @param breaking true if it can break a pipeline that used the older version
   */
  public record Change(String kind, String key, String detail, boolean breaking) {}

  /**
   * Compares two descriptors in the shape of {@link DescriptorJson#toMap}. Change kinds: {@code
   * writes|reads|requires|redacts|requiredServices.added|removed}, {@code config.added}, {@code
   * config.removed}, {@code config.retyped}, {@code config.required}, {@code config.optional},
   * {@code config.default_changed}, {@code config.allowed_values}, {@code config.range}, {@code
   * config.pattern}, {@code config.secret}, {@code config.deprecated}, {@code
   * stability.lowered|deprecated|raised}. The fields of an object list are compared the same way,
   * their keys reported as {@code list[].field}. For {@code 0.x} versions a minor bump may break; a
   * processor whose older version is experimental promised nothing, so its breaking changes are
   * flagged but never a violation.
   *
   * @throws IllegalArgumentException if the descriptors are of different processors
   */
  public static ContractDiff compare(Map<String, Object> from, Map<String, Object> to) {
    return ContractComparison.compare(from, to);
  }
}
