package io.tributary.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.server.api.SdkSpans;
import io.tributary.server.api.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pipeline page's Plan runs its dry run on the sample one gives it: the README's OTLP/JSON
 * curl payload pasted in, a malformed one refused by name with the text kept, and spans the SDK
 * sent picked from Live, a result per item. Screenshots under {@code target/screenshots/}.
 */
class PlanSamplesBrowserTest extends BrowserTest {

  private SdkSpans sdk;

  @Override
  TestNode startNode(Path dir) throws Exception {
    return TestNode.start(dir.resolve("data"), "dev");
  }

  @AfterAll
  void stopSdk() {
    if (sdk != null) {
      sdk.close();
    }
  }

  private WebDriverWait waiting() {
    return browser.waiting(Duration.ofSeconds(15));
  }

  /** The pipeline page of dev, logged in as admin, with no sample or draft left by an earlier test. */
  private void openPipeline() {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.driver.executeScript("sessionStorage.clear()");
    browser.open("#/environments/dev");
    browser.waitFor(By.id("plan-button"));
    browser.waitForText(By.id("plan-sample-which"), "the built-in sample log");
  }

  /** The JSON the README's OTLP/HTTP curl sends ({@code --data '…'} after {@code localhost:4318/v1/traces}). */
  private static String readmeCurlPayload() throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(Files.exists(readme) ? readme : Path.of("README.md"));
    int curl = text.indexOf("localhost:4318/v1/traces --data '");
    assertThat(curl).as("the README's OTLP/JSON curl").isPositive();
    int start = text.indexOf('\'', curl) + 1;
    int end = text.indexOf("'\n```", start);
    return text.substring(start, end).strip();
  }

  private WebElement sampleText() {
    if (browser.find(By.id("plan-sample")).getAttribute("open") == null) {
      browser.click(By.id("plan-sample-summary"));
    }
    return browser.waitFor(By.id("plan-sample-text"));
  }

  private void type(WebElement textarea, String text) {
    textarea.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    textarea.sendKeys(text);
  }

  private List<WebElement> results() {
    return browser.driver.findElements(By.cssSelector("#plan-dry-run details.dry-item"));
  }

  @Test
  void the_readmes_otlp_json_payload_is_the_dry_runs_sample() throws Exception {
    openPipeline();
    assertThat(browser.find(By.id("plan-sample")).getAttribute("open")).as("collapsed by default").isNull();
    type(sampleText(), readmeCurlPayload());
    browser.waitForText(By.id("plan-sample-which"), "your own: an OTLP/JSON export request (1 span)");
    browser.click(By.id("plan-button"));
    browser.waitForText(By.id("plan-verdict"), "compiles");
    browser.waitFor(By.id("plan-dry-run"));
    assertThat(browser.find(By.id("plan-dry-title")).getText())
        .isEqualTo("Dry run on your own: an OTLP/JSON export request (1 span)");
    assertThat(results()).hasSize(1);
    WebElement result = results().get(0);
    assertThat(result.getAttribute("open")).isNotNull();
    assertThat(result.findElement(By.tagName("summary")).getText()).contains("Item 1").contains("span POST /cart");
    // The default pipeline's stages, each with its outcome; pii-redaction redacts the e-mail.
    for (String stage : new String[] {"correlation", "semconv-upgrade", "environment", "pii-redaction"}) {
      assertThat(result.findElements(By.cssSelector("tr[data-stage='" + stage + "'] .badge"))).as(stage).hasSize(1);
    }
    WebElement pii = result.findElement(By.cssSelector("tr[data-stage='pii-redaction']"));
    assertThat(pii.getText()).contains("modified").contains("user.email: ada@example.com → [REDACTED:email]");
    assertThat(browser.find(By.id("plan-sample-error")).getText()).isEmpty();
    browser.screenshot("plan-sample-readme-otlp", browser.find(By.id("plan")));

    // A re-render (navigating away and back) keeps the chosen sample; the URL does not hold it.
    browser.open("#/");
    browser.open("#/environments/dev");
    browser.waitForText(By.id("plan-sample-which"), "OTLP/JSON export request (1 span)");
    assertThat(browser.driver.getCurrentUrl()).doesNotContain("resourceSpans");
    assertThat(sampleText().getAttribute("value")).contains("\"POST /cart\"");
    browser.click(By.id("plan-sample-reset"));
    browser.waitForText(By.id("plan-sample-which"), "the built-in sample log");
  }

  @Test
  void malformed_json_is_named_by_the_textarea_and_what_was_typed_is_kept() throws Exception {
    openPipeline();
    String broken = "{\"kind\": \"log\", \"body\": \"checkout failed\",";
    WebElement textarea = sampleText();
    type(textarea, broken);
    browser.click(By.id("plan-button"));
    browser.waitForText(By.id("plan-sample-problem"), "The sample is not valid JSON");
    // The rest of the plan still works; only the dry run waits for a usable sample.
    browser.waitForText(By.id("plan-verdict"), "The pipeline compiles");
    assertThat(browser.find(By.id("plan-dry-not-run")).getText()).contains("the dry-run sample cannot be used");
    assertThat(textarea.getAttribute("value")).isEqualTo(broken);
    assertThat(textarea.getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(textarea.getAttribute("aria-describedby")).contains("plan-sample-error");
    assertThat(browser.find(By.id("plan-sample-problem")).getAttribute("role")).isEqualTo("alert");
    browser.screenshot("plan-sample-malformed", browser.find(By.id("plan-sample")));

    // JSON of neither shape is named as such.
    type(textarea, "{\"hello\": \"world\"}");
    assertThat(textarea.getAttribute("aria-invalid")).as("typing clears the error").isNull();
    browser.click(By.id("plan-button"));
    browser.waitForText(By.id("plan-sample-problem"), "neither an item");
    assertThat(browser.find(By.id("plan-sample-problem")).getText()).contains("(hello)").contains("resourceSpans");

    // Fixed, it runs.
    type(textarea, "[{\"kind\": \"log\", \"body\": \"ok\"}]");
    browser.click(By.id("plan-button"));
    browser.waitFor(By.id("plan-dry-run"));
    assertThat(browser.find(By.id("plan-sample-error")).getText()).isEmpty();
    assertThat(results()).hasSize(1);
    assertThat(browser.find(By.id("plan-dry-title")).getText()).isEqualTo("Dry run on your own: one item");
  }

  @Test
  void two_spans_picked_from_live_give_two_results() throws Exception {
    sdk = new SdkSpans(node.node.otlpPort(), "checkout");
    sdk.send("GET /plan-first", Map.of("user.email", "bob@example.com"));
    sdk.send("GET /plan-second", Map.of("user.tier", "gold"));
    openPipeline();
    sampleText();
    browser.click(By.id("plan-pick-live"));
    browser.waitFor(By.id("plan-live-list"));
    for (String name : new String[] {"GET /plan-first", "GET /plan-second"}) {
      waiting().until(d -> !d.findElements(By.xpath(
          "//div[@id='plan-live-list']/label[contains(., '" + name + "')]/input")).isEmpty());
      browser.find(By.xpath("//div[@id='plan-live-list']/label[contains(., '" + name + "')]/input")).click();
    }
    browser.screenshot("plan-sample-pick-from-live", browser.find(By.id("plan-sample")));
    browser.click(By.id("plan-live-load"));
    browser.waitForText(By.id("plan-from-live"), "2 item(s) picked from Live");
    assertThat(browser.find(By.id("plan-from-live")).getText()).containsAnyOf("As exported", "As received");
    assertThat(browser.find(By.id("plan-sample-which")).getText()).startsWith("2 item(s) picked from Live (#");
    assertThat(browser.find(By.id("plan-sample-text")).getAttribute("value"))
        .contains("GET /plan-first").contains("GET /plan-second");
    assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("plan-sample-text");

    browser.click(By.id("plan-button"));
    browser.waitFor(By.id("plan-dry-run"));
    assertThat(browser.find(By.id("plan-dry-summary")).getText()).startsWith("2 items run");
    List<WebElement> results = results();
    assertThat(results).hasSize(2);
    assertThat(results.get(0).getAttribute("open")).as("the first open").isNotNull();
    assertThat(results.get(1).getAttribute("open")).as("the others collapsed").isNull();
    String summaries = results.get(0).findElement(By.tagName("summary")).getText() + "\n"
        + results.get(1).findElement(By.tagName("summary")).getText();
    assertThat(summaries).contains("GET /plan-first").contains("GET /plan-second").contains("Item 2");
    // The second opens from the keyboard, with its stages.
    WebElement second = results.get(1).findElement(By.tagName("summary"));
    browser.driver.executeScript("arguments[0].focus()", second);
    second.sendKeys(Keys.ENTER);
    waiting().until(d -> results.get(1).getAttribute("open") != null);
    assertThat(results.get(1).findElements(By.cssSelector("tr[data-stage]"))).isNotEmpty();
    browser.screenshot("plan-sample-two-results", browser.find(By.id("plan")));
  }
}
