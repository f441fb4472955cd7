package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.server.api.TestNode.Response;
import io.tributary.server.http.Sessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login floods against a real node: the audit trail and the session table stay bounded. */
class SessionLimitsTest {

  @TempDir Path dataDir;

  private static String cookieOf(Response login) {
    String setCookie = login.header("Set-Cookie");
    assertThat(setCookie).as("%s", login).isNotNull();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static int audited(TestNode node, String action, String actor) {
    return node.get("/api/v1/audit?limit=1000&action=" + action + "&actor=" + actor, TestNode.ADMIN_TOKEN)
        .json().size();
  }

  @Test
  void a_flood_of_successful_logins_is_audited_once_per_principal_and_address_per_minute() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String alice = node.token("alice", "operator", false);
      String bob = node.token("bob", "viewer", false);
      String origin = "http://localhost:" + node.port;
      for (int i = 0; i < 60; i++) {
        Response login = node.call("POST", "/api/v1/session", Map.of(), Map.of("token", alice));
        assertThat(login.status()).as("login %d: %s", i, login).isEqualTo(200);
        // Logging out frees the place, so every login of the flood succeeds.
        assertThat(node.call("DELETE", "/api/v1/session", Map.of("Cookie", cookieOf(login), "Origin", origin), null)
            .status()).isEqualTo(200);
      }
      assertThat(audited(node, "session.login", "alice")).as("60 logins, one audit event").isEqualTo(1);
      String reason = node.get("/api/v1/audit?action=session.login&actor=alice", TestNode.ADMIN_TOKEN)
          .json().get(0).get("reason").asText();
      assertThat(reason).contains("browser session from").contains("counted, not audited");
      // Another principal's login is its own event.
      assertThat(node.call("POST", "/api/v1/session", Map.of(), Map.of("token", bob)).status()).isEqualTo(200);
      assertThat(audited(node, "session.login", "bob")).isEqualTo(1);
    }
  }

  @Test
  void a_principal_has_at_most_ten_sessions_and_a_login_past_them_is_refused_until_one_ends() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      String carol = node.token("carol", "viewer", false);
      List<String> cookies = new ArrayList<>();
      for (int i = 0; i < Sessions.MAX_SESSIONS_PER_PRINCIPAL; i++) {
        cookies.add(cookieOf(node.call("POST", "/api/v1/session", Map.of(), Map.of("token", carol))));
      }
      for (int i = 0; i < 5; i++) {
        Response refused = node.call("POST", "/api/v1/session", Map.of(), Map.of("token", carol));
        assertThat(refused.status()).as("%s", refused).isEqualTo(403);
        assertThat(refused.json().get("error").asText()).isEqualTo("session_limit");
        assertThat(refused.json().get("message").asText()).contains("already has 10 browser sessions")
            .contains("log out of one");
        assertThat(refused.header("Set-Cookie")).isNull();
      }
      // No session in use was ended by the refused logins.
      for (String cookie : cookies) {
        assertThat(node.call("GET", "/api/v1/me", Map.of("Cookie", cookie), null).status()).isEqualTo(200);
      }
      // The bearer token itself still works, and other principals can log in.
      assertThat(node.get("/api/v1/me", carol).status()).isEqualTo(200);
      assertThat(node.call("POST", "/api/v1/session", Map.of(), Map.of("token", TestNode.ADMIN_TOKEN)).status())
          .isEqualTo(200);
      // Logging out of one frees a place.
      String origin = "http://localhost:" + node.port;
      assertThat(node.call("DELETE", "/api/v1/session", Map.of("Cookie", cookies.get(0), "Origin", origin), null)
          .status()).isEqualTo(200);
      assertThat(node.call("POST", "/api/v1/session", Map.of(), Map.of("token", carol)).status()).isEqualTo(200);
      assertThat(node.call("POST", "/api/v1/session", Map.of(), Map.of("token", carol)).status()).isEqualTo(403);
    }
  }

  @Test
  void secure_cookies_forces_the_secure_flag_on_plain_http_behind_a_tls_proxy() throws Exception {
    try (TestNode plain = TestNode.start(dataDir.resolve("plain"))) {
      String cookie = plain.call("POST", "/api/v1/session", Map.of(), Map.of("token", TestNode.ADMIN_TOKEN))
          .header("Set-Cookie");
      assertThat(cookie).contains("HttpOnly").doesNotContain("Secure");
    }
    try (TestNode behindProxy = TestNode.start(dataDir.resolve("proxied"), c -> c.withSecureCookies(true))) {
      Response login = behindProxy.call("POST", "/api/v1/session", Map.of(), Map.of("token", TestNode.ADMIN_TOKEN));
      assertThat(login.status()).isEqualTo(200);
      assertThat(login.header("Set-Cookie")).contains("; Secure").contains("HttpOnly").contains("SameSite=Strict");
      String origin = "http://localhost:" + behindProxy.port;
      Response logout = behindProxy.call("DELETE", "/api/v1/session",
          Map.of("Cookie", cookieOf(login), "Origin", origin), null);
      assertThat(logout.header("Set-Cookie")).contains("Max-Age=0").contains("; Secure");
    }
  }
}
