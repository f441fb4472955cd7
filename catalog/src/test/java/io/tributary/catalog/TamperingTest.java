package io.tributary.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tributary.catalog.CatalogException.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The attacks of someone with write access to the database but without the audit key (which
 * lives outside it), done with plain SQL: cutting the newest audit events and moving the head
 * back, putting back a head copied earlier, editing or deleting a stored pipeline revision, and
 * removing the seals to have them made again. Each must be named by verify; an edited revision
 * must never be handed out to be run.
 */
class TamperingTest extends StoreTest {

  private static final String MARK_FILE = "audit-high-water";

  @BeforeEach
  void someHistory() {
    // Seeding wrote events 1-3 (environment.created); these add 4-8.
    catalog.pipelines().write("dev", 1, List.of(stage("a", Map.of("k", "v"))), "alice", "one");
    clock.advance(Duration.ofMinutes(1));
    catalog.audit().append("anonymous", "login.failed", "token", null, null, "bad token");
    catalog.pipelines().write("staging", 1, List.of(stage("b")), "bob", "two");
    catalog.principals().issue("ci", Role.OPERATOR, false, null, null);
    catalog.pipelines().write("dev", 2, List.of(stage("c")), "alice", "three");
  }

  private Path mark() {
    return dataDir.resolve(MARK_FILE);
  }

  /** The attacker's cut: delete the events after {@code keep} and point the head at event {@code keep}. */
  private void cutAfter(long keep) throws Exception {
    sql("DELETE FROM audit_events WHERE id > ?", keep);
    sql("UPDATE audit_chain SET last_id = ?, last_hash = (SELECT hash FROM audit_events WHERE id = ?) WHERE id = 1",
        keep, keep);
  }

  @Test
  void cutting_the_newest_events_and_moving_the_head_back_is_named_as_truncation() throws Exception {
    assertThat(catalog.audit().verify().valid()).isTrue();
    cutAfter(6);

    AuditVerification v = catalog.audit().verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.kind()).isEqualTo("truncated");
    assertThat(v.firstBroken()).isEqualTo(7L);
    assertThat(v.problem())
        .contains("truncated: the head says 6 events up to id 6, found 6")
        .contains("does not match its seal")
        .contains("this node has seen events up to id 8");

    // A node that never saw the trail (no high-water mark) still sees the head's broken seal.
    Files.delete(mark());
    AuditVerification fresh = open().audit().verify();
    assertThat(fresh.valid()).isFalse();
    assertThat(fresh.kind()).isEqualTo("truncated");
    assertThat(fresh.problem()).contains("the head says 6 events up to id 6, found 6");
  }

  @Test
  void after_a_cut_every_catalog_write_is_refused_so_new_events_cannot_cover_it() throws Exception {
    cutAfter(5);
    CatalogException e =
        catchThrowableOfType(
            CatalogException.class, () -> catalog.pipelines().write("dev", 3, List.of(stage("d")), "mallory", null));
    assertThat(e.kind()).isEqualTo(Kind.TAMPERED);
    assertThat(e.getMessage()).contains("audit trail's head (event 5)");
    assertThat(catchThrowableOfType(
            CatalogException.class, () -> catalog.audit().append("anonymous", "login.failed", "token", null, null, null))
        .kind()).isEqualTo(Kind.TAMPERED);
    assertThat(count("audit_events")).isEqualTo(5);
    assertThat(catalog.audit().verify().kind()).isEqualTo("truncated");
  }

  @Test
  void putting_back_a_head_copied_earlier_is_caught_by_the_nodes_high_water_mark() throws Exception {
    String lastId = queryString("SELECT last_id FROM audit_chain WHERE id = 1");
    String lastHash = queryString("SELECT last_hash FROM audit_chain WHERE id = 1");
    String seal = queryString("SELECT head_seal FROM audit_chain WHERE id = 1");
    assertThat(lastId).isEqualTo("8");
    catalog.audit().append("alice", "token.revoked", "token:1", null, null, null);
    catalog.audit().append("alice", "token.revoked", "token:2", null, null, null);

    // The attacker deletes 9 and 10 and restores the head row saved at 8, seal and all.
    sql("DELETE FROM audit_events WHERE id > 8");
    sql("UPDATE audit_chain SET last_id = 8, last_hash = ?, head_seal = ? WHERE id = 1", lastHash, seal);
    AuditVerification v = catalog.audit().verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.kind()).isEqualTo("rolled_back");
    assertThat(v.firstBroken()).isEqualTo(9L);
    assertThat(v.problem()).contains("the trail ends at event 8").contains("events up to id 10");

    // Writing on from the old head forks the trail: still reported, now at the event that differs.
    catalog.audit().append("anonymous", "login.failed", "token", null, null, "x");
    catalog.audit().append("anonymous", "login.failed", "token", null, null, "y");
    catalog.audit().append("anonymous", "login.failed", "token", null, null, "z");
    AuditVerification forked = catalog.audit().verify();
    assertThat(forked.kind()).isEqualTo("rolled_back");
    assertThat(forked.firstBroken()).isEqualTo(10L);
    assertThat(forked.problem()).contains("event 10 is not the one this node wrote or verified");

    // What the mark cannot see: a node without one (documented limit).
    Files.delete(mark());
    assertThat(open().audit().verify().valid()).isTrue();
  }

  @Test
  void a_revision_edited_in_the_database_is_named_by_verify_and_never_handed_out() throws Exception {
    String stored = queryString("SELECT stages FROM pipeline_revisions WHERE env = 'dev' AND revision = 2");
    assertThat(stored).contains("\"k\":\"v\"");
    assertThat(sql("UPDATE pipeline_revisions SET stages = ? WHERE env = 'dev' AND revision = 2",
        stored.replace("\"k\":\"v\"", "\"k\":\"evil\""))).isEqualTo(1);

    AuditVerification v = catalog.audit().verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.kind()).isEqualTo("revision_tampered");
    assertThat(v.problem()).contains("revision 2 of 'dev' does not match its seal");
    assertThat(v.firstBroken()).as("the event that recorded revision 2").isEqualTo(4L);

    CatalogException read = catchThrowableOfType(CatalogException.class, () -> catalog.pipelines().revision("dev", 2));
    assertThat(read.kind()).isEqualTo(Kind.TAMPERED);
    assertThat(read.currentRevision()).isEqualTo(2L);
    assertThat(read.getMessage()).contains("revision 2 of 'dev'").doesNotContain("evil");
    CatalogException rollback = catchThrowableOfType(
        CatalogException.class, () -> catalog.pipelines().rollback("dev", 3, 2, "alice", "back"));
    assertThat(rollback.kind()).isEqualTo(Kind.TAMPERED);
    assertThat(catalog.pipelines().heads()).containsEntry("dev", 3L);
    // The current revision was not touched: it is still served.
    assertThat(catalog.pipelines().current("dev").stages()).extracting(StageRecord::processor).containsExactly("c");
  }

  @Test
  void editing_the_current_revision_or_its_author_is_refused_on_read() throws Exception {
    sql("UPDATE pipeline_revisions SET author = 'bob' WHERE env = 'dev' AND revision = 3");
    assertThat(catchThrowableOfType(CatalogException.class, () -> catalog.pipelines().current("dev")).kind())
        .isEqualTo(Kind.TAMPERED);
    assertThat(catalog.audit().verify().problem()).contains("revision 3 of 'dev'");
    // A new revision on top is allowed (the way out), and is itself intact.
    PipelineRevision fixed = catalog.pipelines().write("dev", 3, List.of(stage("d")), "alice", "replace it");
    assertThat(catalog.pipelines().current("dev")).isEqualTo(fixed);
  }

  @Test
  void stages_that_do_not_even_parse_are_refused_as_tampered_not_as_an_error() throws Exception {
    sql("UPDATE pipeline_revisions SET stages = 'not json' WHERE env = 'dev' AND revision = 3");
    assertThat(catchThrowableOfType(CatalogException.class, () -> catalog.pipelines().current("dev")).kind())
        .isEqualTo(Kind.TAMPERED);
    assertThat(catalog.audit().verify().problem()).contains("revision 3 of 'dev' does not match its seal");
  }

  @Test
  void deleting_the_newest_revision_and_moving_the_environment_back_is_named() throws Exception {
    sql("DELETE FROM pipeline_revisions WHERE env = 'dev' AND revision = 3");
    sql("UPDATE environments SET head_revision = 2 WHERE name = 'dev'");
    AuditVerification v = catalog.audit().verify();
    assertThat(v.kind()).isEqualTo("revision_tampered");
    assertThat(v.firstBroken()).isEqualTo(8L);
    assertThat(v.problem()).contains("revision 3 of 'dev' was recorded by audit event 8 but is missing");
  }

  @Test
  void every_revision_written_carries_its_seal_in_the_audit_trail() {
    List<AuditEvent> revised = catalog.audit().query(new AuditQuery("dev", null, "pipeline.revised", null, null, 10, 0));
    assertThat(revised).hasSize(2);
    assertThat(revised.get(0).after()).contains("\"revision\":3").containsPattern("\"seal\":\"[0-9a-f]{64}\"");
    List<AuditEvent> created = catalog.audit().query(new AuditQuery("prod", null, "environment.created", null, null, 10, 0));
    assertThat(created.get(0).after()).containsPattern("\"seal\":\"[0-9a-f]{64}\"");
  }

  @Test
  void a_catalog_from_before_seals_is_sealed_once_on_open_and_that_is_audited() throws Exception {
    // What an upgraded database looks like: no head seal, no revision seals, no node has a mark.
    sql("UPDATE audit_chain SET head_seal = NULL");
    sql("UPDATE pipeline_revisions SET seal = NULL");
    Files.delete(mark());
    Catalog upgraded = open();
    List<AuditEvent> migrated = upgraded.audit().query(new AuditQuery(null, null, "audit.migrated", null, null, 10, 0));
    assertThat(migrated).hasSize(1);
    assertThat(migrated.get(0).id()).isEqualTo(9);
    assertThat(migrated.get(0).after()).contains("\"eventsBefore\":8").contains("\"env\":\"dev\",\"revision\":3");
    assertThat(upgraded.audit().verify().valid()).isTrue();
    assertThat(upgraded.pipelines().current("dev").stages()).extracting(StageRecord::processor).containsExactly("c");
    // Opening again changes nothing.
    assertThat(open().audit().query(new AuditQuery(null, null, "audit.migrated", null, null, 10, 0))).hasSize(1);
  }

  @Test
  void removing_the_seals_to_have_an_edited_revision_sealed_again_does_not_work() throws Exception {
    sql("UPDATE pipeline_revisions SET stages = '[]', seal = NULL WHERE env = 'dev' AND revision = 3");
    sql("UPDATE audit_chain SET head_seal = NULL");

    // This node has seen the trail: it seals nothing, refuses writes and reads, and verify says why.
    Catalog reopened = open();
    assertThat(catchThrowableOfType(CatalogException.class, () -> reopened.pipelines().current("dev")).kind())
        .isEqualTo(Kind.TAMPERED);
    assertThat(catchThrowableOfType(
            CatalogException.class, () -> reopened.pipelines().write("dev", 3, List.of(), "alice", null))
        .kind()).isEqualTo(Kind.TAMPERED);
    AuditVerification v = reopened.audit().verify();
    assertThat(v.kind()).isEqualTo("truncated");
    assertThat(v.problem()).contains("has no seal");

    // A node that has not (a new one on a shared database) seals it as it is, but the trail
    // recorded revision 3's seal when it was written: the edit still shows.
    Files.delete(mark());
    Catalog newNode = open();
    assertThat(newNode.audit().query(new AuditQuery(null, null, "audit.migrated", null, null, 10, 0))).hasSize(1);
    AuditVerification again = newNode.audit().verify();
    assertThat(again.valid()).isFalse();
    assertThat(again.kind()).isEqualTo("revision_tampered");
    assertThat(again.firstBroken()).isEqualTo(8L);
    assertThat(again.problem()).contains("revision 3 of 'dev' is not the one audit event 8 recorded");
  }

  @Test
  void a_second_one_time_sealing_is_named() throws Exception {
    sql("UPDATE audit_chain SET head_seal = NULL");
    Files.delete(mark());
    open();
    sql("UPDATE audit_chain SET head_seal = NULL");
    Files.delete(mark());
    AuditVerification v = open().audit().verify();
    assertThat(v.kind()).isEqualTo("seals_removed");
    assertThat(v.firstBroken()).isEqualTo(10L);
    assertThat(v.problem()).contains("ran again at event 10").contains("first at event 9");
  }
}
