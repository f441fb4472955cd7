package io.tributary.catalog;

import java.util.List;
import java.util.Map;

/**
 * What changed in a processor's contract between two versions, and whether the version bump
 * matches: a breaking change (a written key removed, a read or required key added, a config key
 * removed or retyped, a new required config key, stability lowered) needs a major bump; anything
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

  /** Compares two descriptors in the shape of {@link DescriptorJson#toMap}. */
  public static ContractDiff compare(Map<String, Object> from, Map<String, Object> to) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
