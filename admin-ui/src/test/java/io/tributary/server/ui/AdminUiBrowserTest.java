package io.tributary.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.server.api.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The admin UI in a real browser (Debian's headless chromium) against a real node: what an
 * operator, an approver and a plugin author do, each step saved as a screenshot under
 * {@code target/screenshots/}.
 */
class AdminUiBrowserTest extends BrowserTest {

  @Override
  TestNode startNode(Path dir) throws Exception {
    return TestNode.start(dir, "staging");
  }

  @Test
  void logs_in_with_a_token_and_shows_who_is_logged_in() throws Exception {
    browser.driver.get(browser.base + "/?fresh=" + System.nanoTime() + "#/catalog");
    browser.waitFor(By.id("token"));
    assertThat(browser.driver.getCurrentUrl()).contains("#/login");
    browser.find(By.id("token")).sendKeys("trb_wrong-token");
    browser.click(By.id("login"));
    browser.waitForText(By.id("login-status"), "unknown, expired or revoked");
    browser.screenshot("login-refused");

    browser.find(By.id("token")).clear();
    browser.find(By.id("token")).sendKeys(TestNode.ADMIN_TOKEN);
    browser.click(By.id("login"));
    browser.waitForText(By.id("principal"), "admin");
    assertThat(browser.find(By.id("role")).getText()).isEqualTo("admin · approver");
    browser.waitFor(By.id("catalog-results"));
    // The session cookie is HttpOnly: page scripts cannot read it.
    assertThat(browser.driver.manage().getCookieNamed("tributary_session").isHttpOnly()).isTrue();
    assertThat((String) browser.driver.executeScript("return document.cookie")).doesNotContain("tributary_session");
    browser.screenshot("catalog-after-login");

    browser.click(By.id("logout"));
    browser.waitFor(By.id("token"));
    assertThat(node.get("/api/v1/me", null).status()).isEqualTo(401);
    browser.screenshot("logged-out");
  }

  @Test
  void finds_a_processor_in_the_catalog_and_opens_its_documentation() throws Exception {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/catalog");
    WebElement search = browser.waitFor(By.id("catalog-search"));
    search.sendKeys("pii-redaction");
    browser.waitForText(By.id("catalog-results"), "1 of 7 processors");
    new Select(browser.find(By.id("filter-env"))).selectByValue("staging");
    browser.waitForText(By.id("catalog-results"), "pii-redaction");
    browser.screenshot("catalog-search");
    browser.click(By.linkText("pii-redaction"));
    // The bundled plugin's own version, whatever it is: its section opens on the processor's page.
    String version = node.get("/api/v1/processors/pii-redaction", TestNode.ADMIN_TOKEN).json()
        .get("latestVersion").asText();
    browser.waitFor(By.id("version-" + version));
    String page = browser.find(By.id("main")).getText();
    assertThat(page).contains("Configuration").contains("hashKey").contains("Examples").contains("Where it runs")
        .contains("staging");
    browser.screenshot("processor-docs");

    browser.size(390, 844);
    browser.open("#/catalog");
    browser.waitFor(By.id("catalog-results"));
    browser.screenshot("catalog-narrow");
  }

  @Test
  void enables_a_configured_processor_in_staging_and_finds_the_revision_and_its_audit_entry() throws Exception {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/environments/staging");
    browser.waitForText(By.id("current-revision"), "#1");
    new Select(browser.find(By.id("add-processor"))).selectByValue("attributes");
    browser.click(By.id("add-stage"));
    browser.click(By.id("configure-attributes"));
    // Planned without rules, the compiler says what is missing.
    browser.click(By.id("plan-button"));
    browser.waitForText(By.id("plan"), "does not compile");
    assertThat(browser.find(By.id("plan")).getText()).contains("config 'rules'");
    // The rules are a list of objects, a card per rule: the form checks each against its fields before planning.
    browser.click(By.id("cfg-attributes-rules-add"));
    browser.click(By.id("plan-button"));
    browser.waitForText(By.id("plan"), "attributes.rules[0].action required");
    new Select(browser.find(By.id("cfg-attributes-rules-0-action"))).selectByValue("insert");
    browser.find(By.id("cfg-attributes-rules-0-key")).sendKeys("team");
    browser.find(By.id("cfg-attributes-rules-0-value")).sendKeys("checkout");
    browser.find(By.id("reason")).sendKeys("tag the checkout team");
    browser.click(By.id("plan-button"));
    browser.waitForText(By.id("plan-verdict"), "compiles");
    assertThat(browser.find(By.id("plan")).getText()).contains("added").contains("attributes")
        .contains("Dry run");
    browser.screenshot("pipeline-plan", browser.find(By.id("plan")));
    browser.click(By.id("apply-button"));
    browser.waitForText(By.id("flash"), "Revision 2 of staging written");
    browser.waitForText(By.id("current-revision"), "#2");
    assertThat(browser.find(By.id("revisions")).getText()).contains("tag the checkout team");
    browser.screenshot("pipeline-revision-2");
    JsonNode stored = node.get("/api/v1/environments/staging/pipeline", TestNode.ADMIN_TOKEN).json();
    assertThat(stored.get("stages").findValuesAsText("processor")).contains("attributes");
    assertThat(stored.get("stages").findValue("rules").toString())
        .isEqualTo("[{\"action\":\"insert\",\"key\":\"team\",\"value\":\"checkout\"}]");

    browser.open("#/audit?action=pipeline.revised");
    browser.waitForText(By.id("audit-table"), "pipeline.revised");
    assertThat(browser.find(By.id("audit-table")).getText()).contains("tag the checkout team").contains("admin");
    browser.waitForText(By.id("chain-status"), "Chain intact");
    browser.screenshot("audit-revision");
  }

  @Test
  void a_prod_change_is_submitted_by_one_person_and_approved_by_another() throws Exception {
    String alice = node.token("alice", "operator", true);
    String bob = node.token("bob", "operator", true);
    logIn(alice, "alice");
    browser.open("#/environments/prod");
    browser.waitForText(By.id("env-name"), "prod");
    browser.click(By.id("enabled-semconv-upgrade"));
    browser.find(By.id("reason")).sendKeys("pause the semconv upgrade");
    browser.click(By.id("apply-button"));
    browser.waitForText(By.id("flash"), "submitted");
    browser.screenshot("prod-change-submitted");
    long id = node.get("/api/v1/change-requests?status=pending", TestNode.ADMIN_TOKEN).json().get(0).get("id").asLong();

    browser.open("#/approvals");
    WebElement own = browser.waitFor(By.cssSelector("#cr-" + id + " button.approve"));
    assertThat(own.isEnabled()).as("nobody approves their own request").isFalse();
    browser.screenshot("approvals-own-request");

    browser.click(By.id("logout"));
    browser.waitFor(By.id("token"));
    logIn(bob, "bob");
    browser.open("#/approvals");
    browser.waitFor(By.id("cr-" + id));
    assertThat(browser.find(By.id("cr-" + id)).getText()).contains("alice").contains("semconv-upgrade")
        .contains("enabled");
    WebElement changed = browser.find(By.cssSelector("#review-" + id + " [data-stage='semconv-upgrade']"));
    assertThat(changed.getAttribute("data-change")).isEqualTo("changed");
    assertThat(changed.findElement(By.cssSelector("tr.changed-value")).getText()).contains("enabled").contains("true")
        .contains("false");
    browser.find(By.id("decision-reason-" + id)).sendKeys("looks right");
    browser.screenshot("approvals-pending", browser.find(By.id("cr-" + id)));
    browser.click(By.cssSelector("#cr-" + id + " button.approve"));
    // Approving asks first, showing the diff being approved.
    browser.waitForText(By.id("confirm-dialog"), "semconv-upgrade");
    browser.click(By.id("confirm-ok"));
    browser.waitForText(By.id("flash"), "approved: prod is now at revision 2");
    browser.screenshot("approvals-approved");
    JsonNode prod = node.get("/api/v1/environments/prod/pipeline", TestNode.ADMIN_TOKEN).json();
    assertThat(prod.get("revision").asLong()).isEqualTo(2);
    assertThat(prod.get("changeRequest").asLong()).isEqualTo(id);
  }

  @Test
  void the_approvals_page_shows_an_added_stage_in_full_and_a_new_secret_only_as_set() throws Exception {
    String carol = node.token("carol", "operator", true);
    String dave = node.token("dave", "operator", true);
    JsonNode prod = node.get("/api/v1/environments/prod/pipeline", carol).json();
    com.fasterxml.jackson.databind.node.ObjectNode edit = new com.fasterxml.jackson.databind.ObjectMapper()
        .createObjectNode();
    edit.put("baseRevision", prod.get("revision").asLong());
    com.fasterxml.jackson.databind.node.ArrayNode stages = prod.get("stages").deepCopy();
    for (JsonNode s : stages) {
      if (s.get("name").asText().equals("pii-redaction")) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) s).putObject("config").put("hashKey", "browser-secret-key-42")
            .putObject("actions").put("email", "hash");
      }
    }
    com.fasterxml.jackson.databind.node.ObjectNode added = stages.addObject();
    added.put("name", "attributes");
    added.put("processor", "attributes");
    added.putObject("config").putArray("actions").add("insert team=checkout");
    edit.set("stages", stages);
    edit.put("reason", "tag checkout in prod");
    TestNode.Response proposed = node.call("PUT", "/api/v1/environments/prod/pipeline", carol, edit);
    assertThat(proposed.status()).as("%s", proposed).isEqualTo(202);
    long id = proposed.json().get("changeRequest").get("id").asLong();

    logIn(dave, "dave");
    browser.open("#/approvals");
    WebElement addedStage = browser.waitFor(By.cssSelector("#review-" + id + " [data-stage='attributes']"));
    assertThat(addedStage.getAttribute("data-change")).isEqualTo("added");
    assertThat(addedStage.getText()).contains("new at position 5").contains("insert team=checkout");
    WebElement pii = browser.find(By.cssSelector("#review-" + id + " [data-stage='pii-redaction']"));
    assertThat(pii.getText()).contains("config.hashKey").contains("{\"set\":true}").contains("\"set\": true")
        .contains("\"email\": \"hash\"").doesNotContain("browser-secret-key-42");
    browser.screenshot("approvals-full-review", browser.find(By.id("cr-" + id)));
    assertThat(node.call("POST", "/api/v1/change-requests/" + id + "/reject", dave, java.util.Map.of("reason", "not now"))
        .status()).isEqualTo(200);
  }

  @Test
  void simulates_an_item_and_shows_the_redaction_in_the_stage_diff() throws Exception {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/simulate/dev");
    browser.waitFor(By.id("sim-item"));
    browser.click(By.id("sim-run"));
    WebElement row = browser.waitFor(By.cssSelector("#sim-results tr[data-stage='pii-redaction']"));
    String text = row.getText();
    assertThat(text).contains("attributes.user.email").contains("alice@example.com");
    String after = row.findElements(By.cssSelector("td.after")).stream().map(WebElement::getText)
        .reduce("", (a, b) -> a + "\n" + b);
    assertThat(after).isNotBlank().doesNotContain("alice@example.com");
    browser.screenshot("simulate-redaction", row);
  }

  @Test
  void a_broken_plugin_file_shows_its_cause_on_the_plugins_page() throws Exception {
    Path plugins = node.node.config().pluginsDir();
    Files.writeString(plugins.resolve("broken-plugin.jar"), "this is not a zip file", StandardCharsets.UTF_8);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!node.get("/api/v1/plugins", TestNode.ADMIN_TOKEN).body().contains("broken-plugin.jar")) {
      assertThat(System.nanoTime()).as("the watcher finds the broken jar").isLessThan(deadline);
      Thread.sleep(100);
    }
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/plugins");
    browser.waitForText(By.id("failed-plugins"), "broken-plugin.jar");
    WebElement cause = browser.find(By.cssSelector("#failed-plugins td.cause"));
    assertThat(cause.getText()).isNotBlank().isNotEqualTo("no cause recorded");
    browser.screenshot("plugins-broken", cause);
  }

  @Test
  void the_other_pages_render_for_a_viewer_with_editing_disabled() throws Exception {
    String viewer = node.token("vera", "viewer", false);
    logIn(viewer, "vera");
    browser.open("#/environments/staging");
    browser.waitFor(By.id("stages"));
    assertThat(browser.find(By.id("add-stage")).isEnabled()).isFalse();
    assertThat(browser.find(By.id("apply-button")).isEnabled()).isFalse();
    assertThat(browser.find(By.id("plan-button")).isEnabled())
        .as("planning compiles a candidate pipeline: operators only").isFalse();
    browser.screenshot("pipeline-as-viewer");
    browser.open("#/timings/staging");
    browser.waitFor(By.cssSelector("#timings-table table"));
    browser.waitFor(By.cssSelector("#timings-chart canvas, #timings-chart svg"));
    browser.screenshot("timings");
    browser.open("#/audit");
    browser.waitForText(By.id("chain-status"), "Chain intact");
    browser.screenshot("audit");
    for (String page : List.of("catalog", "plugins", "approvals", "simulate")) {
      browser.open("#/" + page);
      browser.waitFor(By.cssSelector(".page-" + page + " h1"));
      browser.screenshot(page + "-as-viewer");
    }
  }

  @Test
  void live_traffic_shows_on_the_live_page_and_in_the_timings() throws Exception {
    String span = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
        + "\"value\":{\"stringValue\":\"checkout\"}}]},\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
        + "\"name\":\"POST /cart\",\"kind\":2,\"attributes\":[{\"key\":\"user.email\","
        + "\"value\":{\"stringValue\":\"ada@example.com\"}}]}]}]}]}";
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    for (int i = 0; i < 20; i++) {
      int status = http.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://localhost:" + node.node.otlpPort() + "/v1/traces"))
          .header("Content-Type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(span)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
      assertThat(status).isEqualTo(200);
    }
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/live/staging");
    browser.waitForText(By.id("live-items"), "5b8efff798038103d269b633813fc60c");
    String live = browser.find(By.id("live-items")).getText();
    assertThat(live).contains("POST /cart").contains("checkout").contains("staging#")
        .containsPattern("pii-redaction@[0-9]+\\.[0-9]+\\.[0-9]+=modified").doesNotContain("ada@example.com");
    // Where the node listens, and whether in TLS.
    assertThat(browser.find(By.id("listeners")).getText()).contains("OTLP/HTTP").contains(":" + node.node.otlpPort())
        .contains("OTLP/gRPC").contains(":" + node.node.otlpGrpcPort()).contains("plaintext");
    // The queue: on disk by default, how deep, how old, what was replayed.
    browser.waitForText(By.id("queue"), "Queue on disk");
    assertThat(browser.find(By.id("queue")).getText()).contains("of 1024 MiB").contains("oldest waiting")
        .contains("replayed after a restart").contains("20 received");
    browser.screenshot("live");
    node.node.timings().sample(); // the history's next 10 s sample, now
    browser.open("#/timings/staging");
    browser.waitFor(By.cssSelector("#timings-history tr.slowest"));
    assertThat(browser.find(By.id("timings-history")).getText()).contains("slowest").contains("20");
    browser.screenshot("timings-with-traffic");
  }

  @Test
  void every_page_runs_under_the_content_security_policy_without_a_violation() throws Exception {
    assertThat(node.get("/", null).header("Content-Security-Policy"))
        .contains("script-src 'self'").doesNotContain("unsafe-inline");
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/environments/staging");
    browser.waitFor(By.id("stages"));
    browser.open("#/timings/staging");
    browser.waitFor(By.cssSelector("#timings-chart canvas, #timings-chart svg"));
    for (String page : List.of("catalog", "plugins", "approvals", "simulate", "audit")) {
      browser.open("#/" + page);
      browser.waitFor(By.cssSelector(".page-" + page + " h1"));
    }
    browser.click(By.id("logout"));
    browser.waitFor(By.id("token"));
    assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    // The policy is in force: an inline script injected into the page does not run, and says why.
    Object ran = browser.driver.executeScript("const s = document.createElement('script');"
        + " s.textContent = 'window.inlineRan = true'; document.head.append(s); return window.inlineRan === true;");
    assertThat(ran).isEqualTo(false);
    assertThat(browser.consoleMessages()).anyMatch(m -> m.contains("Content Security Policy"));
  }

  @Test
  void the_audit_csv_export_downloads_formulas_as_text() throws Exception {
    String pipeline = "/api/v1/environments/staging/pipeline";
    JsonNode current = node.get(pipeline, TestNode.ADMIN_TOKEN).json();
    java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("baseRevision", current.get("revision").asLong());
    body.put("stages", new com.fasterxml.jackson.databind.ObjectMapper().convertValue(current.get("stages"), List.class));
    body.put("reason", "=HYPERLINK(\"http://evil.example\",\"open\")");
    assertThat(node.call("PUT", pipeline, TestNode.ADMIN_TOKEN, body).status()).isEqualTo(200);

    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/audit?action=pipeline.revised");
    browser.waitForText(By.id("audit-table"), "=HYPERLINK");
    Path file = browser.downloads.resolve("tributary-audit.csv");
    Files.deleteIfExists(file);
    browser.click(By.id("export-csv"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.exists(file) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(file).exists();
    String csv = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(csv).startsWith("\"id\",\"at\",\"actor\",\"action\"").contains("pipeline.revised")
        .contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"open\"\")\"")
        .doesNotContain(",\"=HYPERLINK").doesNotContain("token.created");
  }
}
