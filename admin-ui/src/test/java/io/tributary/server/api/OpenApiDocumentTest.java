package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.server.http.Api;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document lists exactly the routes the server answers, and each of them exists. */
class OpenApiDocumentTest {

  @TempDir Path dataDir;

  @Test
  void the_document_and_the_routes_agree() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      TestNode.Response doc = node.get("/api/v1/openapi.json", null);
      assertThat(doc.status()).isEqualTo(200);
      JsonNode paths = doc.json().get("paths");
      List<String> documented = new ArrayList<>();
      for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
        String path = it.next();
        for (Iterator<String> m = paths.get(path).fieldNames(); m.hasNext(); ) {
          documented.add(m.next().toUpperCase(Locale.ROOT) + " " + path);
        }
      }
      List<String> served = node.node.server().routes().stream().map(r -> r.method() + " " + r.path()).toList();
      assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
      for (String expected : List.of("GET /api/v1/health", "GET /api/v1/plugins", "GET /api/v1/processors",
          "GET /api/v1/processors/{id}/compare", "PUT /api/v1/environments/{env}/pipeline",
          "POST /api/v1/environments/{env}/simulate", "GET /api/v1/environments/{env}/stats",
          "POST /api/v1/change-requests/{id}/approve", "GET /api/v1/audit/verify", "POST /api/v1/tokens",
          "DELETE /api/v1/tokens/{id}", "GET /metrics")) {
        assertThat(documented).contains(expected);
      }
      // Each documented route is really there: an authorised call never meets "no such route".
      for (Api.Route r : node.node.server().routes()) {
        String path = r.path().replace("{env}", "dev").replace("{id}", "correlation").replace("{n}", "1")
            .replace("{version}", "1.0.0");
        TestNode.Response response = node.call(r.method(), path, TestNode.ADMIN_TOKEN,
            r.method().equals("GET") ? null : "{}");
        assertThat(response.body()).as("%s %s", r.method(), path).doesNotContain("No resource at");
      }
    }
  }
}
