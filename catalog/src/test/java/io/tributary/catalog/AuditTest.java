package io.tributary.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditTest extends StoreTest {

  @BeforeEach
  void someHistory() {
    // Seeding wrote events 1-3 (environment.created); these add 4-8.
    catalog.pipelines().write("dev", 1, List.of(stage("a")), "alice", "one");
    clock.advance(Duration.ofMinutes(1));
    catalog.audit().append("anonymous", "login.failed", "token", null, null, "bad token");
    clock.advance(Duration.ofMinutes(1));
    catalog.pipelines().write("staging", 1, List.of(stage("b")), "bob", "two");
    catalog.principals().issue("ci", Role.OPERATOR, false, null, null);
    catalog.pipelines().write("dev", 2, List.of(stage("c")), "alice", "three");
  }

  @Test
  void an_intact_trail_verifies() {
    AuditVerification v = catalog.audit().verify();
    assertThat(v.valid()).isTrue();
    assertThat(v.events()).isEqualTo(8);
    assertThat(v.firstBroken()).isNull();
    assertThat(v.problem()).isNull();
  }

  @Test
  void appended_events_carry_what_was_given_and_chain_onto_the_last() {
    AuditEvent e = catalog.audit().append("anonymous", "login.failed", "token", "{\"a\":1}", null, "why");
    assertThat(e.id()).isEqualTo(9);
    assertThat(e.hash()).hasSize(64);
    assertThat(catalog.audit().query(AuditQuery.all()).get(0)).isEqualTo(e);
  }

  @Test
  void queries_filter_by_env_actor_action_and_time_newest_first_with_paging() {
    assertThat(catalog.audit().query(new AuditQuery("dev", null, null, null, null, 100, 0)))
        .extracting(AuditEvent::reason)
        .containsExactly("three", "one", "first start: default environments");
    assertThat(catalog.audit().query(new AuditQuery(null, "alice", null, null, null, 100, 0)))
        .extracting(AuditEvent::action)
        .containsExactly("pipeline.revised", "pipeline.revised");
    assertThat(catalog.audit().query(new AuditQuery(null, null, "login.failed", null, null, 100, 0))).hasSize(1);
    Instant start = Instant.parse("2025-06-01T10:00:00Z");
    assertThat(catalog.audit().query(new AuditQuery(null, null, null, start.plusSeconds(60), start.plusSeconds(120), 100, 0)))
        .extracting(AuditEvent::action)
        .containsExactly("login.failed");
    assertThat(catalog.audit().query(new AuditQuery(null, null, null, null, null, 2, 0))).extracting(AuditEvent::id).containsExactly(8L, 7L);
    assertThat(catalog.audit().query(new AuditQuery(null, null, null, null, null, 2, 2))).extracting(AuditEvent::id).containsExactly(6L, 5L);
  }

  @Test
  void editing_an_event_breaks_the_chain_at_that_event() throws Exception {
    assertThat(sql("UPDATE audit_events SET actor = 'mallory' WHERE id = 5")).isEqualTo(1);
    AuditVerification v = catalog.audit().verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBroken()).isEqualTo(5L);
    assertThat(v.problem()).contains("event 5");
  }

  @Test
  void editing_the_time_or_the_stored_hash_is_caught_too() throws Exception {
    sql("UPDATE audit_events SET reason = 'nothing to see' WHERE id = 8");
    assertThat(catalog.audit().verify().firstBroken()).isEqualTo(8L);
    sql("UPDATE audit_events SET reason = 'three' WHERE id = 8");
    assertThat(catalog.audit().verify().valid()).isTrue();
    sql("UPDATE audit_events SET hash = ? WHERE id = 2", "0".repeat(64));
    assertThat(catalog.audit().verify().firstBroken()).isEqualTo(2L);
  }

  @Test
  void deleting_an_event_names_the_one_after_the_gap() throws Exception {
    assertThat(sql("DELETE FROM audit_events WHERE id = 4")).isEqualTo(1);
    AuditVerification v = catalog.audit().verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBroken()).isEqualTo(5L);
    assertThat(v.problem()).contains("event 4 is missing");
  }

  @Test
  void deleting_the_newest_events_is_caught_by_the_chain_head() throws Exception {
    sql("DELETE FROM audit_events WHERE id >= 7");
    AuditVerification v = catalog.audit().verify();
    assertThat(v.valid()).isFalse();
    assertThat(v.firstBroken()).isEqualTo(7L);
    assertThat(v.problem()).contains("7 to 8");
  }

  @Test
  void a_reopened_catalog_verifies_the_same_trail() {
    catalog.close();
    assertThat(open().audit().verify().valid()).isTrue();
  }
}
