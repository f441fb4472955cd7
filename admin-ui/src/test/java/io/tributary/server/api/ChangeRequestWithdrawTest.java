package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.server.api.TestNode.Response;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/change-requests/{id}/withdraw} on a real node: the requester takes back a
 * pending request (WITHDRAWN, audited), nobody else may (403 naming who can), and a withdrawn or
 * decided request stays as it is (409 naming its status).
 */
class ChangeRequestWithdrawTest {

  @TempDir Path dataDir;

  /** Alice proposes disabling semconv-upgrade in prod; returns the change request's id. */
  private static long propose(TestNode node, String token, long base) {
    JsonNode prod = node.get("/api/v1/environments/prod/pipeline", token).json();
    ObjectNode body = TestNode.JSON.createObjectNode();
    body.put("baseRevision", base);
    body.set("stages", prod.get("stages").deepCopy());
    for (JsonNode s : body.get("stages")) {
      if (s.get("name").asText().equals("semconv-upgrade")) {
        ((ObjectNode) s).put("enabled", false);
      }
    }
    body.put("reason", "disable semconv in prod");
    Response r = node.call("PUT", "/api/v1/environments/prod/pipeline", token, body);
    assertThat(r.status()).as("%s", r).isEqualTo(202);
    return r.json().get("changeRequest").get("id").asLong();
  }

  @Test
  void only_the_requester_withdraws_a_pending_request_and_a_withdrawn_one_cannot_be_approved() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String alice = node.token("alice", "operator", false);
      String olga = node.token("olga", "operator", false);
      String bob = node.token("bob", "operator", true);
      long id = propose(node, alice, 1);

      // Another operator: 403, naming who can.
      Response other = node.call("POST", "/api/v1/change-requests/" + id + "/withdraw", olga, Map.of());
      assertThat(other.status()).as("%s", other).isEqualTo(403);
      assertThat(other.json().get("message").asText()).contains("only 'alice' can withdraw it");
      assertThat(node.get("/api/v1/change-requests/" + id, olga).json().get("status").asText()).isEqualTo("pending");

      // The requester: withdrawn, with the reason, audited.
      Response mine = node.call("POST", "/api/v1/change-requests/" + id + "/withdraw", alice,
          Map.of("reason", "wrong stage"));
      assertThat(mine.status()).as("%s", mine).isEqualTo(200);
      assertThat(mine.json().get("status").asText()).isEqualTo("withdrawn");
      assertThat(mine.json().get("decidedBy").asText()).isEqualTo("alice");
      assertThat(mine.json().get("decisionReason").asText()).isEqualTo("wrong stage");
      JsonNode audit = node.get("/api/v1/audit?action=change.withdrawn", TestNode.ADMIN_TOKEN).json();
      assertThat(audit).hasSize(1);
      assertThat(audit.get(0).get("actor").asText()).isEqualTo("alice");
      assertThat(audit.get(0).get("target").asText()).isEqualTo("env:prod");
      assertThat(audit.get(0).get("reason").asText()).isEqualTo("wrong stage");
      assertThat(node.get("/api/v1/change-requests?status=withdrawn", olga).json().findValuesAsText("id"))
          .containsExactly(String.valueOf(id));
      assertThat(node.get("/api/v1/change-requests?status=pending", olga).json()).isEmpty();

      // An approver cannot then approve it; prod stays at revision 1.
      Response approve = node.call("POST", "/api/v1/change-requests/" + id + "/approve", bob, Map.of("reason", "ok"));
      assertThat(approve.status()).as("%s", approve).isEqualTo(409);
      assertThat(approve.json().get("message").asText()).contains("withdrawn");
      assertThat(node.get("/api/v1/environments/prod/pipeline", bob).json().get("revision").asLong()).isEqualTo(1);

      // Withdrawing twice: 409 naming the status.
      Response again = node.call("POST", "/api/v1/change-requests/" + id + "/withdraw", alice, Map.of());
      assertThat(again.status()).isEqualTo(409);
      assertThat(again.json().get("message").asText()).contains("already withdrawn");
    }
  }

  @Test
  void an_approved_request_cannot_be_withdrawn_and_an_unknown_one_is_not_found() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String alice = node.token("alice", "operator", false);
      String bob = node.token("bob", "operator", true);
      long id = propose(node, alice, 1);
      assertThat(node.call("POST", "/api/v1/change-requests/" + id + "/approve", bob, Map.of()).status()).isEqualTo(200);

      Response approved = node.call("POST", "/api/v1/change-requests/" + id + "/withdraw", alice, Map.of());
      assertThat(approved.status()).as("%s", approved).isEqualTo(409);
      assertThat(approved.json().get("error").asText()).isEqualTo("conflict");
      assertThat(approved.json().get("message").asText()).contains("is already applied");
      assertThat(node.get("/api/v1/change-requests/" + id, alice).json().get("status").asText()).isEqualTo("applied");

      Response unknown = node.call("POST", "/api/v1/change-requests/424242/withdraw", alice, Map.of());
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.json().get("message").asText()).contains("424242");

      // A viewer never may: the route needs the operator role.
      String victor = node.token("victor", "viewer", false);
      assertThat(node.call("POST", "/api/v1/change-requests/" + id + "/withdraw", victor, Map.of()).status())
          .isEqualTo(403);
    }
  }
}
