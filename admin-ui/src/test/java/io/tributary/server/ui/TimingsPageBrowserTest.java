package io.tributary.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.server.api.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The Timings page reads its history from the server: per stage µs per item and share of time, a
 * range picker kept in the URL, a reload that keeps the figures, a node picker, and "no traffic"
 * where nothing ran instead of figures of zero.
 */
class TimingsPageBrowserTest extends BrowserTest {

  @Override
  TestNode startNode(Path dir) throws Exception {
    return TestNode.start(dir.resolve("data"), "dev");
  }

  @Test
  void the_history_shows_cost_per_item_and_share_and_survives_a_reload_and_a_range_change() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < 12; i++) {
      String span = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c8031"
          + String.format("%02d", i) + "\",\"spanId\":\"b7ad6b7169203331\",\"name\":\"GET /" + i + "\",\"kind\":2}]}]}]}";
      HttpResponse<String> sent = http.send(HttpRequest.newBuilder(
              URI.create("http://localhost:" + node.node.otlpPort() + "/v1/traces"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(span)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(sent.statusCode()).isEqualTo(200);
    }
    awaitItems(12);
    node.node.timings().sample(); // the next 10 s sample, now rather than at the step's end

    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/timings/dev");
    browser.waitFor(By.cssSelector("#timings-history tr.slowest"));
    List<WebElement> rows = browser.driver.findElements(By.cssSelector("#timings-history tbody tr"));
    assertThat(rows).hasSize(4);
    for (WebElement row : rows) {
      assertThat(row.findElement(By.cssSelector("td.items")).getText()).isEqualTo("12");
      assertThat(row.findElement(By.cssSelector("td.per-item")).getText()).matches("[0-9.]+ µs");
      assertThat(row.findElement(By.cssSelector("td.share")).getText()).matches("[0-9.]+ %");
    }
    assertThat(browser.find(By.id("range-1h")).getAttribute("aria-pressed")).isEqualTo("true");
    browser.waitFor(By.cssSelector("#timings-chart canvas, #timings-chart svg"));
    browser.waitFor(By.cssSelector("#timings-table td"));
    assertThat(browser.find(By.id("timings-table")).getText()).as("no invented zero").doesNotContain(" 0 ns");
    browser.screenshot("timings-history");

    // The range is part of the URL; a reload keeps it and the figures, which the server keeps.
    browser.click(By.id("range-15m"));
    browser.waiting(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().endsWith("#/timings/dev?range=15m"));
    browser.waitFor(By.cssSelector("#range-15m[aria-pressed=true]"));
    browser.driver.navigate().refresh();
    browser.waitFor(By.cssSelector("#timings-history tr.slowest"));
    assertThat(browser.find(By.id("range-15m")).getAttribute("aria-pressed")).isEqualTo("true");
    assertThat(browser.find(By.cssSelector("#timings-history tbody tr td.items")).getText()).isEqualTo("12");
    assertThat(browser.find(By.id("timings-status")).getText()).contains("10 s steps").contains("of 90 steps reported");

    // One node picked: its figures, and the URL says which.
    browser.waiting(Duration.ofSeconds(15))
        .until(d -> new Select(d.findElement(By.id("timings-node"))).getOptions().size() == 2);
    new Select(browser.find(By.id("timings-node"))).selectByIndex(1);
    browser.waiting(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("&node="));
    browser.waitFor(By.cssSelector("#timings-history tr.slowest"));
    assertThat(new Select(browser.find(By.id("timings-node"))).getFirstSelectedOption().getText()).contains("(");

    // Where no node ran anything, the page says so instead of showing zeros.
    browser.open("#/timings/staging");
    browser.waitForText(By.id("no-traffic"), "no node serving staging wrote any");
    assertThat(browser.driver.findElements(By.cssSelector("#timings-history table"))).isEmpty();
    browser.screenshot("timings-no-traffic");
  }

  private void awaitItems(long count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      var stages = node.get("/api/v1/environments/dev/stats", TestNode.ADMIN_TOKEN).json().get("stages");
      if (stages.size() > 0 && stages.get(stages.size() - 1).get("items").asLong() >= count) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the pipeline did not see " + count + " items");
  }
}
