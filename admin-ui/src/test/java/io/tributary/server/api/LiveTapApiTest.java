package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Live tap's API, {@code GET /environments/{env}/recent}: spans from the OpenTelemetry SDK,
 * then the filters pick the last matching items on the server; bad filters are refused, naming
 * the parameter; the limit is clamped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveTapApiTest {

  @TempDir static Path dir;
  private TestNode node;
  private String goldTrace;
  private String silverTrace;
  private String emailTrace;

  @BeforeAll
  void sendSpans() throws Exception {
    node = TestNode.start(dir.resolve("data"));
    try (SdkSpans sdk = new SdkSpans(node.node.otlpPort(), "checkout")) {
      goldTrace = sdk.send("GET /gold", Map.of("user.tier", "gold"));
      silverTrace = sdk.send("GET /silver", Map.of("user.tier", "silver"));
      emailTrace = sdk.send("POST /cart", Map.of("user.tier", "gold", "user.email", "ada@example.com"));
    }
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (recent("").get("items").size() < 3 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  @AfterAll
  void stopNode() {
    node.close();
  }

  private JsonNode recent(String query) {
    TestNode.Response r = node.get("/api/v1/environments/dev/recent?limit=50" + query, TestNode.ADMIN_TOKEN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static List<String> names(JsonNode answer) {
    List<String> out = new ArrayList<>();
    answer.get("items").forEach(i -> out.add(i.at("/span/name").asText()));
    return out;
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void filters_pick_the_last_matching_items_newest_first() {
    JsonNode all = recent("");
    assertThat(names(all)).containsExactly("POST /cart", "GET /silver", "GET /gold");
    assertThat(all.get("servedByThisNode").asBoolean()).isTrue();
    assertThat(all.get("searched").asInt()).isEqualTo(3);
    assertThat(all.get("capacity").asInt()).isEqualTo(100);
    long newest = all.get("newestSeq").asLong();
    assertThat(all.get("items").get(0).get("seq").asLong()).isEqualTo(newest);
    assertThat(all.get("items").get(2).get("seq").asLong()).isEqualTo(newest - 2);

    assertThat(names(recent("&attribute=" + q("user.tier=gold")))).containsExactly("POST /cart", "GET /gold");
    assertThat(names(recent("&attribute=user.tier"))).hasSize(3);
    assertThat(names(recent("&attribute=" + q("service.name=checkout")))).as("resource attributes").hasSize(3);
    assertThat(names(recent("&attribute=" + q("user.tier=bronze")))).isEmpty();
    assertThat(names(recent("&traceId=" + silverTrace))).containsExactly("GET /silver");
    assertThat(names(recent("&traceId=" + goldTrace.substring(0, 12).toUpperCase()))).containsExactly("GET /gold");
    assertThat(names(recent("&traceId=" + emailTrace + "&attribute=" + q("user.tier=gold"))))
        .containsExactly("POST /cart");
    // The default pipeline redacts the e-mail address: its stage modified that span only.
    assertThat(recent("").get("items").get(0).get("lineage").asText()).contains("pii-redaction@");
    assertThat(names(recent("&stage=pii-redaction&outcome=modified"))).containsExactly("POST /cart");
    assertThat(names(recent("&stage=pii-redaction"))).hasSize(3);
    assertThat(names(recent("&outcome=failed"))).isEmpty();
    assertThat(names(recent("&deadLettered=true"))).isEmpty();
    assertThat(names(recent("&deadLettered=false"))).hasSize(3);
    assertThat(names(recent("&after=" + (newest - 1)))).containsExactly("POST /cart");
    assertThat(names(node.get("/api/v1/environments/dev/recent?limit=1&attribute=" + q("user.tier=gold"),
        TestNode.ADMIN_TOKEN).json())).containsExactly("POST /cart");
  }

  @Test
  void a_limit_over_the_maximum_is_clamped_and_says_so() {
    TestNode.Response r = node.get("/api/v1/environments/dev/recent?limit=100000", TestNode.ADMIN_TOKEN);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("limit").asInt()).isEqualTo(500);
    assertThat(r.header("X-Limit-Clamped")).contains("500");
    assertThat(r.json().get("items")).hasSize(3);
  }

  @Test
  void bad_filters_are_refused_naming_the_parameter() {
    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("limit=0", "limit");
    bad.put("limit=many", "limit");
    bad.put("traceId=xyz", "traceId");
    bad.put("traceId=" + "a".repeat(33), "traceId");
    bad.put("outcome=exploded", "outcome");
    bad.put("deadLettered=yes", "deadLettered");
    bad.put("after=-1", "after");
    bad.put("attribute=" + q("=gold"), "attribute");
    bad.put("stage=" + q("pii redaction"), "stage");
    bad.put("colour=red", "colour");
    bad.put("limit=1&limit=2", "limit");
    bad.put("attribute=" + "k".repeat(201), "attribute");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      TestNode.Response r = node.get("/api/v1/environments/dev/recent?" + e.getKey(), TestNode.ADMIN_TOKEN);
      assertThat(r.status()).as(e.getKey() + " → " + r).isEqualTo(400);
      assertThat(r.json().get("parameter").asText()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(r.json().get("message").asText()).as(e.getKey()).contains("'" + e.getValue() + "'");
    }
    assertThat(node.get("/api/v1/environments/dev/recent?attribute=" + "k".repeat(201), TestNode.ADMIN_TOKEN)
        .json().get("message").asText()).contains("at most 200");
    assertThat(node.get("/api/v1/environments/dev/recent?outcome=exploded", TestNode.ADMIN_TOKEN)
        .json().get("message").asText()).contains("modified").contains("skipped").contains("failed");
  }

  @Test
  void an_environment_another_node_serves_has_no_items_here_and_an_unknown_one_is_not_found() {
    TestNode.Response prod = node.get("/api/v1/environments/prod/recent?attribute=a", TestNode.ADMIN_TOKEN);
    assertThat(prod.status()).isEqualTo(200);
    assertThat(prod.json().get("servedByThisNode").asBoolean()).isFalse();
    assertThat(prod.json().get("items")).isEmpty();
    assertThat(node.get("/api/v1/environments/nowhere/recent", TestNode.ADMIN_TOKEN).status()).isEqualTo(404);
  }
}
