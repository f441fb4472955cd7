package io.tributary.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.zafarkhaja.semver.Version;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The catalog orders versions as the runtime does (java-semver): semver.org's precedence, one rule. */
class SemVerTest {

  /** The specification's own example (section 11), shuffled. */
  private static final List<String> ORDERED = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
      "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0-rc.2", "1.0.0-rc.10", "1.0.0",
      "1.0.1", "1.10.0", "2.0.0");

  @Test
  void pre_releases_order_numerically_and_before_their_release() {
    List<String> shuffled = new ArrayList<>(ORDERED);
    Collections.shuffle(shuffled, new java.util.Random(15));
    List<String> sorted = new ArrayList<>(shuffled);
    sorted.sort(SemVer::compare);
    assertThat(sorted).containsExactlyElementsOf(ORDERED);
    assertThat(SemVer.compare("1.0.0-rc.2", "1.0.0-rc.10")).isNegative();
  }

  @Test
  void the_catalog_orders_as_the_library_the_runtime_uses_for_every_pair() {
    for (String a : ORDERED) {
      for (String b : ORDERED) {
        assertThat(Integer.signum(SemVer.compare(a, b)))
            .as("%s vs %s", a, b)
            .isEqualTo(Integer.signum(Version.parse(a).compareToIgnoreBuildMetadata(Version.parse(b))));
      }
    }
  }
}
