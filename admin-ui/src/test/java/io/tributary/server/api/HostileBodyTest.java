package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.server.BuildInfo;
import io.tributary.server.TributaryServer;
import io.tributary.server.api.TestNode.Response;
import io.tributary.server.config.ServerConfig;
import io.tributary.server.http.Api;
import io.tributary.server.http.Authenticator;
import io.tributary.server.http.Controller;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and hostile JSON bodies sent to a real node: each is the client's mistake, so each gets
 * 400 with a short JSON body naming the problem, one log line and no stack trace; a bug of the
 * server's own stays a 500 with a short body.
 */
class HostileBodyTest {

  @TempDir Path dataDir;

  private static void assertRefused(Response r, String... messageParts) {
    assertThat(r.status()).as("%s", r).isEqualTo(400);
    assertThat(r.body().length()).as("a short body, no stack trace: %s", r).isLessThan(400);
    assertThat(r.json().get("error").asText()).isEqualTo("bad_request");
    assertThat(r.json().get("message").asText()).contains(messageParts);
    assertThat(r.body()).doesNotContain("com.fasterxml").doesNotContain("Exception").doesNotContain("\u0000");
  }

  @Test
  void malformed_json_nul_deep_nesting_duplicate_keys_and_huge_integers_are_400_naming_the_problem()
      throws Exception {
    PrintStream realErr = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (TestNode node = TestNode.start(dataDir, "staging")) {
      String operator = node.token("olga", "operator", false);
      String check = "/api/v1/environments/staging/pipeline/check";
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));

      assertRefused(node.call("POST", "/api/v1/tokens", TestNode.ADMIN_TOKEN, "{{{"), "not valid JSON");
      assertRefused(node.call("POST", "/api/v1/session", Map.of(), "{{{"), "not valid JSON");
      assertRefused(node.call("POST", check, operator, "{\"stages\": [}"), "not valid JSON");

      // A raw NUL, in a string and between tokens; an escaped one reaches no database either.
      assertRefused(node.call("POST", "/api/v1/session", Map.of(), "{\"token\": \"trb_\u0000x\"}"),
          "not valid JSON", "code 0");
      assertRefused(node.call("POST", "/api/v1/tokens", TestNode.ADMIN_TOKEN, "{\"name\": \"a\"\u0000}"),
          "not valid JSON");
      assertRefused(node.call("POST", "/api/v1/tokens", TestNode.ADMIN_TOKEN,
          "{\"name\": \"ev\\u0000il\", \"role\": \"viewer\"}"), "'name'", "NUL");

      // Nesting deeper than 1000 (and far beyond): refused at the parser's depth limit, no stack overflow.
      for (int depth : new int[] {1001, 100_000}) {
        String deep = "{\"stages\": " + "[".repeat(depth) + "]".repeat(depth) + "}";
        assertRefused(node.call("POST", check, operator, deep), "nests deeper than 64");
      }

      // A duplicate key is not "the last one wins": the request is refused and nothing is created.
      assertRefused(node.call("POST", "/api/v1/tokens", TestNode.ADMIN_TOKEN,
          "{\"name\": \"mallory\", \"role\": \"viewer\", \"role\": \"admin\"}"), "duplicate key", "'role'");
      assertThat(node.get("/api/v1/tokens", TestNode.ADMIN_TOKEN).body()).doesNotContain("mallory");

      // Integers out of range are refused naming the field, never wrapped or saturated.
      String pipeline = "/api/v1/environments/staging/pipeline";
      assertRefused(node.call("PUT", pipeline, operator,
          "{\"baseRevision\": 18446744073709551617, \"stages\": [], \"reason\": \"wrap\"}"),
          "'baseRevision'", "out of range");
      assertRefused(node.call("POST", pipeline + "/rollback", operator, "{\"revision\": 1e300}"),
          "'revision'", "out of range");
      assertRefused(node.call("POST", pipeline + "/rollback", operator, "{\"revision\": 1e999}"),
          "'revision'", "out of range");
      assertRefused(node.call("POST", pipeline + "/rollback", operator,
          "{\"revision\": " + "9".repeat(5000) + "}"), "allowed size");
      assertRefused(node.call("POST", "/api/v1/environments/staging/simulate", operator,
          "{\"items\": [{\"kind\": \"log\", \"severityNumber\": 4294967305}]}"), "severityNumber", "out of range");

      System.err.flush();
      String logged = log.toString(StandardCharsets.UTF_8);
      assertThat(logged).as("client errors are logged in one line each, without a stack trace")
          .contains("400 on POST /api/v1/tokens").doesNotContain("\tat ").doesNotContain("Exception");
      assertThat(logged.lines().filter(l -> l.contains("400 on ")).count()).isGreaterThanOrEqualTo(13);
      assertThat(logged.lines().count()).as(logged).isLessThan(40);
    } finally {
      System.setErr(realErr);
    }
  }

  @Test
  void a_bug_of_the_server_stays_a_500_with_a_short_body() throws Exception {
    Controller buggy = api -> {
      api.get("/npe", Api.Access.PUBLIC, "throws", ctx -> {
        throw new NullPointerException("a bug");
      });
      // Jackson cannot write this answer: an error of ours, even though Jackson raised it.
      api.get("/unwritable", Api.Access.PUBLIC, "cannot be serialised", ctx -> ctx.json(new Object()));
    };
    Authenticator nobody = ctx -> Optional.empty();
    TributaryServer server = new TributaryServer(new ServerConfig(0, 0, dataDir, dataDir, "dev", ""),
        new BuildInfo("test"), Clock.systemUTC(), Duration.ofSeconds(1), List.of(buggy), nobody).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      for (String path : List.of("/npe", "/unwritable")) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + server.adminPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(500);
        assertThat(r.body()).contains("internal_server_error").contains("see the server log")
            .doesNotContain("Exception");
        assertThat(r.body().length()).isLessThan(200);
      }
    } finally {
      server.stop();
    }
  }
}
