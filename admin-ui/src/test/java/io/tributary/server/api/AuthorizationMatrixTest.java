package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.server.http.Api;
import io.tributary.server.http.Api.Access;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route of the running server × every kind of caller → the status the access rules give:
 * 401 without a valid token, 403 for a role that is too low, something else otherwise; a session
 * cookie gets exactly what its token gets.
 */
class AuthorizationMatrixTest {

  @TempDir Path dataDir;

  private static String concrete(String path) {
    return path.replace("{env}", "staging").replace("{id}", "999999").replace("{n}", "1")
        .replace("{version}", "9.9.9");
  }

  @Test
  void every_endpoint_answers_each_caller_as_its_access_rule_says() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      Map<String, String> callers = new LinkedHashMap<>();
      callers.put("none", null);
      callers.put("bad", "trb_not-a-real-token");
      callers.put("viewer", node.token("v", "viewer", false));
      callers.put("operator", node.token("o", "operator", false));
      callers.put("approver", node.token("ap", "operator", true));
      callers.put("admin", node.token("ad", "admin", false));
      String revoked = node.token("gone", "admin", false);
      long revokedId = node.get("/api/v1/tokens", TestNode.ADMIN_TOKEN).json().findValues("name").size();
      for (var p : node.get("/api/v1/tokens", TestNode.ADMIN_TOKEN).json()) {
        if (p.get("name").asText().equals("gone")) {
          revokedId = p.get("id").asLong();
        }
      }
      assertThat(node.call("DELETE", "/api/v1/tokens/" + revokedId, TestNode.ADMIN_TOKEN, null).status()).isEqualTo(200);
      callers.put("revoked", revoked);

      List<Api.Route> routes = node.node.server().routes();
      assertThat(routes).hasSizeGreaterThan(20);
      List<String> mismatches = new ArrayList<>();
      int checked = 0;
      for (Api.Route route : routes) {
        if (route.method().equals("DELETE")) {
          continue; // checked below on a token of its own: deleting here would change the callers
        }
        for (Map.Entry<String, String> caller : callers.entrySet()) {
          int status = node.call(route.method(), concrete(route.path()), caller.getValue(),
              route.method().equals("GET") ? null : "{}").status();
          String verdict = verdict(route.access(), caller.getKey(), status);
          checked++;
          if (verdict != null) {
            mismatches.add(route.method() + " " + route.path() + " as " + caller.getKey() + ": " + verdict);
          }
        }
      }
      // The browser's session cookie is held to the same rules as the token behind it.
      String origin = "http://localhost:" + node.port;
      for (String who : List.of("viewer", "operator", "approver")) {
        String setCookie = node.call("POST", "/api/v1/session", Map.of(), Map.of("token", callers.get(who)))
            .header("Set-Cookie");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        for (Api.Route route : routes) {
          if (route.method().equals("DELETE")) {
            continue;
          }
          int status = node.call(route.method(), concrete(route.path()), Map.of("Cookie", cookie, "Origin", origin),
              route.method().equals("GET") ? null : "{}").status();
          String verdict = verdict(route.access(), who, status);
          checked++;
          if (verdict != null) {
            mismatches.add(route.method() + " " + route.path() + " as " + who + " (session cookie): " + verdict);
          }
        }
      }
      // Check and simulate by body: a candidate pipeline ("stages") needs the operator role, a
      // simulation of the current pipeline with sample items stays open to viewers.
      Map<String, Object> items = Map.of("items", List.of(Map.of("kind", "span", "name", "x")));
      Map<String, Object> withStages = new LinkedHashMap<>(items);
      withStages.put("stages", List.of());
      Map<String, Map<String, Object>> bodies = new LinkedHashMap<>();
      bodies.put("POST /api/v1/environments/staging/pipeline/check (stages)", Map.of("stages", List.of()));
      bodies.put("POST /api/v1/environments/staging/simulate (items only)", items);
      bodies.put("POST /api/v1/environments/staging/simulate (items and stages)", withStages);
      for (Map.Entry<String, Map<String, Object>> body : bodies.entrySet()) {
        String path = body.getKey().substring("POST ".length(), body.getKey().indexOf(" ("));
        Access access = body.getKey().endsWith("(items only)") ? Access.VIEWER : Access.OPERATOR;
        for (Map.Entry<String, String> caller : callers.entrySet()) {
          TestNode.Response r = node.call("POST", path, caller.getValue(), body.getValue());
          String verdict = verdict(access, caller.getKey(), r.status());
          checked++;
          if (verdict != null) {
            mismatches.add(body.getKey() + " as " + caller.getKey() + ": " + verdict);
          } else if (r.status() != 401 && r.status() != 403 && r.status() != 200) {
            mismatches.add(body.getKey() + " as " + caller.getKey() + ": allowed but answered " + r);
          }
        }
      }
      assertThat(mismatches).isEmpty();
      assertThat(checked).isGreaterThan(100);

      String victim = node.token("victim", "viewer", false);
      long victimId = -1;
      for (var p : node.get("/api/v1/tokens", TestNode.ADMIN_TOKEN).json()) {
        if (p.get("name").asText().equals("victim")) {
          victimId = p.get("id").asLong();
        }
      }
      for (String who : List.of("none", "bad", "viewer", "operator", "approver")) {
        int status = node.call("DELETE", "/api/v1/tokens/" + victimId, callers.get(who), null).status();
        assertThat(status).as("DELETE token as %s", who).isEqualTo(who.equals("none") || who.equals("bad") ? 401 : 403);
      }
      assertThat(node.get("/api/v1/me", victim).status()).isEqualTo(200);
      assertThat(node.call("DELETE", "/api/v1/tokens/" + victimId, callers.get("admin"), null).status()).isEqualTo(200);
      assertThat(node.get("/api/v1/me", victim).status()).isEqualTo(401);
      assertThat(node.get("/api/v1/audit?action=auth.failed", TestNode.ADMIN_TOKEN).json().size())
          .as("failed logins are audited").isPositive();
    }
  }

  /** Null if {@code status} is what {@code access} allows for {@code caller}; else what is wrong. */
  private static String verdict(Access access, String caller, int status) {
    if (access == Access.PUBLIC) {
      return status == 401 || status == 403 ? "public route refused with " + status : null;
    }
    if (caller.equals("none") || caller.equals("bad") || caller.equals("revoked")) {
      return status == 401 ? null : "expected 401, got " + status;
    }
    boolean allowed;
    switch (access) {
      case VIEWER:
        allowed = true;
        break;
      case OPERATOR:
        allowed = !caller.equals("viewer");
        break;
      case ADMIN:
        allowed = caller.equals("admin");
        break;
      default: // APPROVER
        allowed = caller.equals("approver");
        break;
    }
    if (allowed) {
      return status == 401 || status == 403 ? "expected access, got " + status : null;
    }
    return status == 403 ? null : "expected 403, got " + status;
  }
}
