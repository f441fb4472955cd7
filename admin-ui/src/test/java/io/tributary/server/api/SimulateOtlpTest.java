package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulate accepts what a sender sends: an OTLP/JSON export request (the README's curl payload),
 * decoded as the receiver decodes it, as well as items in the API's own JSON.
 */
class SimulateOtlpTest {

  @TempDir Path dir;

  static final String README_PAYLOAD = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
      + "\"value\":{\"stringValue\":\"checkout\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"shop.checkout\","
      + "\"version\":\"1.4.0\"},\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":"
      + "\"eee19b7ec3c1b174\",\"name\":\"POST /cart\",\"kind\":2,\"startTimeUnixNano\":\"1718000000000000000\","
      + "\"endTimeUnixNano\":\"1718000000250000000\",\"attributes\":[{\"key\":\"http.method\",\"value\":"
      + "{\"stringValue\":\"POST\"}},{\"key\":\"user.email\",\"value\":{\"stringValue\":\"ada@example.com\"}}]}]}]}]}";

  @Test
  void the_readme_payload_runs_through_the_pipeline_as_the_receiver_would_decode_it() throws Exception {
    try (TestNode node = TestNode.start(dir.resolve("data"))) {
      Object otlp = TestNode.JSON.readValue(README_PAYLOAD, Map.class);
      TestNode.Response r = node.call("POST", "/api/v1/environments/dev/simulate", TestNode.ADMIN_TOKEN,
          Map.of("otlp", otlp));
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      JsonNode results = r.json().get("results");
      assertThat(results).hasSize(1);
      String output = results.get(0).get("output").toString();
      assertThat(output).contains("[REDACTED:email]").doesNotContain("ada@example.com")
          .contains("http.request.method").contains("checkout").contains("5b8efff798038103d269b633813fc60c");
      assertThat(results.get(0).get("input").toString()).contains("ada@example.com").contains("POST /cart");

      TestNode.Response both = node.call("POST", "/api/v1/environments/dev/simulate", TestNode.ADMIN_TOKEN,
          Map.of("otlp", otlp, "items", java.util.List.of(Map.of("kind", "span"))));
      assertThat(both.status()).isEqualTo(400);
      assertThat(both.json().get("message").asText()).contains("not both");

      TestNode.Response bad = node.call("POST", "/api/v1/environments/dev/simulate", TestNode.ADMIN_TOKEN,
          Map.of("otlp", Map.of("resourceSpans", "nope")));
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().get("message").asText()).startsWith("'otlp': invalid OTLP/JSON").contains("resourceSpans");

      TestNode.Response none = node.call("POST", "/api/v1/environments/dev/simulate", TestNode.ADMIN_TOKEN,
          Map.of("otlp", Map.of("hello", 1)));
      assertThat(none.status()).isEqualTo(400);
      assertThat(none.json().get("message").asText()).contains("resourceSpans, resourceLogs, resourceMetrics");
    }
  }
}
