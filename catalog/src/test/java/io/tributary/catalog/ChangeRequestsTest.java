package io.tributary.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.CatalogException.Kind;
import io.tributary.catalog.ChangeRequest.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeRequestsTest extends StoreTest {

  private Principal alice;
  private Principal bob;
  private Principal carol;

  @org.junit.jupiter.api.BeforeEach
  void people() {
    alice = person("alice", true);
    bob = person("bob", true);
    carol = person("carol", true);
  }

  private ChangeRequest submit() {
    return catalog.changeRequests().submit("prod", 1, List.of(stage("correlation")), alice, "slim prod");
  }

  @Test
  void a_submitted_request_is_pending_and_audited_with_its_diff() {
    ChangeRequest cr = submit();
    assertThat(cr.status()).isEqualTo(Status.PENDING);
    assertThat(cr.env()).isEqualTo("prod");
    assertThat(cr.baseRevision()).isEqualTo(1);
    assertThat(cr.requester()).isEqualTo("alice");
    assertThat(cr.decidedBy()).isNull();
    assertThat(catalog.changeRequests().get(cr.id())).isEqualTo(cr);
    assertThat(catalog.pipelines().heads()).containsEntry("prod", 1L);
    AuditEvent e = catalog.audit().query(AuditQuery.all()).get(0);
    assertThat(cr.requesterId()).isEqualTo(alice.id());
    assertThat(e.action()).isEqualTo("change.submitted");
    assertThat(e.target()).isEqualTo("env:prod");
    assertThat(e.before()).contains("pii-redaction");
    assertThat(e.after()).contains("\"changeRequest\":" + cr.id());
  }

  @Test
  void the_requester_cannot_approve_or_reject_their_own_request() {
    ChangeRequest cr = submit();
    assertThatThrownBy(() -> catalog.changeRequests().approve(cr.id(), alice, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN));
    assertThatThrownBy(() -> catalog.changeRequests().reject(cr.id(), alice, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN));
    assertThat(catalog.changeRequests().get(cr.id()).status()).isEqualTo(Status.PENDING);
  }

  @Test
  void approval_applies_the_change_as_a_new_revision_atomically() {
    ChangeRequest cr = submit();
    clock.advance(Duration.ofMinutes(5));
    ChangeRequest applied = catalog.changeRequests().approve(cr.id(), bob, "looks good");
    assertThat(applied.status()).isEqualTo(Status.APPLIED);
    assertThat(applied.decidedBy()).isEqualTo("bob");
    assertThat(applied.decisionReason()).isEqualTo("looks good");
    assertThat(applied.decidedAt()).isAfter(applied.createdAt());
    assertThat(applied.appliedRevision()).isEqualTo(2L);
    PipelineRevision current = catalog.pipelines().current("prod");
    assertThat(current.revision()).isEqualTo(2);
    assertThat(current.changeRequest()).isEqualTo(cr.id());
    assertThat(current.author()).isEqualTo("alice");
    assertThat(current.stages()).extracting(StageRecord::processor).containsExactly("correlation");
    assertThat(catalog.audit().query(new AuditQuery("prod", null, null, null, null, 2, 0)))
        .extracting(AuditEvent::action, AuditEvent::actor)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("change.approved", "bob"),
            org.assertj.core.groups.Tuple.tuple("pipeline.revised", "alice"));
  }

  @Test
  void a_decided_request_cannot_be_decided_again() {
    ChangeRequest cr = submit();
    catalog.changeRequests().approve(cr.id(), bob, null);
    assertThatThrownBy(() -> catalog.changeRequests().approve(cr.id(), carol, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    ChangeRequest other = catalog.changeRequests().submit("prod", 2, List.of(), alice, null);
    ChangeRequest rejected = catalog.changeRequests().reject(other.id(), bob, "no");
    assertThat(rejected.status()).isEqualTo(Status.REJECTED);
    assertThat(rejected.appliedRevision()).isNull();
    assertThatThrownBy(() -> catalog.changeRequests().approve(other.id(), carol, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    assertThat(catalog.pipelines().heads()).containsEntry("prod", 2L);
  }

  @Test
  void the_requester_withdraws_a_pending_request_audited_and_it_can_no_longer_be_decided() {
    ChangeRequest cr = submit();
    clock.advance(Duration.ofMinutes(2));
    ChangeRequest withdrawn = catalog.changeRequests().withdraw(cr.id(), alice, "wrong stage");
    assertThat(withdrawn.status()).isEqualTo(Status.WITHDRAWN);
    assertThat(withdrawn.decidedBy()).isEqualTo("alice");
    assertThat(withdrawn.decisionReason()).isEqualTo("wrong stage");
    assertThat(withdrawn.decidedAt()).isAfter(withdrawn.createdAt());
    assertThat(catalog.changeRequests().list(Status.WITHDRAWN)).extracting(ChangeRequest::id).containsExactly(cr.id());
    assertThat(catalog.changeRequests().list(Status.PENDING)).isEmpty();
    AuditEvent e = catalog.audit().query(new AuditQuery(null, null, "change.withdrawn", null, null, 10, 0)).get(0);
    assertThat(e.actor()).isEqualTo("alice");
    assertThat(e.target()).isEqualTo("env:prod");
    assertThat(e.after()).contains("\"changeRequest\":" + cr.id());
    assertThat(e.reason()).isEqualTo("wrong stage");
    assertThatThrownBy(() -> catalog.changeRequests().approve(cr.id(), bob, null))
        .isInstanceOfSatisfying(CatalogException.class, x -> {
          assertThat(x.kind()).isEqualTo(Kind.CONFLICT);
          assertThat(x.getMessage()).contains("withdrawn");
        });
    assertThatThrownBy(() -> catalog.changeRequests().withdraw(cr.id(), alice, null))
        .isInstanceOfSatisfying(CatalogException.class, x -> assertThat(x.kind()).isEqualTo(Kind.CONFLICT));
    assertThat(catalog.pipelines().heads()).containsEntry("prod", 1L);
  }

  @Test
  void only_the_requester_may_withdraw_and_only_while_pending() {
    ChangeRequest cr = submit();
    assertThatThrownBy(() -> catalog.changeRequests().withdraw(cr.id(), bob, null))
        .isInstanceOfSatisfying(CatalogException.class, x -> {
          assertThat(x.kind()).isEqualTo(Kind.FORBIDDEN);
          assertThat(x.getMessage()).contains("only 'alice' can withdraw it");
        });
    assertThat(catalog.changeRequests().get(cr.id()).status()).isEqualTo(Status.PENDING);
    catalog.changeRequests().approve(cr.id(), bob, null);
    assertThatThrownBy(() -> catalog.changeRequests().withdraw(cr.id(), alice, null))
        .isInstanceOfSatisfying(CatalogException.class, x -> {
          assertThat(x.kind()).isEqualTo(Kind.CONFLICT);
          assertThat(x.getMessage()).contains("is already applied");
        });
    assertThat(catalog.changeRequests().get(cr.id()).status()).isEqualTo(Status.APPLIED);
    assertThatThrownBy(() -> catalog.changeRequests().withdraw(4242, alice, null))
        .isInstanceOfSatisfying(CatalogException.class, x -> assertThat(x.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @Test
  void a_request_whose_base_moved_on_is_superseded_and_cannot_be_approved() {
    ChangeRequest first = submit();
    ChangeRequest second = catalog.changeRequests().submit("prod", 1, List.of(), carol, null);
    catalog.changeRequests().approve(first.id(), bob, null);
    assertThat(catalog.changeRequests().get(first.id()).status()).isEqualTo(Status.APPLIED);
    assertThat(catalog.changeRequests().get(second.id()).status()).isEqualTo(Status.SUPERSEDED);
    assertThat(catalog.audit().query(new AuditQuery(null, null, "change.superseded", null, null, 10, 0)))
        .singleElement()
        .satisfies(e -> assertThat(e.after()).contains("\"changeRequest\":" + second.id()));
    long auditBefore = catalog.audit().query(AuditQuery.all()).size();
    assertThatThrownBy(() -> catalog.changeRequests().approve(second.id(), bob, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
          assertThat(e.getMessage()).contains("superseded");
        });
    assertThat(catalog.changeRequests().get(second.id()).status()).isEqualTo(Status.SUPERSEDED);
    assertThat(catalog.pipelines().heads()).containsEntry("prod", 2L);
    assertThat(catalog.audit().query(AuditQuery.all())).hasSize((int) auditBefore);
  }

  @Test
  void submitting_on_a_stale_base_or_unknown_environment_is_refused() {
    catalog.pipelines().write("prod", 1, List.of(), "admin", null);
    assertThatThrownBy(this::submit)
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.STALE_REVISION));
    assertThatThrownBy(() -> catalog.changeRequests().submit("nope", 1, List.of(), alice, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    assertThatThrownBy(() -> catalog.changeRequests().get(42))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }

  @Test
  void requests_are_listed_newest_first_and_filtered_by_status() {
    ChangeRequest a = submit();
    ChangeRequest b = catalog.changeRequests().submit("prod", 1, List.of(), carol, null);
    catalog.changeRequests().reject(a.id(), bob, null);
    assertThat(catalog.changeRequests().list(null)).extracting(ChangeRequest::id).containsExactly(b.id(), a.id());
    assertThat(catalog.changeRequests().list(Status.PENDING)).extracting(ChangeRequest::id).containsExactly(b.id());
    assertThat(catalog.changeRequests().list(Status.REJECTED)).extracting(ChangeRequest::id).containsExactly(a.id());
    assertThat(catalog.changeRequests().list(Status.APPLIED)).isEmpty();
  }

  @Test
  void an_approver_the_requester_created_cannot_decide_the_request() {
    Principal mallory = catalog.principals().issue("mallory", Role.ADMIN, false, null, null).principal();
    Principal puppet = catalog.principals().issue("puppet", Role.OPERATOR, true, null, mallory).principal();
    assertThat(puppet.createdBy()).isEqualTo(mallory.id());
    assertThat(puppet.approverGrantedBy()).isEqualTo(mallory.id());
    ChangeRequest cr = catalog.changeRequests().submit("prod", 1, List.of(), mallory, "mine");
    assertThatThrownBy(() -> catalog.changeRequests().approve(cr.id(), puppet, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN);
          assertThat(e.getMessage()).contains("created or given the approver right by the requester");
        });
    assertThatThrownBy(() -> catalog.changeRequests().reject(cr.id(), puppet, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN));
    assertThat(catalog.changeRequests().approve(cr.id(), bob, null).status()).isEqualTo(Status.APPLIED);
  }

  @Test
  void an_approver_created_after_the_request_cannot_decide_it() {
    ChangeRequest cr = submit();
    clock.advance(Duration.ofSeconds(1));
    Principal late = person("late", true);
    assertThatThrownBy(() -> catalog.changeRequests().approve(cr.id(), late, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN);
          assertThat(e.getMessage()).contains("after change " + cr.id() + " was requested");
        });
    assertThat(catalog.changeRequests().get(cr.id()).status()).isEqualTo(Status.PENDING);
  }

  @Test
  void the_approval_is_checked_against_the_stored_principal_not_the_callers_copy() {
    ChangeRequest cr = submit();
    Principal viewer = catalog.principals().issue("vic", Role.VIEWER, false, null, null).principal();
    Principal forged = new Principal(viewer.id(), "vic", Role.ADMIN, true, viewer.createdAt(), null, null, null);
    assertThatThrownBy(() -> catalog.changeRequests().approve(cr.id(), forged, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN));
    catalog.principals().revoke(bob.id(), "admin");
    assertThatThrownBy(() -> catalog.changeRequests().approve(cr.id(), bob, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN));
  }

  @Test
  void any_write_to_the_environment_supersedes_its_pending_requests() {
    ChangeRequest cr = submit();
    catalog.pipelines().write("prod", 1, List.of(), "admin", "hotfix");
    assertThat(catalog.changeRequests().get(cr.id()).status()).isEqualTo(Status.SUPERSEDED);
    assertThat(catalog.changeRequests().list(Status.PENDING)).isEmpty();
    assertThatThrownBy(() -> catalog.changeRequests().reject(cr.id(), bob, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
  }

  @Test
  void reasons_with_invisible_or_bidi_characters_or_too_long_are_refused() {
    for (String bad : List.of("ok\u202Egnp.exe", "fine\u200B", "a\u0007b", "x".repeat(Texts.MAX_REASON + 1))) {
      assertThatThrownBy(() -> catalog.changeRequests().submit("prod", 1, List.of(), alice, bad))
          .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
    }
    assertThat(catalog.changeRequests().submit("prod", 1, List.of(), alice, "  línea uno\nzwei  ").reason())
        .isEqualTo("línea uno\nzwei");
  }

  @Test
  void a_request_from_before_principal_ids_is_still_refused_to_its_requester_by_name() throws Exception {
    ChangeRequest cr = submit();
    sql("UPDATE change_requests SET requester_id = NULL");
    catalog.principals().revoke(alice.id(), "admin");
    Principal twin = catalog.principals().issue("ALICE", Role.OPERATOR, true, null, null).principal();
    assertThatThrownBy(() -> catalog.changeRequests().approve(cr.id(), twin, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN));
    assertThat(catalog.changeRequests().approve(cr.id(), bob, null).status()).isEqualTo(Status.APPLIED);
  }

  @Test
  void neither_side_may_descend_from_the_other() {
    Principal mallory = catalog.principals().issue("mallory", Role.ADMIN, true, null, null).principal();
    Principal proxy = catalog.principals().issue("proxy", Role.ADMIN, false, null, mallory).principal();
    Principal deep = catalog.principals().issue("deep", Role.OPERATOR, true, null, proxy).principal();
    Principal front = catalog.principals().issue("front", Role.OPERATOR, false, null, proxy).principal();
    ChangeRequest byMallory = catalog.changeRequests().submit("prod", 1, List.of(), mallory, null);
    assertThatThrownBy(() -> catalog.changeRequests().approve(byMallory.id(), deep, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN));
    catalog.changeRequests().reject(byMallory.id(), bob, null);
    ChangeRequest byFront = catalog.changeRequests().submit("prod", 1, List.of(), front, null);
    assertThatThrownBy(() -> catalog.changeRequests().approve(byFront.id(), mallory, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN);
          assertThat(e.getMessage()).contains("created the requester");
        });
    // Siblings (both made by one creator) are two people as far as the catalog can tell.
    assertThat(catalog.changeRequests().approve(byFront.id(), deep, null).status()).isEqualTo(Status.APPLIED);
  }
}
