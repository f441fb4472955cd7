package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.catalog.AuditLog;
import io.tributary.server.api.TestNode.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator asks of {@code GET /api/v1/audit}: contains-filters that take the text
 * literally, pages with a cursor that say whether there is more, and before/after as JSON objects
 * (with a pipeline change's stage diff) in the list and the JSON export.
 */
public class AuditQueryApiTest {

  @TempDir Path dataDir;

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static List<Long> ids(Response r) {
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    List<Long> out = new ArrayList<>();
    r.json().forEach(e -> out.add(e.get("id").asLong()));
    return out;
  }

  private static List<String> reasons(Response r) {
    assertThat(r.status()).as("%s", r).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().forEach(e -> out.add(e.get("reason").asText()));
    return out;
  }

  @Test
  void filters_match_contains_ignoring_case_combined_and_literally() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      AuditLog audit = node.node.catalog().audit();
      audit.append("Ada.Lovelace", "pipeline.tuned", "env:Prod-EU", null, "{\"note\":\"Engine Tuned\"}", "ada one");
      audit.append("adam", "token.created", "token:7", null, null, "ada two");
      audit.append("grace", "pipeline.tuned", "env:dev", null, null, "100% sure");
      audit.append("grace", "pipeline.tuned", "env:dev", null, null, "1000 sure");
      audit.append("grace", "pipeline.tuned", "env:dev", null, null, "snake_case");
      audit.append("grace", "pipeline.tuned", "env:dev", null, null, "snakeXcase");
      audit.append("grace", "pipeline.tuned", "env:dev", null, null, "back\\slash and !bang");
      String t = TestNode.ADMIN_TOKEN;

      // Contains, ignoring case, on actor, action and target.
      assertThat(reasons(node.get("/api/v1/audit?actor=ADA", t))).containsExactly("ada two", "ada one");
      assertThat(reasons(node.get("/api/v1/audit?actor=love&action=TUNED", t))).containsExactly("ada one");
      assertThat(reasons(node.get("/api/v1/audit?target=prod-eu", t))).containsExactly("ada one");
      assertThat(reasons(node.get("/api/v1/audit?target=token%3A&actor=ad", t))).containsExactly("ada two");
      // Combined filters all apply.
      assertThat(reasons(node.get("/api/v1/audit?actor=ada&action=token", t))).containsExactly("ada two");
      assertThat(reasons(node.get("/api/v1/audit?actor=ada&action=token&target=env", t))).isEmpty();
      // Free text in the reason or the details (before/after).
      assertThat(reasons(node.get("/api/v1/audit?q=engine+tuned", t))).containsExactly("ada one");
      assertThat(reasons(node.get("/api/v1/audit?q=" + enc("ADA T"), t))).containsExactly("ada two");
      // '%', '_', a backslash and '!' are the characters themselves, not patterns.
      assertThat(reasons(node.get("/api/v1/audit?q=" + enc("100%"), t))).containsExactly("100% sure");
      assertThat(reasons(node.get("/api/v1/audit?q=" + enc("%"), t))).containsExactly("100% sure");
      assertThat(reasons(node.get("/api/v1/audit?q=" + enc("e_c"), t))).containsExactly("snake_case");
      assertThat(reasons(node.get("/api/v1/audit?actor=" + enc("_"), t))).isEmpty();
      assertThat(reasons(node.get("/api/v1/audit?q=" + enc("k\\s"), t))).containsExactly("back\\slash and !bang");
      assertThat(reasons(node.get("/api/v1/audit?q=" + enc("!b"), t))).containsExactly("back\\slash and !bang");
      assertThat(reasons(node.get("/api/v1/audit?q=" + enc("[a-z]*"), t))).isEmpty();
      // The exact environment filter stays exact.
      assertThat(reasons(node.get("/api/v1/audit?env=Prod-EU", t))).containsExactly("ada one");
      assertThat(reasons(node.get("/api/v1/audit?env=Prod", t))).isEmpty();
      // The input is bounded.
      Response tooLong = node.get("/api/v1/audit?actor=" + "a".repeat(201), t);
      assertThat(tooLong.status()).isEqualTo(400);
      assertThat(tooLong.json().get("message").asText()).contains("'actor'").contains("at most 200");
      assertThat(node.get("/api/v1/audit?actor=" + "a".repeat(200), t).status()).isEqualTo(200);
      assertThat(node.get("/api/v1/audit/export.csv?actor=" + "a".repeat(201), t).status()).isEqualTo(400);
    }
  }

  @Test
  void pages_with_a_cursor_say_whether_there_is_more_and_bound_the_limit() throws Exception {
    try (TestNode node = TestNode.start(dataDir)) {
      for (int i = 1; i <= 12; i++) {
        node.node.catalog().audit().append("pager", "page.test", "page:" + i, null, null, "event " + i);
      }
      String t = TestNode.ADMIN_TOKEN;
      // The default page is 50; all 12 fit and there is no more.
      Response all = node.get("/api/v1/audit?action=page.test", t);
      assertThat(ids(all)).hasSize(12);
      assertThat(all.header("X-Has-More")).isEqualTo("false");
      assertThat(all.header("X-Has-Newer")).isEqualTo("false");

      Response first = node.get("/api/v1/audit?action=page.test&limit=5", t);
      List<Long> one = ids(first);
      assertThat(one).hasSize(5).isSortedAccordingTo((a, b) -> Long.compare(b, a));
      assertThat(first.header("X-Has-More")).isEqualTo("true");
      assertThat(first.header("X-Has-Newer")).isEqualTo("false");
      assertThat(first.header("Link"))
          .contains("/api/v1/audit?action=page.test&before=" + one.get(4) + "&limit=5>; rel=\"next\"");

      Response second = node.get("/api/v1/audit?action=page.test&limit=5&before=" + one.get(4), t);
      List<Long> two = ids(second);
      assertThat(two).hasSize(5);
      assertThat(second.header("X-Has-More")).isEqualTo("true");
      assertThat(second.header("X-Has-Newer")).isEqualTo("true");
      assertThat(second.header("Link")).contains("after=" + two.get(0) + "&limit=5>; rel=\"prev\"");

      Response third = node.get("/api/v1/audit?action=page.test&limit=5&before=" + two.get(4), t);
      List<Long> three = ids(third);
      assertThat(three).hasSize(2);
      assertThat(third.header("X-Has-More")).as("the last page says there is no more").isEqualTo("false");
      assertThat(third.header("Link")).doesNotContain("rel=\"next\"");
      assertThat(reasons(third)).containsExactly("event 2", "event 1");

      // No overlap, nothing left out.
      Set<Long> seen = new HashSet<>();
      for (List<Long> page : List.of(one, two, three)) {
        for (Long id : page) {
          assertThat(seen.add(id)).as("event %s on two pages", id).isTrue();
        }
      }
      assertThat(seen).hasSize(12).containsAll(ids(all));

      // Newer from the second page is the first page again; from the first there is nothing newer.
      Response back = node.get("/api/v1/audit?action=page.test&limit=5&after=" + two.get(0), t);
      assertThat(ids(back)).isEqualTo(one);
      assertThat(back.header("X-Has-Newer")).isEqualTo("false");
      assertThat(back.header("X-Has-More")).isEqualTo("true");

      // Offset still pages too.
      assertThat(ids(node.get("/api/v1/audit?action=page.test&limit=5&offset=5", t))).isEqualTo(two);

      // Over the maximum: clamped to 500, and the answer says so.
      Response big = node.get("/api/v1/audit?limit=1000", t);
      assertThat(big.status()).isEqualTo(200);
      assertThat(big.header("X-Limit-Clamped")).contains("limit 1000 is over the maximum of 500");
      assertThat(node.get("/api/v1/audit?limit=500", t).header("X-Limit-Clamped")).isNull();
      Response zero = node.get("/api/v1/audit?limit=0", t);
      assertThat(zero.status()).isEqualTo(400);
      assertThat(zero.json().get("message").asText()).contains("'limit' must be at least 1");
      assertThat(node.get("/api/v1/audit?before=abc", t).status()).isEqualTo(400);
    }
  }

  /**
   * A write of the default pipeline with semconv-upgrade removed, a tag added to environment and a
   * hash key (a secret) for pii-redaction: a change with a stage and config diff and a secret.
   */
  public static ObjectNode slimmerStaging(JsonNode current, String hashKey) {
    ObjectNode body = TestNode.JSON.createObjectNode();
    body.put("baseRevision", current.get("revision").asLong());
    com.fasterxml.jackson.databind.node.ArrayNode stages = current.get("stages").deepCopy();
    for (int i = stages.size() - 1; i >= 0; i--) {
      String name = stages.get(i).get("name").asText();
      if (name.equals("semconv-upgrade")) {
        stages.remove(i);
      } else if (name.equals("environment")) {
        ((ObjectNode) stages.get(i)).putObject("config").put("environment", "staging")
            .putObject("tags").put("team", "checkout");
      } else if (name.equals("pii-redaction")) {
        ((ObjectNode) stages.get(i)).putObject("config").put("hashKey", hashKey)
            .putObject("actions").put("email", "hash");
      }
    }
    body.set("stages", stages);
    return body;
  }

  @Test
  void before_and_after_are_json_objects_with_a_stage_diff_and_secrets_stay_masked() throws Exception {
    try (TestNode node = TestNode.start(dataDir, "staging")) {
      String t = TestNode.ADMIN_TOKEN;
      JsonNode staging = node.get("/api/v1/environments/staging/pipeline", t).json();
      ObjectNode body = slimmerStaging(staging, "s3cret-audit-diff-key");
      body.put("reason", "drop semconv, tag the team");
      assertThat(node.call("PUT", "/api/v1/environments/staging/pipeline", t, body).status()).isEqualTo(200);

      for (String path : List.of("/api/v1/audit?action=pipeline.revised", "/api/v1/audit/export.json?action=pipeline.revised")) {
        Response r = node.get(path, t);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.body()).doesNotContain("s3cret");
        JsonNode e = r.json().get(0);
        assertThat(e.get("before").isObject()).as("before in %s is an object: %s", path, e.get("before")).isTrue();
        assertThat(e.get("after").isObject()).as("after in %s is an object", path).isTrue();
        assertThat(e.get("after").get("stages").isArray()).isTrue();
        assertThat(e.get("before").get("revision").asLong()).isEqualTo(1);
        assertThat(e.get("after").get("revision").asLong()).isEqualTo(2);
        JsonNode diff = e.get("diff");
        List<String> lines = new ArrayList<>();
        diff.forEach(d -> lines.add(d.get("type").asText() + " " + d.get("stage").asText() + " "
            + (d.hasNonNull("field") ? d.get("field").asText() : "") + " " + d.get("before") + " -> " + d.get("after")));
        assertThat(lines).anyMatch(l -> l.startsWith("removed semconv-upgrade"));
        assertThat(lines).anyMatch(l -> l.startsWith("changed environment config.tags") && l.contains("checkout"));
        assertThat(lines).anyMatch(l -> l.startsWith("changed pii-redaction config.hashKey") && l.endsWith("{\"set\":true}"));
      }
      Response export = node.get("/api/v1/audit/export.json?action=pipeline.revised", t);
      assertThat(export.header("Content-Disposition")).isEqualTo("attachment; filename=\"tributary-audit.json\"");
      assertThat(export.header("Content-Type")).startsWith("application/json");
      // Text that is not JSON (a plugin's detail) stays text.
      node.node.catalog().audit().append("system", "plugin.loaded", "plugin:x.jar", null, "loaded 2 processors", null);
      JsonNode plain = node.get("/api/v1/audit?action=plugin.loaded&target=x.jar", t).json().get(0);
      assertThat(plain.get("after").asText()).isEqualTo("loaded 2 processors");
      assertThat(plain.has("diff")).isFalse();
    }
  }
}
