package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.server.api.TestNode.Response;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The browser's login: a token exchanged for an HttpOnly session cookie, Origin checks, logout, static files. */
class SessionLoginTest {

  @TempDir Path dataDir;

  private static String cookieOf(Response login) {
    String setCookie = login.header("Set-Cookie");
    assertThat(setCookie).isNotNull();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  @Test
  void a_token_becomes_a_session_cookie_that_authenticates_until_logout() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      Response bad = node.call("POST", "/api/v1/session", Map.of(), Map.of("token", "trb_wrong"));
      assertThat(bad.status()).isEqualTo(401);
      assertThat(bad.json().get("message").asText()).contains("unknown, expired or revoked");

      String alice = node.token("alice", "operator", false);
      Response login = node.call("POST", "/api/v1/session", Map.of(), Map.of("token", alice));
      assertThat(login.status()).as("%s", login).isEqualTo(200);
      assertThat(login.json().get("name").asText()).isEqualTo("alice");
      assertThat(login.json().get("role").asText()).isEqualTo("operator");
      assertThat(login.header("Set-Cookie")).startsWith("tributary_session=").contains("HttpOnly")
          .contains("SameSite=Strict").contains("Path=/").contains("Max-Age=43200");
      String cookie = cookieOf(login);

      Response me = node.call("GET", "/api/v1/me", Map.of("Cookie", cookie), null);
      assertThat(me.status()).isEqualTo(200);
      assertThat(me.json().get("name").asText()).isEqualTo("alice");
      assertThat(node.call("GET", "/api/v1/me", Map.of("Cookie", "tributary_session=forged"), null).status())
          .isEqualTo(401);

      // A change through the cookie needs an Origin naming this server.
      String check = "/api/v1/environments/staging/pipeline/check";
      String stages = "{\"stages\": []}";
      Response noOrigin = node.call("POST", check, Map.of("Cookie", cookie), stages);
      assertThat(noOrigin.status()).isEqualTo(403);
      assertThat(noOrigin.json().get("message").asText()).contains("Origin");
      Response evil = node.call("POST", check, Map.of("Cookie", cookie, "Origin", "http://evil.example"), stages);
      assertThat(evil.status()).isEqualTo(403);
      assertThat(evil.json().get("message").asText()).contains("evil.example");
      String origin = "http://localhost:" + node.port;
      Response same = node.call("POST", check, Map.of("Cookie", cookie, "Origin", origin), stages);
      assertThat(same.status()).as("%s", same).isEqualTo(200);
      // A bearer token needs no Origin: it is never sent by the browser on its own.
      assertThat(node.call("POST", check, alice, stages).status()).isEqualTo(200);
      // A login form posted from another site is refused too.
      assertThat(node.call("POST", "/api/v1/session", Map.of("Origin", "http://evil.example"),
          Map.of("token", alice)).status()).isEqualTo(403);

      Response logout = node.call("DELETE", "/api/v1/session", Map.of("Cookie", cookie, "Origin", origin), null);
      assertThat(logout.status()).isEqualTo(200);
      assertThat(logout.header("Set-Cookie")).contains("Max-Age=0");
      assertThat(node.call("GET", "/api/v1/me", Map.of("Cookie", cookie), null).status()).isEqualTo(401);
      assertThat(node.get("/api/v1/audit?action=session.login", TestNode.ADMIN_TOKEN).json().size()).isEqualTo(1);
    }
  }

  @Test
  void revoking_the_token_ends_its_sessions() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String bob = node.token("bob", "viewer", false);
      String cookie = cookieOf(node.call("POST", "/api/v1/session", Map.of(), Map.of("token", bob)));
      assertThat(node.call("GET", "/api/v1/me", Map.of("Cookie", cookie), null).status()).isEqualTo(200);
      long id = -1;
      for (var p : node.get("/api/v1/tokens", TestNode.ADMIN_TOKEN).json()) {
        if (p.get("name").asText().equals("bob")) {
          id = p.get("id").asLong();
        }
      }
      assertThat(node.call("DELETE", "/api/v1/tokens/" + id, TestNode.ADMIN_TOKEN, null).status()).isEqualTo(200);
      Response after = node.call("GET", "/api/v1/me", Map.of("Cookie", cookie), null);
      assertThat(after.status()).isEqualTo(401);
      assertThat(after.json().get("message").asText()).contains("revoked");
    }
  }

  @Test
  void the_web_ui_and_its_chart_library_are_served_without_a_token() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      Response index = node.get("/", null);
      assertThat(index.status()).isEqualTo(200);
      assertThat(index.header("Content-Type")).startsWith("text/html");
      assertThat(index.header("Cache-Control")).isEqualTo("no-cache");
      assertThat(index.body()).contains("<script type=\"module\" src=\"app.js\"></script>");
      Response app = node.get("/app.js", null);
      assertThat(app.status()).isEqualTo(200);
      assertThat(app.header("Content-Type")).contains("javascript");
      Response uplot = node.get("/webjars/uplot/1.6.30/dist/uPlot.esm.js", null);
      assertThat(uplot.status()).isEqualTo(200);
      assertThat(node.get("/no-such-file.js", null).status()).isEqualTo(404);
      assertThat(node.get("/api/v1/processors", null).status()).isEqualTo(401);
    }
  }
}
