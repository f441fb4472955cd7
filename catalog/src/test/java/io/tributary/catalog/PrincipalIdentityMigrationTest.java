package io.tributary.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.catalog.CatalogException.Kind;
import io.tributary.catalog.ChangeRequest.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** V3 on a catalog that has principals and change requests from before it. */
class PrincipalIdentityMigrationTest extends StoreTest {

  @Test
  void upgrading_keeps_requesters_and_supersedes_requests_whose_base_is_gone() throws Exception {
    Principal alice = person("alice", false);
    Principal bob = person("bob", true);
    ChangeRequest old = catalog.changeRequests().submit("prod", 1, List.of(), alice, "old base");
    catalog.pipelines().write("prod", 1, List.of(stage("correlation")), "admin", "hotfix");
    ChangeRequest current = catalog.changeRequests().submit("prod", 2, List.of(), alice, "current base");
    catalog.close();
    // Back to the state before V3 (and so before V4 to V6, which came after it): no ids, no seals, no nodes, the
    // stale request still pending as it was then, and a node that has not seen this trail yet.
    sql("UPDATE change_requests SET status = 'PENDING', decided_at = NULL WHERE id = ?", old.id());
    for (String drop : List.of("change_requests DROP COLUMN requester_id", "change_requests DROP COLUMN decided_by_id",
        "principals DROP COLUMN created_by", "principals DROP COLUMN approver_granted_by",
        "principals DROP COLUMN approver_granted_at", "audit_chain DROP COLUMN head_seal",
        "pipeline_revisions DROP COLUMN seal")) {
      sql("ALTER TABLE " + drop);
    }
    sql("DROP TABLE nodes");
    sql("DROP TABLE stage_samples");
    assertThat(sql("DELETE FROM flyway_schema_history WHERE version IN ('3', '4', '5', '6')")).isEqualTo(4);
    java.nio.file.Files.deleteIfExists(dataDir.resolve("audit-high-water"));

    Catalog upgraded = open();
    assertThat(upgraded.changeRequests().get(old.id()).status()).isEqualTo(Status.SUPERSEDED);
    ChangeRequest pending = upgraded.changeRequests().get(current.id());
    assertThat(pending.status()).isEqualTo(Status.PENDING);
    assertThat(pending.requesterId()).isEqualTo(alice.id());
    assertThat(upgraded.principals().get(bob.id()).orElseThrow().approverGrantedAt()).isNotNull();
    assertThatThrownBy(() -> upgraded.changeRequests().approve(old.id(), bob, null))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFLICT));
    assertThat(upgraded.changeRequests().approve(current.id(), bob, null).status()).isEqualTo(Status.APPLIED);
  }
}
