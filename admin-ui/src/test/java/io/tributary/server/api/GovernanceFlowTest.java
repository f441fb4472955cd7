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

/** The governance story through the REST API of a real node, end to end. */
class GovernanceFlowTest {

  @TempDir Path dataDir;

  private static ObjectNode edit(JsonNode pipeline, long base, String reason) {
    ObjectNode body = TestNode.JSON.createObjectNode();
    body.put("baseRevision", base);
    body.set("stages", pipeline.get("stages").deepCopy());
    body.put("reason", reason);
    return body;
  }

  private static ObjectNode stage(ObjectNode body, String name) {
    for (JsonNode s : body.get("stages")) {
      if (s.get("name").asText().equals(name)) {
        return (ObjectNode) s;
      }
    }
    throw new AssertionError("no stage " + name + " in " + body);
  }

  private static List<String> actions(Response audit) {
    List<String> out = new ArrayList<>();
    audit.json().forEach(e -> out.add(e.get("action").asText()));
    return out;
  }

  @Test
  void edit_review_approve_restart_and_verify() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String admin = TestNode.ADMIN_TOKEN;
      String alice = node.token("alice", "operator", true);
      String bob = node.token("bob", "operator", true);

      Response envs = node.get("/api/v1/environments", alice);
      assertThat(envs.status()).isEqualTo(200);
      assertThat(envs.json().findValuesAsText("name")).containsExactly("dev", "prod", "staging");
      assertThat(envs.json().get(1).get("protected").asBoolean()).isTrue();

      JsonNode staging = node.get("/api/v1/environments/staging/pipeline", alice).json();
      assertThat(staging.get("revision").asLong()).isEqualTo(1);
      assertThat(staging.get("stages").findValuesAsText("processor"))
          .containsExactly("correlation", "semconv-upgrade", "environment", "pii-redaction");

      // An edit of an unprotected environment is a new revision at once.
      ObjectNode body = edit(staging, 1, "tag staging traffic");
      stage(body, "environment").putObject("config").put("environment", "staging")
          .putObject("tags").put("team", "checkout");
      ObjectNode piiConfig = stage(body, "pii-redaction").putObject("config");
      piiConfig.put("hashKey", "s3cret-hash-key-for-tests");
      piiConfig.putObject("actions").put("email", "hash");
      Response written = node.call("PUT", "/api/v1/environments/staging/pipeline", alice, body);
      assertThat(written.status()).as("%s", written).isEqualTo(200);
      assertThat(written.json().get("revision").asLong()).isEqualTo(2);
      assertThat(written.json().get("author").asText()).isEqualTo("alice");
      // The secret is never shown again: not in the pipeline, not in the audit trail.
      JsonNode storedPii = stage((ObjectNode) written.json().deepCopy(), "pii-redaction").get("config");
      assertThat(storedPii.get("hashKey").toString()).isEqualTo("{\"set\":true}");
      assertThat(node.get("/api/v1/environments/staging/pipeline", alice).body()).doesNotContain("s3cret");
      assertThat(node.get("/api/v1/audit?limit=1000", admin).body()).doesNotContain("s3cret");
      // …but it is used: the stored key hashes emails in a simulation of the saved pipeline.
      Response simulated = node.call("POST", "/api/v1/environments/staging/simulate", alice,
          Map.of("items", List.of(Map.of("kind", "log", "body", "mail bob@example.com"))));
      assertThat(simulated.json().get("results").get(0).get("output").get("body").asText()).startsWith("mail [HASH:email:");

      // The same base again is stale: 409 with the current revision.
      Response stale = node.call("PUT", "/api/v1/environments/staging/pipeline", bob, body);
      assertThat(stale.status()).isEqualTo(409);
      assertThat(stale.json().get("currentRevision").asLong()).isEqualTo(2);

      // A pipeline that does not compile is refused, naming the stage and the key.
      ObjectNode broken = edit(written.json(), 2, "typo");
      ((ArrayNode) broken.get("stages")).addObject().put("processor", "pii-redacton");
      stage(broken, "environment").with("config").put("no-such-key", 1);
      Response refused = node.call("PUT", "/api/v1/environments/staging/pipeline", alice, broken);
      assertThat(refused.status()).isEqualTo(422);
      assertThat(refused.json().get("error").asText()).isEqualTo("does_not_compile");
      assertThat(refused.json().get("diagnostics").findValuesAsText("stage")).contains("pii-redacton", "environment");
      assertThat(refused.json().get("diagnostics").findValuesAsText("key")).contains("no-such-key");
      assertThat(refused.json().get("message").asText()).contains("did you mean pii-redaction");

      // prod is protected: an edit becomes a change request.
      JsonNode prod = node.get("/api/v1/environments/prod/pipeline", alice).json();
      ObjectNode prodEdit = edit(prod, 1, "disable semconv in prod");
      stage(prodEdit, "semconv-upgrade").put("enabled", false);
      Response proposed = node.call("PUT", "/api/v1/environments/prod/pipeline", alice, prodEdit);
      assertThat(proposed.status()).as("%s", proposed).isEqualTo(202);
      JsonNode request = proposed.json().get("changeRequest");
      assertThat(request.get("status").asText()).isEqualTo("pending");
      assertThat(request.get("diff").toString()).contains("semconv-upgrade").contains("enabled");
      long id = request.get("id").asLong();
      assertThat(node.get("/api/v1/environments/prod/pipeline", alice).json().get("revision").asLong()).isEqualTo(1);

      // Nobody approves their own request, not even an approver; a viewer cannot approve at all.
      Response self = node.call("POST", "/api/v1/change-requests/" + id + "/approve", alice, Map.of("reason", "lgtm"));
      assertThat(self.status()).isEqualTo(403);
      String viewer = node.token("victor", "viewer", false);
      assertThat(node.call("POST", "/api/v1/change-requests/" + id + "/approve", viewer, Map.of()).status()).isEqualTo(403);

      Response approved = node.call("POST", "/api/v1/change-requests/" + id + "/approve", bob, Map.of("reason", "ok"));
      assertThat(approved.status()).as("%s", approved).isEqualTo(200);
      assertThat(approved.json().get("status").asText()).isEqualTo("applied");
      assertThat(approved.json().get("appliedRevision").asLong()).isEqualTo(2);
      JsonNode prodNow = node.get("/api/v1/environments/prod/pipeline", viewer).json();
      assertThat(prodNow.get("revision").asLong()).isEqualTo(2);
      assertThat(stage((ObjectNode) prodNow.deepCopy(), "semconv-upgrade").get("enabled").asBoolean()).isFalse();
      assertThat(node.call("POST", "/api/v1/change-requests/" + id + "/approve", admin, Map.of()).status())
          .as("an applied request cannot be approved twice").isEqualTo(409);

      // Admins add environments; each starts at revision 1.
      assertThat(node.call("POST", "/api/v1/environments", alice, Map.of("name", "qa")).status()).isEqualTo(403);
      Response qa = node.call("POST", "/api/v1/environments", admin, Map.of("name", "qa", "protected", false));
      assertThat(qa.status()).as("%s", qa).isEqualTo(201);
      assertThat(node.get("/api/v1/environments/qa/pipeline", alice).json().get("revision").asLong()).isEqualTo(1);
      assertThat(node.call("POST", "/api/v1/environments", admin, Map.of("name", "qa")).status()).isEqualTo(409);
      assertThat(node.call("POST", "/api/v1/environments", admin, Map.of("name", "Bad Name")).status()).isEqualTo(422);

      // Rollback of staging to revision 1.
      Response rolled = node.call("POST", "/api/v1/environments/staging/pipeline/rollback", alice,
          Map.of("revision", 1, "reason", "undo"));
      assertThat(rolled.status()).as("%s", rolled).isEqualTo(200);
      assertThat(rolled.json().get("revision").asLong()).isEqualTo(3);
      assertThat(rolled.json().get("rolledBackFrom").asLong()).isEqualTo(1);
      assertThat(node.get("/api/v1/environments/staging/pipeline/revisions", alice).json()).hasSize(3);

      List<String> trail = actions(node.get("/api/v1/audit?limit=1000", viewer));
      assertThat(trail).contains("token.created", "pipeline.revised", "change.submitted", "change.approved",
          "pipeline.rolled_back");
      assertThat(actions(node.get("/api/v1/audit?env=prod", viewer))).contains("change.submitted", "change.approved")
          .doesNotContain("pipeline.rolled_back");
      assertThat(node.get("/api/v1/audit/verify", viewer).json().get("valid").asBoolean()).isTrue();
    }

    // After a restart everything is still there and the chain still verifies.
    long tampered;
    try (TestNode node = TestNode.start(dataDir)) {
      JsonNode staging = node.get("/api/v1/environments/staging/pipeline", TestNode.ADMIN_TOKEN).json();
      assertThat(staging.get("revision").asLong()).isEqualTo(3);
      assertThat(node.get("/api/v1/environments/prod/pipeline", TestNode.ADMIN_TOKEN).json().get("revision").asLong())
          .isEqualTo(2);
      JsonNode verify = node.get("/api/v1/audit/verify", TestNode.ADMIN_TOKEN).json();
      assertThat(verify.get("valid").asBoolean()).as("%s", verify).isTrue();
      assertThat(verify.get("events").asLong()).isGreaterThan(10);
      tampered = node.get("/api/v1/audit?action=change.approved", TestNode.ADMIN_TOKEN).json().get(0).get("id").asLong();
    }

    // Someone edits one audit row behind the server's back: verify names that event.
    try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:h2:file:"
            + dataDir.resolve("catalog").toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        java.sql.Statement st = db.createStatement()) {
      assertThat(st.executeUpdate("UPDATE audit_events SET actor = 'mallory' WHERE id = " + tampered)).isEqualTo(1);
    }
    try (TestNode node = TestNode.start(dataDir)) {
      JsonNode verify = node.get("/api/v1/audit/verify", TestNode.ADMIN_TOKEN).json();
      assertThat(verify.get("valid").asBoolean()).isFalse();
      assertThat(verify.get("firstBroken").asLong()).isEqualTo(tampered);
    }
  }

  @Test
  void the_node_runs_a_new_revision_within_two_seconds_of_its_being_written() throws Exception {
    try (TestNode node = TestNode.start(dataDir, "staging")) {
      assertThat(node.node.pipelines().holder().current().revision()).isEqualTo(1);
      JsonNode staging = node.get("/api/v1/environments/staging/pipeline", TestNode.ADMIN_TOKEN).json();
      ObjectNode body = edit(staging, 1, "drop pii stage");
      ((ArrayNode) body.get("stages")).remove(3);
      assertThat(node.call("PUT", "/api/v1/environments/staging/pipeline", TestNode.ADMIN_TOKEN, body).status())
          .isEqualTo(200);
      long start = System.nanoTime();
      while (node.node.pipelines().holder().current().revision() != 2 && System.nanoTime() - start < 5_000_000_000L) {
        Thread.sleep(20);
      }
      assertThat(node.node.pipelines().holder().current().revision()).isEqualTo(2);
      assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
      assertThat(node.node.pipelines().holder().current().stages()).hasSize(3);
    }
  }

  @Test
  void simulate_shows_each_stage_diff_without_changing_anything() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      Map<String, Object> item = Map.of("kind", "log", "body", "contact bob@example.com",
          "traceId", "4bf92f3577b34da6a3ce929d0e0e4736", "spanId", "00f067aa0ba902b7",
          "attributes", Map.of("user.email", "bob@example.com", "http.method", "GET"));
      Response r = node.call("POST", "/api/v1/environments/dev/simulate", TestNode.ADMIN_TOKEN,
          Map.of("items", List.of(item)));
      assertThat(r.status()).as("%s", r).isEqualTo(200);
      JsonNode stages = r.json().get("results").get(0).get("stages");
      assertThat(stages.findValuesAsText("stage")).containsExactly("correlation", "semconv-upgrade", "environment", "pii-redaction");
      JsonNode pii = stages.get(3);
      assertThat(pii.get("outcome").asText()).isEqualTo("modified");
      assertThat(pii.get("changes").toString()).contains("attributes.user.email").contains("bob@example.com");
      assertThat(pii.get("after").get("attributes").get("user.email").asText()).doesNotContain("bob@example.com");
      assertThat(stages.get(1).get("changes").toString()).contains("attributes.http.request.method");
      assertThat(node.get("/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN).json().get("revision").asLong())
          .isEqualTo(1);
      JsonNode stats = node.get("/api/v1/environments/dev/stats", TestNode.ADMIN_TOKEN).json();
      assertThat(stats.get("servedByThisNode").asBoolean()).isTrue();
      assertThat(stats.get("stages").findValuesAsText("breaker")).containsOnly("closed").hasSize(4);
      assertThat(stats.get("stages").findValuesAsText("items")).as("a simulation is not traffic").containsOnly("0");
      Response bad = node.call("POST", "/api/v1/environments/dev/simulate", TestNode.ADMIN_TOKEN,
          Map.of("items", List.of(Map.of("kind", "bogus"))));
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().get("message").asText()).contains("items[0].kind");
    }
  }
}
