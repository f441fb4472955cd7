package io.tributary.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.server.api.SdkSpans;
import io.tributary.server.api.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Live tap with spans from the OpenTelemetry SDK: server-side filters kept in the URL, pause
 * and resume, rows that survive the 2 s refresh (open JSON, keyboard focus), and items opened in
 * Simulate or picked from Live there.
 */
class LivePageBrowserTest extends BrowserTest {

  private SdkSpans sdk;
  private String goldTrace;

  @Override
  TestNode startNode(Path dir) throws Exception {
    return TestNode.start(dir.resolve("data"), "dev");
  }

  @BeforeAll
  void sendSpans() {
    sdk = new SdkSpans(node.node.otlpPort(), "checkout");
    goldTrace = sdk.send("GET /gold", Map.of("user.tier", "gold"));
    sdk.send("GET /silver", Map.of("user.tier", "silver"));
    sdk.send("POST /cart", Map.of("user.tier", "gold", "user.email", "ada@example.com"));
  }

  @AfterAll
  void stopSdk() {
    sdk.close();
  }

  private WebDriverWait waiting() {
    return browser.waiting(Duration.ofSeconds(15));
  }

  private static By row(String name) {
    return By.xpath("//table[@id='live-table']//tr[@data-seq][td[3][normalize-space()='" + name + "']]");
  }

  private List<String> names() {
    return browser.driver.findElements(By.cssSelector("#live-table tr[data-seq] td:nth-child(3)")).stream()
        .map(WebElement::getText).toList();
  }

  private void filter(String field, String value) {
    WebElement input = browser.waitFor(By.id("live-" + field));
    input.clear();
    input.sendKeys(value);
    browser.click(By.id("live-filter"));
  }

  private void openLive() {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/live/dev");
    waiting().until(d -> names().containsAll(List.of("GET /gold", "GET /silver", "POST /cart")));
  }

  @Test
  void filters_by_attribute_and_trace_id_show_only_matching_rows_and_stay_in_the_url() throws Exception {
    openLive();
    filter("attribute", "user.tier=silver");
    waiting().until(d -> names().equals(List.of("GET /silver")));
    assertThat(browser.driver.getCurrentUrl()).contains("#/live/dev?attribute=user.tier%3Dsilver");
    assertThat(browser.find(By.id("live-status")).getText()).contains("1 matching item(s)");
    browser.screenshot("live-filter-attribute");

    // A reload keeps the filter: the URL holds it.
    browser.driver.navigate().refresh();
    waiting().until(d -> names().equals(List.of("GET /silver")));
    assertThat(browser.find(By.id("live-attribute")).getAttribute("value")).isEqualTo("user.tier=silver");

    browser.click(By.id("live-clear"));
    waiting().until(d -> names().size() >= 3);
    filter("traceId", goldTrace);
    waiting().until(d -> names().equals(List.of("GET /gold")));
    assertThat(browser.driver.getCurrentUrl()).contains("traceId=" + goldTrace);

    browser.click(By.id("live-clear"));
    waiting().until(d -> names().size() >= 3);
    filter("attribute", "user.tier=bronze");
    browser.waitForText(By.id("live-empty"), "No item matches these filters");
    browser.screenshot("live-filter-empty");
  }

  @Test
  void pause_holds_the_rows_while_spans_arrive_and_resume_shows_them() throws Exception {
    openLive();
    browser.click(By.id("live-pause"));
    assertThat(browser.find(By.id("live-pause")).getAttribute("aria-pressed")).isEqualTo("true");
    assertThat(browser.find(By.id("live-pause")).getText()).isEqualTo("Resume");
    sdk.send("GET /while-paused", Map.of("user.tier", "platinum"));
    sdk.send("GET /also-while-paused", Map.of("user.tier", "platinum"));
    browser.waitForText(By.id("live-new"), "2 new matching item(s)");
    Thread.sleep(2500); // another refresh
    assertThat(names()).doesNotContain("GET /while-paused", "GET /also-while-paused");
    assertThat(browser.find(By.id("live-status")).getText()).startsWith("Paused");
    browser.screenshot("live-paused");

    browser.click(By.id("live-pause"));
    waiting().until(d -> names().containsAll(List.of("GET /while-paused", "GET /also-while-paused")));
    assertThat(names().get(0)).isEqualTo("GET /also-while-paused");
    assertThat(browser.find(By.id("live-pause")).getAttribute("aria-pressed")).isEqualTo("false");
  }

  @Test
  void an_open_row_and_keyboard_focus_survive_refreshes_that_bring_new_rows() throws Exception {
    openLive();
    WebElement gold = browser.find(row("GET /gold"));
    WebElement details = gold.findElement(By.tagName("details"));
    details.findElement(By.tagName("summary")).click();
    assertThat(details.getAttribute("open")).isNotNull();
    WebElement open = gold.findElement(By.className("open-simulate"));
    browser.driver.executeScript("arguments[0].focus()", open);

    sdk.send("GET /after-opening", Map.of("user.tier", "platinum"));
    waiting().until(d -> names().contains("GET /after-opening"));
    Thread.sleep(2500); // and one more refresh with nothing new

    // The same element (not rebuilt: a rebuilt row would make these references stale), still open and focused.
    assertThat(details.getAttribute("open")).isNotNull();
    assertThat(details.getText()).contains("user.tier");
    assertThat(browser.driver.switchTo().activeElement()).isEqualTo(open);
    browser.screenshot("live-open-row", gold);
  }

  @Test
  void open_in_simulate_loads_the_item_and_running_it_shows_the_stages() throws Exception {
    openLive();
    browser.find(row("POST /cart")).findElement(By.className("open-simulate")).click();
    waiting().until(d -> d.getCurrentUrl().endsWith("#/simulate/dev"));
    browser.waitForText(By.id("sim-from-live"), "As exported");
    assertThat(browser.find(By.id("sim-from-live")).getText()).contains("pii-redaction@").contains("=modified");
    String item = browser.find(By.id("sim-item")).getAttribute("value");
    assertThat(item).contains("resourceSpans").contains("POST /cart").contains("user.tier")
        .doesNotContain("tributary.lineage");
    browser.click(By.id("sim-run"));
    waiting().until(d -> !d.findElements(By.cssSelector("#sim-results tr[data-stage]")).isEmpty());
    String results = browser.find(By.id("sim-results")).getText();
    assertThat(results).contains("pii-redaction").contains("POST /cart");
    browser.screenshot("live-open-in-simulate", browser.find(By.id("sim-results")));
  }

  @Test
  void an_item_enriched_while_an_operator_watches_opens_in_simulate_as_received() throws Exception {
    openLive(); // an operator watching arms the tap
    sdk.send("POST /signup", Map.of("user.email", "grace@example.com"));
    waiting().until(d -> names().contains("POST /signup"));
    assertThat(browser.find(By.id("live-received-form")).getText()).contains("kept as received");
    browser.find(row("POST /signup")).findElement(By.className("open-simulate")).click();
    waiting().until(d -> d.getCurrentUrl().endsWith("#/simulate/dev"));
    browser.waitForText(By.id("sim-from-live"), "As received");
    String item = browser.find(By.id("sim-item")).getAttribute("value");
    assertThat(item).as("before redaction").contains("grace@example.com").contains("POST /signup")
        .doesNotContain("tributary.lineage");
    browser.click(By.id("sim-run"));
    waiting().until(d -> !d.findElements(By.cssSelector("#sim-results tr[data-stage]")).isEmpty());
    assertThat(browser.find(By.id("sim-results")).getText()).contains("pii-redaction").contains("modified");
    browser.screenshot("live-open-as-received", browser.find(By.id("sim-results")));
  }

  @Test
  void simulate_picks_several_samples_from_live() throws Exception {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/simulate/dev");
    browser.click(By.id("sim-pick-live"));
    browser.waitFor(By.id("sim-live-list"));
    for (String name : new String[] {"GET /gold", "GET /silver"}) {
      browser.find(By.xpath("//div[@id='sim-live-list']/label[contains(., '" + name + "')]/input")).click();
    }
    browser.screenshot("simulate-pick-from-live");
    browser.click(By.id("sim-live-load"));
    browser.waitForText(By.id("sim-from-live"), "2 item(s) from Live");
    assertThat(browser.find(By.id("sim-item")).getAttribute("value")).contains("GET /gold").contains("GET /silver");
    browser.click(By.id("sim-run"));
    browser.waitForText(By.id("sim-results"), "Item 2");
    assertThat(browser.find(By.id("sim-results")).getText()).contains("GET /gold").contains("GET /silver");
  }

  @Test
  void an_environment_this_node_does_not_serve_says_where_to_look() throws Exception {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/live/prod");
    browser.waitForText(By.id("live-empty"), "this node does not serve prod");
    assertThat(browser.find(By.id("live-status")).getText()).contains("runs another environment");
    browser.open("#/simulate/prod");
    browser.click(By.id("sim-pick-live"));
    browser.waitForText(By.id("sim-live-box"), "This node does not serve prod");
  }
}
