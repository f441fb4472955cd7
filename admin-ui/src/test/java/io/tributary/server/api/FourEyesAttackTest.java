package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.server.api.TestNode.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the second-person rule of protected environments, each against a real node (H2
 * file, real HTTP), each asserting the safe outcome.
 */
class FourEyesAttackTest {

  private static final String HASH_KEY = "first-hash-key-for-prod-0123456789";
  private static final String NEW_HASH_KEY = "second-hash-key-for-prod-9876543210";

  @TempDir Path dataDir;

  private static Response createToken(TestNode node, String asToken, String name, String role, boolean approver) {
    return node.call("POST", "/api/v1/tokens", asToken, Map.of("name", name, "role", role, "approver", approver));
  }

  private static String token(Response created) {
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    return created.json().get("token").asText();
  }

  /** Submits a prod edit (semconv-upgrade disabled) as {@code token}; returns the change request id. */
  private static long requestProdChange(TestNode node, String token, String reason) {
    JsonNode prod = node.get("/api/v1/environments/prod/pipeline", token).json();
    ObjectNode body = TestNode.JSON.createObjectNode();
    body.put("baseRevision", prod.get("revision").asLong());
    ArrayNode stages = prod.get("stages").deepCopy();
    for (JsonNode s : stages) {
      if (s.get("name").asText().equals("semconv-upgrade")) {
        ((ObjectNode) s).put("enabled", false);
      }
    }
    body.set("stages", stages);
    body.put("reason", reason);
    Response proposed = node.call("PUT", "/api/v1/environments/prod/pipeline", token, body);
    assertThat(proposed.status()).as("%s", proposed).isEqualTo(202);
    return proposed.json().get("changeRequest").get("id").asLong();
  }

  private static Response approve(TestNode node, String token, long id) {
    return node.call("POST", "/api/v1/change-requests/" + id + "/approve", token, Map.of("reason", "lgtm"));
  }

  @Test
  void an_approver_named_admin_with_a_zero_width_space_is_refused_and_so_is_a_case_twin() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      for (String lookalike : List.of("admin\u200B", "\u202Eadmin", "adm\u0456n", "ad\u00ADmin", "admin\uFEFF",
          " admin", "x".repeat(65))) {
        Response refused = createToken(node, TestNode.ADMIN_TOKEN, lookalike, "operator", true);
        assertThat(refused.status()).as("%s for %s", refused, lookalike.codePoints().boxed().toList()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_name");
      }
      Response zeroWidth = createToken(node, TestNode.ADMIN_TOKEN, "admin\u200B", "operator", true);
      assertThat(zeroWidth.json().get("message").asText()).contains("U+200B (ZERO WIDTH SPACE)");
      Response twin = createToken(node, TestNode.ADMIN_TOKEN, "ADMIN", "operator", true);
      assertThat(twin.status()).as("%s", twin).isEqualTo(409);
      assertThat(node.get("/api/v1/tokens", TestNode.ADMIN_TOKEN).json().findValuesAsText("name"))
          .containsExactly("admin");
    }
  }

  @Test
  void reasons_with_bidi_overrides_invisible_characters_or_too_long_are_refused_everywhere() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String alice = node.token("alice", "operator", true);
      String bob = node.token("bob", "operator", true);
      long id = requestProdChange(node, alice, "pause semconv");
      JsonNode staging = node.get("/api/v1/environments/staging/pipeline", alice).json();
      List<String> bad = List.of("fix\u202Etxt.exe", "ok\u200B", "bell\u0007", "x".repeat(1001));
      for (String reason : bad) {
        ObjectNode write = TestNode.JSON.createObjectNode();
        write.put("baseRevision", 1);
        write.set("stages", staging.get("stages").deepCopy());
        write.put("reason", reason);
        List<Response> answers = new ArrayList<>();
        answers.add(node.call("PUT", "/api/v1/environments/staging/pipeline", alice, write));
        answers.add(node.call("PUT", "/api/v1/environments/prod/pipeline", alice, write));
        answers.add(node.call("POST", "/api/v1/environments/staging/pipeline/rollback", alice,
            Map.of("revision", 1, "reason", reason)));
        answers.add(node.call("POST", "/api/v1/change-requests/" + id + "/approve", bob, Map.of("reason", reason)));
        answers.add(node.call("POST", "/api/v1/change-requests/" + id + "/reject", bob, Map.of("reason", reason)));
        answers.add(node.call("PUT", "/api/v1/environments/staging/fail-open", TestNode.ADMIN_TOKEN,
            Map.of("failOpen", false, "reason", reason)));
        for (Response r : answers) {
          assertThat(r.status()).as("%s", r).isEqualTo(400);
          assertThat(r.json().get("error").asText()).isEqualTo("invalid_reason");
        }
      }
      assertThat(node.get("/api/v1/change-requests/" + id, bob).json().get("status").asText()).isEqualTo("pending");
      assertThat(node.get("/api/v1/environments/staging/pipeline", bob).json().get("revision").asLong()).isEqualTo(1);
    }
  }

  @Test
  void an_approver_the_requester_created_cannot_approve_by_token_or_by_session() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String carol = node.token("carol", "operator", true);
      String mallory = node.token("mallory", "admin", false);
      // Mallory makes herself a second identity with the approver right, then asks for a prod change.
      String puppet = token(createToken(node, mallory, "puppet", "operator", true));
      long id = requestProdChange(node, mallory, "looks harmless");

      Response byToken = approve(node, puppet, id);
      assertThat(byToken.status()).as("%s", byToken).isEqualTo(403);
      assertThat(byToken.json().get("message").asText()).contains("created or given the approver right by the requester");

      // The same principal logged in through the browser is the same person.
      Response login = node.call("POST", "/api/v1/session", Map.of(), Map.of("token", puppet));
      String setCookie = login.header("Set-Cookie");
      String cookie = setCookie.substring(0, setCookie.indexOf(';'));
      Response bySession = node.call("POST", "/api/v1/change-requests/" + id + "/approve",
          Map.of("Cookie", cookie, "Origin", "http://localhost:" + node.port), Map.of("reason", "lgtm"));
      assertThat(bySession.status()).as("%s", bySession).isEqualTo(403);

      // An approver made after the request, by the requester or by anyone else, cannot approve it either.
      String latePuppet = token(createToken(node, mallory, "late-puppet", "operator", true));
      assertThat(approve(node, latePuppet, id).status()).isEqualTo(403);
      String lateHonest = node.token("dave", "operator", true);
      Response late = approve(node, lateHonest, id);
      assertThat(late.status()).as("%s", late).isEqualTo(403);
      assertThat(late.json().get("message").asText()).contains("after change " + id + " was requested");

      assertThat(node.get("/api/v1/environments/prod/pipeline", carol).json().get("revision").asLong()).isEqualTo(1);
      JsonNode request = node.get("/api/v1/change-requests/" + id, carol).json();
      assertThat(request.get("status").asText()).isEqualTo("pending");

      // A different person who existed before the request can.
      Response approved = approve(node, carol, id);
      assertThat(approved.status()).as("%s", approved).isEqualTo(200);
      JsonNode me = node.get("/api/v1/me", carol).json();
      assertThat(approved.json().get("decidedById").asLong()).isEqualTo(me.get("id").asLong());
      JsonNode tokens = node.get("/api/v1/tokens", TestNode.ADMIN_TOKEN).json();
      long malloryId = -1;
      for (JsonNode t : tokens) {
        if (t.get("name").asText().equals("mallory")) {
          malloryId = t.get("id").asLong();
        }
      }
      for (JsonNode t : tokens) {
        if (t.get("name").asText().equals("puppet")) {
          assertThat(t.get("createdBy").asLong()).isEqualTo(malloryId);
          assertThat(t.get("approverGrantedBy").asLong()).isEqualTo(malloryId);
        }
      }
      assertThat(request.get("requesterId").asLong()).isEqualTo(malloryId);
    }
  }

  @Test
  void sock_puppets_two_creations_away_or_on_the_requesting_side_cannot_fake_the_second_person() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String carol = node.token("carol", "operator", true);
      String mallory = node.token("mallory", "admin", true);
      // Mallory hides her puppet behind a second admin she made.
      String proxy = token(createToken(node, mallory, "proxy-admin", "admin", false));
      String deepPuppet = token(createToken(node, proxy, "deep-puppet", "operator", true));
      long own = requestProdChange(node, mallory, "mine");
      Response deep = approve(node, deepPuppet, own);
      assertThat(deep.status()).as("%s", deep).isEqualTo(403);
      assertThat(deep.json().get("message").asText()).contains("through principals the requester created");

      // The other way round: Mallory (an approver) makes an operator, requests through it, approves herself.
      String front = token(createToken(node, mallory, "front", "operator", false));
      assertThat(approve(node, carol, own).status()).isEqualTo(200);
      long viaFront = requestProdChange(node, front, "looks like someone else's");
      Response self = approve(node, mallory, viaFront);
      assertThat(self.status()).as("%s", self).isEqualTo(403);
      assertThat(self.json().get("message").asText()).contains("created the requester");
      assertThat(approve(node, carol, viaFront).status()).isEqualTo(200);
    }
  }

  @Test
  void the_approver_sees_every_added_removed_and_changed_stage_in_full_with_secrets_masked() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String alice = node.token("alice", "operator", true);
      String bob = node.token("bob", "operator", true);
      // Revision 2 of prod sets a hash key (through a change request bob approves).
      JsonNode prod = node.get("/api/v1/environments/prod/pipeline", alice).json();
      ObjectNode first = TestNode.JSON.createObjectNode();
      first.put("baseRevision", 1);
      ArrayNode stages = prod.get("stages").deepCopy();
      ObjectNode pii = (ObjectNode) stages.get(3);
      pii.putObject("config").put("hashKey", HASH_KEY).putObject("actions").put("email", "hash");
      first.set("stages", stages);
      first.put("reason", "hash e-mail addresses");
      long setup = node.call("PUT", "/api/v1/environments/prod/pipeline", alice, first).json()
          .get("changeRequest").get("id").asLong();
      assertThat(approve(node, bob, setup).status()).isEqualTo(200);

      // The change to review: add an attributes stage, remove semconv-upgrade, replace the hash key, move
      // correlation to the end.
      prod = node.get("/api/v1/environments/prod/pipeline", alice).json();
      ObjectNode edit = TestNode.JSON.createObjectNode();
      edit.put("baseRevision", 2);
      ArrayNode next = TestNode.JSON.createArrayNode();
      JsonNode correlation = prod.get("stages").get(0);
      next.add(prod.get("stages").get(2).deepCopy()); // environment
      ObjectNode piiEdit = prod.get("stages").get(3).deepCopy();
      ((ObjectNode) piiEdit.get("config")).put("hashKey", NEW_HASH_KEY);
      next.add(piiEdit);
      ObjectNode added = next.addObject();
      added.put("name", "attributes");
      added.put("processor", "attributes");
      added.putObject("config").putArray("actions").add("insert team=checkout").add("delete http.user_agent");
      next.add(correlation.deepCopy());
      edit.set("stages", next);
      edit.put("reason", "tag checkout, rotate the hash key");
      Response proposed = node.call("PUT", "/api/v1/environments/prod/pipeline", alice, edit);
      assertThat(proposed.status()).as("%s", proposed).isEqualTo(202);
      long id = proposed.json().get("changeRequest").get("id").asLong();

      Response view = node.get("/api/v1/change-requests/" + id, bob);
      assertThat(view.status()).isEqualTo(200);
      assertThat(view.body()).doesNotContain(HASH_KEY).doesNotContain(NEW_HASH_KEY);
      JsonNode review = view.json().get("review");
      Map<String, JsonNode> byStage = new java.util.LinkedHashMap<>();
      review.forEach(e -> byStage.put(e.get("stage").asText(), e));
      assertThat(byStage.keySet()).containsExactly("environment", "pii-redaction", "attributes", "correlation",
          "semconv-upgrade");

      JsonNode addedStage = byStage.get("attributes");
      assertThat(addedStage.get("change").asText()).isEqualTo("added");
      assertThat(addedStage.get("positionAfter").asInt()).isEqualTo(3);
      assertThat(addedStage.get("after").get("processor").asText()).isEqualTo("attributes");
      assertThat(addedStage.get("after").get("config").get("actions").toString())
          .isEqualTo("[\"insert team=checkout\",\"delete http.user_agent\"]");

      JsonNode removed = byStage.get("semconv-upgrade");
      assertThat(removed.get("change").asText()).isEqualTo("removed");
      assertThat(removed.get("before").get("processor").asText()).isEqualTo("semconv-upgrade");
      assertThat(removed.get("after").isNull()).isTrue();

      JsonNode changed = byStage.get("pii-redaction");
      assertThat(changed.get("change").asText()).isEqualTo("changed");
      assertThat(changed.get("after").get("config").get("hashKey").toString()).isEqualTo("{\"set\":true}");
      assertThat(changed.get("after").get("config").get("actions").toString()).isEqualTo("{\"email\":\"hash\"}");
      JsonNode secretChange = changed.get("changes").get(0);
      assertThat(secretChange.get("field").asText()).isEqualTo("config.hashKey");
      assertThat(secretChange.get("secret").asBoolean()).isTrue();
      assertThat(secretChange.get("before").toString()).isEqualTo("{\"set\":true}");

      JsonNode moved = byStage.get("correlation");
      assertThat(moved.get("positionBefore").asInt()).isEqualTo(1);
      assertThat(moved.get("positionAfter").asInt()).isEqualTo(4);
      assertThat(moved.get("change").asText()).isEqualTo("moved");
      assertThat(view.json().get("changedSecrets").toString()).isEqualTo("[\"pii-redaction/hashKey\"]");

      // A changed plain value shows before and after.
      ObjectNode again = edit.deepCopy();
      again.put("baseRevision", 2);
      ((ObjectNode) ((ArrayNode) again.get("stages")).get(0)).put("enabled", false);
      ((ObjectNode) ((ArrayNode) again.get("stages")).get(1).get("config")).put("hashKey", NEW_HASH_KEY);
      long other = node.call("PUT", "/api/v1/environments/prod/pipeline", alice, again).json()
          .get("changeRequest").get("id").asLong();
      JsonNode env = null;
      for (JsonNode e : node.get("/api/v1/change-requests/" + other, bob).json().get("review")) {
        if (e.get("stage").asText().equals("environment")) {
          env = e;
        }
      }
      assertThat(env.get("change").asText()).isEqualTo("changed");
      assertThat(env.get("changes").toString()).contains("\"field\":\"enabled\",\"before\":true,\"after\":false");
      // The list shows the same complete view.
      assertThat(node.get("/api/v1/change-requests?status=pending", bob).json().get(0).get("review").size())
          .isEqualTo(5);
    }
  }

  @Test
  void a_request_whose_base_moved_on_becomes_superseded_and_cannot_be_approved() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String alice = node.token("alice", "operator", true);
      String bob = node.token("bob", "operator", true);
      String carol = node.token("carol", "operator", true);
      long first = requestProdChange(node, alice, "first");
      long second = requestProdChange(node, bob, "second, on the same base");
      assertThat(approve(node, carol, first).status()).isEqualTo(200);

      JsonNode stale = node.get("/api/v1/change-requests/" + second, carol).json();
      assertThat(stale.get("status").asText()).isEqualTo("superseded");
      Response refused = approve(node, carol, second);
      assertThat(refused.status()).as("%s", refused).isEqualTo(409);
      assertThat(refused.json().get("message").asText()).contains("superseded").contains("submit the change again");
      assertThat(node.get("/api/v1/change-requests?status=pending", carol).json()).isEmpty();
      assertThat(node.get("/api/v1/change-requests?status=superseded", carol).json().findValuesAsText("id"))
          .containsExactly(String.valueOf(second));
      assertThat(node.get("/api/v1/audit?action=change.superseded", carol).json()).hasSize(1);
      assertThat(node.get("/api/v1/environments/prod/pipeline", carol).json().get("revision").asLong()).isEqualTo(2);
    }
  }

  @Test
  void the_last_active_admin_cannot_be_revoked() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      long adminId = node.get("/api/v1/me", TestNode.ADMIN_TOKEN).json().get("id").asLong();
      Response last = node.call("DELETE", "/api/v1/tokens/" + adminId, TestNode.ADMIN_TOKEN, null);
      assertThat(last.status()).as("%s", last).isEqualTo(409);
      assertThat(last.json().get("message").asText()).contains("last active admin").contains("reset-admin");

      String ops = node.token("ops", "admin", false);
      assertThat(node.call("DELETE", "/api/v1/tokens/" + adminId, ops, null).status()).isEqualTo(200);
      long opsId = node.get("/api/v1/me", ops).json().get("id").asLong();
      assertThat(node.call("DELETE", "/api/v1/tokens/" + opsId, ops, null).status()).isEqualTo(409);
      assertThat(node.get("/api/v1/me", ops).status()).isEqualTo(200);
    }
  }

  @Test
  void a_token_expiring_in_the_past_is_refused() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      Response past = node.call("POST", "/api/v1/tokens", TestNode.ADMIN_TOKEN,
          Map.of("name", "ci", "role", "operator", "approver", false, "expiresAt", "2020-01-01T00:00:00Z"));
      assertThat(past.status()).as("%s", past).isEqualTo(400);
      assertThat(past.json().get("error").asText()).isEqualTo("invalid_expiry");
      assertThat(node.get("/api/v1/tokens", TestNode.ADMIN_TOKEN).json()).hasSize(1);
    }
  }
}
