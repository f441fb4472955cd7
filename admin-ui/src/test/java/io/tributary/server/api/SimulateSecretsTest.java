package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.server.api.TestNode.Response;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored secrets in simulations, as the attack: a stored secret ({@code {"set": true}}) is given
 * back only to a stage of the same name and the same processor, and a viewer's simulation never
 * runs under a stored secret (it gets a throwaway key, and is told so).
 */
class SimulateSecretsTest {

  private static final String HASH_KEY = "s3cret-hash-key-for-tests";

  @TempDir Path dataDir;

  private static Map<String, Object> mail() {
    return Map.of("items", List.of(Map.of("kind", "log", "body", "mail bob@example.com",
        "attributes", Map.of("user.email", "bob@example.com"))));
  }

  private static String body(Response simulated) {
    assertThat(simulated.status()).as("%s", simulated).isEqualTo(200);
    return simulated.json().get("results").get(0).get("output").get("body").asText();
  }

  @Test
  void stored_secrets_go_only_to_their_own_processor_and_never_to_a_viewer() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String operator = node.token("otto", "operator", false);
      String viewer = node.token("vera", "viewer", false);
      JsonNode dev = node.get("/api/v1/environments/dev/pipeline", operator).json();
      ObjectNode edit = TestNode.JSON.createObjectNode();
      edit.put("baseRevision", dev.get("revision").asLong());
      edit.set("stages", dev.get("stages").deepCopy());
      for (JsonNode s : edit.get("stages")) {
        if (s.get("processor").asText().equals("pii-redaction")) {
          ObjectNode config = ((ObjectNode) s).putObject("config");
          config.put("hashKey", HASH_KEY);
          config.putObject("actions").put("email", "hash");
        }
      }
      assertThat(node.call("PUT", "/api/v1/environments/dev/pipeline", operator, edit).status()).isEqualTo(200);

      String stored = body(node.call("POST", "/api/v1/environments/dev/simulate", operator, mail()));
      assertThat(stored).startsWith("mail [HASH:email:");

      // A viewer's simulation of the current pipeline runs, but under a throwaway key, and says so.
      Response asViewer = node.call("POST", "/api/v1/environments/dev/simulate", viewer, mail());
      String viewed = body(asViewer);
      assertThat(viewed).startsWith("mail [HASH:email:").isNotEqualTo(stored);
      assertThat(asViewer.json().get("notes").toString()).contains("pii-redaction").contains("throwaway")
          .contains("hashKey");
      assertThat(body(node.call("POST", "/api/v1/environments/dev/simulate", viewer, mail())))
          .as("a fresh throwaway key per simulation").isNotEqualTo(viewed);
      assertThat(asViewer.body()).doesNotContain(HASH_KEY);

      // A candidate stage of another processor, named like the pii stage, does not get its key.
      Map<String, Object> impostor = Map.of("name", "pii-redaction", "processor", "attributes", "config",
          Map.of("actions", List.of("hash user.email"), "hashKey", Map.of("set", true)));
      Response stolen = node.call("POST", "/api/v1/environments/dev/simulate", operator,
          Map.of("items", mail().get("items"), "stages", List.of(impostor)));
      assertThat(stolen.status()).as("%s", stolen).isEqualTo(400);
      assertThat(stolen.json().get("message").asText()).contains("running processor 'attributes'");
      assertThat(stolen.body()).doesNotContain(HASH_KEY).doesNotContain("HASH:");
      Response checked = node.call("POST", "/api/v1/environments/dev/pipeline/check", operator,
          Map.of("stages", List.of(impostor)));
      assertThat(checked.status()).isEqualTo(400);

      // The same name and the same processor keep the stored key, as an edit of the pipeline must.
      Map<String, Object> same = Map.of("name", "pii-redaction", "processor", "pii-redaction", "config",
          Map.of("hashKey", Map.of("set", true), "actions", Map.of("email", "hash")));
      assertThat(body(node.call("POST", "/api/v1/environments/dev/simulate", operator,
          Map.of("items", mail().get("items"), "stages", List.of(same))))).isEqualTo(stored);
    }
  }
}
