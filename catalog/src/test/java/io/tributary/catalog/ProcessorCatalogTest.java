package io.tributary.catalog;

import static io.tributary.catalog.Descriptors.discovered;
import static io.tributary.catalog.Descriptors.field;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessorCatalogTest extends StoreTest {

  private final ProcessorCatalog.Discovered a1 = discovered("alpha", "1.0.0", List.of(field("x", "string", false)));
  private final ProcessorCatalog.Discovered a2 = discovered("alpha", "1.10.0", List.of());
  private final ProcessorCatalog.Discovered a9 = discovered("alpha", "1.9.0", List.of());
  private final ProcessorCatalog.Discovered b1 = discovered("beta", "0.1.0", List.of());

  private List<AuditEvent> processorEvents() {
    return catalog.audit().query(AuditQuery.all()).stream().filter(e -> e.action().startsWith("processor.")).toList();
  }

  @Test
  void discovered_versions_are_inserted_with_their_descriptor_and_origin() {
    Instant at = clock.instant();
    List<CatalogProcessor> arrived = catalog.processors().synchronize(List.of(a1, b1), at);
    assertThat(arrived).extracting(CatalogProcessor::id).containsExactly("alpha", "beta");
    CatalogProcessor stored = catalog.processors().get("alpha", "1.0.0").orElseThrow();
    assertThat(stored.descriptor()).isEqualTo(a1.descriptor());
    assertThat(stored.pluginId()).isEqualTo("alpha-plugin");
    assertThat(stored.sha256()).isEqualTo("ab".repeat(32));
    assertThat(stored.source()).isEqualTo("plugin");
    assertThat(stored.available()).isTrue();
    assertThat(stored.firstSeen()).isEqualTo(stored.lastSeen());
    assertThat(processorEvents()).extracting(AuditEvent::action, AuditEvent::target)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("processor.discovered", "processor:alpha@1.0.0"),
            org.assertj.core.groups.Tuple.tuple("processor.discovered", "processor:beta@0.1.0"));
  }

  @Test
  void synchronizing_the_same_set_again_changes_only_last_seen() {
    catalog.processors().synchronize(List.of(a1, b1), clock.instant());
    CatalogProcessor before = catalog.processors().get("alpha", "1.0.0").orElseThrow();
    long events = catalog.audit().query(AuditQuery.all()).size();
    clock.advance(Duration.ofMinutes(3));
    assertThat(catalog.processors().synchronize(List.of(a1, b1), clock.instant())).isEmpty();
    CatalogProcessor after = catalog.processors().get("alpha", "1.0.0").orElseThrow();
    assertThat(after.firstSeen()).isEqualTo(before.firstSeen());
    assertThat(after.lastSeen()).isAfter(before.lastSeen());
    assertThat(after.available()).isTrue();
    assertThat(catalog.audit().query(AuditQuery.all())).hasSize((int) events);
  }

  @Test
  void versions_no_longer_offered_become_unavailable_and_can_return() {
    catalog.processors().synchronize(List.of(a1, b1), clock.instant());
    assertThat(catalog.processors().synchronize(List.of(a1), clock.instant())).isEmpty();
    assertThat(catalog.processors().get("beta", "0.1.0").orElseThrow().available()).isFalse();
    assertThat(processorEvents().get(0)).satisfies(e -> {
      assertThat(e.action()).isEqualTo("processor.unavailable");
      assertThat(e.target()).isEqualTo("processor:beta@0.1.0");
    });
    assertThat(catalog.processors().synchronize(List.of(a1), clock.instant())).isEmpty();

    List<CatalogProcessor> back = catalog.processors().synchronize(List.of(a1, b1), clock.instant());
    assertThat(back).extracting(CatalogProcessor::id).containsExactly("beta");
    assertThat(back.get(0).available()).isTrue();
    assertThat(processorEvents().get(0).action()).isEqualTo("processor.discovered");
    assertThat(processorEvents()).hasSize(4);
  }

  @Test
  void versions_are_listed_by_id_then_semantic_version() {
    catalog.processors().synchronize(List.of(a2, b1, a1, a9), clock.instant());
    assertThat(catalog.processors().list())
        .extracting(p -> p.id() + "@" + p.version())
        .containsExactly("alpha@1.0.0", "alpha@1.9.0", "alpha@1.10.0", "beta@0.1.0");
    assertThat(catalog.processors().versions("alpha")).extracting(CatalogProcessor::version)
        .containsExactly("1.0.0", "1.9.0", "1.10.0");
    assertThat(catalog.processors().versions("nope")).isEmpty();
    assertThat(catalog.processors().get("alpha", "2.0.0")).isEmpty();
  }

  @Test
  void an_empty_synchronization_marks_everything_unavailable() {
    catalog.processors().synchronize(List.of(a1, b1), clock.instant());
    catalog.processors().synchronize(List.of(), clock.instant());
    assertThat(catalog.processors().list()).noneMatch(CatalogProcessor::available).hasSize(2);
    assertThat(catalog.audit().verify().valid()).isTrue();
  }
}
