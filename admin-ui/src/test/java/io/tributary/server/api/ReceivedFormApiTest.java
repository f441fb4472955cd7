package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live items as received (before the pipeline) beside their exported form: kept only while an
 * operator watches, shown to operators and admins only, never in a protected environment (seeing
 * them there would bypass the second person a redaction change needs), and runnable in Simulate.
 */
class ReceivedFormApiTest {

  @TempDir Path dir;

  private static JsonNode recent(TestNode node, String env, String token) {
    TestNode.Response r = node.get("/api/v1/environments/" + env + "/recent?limit=50", token);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static JsonNode awaitItems(TestNode node, String env, int count) throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    JsonNode answer = recent(node, env, TestNode.ADMIN_TOKEN);
    while (answer.get("items").size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
      answer = recent(node, env, TestNode.ADMIN_TOKEN);
    }
    assertThat(answer.get("items")).hasSize(count);
    return answer;
  }

  @Test
  void operators_see_what_arrived_viewers_see_what_left_and_the_received_form_runs_in_simulate() throws Exception {
    try (TestNode node = TestNode.start(dir.resolve("dev"), "dev");
        SdkSpans sdk = new SdkSpans(node.node.otlpPort(), "checkout")) {
      sdk.send("GET /before", Map.of("user.email", "early@example.com"));
      awaitItems(node, "dev", 1); // this call arms the tap: what came before it has no received form
      sdk.send("POST /cart", Map.of("user.email", "ada@example.com"));
      JsonNode admin = awaitItems(node, "dev", 2);

      JsonNode cart = admin.get("items").get(0);
      assertThat(cart.at("/span/name").asText()).isEqualTo("POST /cart");
      assertThat(admin.get("receivedForm").get("kept").asBoolean()).isTrue();
      assertThat(cart.get("received").get("attributes").get("user.email").asText())
          .as("as received: before pii-redaction").isEqualTo("ada@example.com");
      assertThat(cart.get("span").toString()).as("as exported: redacted").doesNotContain("ada@example.com");
      assertThat(cart.get("received").get("name").asText()).isEqualTo("POST /cart");
      assertThat(admin.get("items").get(1).has("received")).as("enriched before anyone watched").isFalse();

      String viewer = node.token("vera", "viewer", false);
      JsonNode seen = recent(node, "dev", viewer);
      assertThat(seen.get("items")).hasSize(2);
      for (JsonNode item : seen.get("items")) {
        assertThat(item.has("received")).isFalse();
      }
      assertThat(seen.toString()).doesNotContain("ada@example.com");
      assertThat(seen.get("receivedForm").get("kept").asBoolean()).isFalse();
      assertThat(seen.get("receivedForm").get("why").asText()).contains("operators and admins").contains("viewer");

      // The received form is what Simulate takes: the pipeline redacts it again there.
      TestNode.Response run = node.call("POST", "/api/v1/environments/dev/simulate", TestNode.ADMIN_TOKEN,
          Map.of("items", List.of(TestNode.JSON.convertValue(cart.get("received"), Map.class))));
      assertThat(run.status()).as(run.toString()).isEqualTo(200);
      JsonNode result = run.json().get("results").get(0);
      assertThat(result.get("input").toString()).contains("ada@example.com");
      assertThat(result.get("output").toString()).doesNotContain("ada@example.com");
      assertThat(result.get("stages").findValuesAsText("outcome")).contains("modified");
    }
  }

  @Test
  void a_protected_environment_never_keeps_items_as_received() throws Exception {
    try (TestNode node = TestNode.start(dir.resolve("prod"), "prod");
        SdkSpans sdk = new SdkSpans(node.node.otlpPort(), "checkout")) {
      JsonNode before = recent(node, "prod", TestNode.ADMIN_TOKEN);
      assertThat(before.get("receivedForm").get("kept").asBoolean()).isFalse();
      assertThat(before.get("receivedForm").get("why").asText()).contains("prod is protected");
      sdk.send("POST /cart", Map.of("user.email", "ada@example.com"));
      JsonNode after = awaitItems(node, "prod", 1);
      assertThat(after.get("items").get(0).has("received")).isFalse();
      assertThat(after.toString()).doesNotContain("ada@example.com");
    }
  }
}
