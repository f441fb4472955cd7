package io.tributary.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.server.api.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The audit page in a real browser against a real node: filters kept in the URL (reload and the
 * same events show), Newer/Older paging, a pipeline change as a stage/config diff, the JSON
 * export with objects. Screenshots under {@code target/screenshots/}.
 */
class AuditPageBrowserTest extends BrowserTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  TestNode startNode(Path dir) throws Exception {
    TestNode node = TestNode.start(dir, "staging");
    // 60 events by ada (more than one page of 50), a few by others.
    for (int i = 1; i <= 60; i++) {
      node.node.catalog().audit().append("ada", "drill.step", "drill:" + i, null, "{\"step\":" + i + "}", "drill step " + i);
      if (i % 20 == 0) {
        node.node.catalog().audit().append("bob", "drill.step", "drill:bob" + i, null, null, "bob was here " + i);
      }
    }
    return node;
  }

  @BeforeEach
  void asAdmin() {
    browser.size(1280, 900);
    logIn(TestNode.ADMIN_TOKEN, "admin");
  }

  private String table() {
    return browser.find(By.id("audit-table")).getText();
  }

  /** The reason column of the rows shown. */
  private List<String> reasons() {
    return browser.driver.findElements(By.cssSelector("#audit-table tbody tr td:nth-child(6)")).stream()
        .map(WebElement::getText).toList();
  }

  @Test
  void filters_by_actor_keeps_the_filter_in_the_url_across_a_reload_and_pages_to_older_events() throws Exception {
    browser.open("#/audit");
    browser.waitForText(By.id("chain-status"), "Chain intact");
    browser.waitForText(By.id("audit-table"), "bob was here");
    browser.find(By.id("audit-actor")).sendKeys("ADA");
    browser.click(By.id("audit-filter"));
    browser.waitForText(By.id("audit-count"), "50 shown");
    assertThat(browser.driver.getCurrentUrl()).endsWith("#/audit?actor=ADA");
    assertThat(table()).contains("drill step 60").doesNotContain("bob was here");
    browser.screenshot("audit-filtered-by-actor");

    // Reload: the same filter is in the form and applies.
    browser.driver.navigate().refresh();
    browser.waitForText(By.id("audit-count"), "50 shown");
    assertThat(browser.find(By.id("audit-actor")).getAttribute("value")).isEqualTo("ADA");
    assertThat(reasons()).hasSize(50).contains("drill step 60", "drill step 11").doesNotContain("drill step 10")
        .noneMatch(r -> r.startsWith("bob"));
    assertThat(browser.find(By.id("audit-newer")).isEnabled()).isFalse();

    // Older: the other 10 of ada's events; the URL carries the page too.
    browser.click(By.id("audit-older"));
    browser.waitForText(By.id("audit-count"), "10 shown");
    String url = browser.driver.getCurrentUrl();
    assertThat(url).contains("#/audit?actor=ADA&before=");
    assertThat(reasons()).hasSize(10).contains("drill step 10", "drill step 1").doesNotContain("drill step 11")
        .noneMatch(r -> r.startsWith("bob"));
    assertThat(browser.find(By.id("audit-older")).isEnabled()).as("the last page").isFalse();
    browser.screenshot("audit-older-page", browser.find(By.id("audit-pager")));

    // A shared link of that page opens the same page; Newer goes back.
    browser.driver.get(browser.base + "/?fresh=" + System.nanoTime() + url.substring(url.indexOf('#')));
    browser.waitForText(By.id("audit-count"), "10 shown");
    assertThat(browser.find(By.id("audit-actor")).getAttribute("value")).isEqualTo("ADA");
    browser.click(By.id("audit-newer"));
    browser.waitForText(By.id("audit-count"), "50 shown");
    assertThat(browser.driver.getCurrentUrl()).contains("actor=ADA&after=");
    assertThat(table()).contains("drill step 60").contains("drill step 11");
  }

  @Test
  void a_pipeline_change_shows_which_stages_and_config_keys_changed_and_no_secret() throws Exception {
    String pipeline = "/api/v1/environments/staging/pipeline";
    JsonNode current = node.get(pipeline, TestNode.ADMIN_TOKEN).json();
    ObjectNode body = io.tributary.server.api.AuditQueryApiTest.slimmerStaging(current, "s3cret-browser-key");
    body.put("reason", "slimmer staging pipeline");
    assertThat(node.call("PUT", pipeline, TestNode.ADMIN_TOKEN, body).status()).isEqualTo(200);

    browser.open("#/audit?action=pipeline&q=slimmer");
    browser.waitForText(By.id("audit-table"), "slimmer staging pipeline");
    assertThat(browser.find(By.id("audit-action")).getAttribute("value")).isEqualTo("pipeline");
    assertThat(browser.find(By.id("audit-q")).getAttribute("value")).isEqualTo("slimmer");
    WebElement changes = browser.find(By.cssSelector("#audit-table .audit-changes"));
    assertThat(changes.getText()).contains("stage change(s)");
    changes.findElement(By.tagName("summary")).click();
    browser.waitFor(By.cssSelector("#audit-table .stage-diff"));
    String diff = browser.find(By.cssSelector("#audit-table .stage-diff")).getText();
    assertThat(diff).contains("semconv-upgrade").contains("stage removed")
        .contains("config.tags").contains("checkout")
        .contains("config.hashKey").contains("secret, set")
        .contains("config.actions").contains("{\"email\":\"hash\"}");
    assertThat(browser.find(By.cssSelector("#audit-table .field-diff")).getText()).contains("revision").contains("1")
        .contains("2");
    assertThat(browser.find(By.id("main")).getText()).doesNotContain("s3cret");
    assertThat(browser.driver.getPageSource()).doesNotContain("s3cret");
    browser.screenshot("audit-pipeline-diff", changes);

    // The JSON export: the events shown, before and after as objects.
    Path file = browser.downloads.resolve("tributary-audit.json");
    Files.deleteIfExists(file);
    browser.click(By.id("export-json"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.exists(file) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(file).exists();
    JsonNode exported = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    assertThat(exported).hasSize(1);
    assertThat(exported.get(0).get("before").isObject()).isTrue();
    assertThat(exported.get(0).get("after").get("stages").isArray()).isTrue();
    assertThat(exported.toString()).doesNotContain("s3cret");
    assertThat(List.of(exported.get(0).get("action").asText())).containsExactly("pipeline.revised");
  }
}
