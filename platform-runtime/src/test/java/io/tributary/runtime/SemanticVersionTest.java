package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The product's one version rule: semver.org's precedence (section 11), build metadata ignored. */
class SemanticVersionTest {

  private static final List<String> ORDERED = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
      "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0-rc.2", "1.0.0-rc.10", "1.0.0",
      "1.0.1", "1.10.0", "2.0.0");

  @Test
  void versions_order_by_precedence() {
    List<SemanticVersion> shuffled = new ArrayList<>();
    ORDERED.forEach(v -> shuffled.add(SemanticVersion.parse(v)));
    Collections.shuffle(shuffled, new java.util.Random(15));
    Collections.sort(shuffled);
    assertThat(shuffled).extracting(SemanticVersion::toString).containsExactlyElementsOf(ORDERED);
    assertThat(SemanticVersion.parse("1.0.0+build.7")).isEqualByComparingTo(SemanticVersion.parse("1.0.0+other"));
    assertThat(SemanticVersion.parse("1.0.0-rc.1").isPreRelease()).isTrue();
  }

  @Test
  void what_is_not_a_semantic_version_is_refused() {
    for (String bad : new String[] {"1.0", "01.0.0", "1.0.0-", "v1.0.0", "1.0.0-01"}) {
      assertThat(SemanticVersion.isValid(bad)).as(bad).isFalse();
      assertThatThrownBy(() -> SemanticVersion.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a semantic version");
    }
  }
}
