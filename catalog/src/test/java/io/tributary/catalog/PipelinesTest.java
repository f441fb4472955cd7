package io.tributary.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tributary.catalog.CatalogException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PipelinesTest extends StoreTest {

  @Test
  void a_write_on_the_current_revision_creates_the_next_one() {
    List<StageRecord> stages =
        List.of(stage("correlation"), new StageRecord("tags", "environment", "1.2.0", false, Map.of("region", "eu"), "default"));
    PipelineRevision r = catalog.pipelines().write("staging", 1, stages, "alice", "add region");
    assertThat(r.revision()).isEqualTo(2);
    assertThat(r.author()).isEqualTo("alice");
    assertThat(r.reason()).isEqualTo("add region");
    assertThat(r.createdAt()).isEqualTo(java.time.Instant.parse("2025-06-01T10:00:00.123456Z"));
    assertThat(catalog.pipelines().current("staging")).isEqualTo(r);
    assertThat(catalog.pipelines().current("staging").stages()).isEqualTo(stages);
    assertThat(catalog.pipelines().heads()).containsEntry("staging", 2L).containsEntry("dev", 1L);
  }

  @Test
  void a_stale_write_is_refused_with_the_current_revision() {
    catalog.pipelines().write("dev", 1, List.of(stage("correlation")), "alice", null);
    CatalogException e =
        catchThrowableOfType(
            CatalogException.class,
            () -> catalog.pipelines().write("dev", 1, List.of(stage("environment")), "bob", null));
    assertThat(e.kind()).isEqualTo(Kind.STALE_REVISION);
    assertThat(e.currentRevision()).isEqualTo(2L);
    assertThat(e.getMessage()).contains("revision 2");
    assertThat(catalog.pipelines().current("dev").stages()).extracting(StageRecord::processor).containsExactly("correlation");
  }

  @Test
  void of_two_writers_on_the_same_base_exactly_one_wins() throws Exception {
    int writers = 6;
    CyclicBarrier together = new CyclicBarrier(writers);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Future<PipelineRevision>> results = new ArrayList<>();
    try {
      for (int i = 0; i < writers; i++) {
        String who = "writer" + i;
        Callable<PipelineRevision> write = () -> {
          together.await();
          return catalog.pipelines().write("dev", 1, List.of(stage("correlation")), who, null);
        };
        results.add(pool.submit(write));
      }
      int won = 0;
      int stale = 0;
      for (Future<PipelineRevision> f : results) {
        try {
          assertThat(f.get().revision()).isEqualTo(2);
          won++;
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(CatalogException.class);
          assertThat(((CatalogException) e.getCause()).kind()).isEqualTo(Kind.STALE_REVISION);
          assertThat(((CatalogException) e.getCause()).currentRevision()).isEqualTo(2L);
          stale++;
        }
      }
      assertThat(won).isEqualTo(1);
      assertThat(stale).isEqualTo(writers - 1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(catalog.pipelines().history("dev")).hasSize(2);
    assertThat(catalog.audit().verify().valid()).isTrue();
  }

  @Test
  void concurrent_writers_that_reload_on_stale_all_land_in_order() throws Exception {
    int writers = 4;
    int each = 5;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String who = "w" + w;
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            while (true) {
              long base = catalog.pipelines().heads().get("staging");
              try {
                catalog.pipelines().write("staging", base, List.of(stage("correlation")), who, "n" + i);
                break;
              } catch (CatalogException e) {
                assertThat(e.kind()).isEqualTo(Kind.STALE_REVISION);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<PipelineRevision> history = catalog.pipelines().history("staging");
    assertThat(history).hasSize(1 + writers * each);
    assertThat(history.get(0).revision()).isEqualTo(1 + writers * each);
    assertThat(catalog.audit().verify().valid()).isTrue();
  }

  @Test
  void history_keeps_every_revision_newest_first() {
    catalog.pipelines().write("dev", 1, List.of(stage("a")), "alice", "one");
    clock.advance(Duration.ofSeconds(1));
    catalog.pipelines().write("dev", 2, List.of(stage("b")), "bob", "two");
    assertThat(catalog.pipelines().history("dev")).extracting(PipelineRevision::revision).containsExactly(3L, 2L, 1L);
    assertThat(catalog.pipelines().revision("dev", 2).stages()).extracting(StageRecord::processor).containsExactly("a");
  }

  @Test
  void rollback_writes_a_new_revision_with_the_old_content() {
    PipelineRevision original = catalog.pipelines().current("dev");
    catalog.pipelines().write("dev", 1, List.of(stage("a")), "alice", null);
    PipelineRevision back = catalog.pipelines().rollback("dev", 2, 1, "bob", "undo");
    assertThat(back.revision()).isEqualTo(3);
    assertThat(back.rolledBackFrom()).isEqualTo(1L);
    assertThat(back.stages()).isEqualTo(original.stages());
    assertThat(back.author()).isEqualTo("bob");
    assertThat(catalog.audit().query(new AuditQuery("dev", null, null, null, null, 1, 0)))
        .singleElement()
        .satisfies(e -> {
          assertThat(e.action()).isEqualTo("pipeline.rolled_back");
          assertThat(e.reason()).isEqualTo("undo");
          assertThat(e.before()).contains("\"revision\":2");
          assertThat(e.after()).contains("\"rolledBackFrom\":1");
        });
  }

  @Test
  void rollback_is_refused_when_stale_or_to_a_revision_that_does_not_exist() {
    catalog.pipelines().write("dev", 1, List.of(stage("a")), "alice", null);
    assertThatThrownBy(() -> catalog.pipelines().rollback("dev", 1, 1, "bob", null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.STALE_REVISION));
    assertThatThrownBy(() -> catalog.pipelines().rollback("dev", 2, 9, "bob", null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
        .hasMessageContaining("revision 9");
  }

  @Test
  void unknown_environments_and_revisions_are_not_found() {
    for (Runnable r : List.<Runnable>of(
        () -> catalog.pipelines().current("nope"),
        () -> catalog.pipelines().revision("dev", 7),
        () -> catalog.pipelines().history("nope"),
        () -> catalog.pipelines().write("nope", 1, List.of(), "a", null))) {
      assertThatThrownBy(r::run)
          .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }
  }

  @Test
  void invalid_stages_are_refused_naming_the_stage() {
    assertThatThrownBy(() -> catalog.pipelines().write("dev", 1, List.of(stage("a"), stage("a")), "x", null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
        .hasMessageContaining("'a'");
    assertThatThrownBy(
            () -> catalog.pipelines().write("dev", 1, List.of(new StageRecord("s", "a", null, true, null, "explode")), "x", null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
        .hasMessageContaining("stage 's'");
  }

  @Test
  void a_written_revision_is_audited_with_before_and_after_in_the_same_transaction() {
    catalog.pipelines().write("dev", 1, List.of(stage("a", Map.of("k", "v"))), "alice", "why");
    AuditEvent e = catalog.audit().query(AuditQuery.all()).get(0);
    assertThat(e.action()).isEqualTo("pipeline.revised");
    assertThat(e.target()).isEqualTo("env:dev");
    assertThat(e.actor()).isEqualTo("alice");
    assertThat(e.before()).contains("\"revision\":1").contains("pii-redaction");
    assertThat(e.after()).contains("\"revision\":2").contains("\"k\":\"v\"");
  }

  @Test
  void environments_can_be_added_with_an_empty_first_revision() {
    Environment e = catalog.environments().create("perf-1", true, "root");
    assertThat(e.protectedEnv()).isTrue();
    assertThat(catalog.environments().get("perf-1")).contains(e);
    assertThat(catalog.pipelines().current("perf-1").revision()).isEqualTo(1);
    assertThat(catalog.pipelines().current("perf-1").stages()).isEmpty();
    assertThatThrownBy(() -> catalog.environments().create("perf-1", false, "root"))
        .isInstanceOfSatisfying(CatalogException.class, x -> assertThat(x.kind()).isEqualTo(Kind.CONFLICT));
    assertThatThrownBy(() -> catalog.environments().create("Bad_Name", false, "root"))
        .isInstanceOfSatisfying(CatalogException.class, x -> assertThat(x.kind()).isEqualTo(Kind.INVALID));
    assertThat(catalog.audit().query(new AuditQuery("perf-1", null, null, null, null, 10, 0)))
        .extracting(AuditEvent::action)
        .containsExactly("environment.created");
  }
}
