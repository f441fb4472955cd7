package io.tributary.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.server.api.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * What makes the console pleasant to live in, checked in a real browser: a favicon, focus on the
 * new page's heading, a logged-out deep link that comes back after the login, messages that
 * belong to the page they were shown on, processor documentation with its Markdown tables and
 * lists, no horizontal scrolling at 1280 or 390 pixels, and a Simulate page that takes what a
 * sender sends (an OTLP/JSON export request).
 */
class PolishBrowserTest extends BrowserTest {


  @Override
  TestNode startNode(Path dir) throws Exception {
    return TestNode.start(dir.resolve("data"), "dev");
  }

  private void logIn() {
    browser.waitFor(By.id("token")).sendKeys(TestNode.ADMIN_TOKEN);
    browser.click(By.id("login"));
    browser.waitFor(By.id("principal"));
  }

  private Object js(String script) {
    return browser.driver.executeScript(script);
  }

  @Test
  void the_favicon_is_served_from_the_server_itself() throws Exception {
    browser.open("#/login");
    String href = (String) js("return document.querySelector('link[rel=icon]').href");
    assertThat(href).startsWith(browser.base + "/");
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(href)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("<svg");
  }

  @Test
  void a_logged_out_deep_link_returns_there_after_login_and_focus_lands_on_the_heading() throws Exception {
    browser.driver.get(browser.base + "/?fresh=" + System.nanoTime() + "#/plugins");
    browser.waitFor(By.id("token"));
    assertThat(browser.driver.getCurrentUrl()).contains("#/login?next=");
    logIn();
    browser.waiting(Duration.ofSeconds(10))
        .until(d -> d.getCurrentUrl().endsWith("#/plugins"));
    browser.waitForText(By.cssSelector("main h1"), "Plugins");
    assertThat(js("return document.activeElement.tagName + ' ' + document.activeElement.textContent"))
        .isEqualTo("H1 Plugins");
    browser.screenshot("deep-link-after-login");

    browser.click(By.cssSelector("#nav a[href='#/audit']"));
    browser.waitForText(By.cssSelector("main h1"), "Audit");
    assertThat(js("return document.activeElement.tagName")).isEqualTo("H1");
  }

  @Test
  void a_message_belongs_to_the_page_it_was_shown_on() throws Exception {
    browser.driver.get(browser.base + "/?fresh=" + System.nanoTime() + "#/login");
    logIn();
    browser.open("#/catalog");
    browser.waitFor(By.cssSelector("main h1"));
    js("import('./app.js').then(m => m.flash('Revision 2 of dev written.', 'ok'))");
    browser.waitForText(By.id("flash"), "Revision 2 of dev written.");
    Thread.sleep(700);
    browser.click(By.cssSelector("#nav a[href='#/plugins']"));
    browser.waitForText(By.cssSelector("main h1"), "Plugins");
    assertThat(browser.find(By.id("flash")).getText()).isEmpty();
  }

  @Test
  void processor_documentation_renders_markdown_tables_and_lists() throws Exception {
    browser.driver.get(browser.base + "/?fresh=" + System.nanoTime() + "#/login");
    logIn();
    browser.open("#/processors/attributes");
    WebElement table = browser.waitFor(By.cssSelector(".prose table.md"));
    assertThat(table.findElements(By.cssSelector("thead th"))).isNotEmpty();
    assertThat(table.findElements(By.cssSelector("tbody tr")).size()).isGreaterThan(1);
    assertThat(browser.find(By.cssSelector(".prose")).getText()).doesNotContain("|---|");
    browser.screenshot("processor-markdown", table);
  }

  @Test
  void no_page_scrolls_sideways_at_1280_or_390_pixels() throws Exception {
    browser.driver.get(browser.base + "/?fresh=" + System.nanoTime() + "#/login");
    logIn();
    for (int width : new int[] {1280, 390}) {
      browser.size(width, 800);
      for (String page : new String[] {"catalog", "plugins", "environments/dev", "processors/pii-redaction",
          "audit", "timings/dev", "live/dev", "simulate/dev", "approvals"}) {
        browser.open("#/" + page);
        browser.waitFor(By.cssSelector("main h1"));
        Thread.sleep(300); // the page's data arrives
        Object overflow = js("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Object culprits = js("const w = document.documentElement.clientWidth; return [...document.querySelectorAll('main *')]"
            + ".filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap, pre'))"
            + ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
            + ".join('; ')");
        assertThat(((Number) overflow).intValue()).as("%s at %d px: %s", page, width, culprits).isLessThanOrEqualTo(0);
      }
      browser.screenshot("narrow-" + width);
    }
  }

  @Test
  void simulate_runs_an_otlp_json_export_request_as_curl_sends_it() throws Exception {
    browser.driver.get(browser.base + "/?fresh=" + System.nanoTime() + "#/login");
    logIn();
    browser.open("#/simulate/dev");
    WebElement sample = browser.waitFor(By.id("sim-sample"));
    new org.openqa.selenium.support.ui.Select(sample).selectByVisibleText("OTLP/JSON export request (as curl sends it)");
    assertThat(browser.find(By.id("sim-item")).getAttribute("value")).contains("resourceSpans");
    browser.click(By.cssSelector("#main form button[type=submit]"));
    browser.waitForText(By.id("sim-results"), "[REDACTED:email]");
    assertThat(browser.find(By.id("sim-results")).getText()).contains("pii-redaction").contains("POST /cart");
    browser.screenshot("simulate-otlp", browser.find(By.id("sim-results")));
  }
}
