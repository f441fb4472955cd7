package io.tributary.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Nodes sharing a catalog see each other; one that stops reporting drops out of the list. */
class NodesTest extends StoreTest {

  private static Nodes.Node node(String id, String env) {
    return new Nodes.Node(id, env, "0.1.0", "host-" + id, "[{\"name\":\"admin\",\"port\":8080}]",
        Instant.parse("2025-06-01T09:00:00Z"), null);
  }

  @Test
  void reports_are_listed_by_environment_and_a_silent_node_drops_out() {
    Catalog other = open();
    catalog.nodes().report(node("a", "prod"));
    other.nodes().report(node("b", "dev"));

    assertThat(catalog.nodes().list(Duration.ofSeconds(30))).extracting(Nodes.Node::id).containsExactly("b", "a");
    Nodes.Node a = other.nodes().list(Duration.ofSeconds(30)).get(1);
    assertThat(a.env()).isEqualTo("prod");
    assertThat(a.host()).isEqualTo("host-a");
    assertThat(a.listeners()).contains("\"port\":8080");
    assertThat(a.startedAt()).isEqualTo(Instant.parse("2025-06-01T09:00:00Z"));
    assertThat(a.lastSeen()).isEqualTo(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));

    clock.advance(Duration.ofSeconds(20));
    catalog.nodes().report(node("a", "prod"));
    clock.advance(Duration.ofSeconds(15));
    assertThat(catalog.nodes().list(Duration.ofSeconds(30))).extracting(Nodes.Node::id).containsExactly("a");

    catalog.nodes().withdraw("a");
    assertThat(catalog.nodes().list(Duration.ofSeconds(30))).isEmpty();
  }

  @Test
  void a_report_updates_the_row_instead_of_adding_one() {
    catalog.nodes().report(node("a", "dev"));
    catalog.nodes().report(new Nodes.Node("a", "staging", "0.2.0", "host-a", "[]", Instant.EPOCH, null));
    assertThat(catalog.nodes().list(Duration.ofMinutes(1))).singleElement()
        .satisfies(n -> {
          assertThat(n.env()).isEqualTo("staging");
          assertThat(n.version()).isEqualTo("0.2.0");
          assertThat(n.startedAt()).as("kept from the first report").isEqualTo(Instant.parse("2025-06-01T09:00:00Z"));
        });
  }
}
