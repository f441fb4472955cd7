package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.server.api.TestNode.Response;
import io.tributary.server.http.Api;
import io.tributary.server.http.SecurityHeaders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HEAD is held to GET's rules; every answer of the admin listener carries the security headers. */
class SecurityHeadersTest {

  @TempDir Path dataDir;

  private static String concrete(String path) {
    return path.replace("{env}", "staging").replace("{id}", "1").replace("{n}", "1")
        .replace("{version}", "1.0.0");
  }

  private static void assertSecurityHeaders(Response r, String what) {
    assertThat(r.header("Content-Security-Policy")).as(what).isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY)
        .contains("script-src 'self'").contains("frame-ancestors 'none'").contains("object-src 'none'")
        .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
    assertThat(r.header("X-Content-Type-Options")).as(what).isEqualTo("nosniff");
    assertThat(r.header("X-Frame-Options")).as(what).isEqualTo("DENY");
    assertThat(r.header("Referrer-Policy")).as(what).isEqualTo("no-referrer");
  }

  @Test
  void head_on_a_protected_route_is_401_like_get_and_answers_as_get_with_a_token() throws Exception {
    try (TestNode node = TestNode.start(dataDir, "staging")) {
      String viewer = node.token("vera", "viewer", false);
      List<String> mismatches = new ArrayList<>();
      int checked = 0;
      for (Api.Route route : node.node.server().routes()) {
        if (!route.method().equals("GET")) {
          continue;
        }
        String path = concrete(route.path());
        for (String token : new String[] {null, "trb_not-a-real-token", viewer, TestNode.ADMIN_TOKEN}) {
          int get = node.call("GET", path, token, null).status();
          Response head = node.call("HEAD", path, token, null);
          checked++;
          if (head.status() != get || !head.body().isEmpty()) {
            mismatches.add("HEAD " + path + " as " + token + ": " + head.status() + " (GET: " + get + ")");
          }
          if (route.access() != Api.Access.PUBLIC && token == null && head.status() != 401) {
            mismatches.add("HEAD " + path + " without a token: " + head.status());
          }
        }
      }
      assertThat(checked).isGreaterThan(40);
      assertThat(mismatches).isEmpty();
      assertThat(node.call("HEAD", "/api/v1/audit", (String) null, null).status()).isEqualTo(401);
      assertThat(node.call("HEAD", "/api/v1/tokens", viewer, null).status()).isEqualTo(403);
    }
  }

  @Test
  void ui_pages_api_answers_and_errors_all_carry_the_security_headers() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      Map<String, Response> answers = new java.util.LinkedHashMap<>();
      answers.put("index page", node.get("/", null));
      answers.put("script", node.get("/app.js", null));
      answers.put("page module", node.get("/pages/audit.js", null));
      answers.put("style sheet", node.get("/style.css", null));
      answers.put("webjar", node.get("/webjars/uplot/1.6.30/dist/uPlot.esm.js", null));
      answers.put("health", node.get("/api/v1/health", null));
      answers.put("API answer", node.get("/api/v1/processors", TestNode.ADMIN_TOKEN));
      answers.put("401", node.get("/api/v1/processors", null));
      answers.put("404", node.get("/no-such-page", null));
      answers.put("400", node.call("POST", "/api/v1/tokens", TestNode.ADMIN_TOKEN, "{{{"));
      answers.put("HEAD of the index page", node.call("HEAD", "/", (String) null, null));
      for (Map.Entry<String, Response> a : answers.entrySet()) {
        assertSecurityHeaders(a.getValue(), a.getKey() + " " + a.getValue().status());
      }
      assertThat(answers.get("index page").status()).isEqualTo(200);
      assertThat(answers.get("API answer").status()).isEqualTo(200);
      // The policy allows no inline script: the page has none (the browser test runs the UI under it).
      String index = answers.get("index page").body();
      assertThat(index).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContainPattern("\\son[a-z]+=")
          .doesNotContain("style=").doesNotContain("<style");
    }
  }
}
