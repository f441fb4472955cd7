package io.tributary.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.server.api.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The Tokens page in a real browser against a real node: an admin creates a token (shown once),
 * a bad name is refused with the server's words, revoking asks first and is refused for the last
 * admin, and other roles are told the page is for admins. Screenshots under {@code target/screenshots/}.
 */
class TokensPageBrowserTest extends BrowserTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();


  @Override
  TestNode startNode(Path dir) throws Exception {
    return TestNode.start(dir, "staging");
  }

  /** GET /api/v1/me with a bearer token, through java.net.http: the status and the body. */
  private static HttpResponse<String> me(int port, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/me"))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode principal(String name) {
    for (JsonNode p : node.get("/api/v1/tokens", TestNode.ADMIN_TOKEN).json()) {
      if (p.get("name").asText().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no principal " + name);
  }

  /** Sets a date input the way its picker does (typing into it depends on the browser's locale). */
  private void setDate(By by, String isoDate) {
    browser.driver.executeScript("arguments[0].value = arguments[1];"
        + " arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", browser.find(by), isoDate);
  }

  @Test
  void an_admin_creates_an_operator_token_that_is_shown_once_and_works() throws Exception {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.click(By.cssSelector("#nav a[href='#/tokens']"));
    browser.waitFor(By.id("tokens-table"));
    // The heading has the focus, so a screen reader starts at the page's title.
    assertThat((String) browser.driver.executeScript("return document.activeElement.textContent")).isEqualTo("Tokens");
    assertThat(browser.find(By.cssSelector("label[for='token-name']")).getText()).isEqualTo("Name");

    String day = LocalDate.now(ZoneOffset.UTC).plusDays(30).toString();
    browser.find(By.id("token-name")).sendKeys("ci-deployer");
    new Select(browser.find(By.id("token-role"))).selectByValue("operator");
    browser.click(By.id("token-approver"));
    setDate(By.id("expires-date"), day);
    assertThat(browser.find(By.id("expiry-date")).isSelected()).as("typing a day chooses that expiry").isTrue();
    browser.click(By.id("create-token"));

    WebElement box = browser.waitFor(By.id("new-token"));
    String token = browser.find(By.id("new-token-value")).getText();
    assertThat(token).startsWith("trb_");
    assertThat(box.getText()).contains("ci-deployer").contains("operator, approver")
        .contains("it will not be shown again");
    assertThat(browser.find(By.id("new-token-region")).getAttribute("aria-live")).isEqualTo("polite");
    assertThat(browser.find(By.id("copy-token")).isDisplayed()).isTrue();
    browser.screenshot("tokens-created-once", box);

    // The list has the new principal: its expiry at the end of the chosen day (UTC), never used yet.
    JsonNode created = principal("ci-deployer");
    assertThat(created.get("expiresAt").asText()).isEqualTo(day + "T23:59:59Z");
    By row = By.id("token-" + created.get("id").asLong());
    browser.waitForText(row, "ci-deployer");
    assertThat(browser.find(row).findElement(By.cssSelector("td.expires time")).getAttribute("datetime"))
        .isEqualTo(day + "T23:59:59Z");
    assertThat(browser.find(row).findElement(By.cssSelector("td.last-used")).getText()).isEqualTo("never used");
    assertThat(browser.find(row).findElement(By.cssSelector("td.role")).getText()).isEqualTo("operator");
    assertThat(browser.find(row).findElement(By.cssSelector("td.approver")).getText()).isEqualTo("yes");
    assertThat(browser.find(row).findElement(By.cssSelector("td.created")).getText()).contains("by admin");

    // The token works against the API, with the role it was given.
    HttpResponse<String> me = me(node.port, token);
    assertThat(me.statusCode()).isEqualTo(200);
    JsonNode who = JSON.readTree(me.body());
    assertThat(who.get("name").asText()).isEqualTo("ci-deployer");
    assertThat(who.get("role").asText()).isEqualTo("operator");
    assertThat(who.get("approver").asBoolean()).isTrue();

    // Leaving the page hides the token; coming back does not show it again.
    browser.open("#/catalog");
    browser.waitFor(By.id("catalog-results"));
    browser.open("#/tokens");
    browser.waitFor(By.id("tokens-table"));
    assertThat(browser.driver.findElements(By.id("new-token"))).isEmpty();

    // After a reload the token is nowhere: not in the page, not in the browser's storage.
    browser.driver.navigate().refresh();
    browser.waitFor(By.id("tokens-table"));
    browser.waitForText(row, "ci-deployer");
    assertThat(browser.driver.getPageSource()).doesNotContain(token);
    assertThat((String) browser.driver.executeScript(
        "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie"))
        .doesNotContain(token);
    assertThat(browser.driver.findElements(By.id("new-token"))).isEmpty();
    // The call above is the token's last use.
    WebElement lastUsed = browser.find(row).findElement(By.cssSelector("td.last-used"));
    assertThat(lastUsed.getText()).isNotEqualTo("never used");
    assertThat(lastUsed.findElement(By.tagName("time")).getAttribute("datetime"))
        .isEqualTo(principal("ci-deployer").get("lastUsedAt").asText());
    browser.screenshot("tokens-list-after-use", browser.find(By.id("tokens-table")));
    assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
  }

  @Test
  void a_bad_name_shows_the_servers_message_and_keeps_what_was_typed() throws Exception {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/tokens");
    browser.waitFor(By.id("tokens-table"));
    browser.find(By.id("token-name")).sendKeys("night shift");
    new Select(browser.find(By.id("token-role"))).selectByValue("viewer");
    browser.find(By.id("expires-days")).sendKeys("7");
    browser.click(By.id("create-token"));
    browser.waitForText(By.id("create-status"), "'name'");
    String message = browser.find(By.id("create-status")).getText();
    assertThat(message).contains("400").contains("night shift").contains("position 6");
    // What the server said, word for word.
    String server = node.call("POST", "/api/v1/tokens", TestNode.ADMIN_TOKEN,
        java.util.Map.of("name", "night shift", "role", "viewer", "approver", false)).json().get("message").asText();
    assertThat(message).contains(server);
    assertThat(browser.find(By.id("token-name")).getAttribute("value")).isEqualTo("night shift");
    assertThat(browser.find(By.id("token-name")).getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(new Select(browser.find(By.id("token-role"))).getFirstSelectedOption().getAttribute("value"))
        .isEqualTo("viewer");
    assertThat(browser.find(By.id("expires-days")).getAttribute("value")).isEqualTo("7");
    assertThat(browser.find(By.id("expiry-days")).isSelected()).isTrue();
    assertThat(browser.driver.findElements(By.id("new-token"))).isEmpty();
    browser.screenshot("tokens-bad-name", browser.find(By.id("create-token-form")));
    assertThat(node.get("/api/v1/tokens", TestNode.ADMIN_TOKEN).body()).doesNotContain("night shift");
  }

  @Test
  void revoking_asks_first_and_the_last_admin_cannot_be_revoked() throws Exception {
    String rita = node.token("rita", "operator", false);
    long ritaId = principal("rita").get("id").asLong();
    long adminId = principal("admin").get("id").asLong();
    // A token that has expired by the time the page shows it: marked, and nothing to revoke.
    java.time.Instant soon = java.time.Instant.now().plusSeconds(2);
    assertThat(node.call("POST", "/api/v1/tokens", TestNode.ADMIN_TOKEN, java.util.Map.of("name", "short-lived",
        "role", "viewer", "approver", false, "expiresAt", soon.toString())).status()).isEqualTo(201);
    long expiredId = principal("short-lived").get("id").asLong();
    while (!java.time.Instant.now().isAfter(soon.plusMillis(200))) {
      Thread.sleep(100);
    }
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/tokens");
    browser.waitFor(By.id("tokens-table"));
    WebElement expired = browser.find(By.id("token-" + expiredId));
    assertThat(expired.findElement(By.cssSelector("td.expires")).getText()).contains("expired");
    assertThat(expired.findElement(By.cssSelector("td.status")).getText()).isEqualTo("expired");
    assertThat(browser.driver.findElements(By.id("revoke-" + expiredId))).isEmpty();

    // Cancelled: nothing happens.
    browser.click(By.id("revoke-" + ritaId));
    WebElement confirm = browser.waitFor(By.id("revoke-confirm"));
    assertThat(confirm.getAttribute("role")).isEqualTo("alertdialog");
    assertThat(confirm.getText()).contains("rita").contains("stops working").contains("401")
        .contains("browser session");
    browser.screenshot("tokens-revoke-confirm", confirm);
    browser.click(By.id("cancel-revoke"));
    assertThat(browser.driver.findElements(By.id("revoke-confirm"))).isEmpty();
    assertThat(me(node.port, rita).statusCode()).isEqualTo(200);

    // Confirmed: the token stops working.
    browser.click(By.id("revoke-" + ritaId));
    browser.waitFor(By.id("revoke-confirm"));
    browser.click(By.id("confirm-revoke"));
    browser.waitForText(By.id("flash"), "is revoked");
    browser.waitForText(By.id("token-" + ritaId), "revoked");
    assertThat(browser.driver.findElements(By.id("revoke-" + ritaId))).as("no revoke button once revoked").isEmpty();
    assertThat(me(node.port, rita).statusCode()).isEqualTo(401);
    browser.screenshot("tokens-revoked", browser.find(By.id("tokens-table")));

    // The only admin: the server refuses, and the page says why.
    browser.click(By.id("revoke-" + adminId));
    assertThat(browser.waitFor(By.id("revoke-confirm")).getText()).contains("your own token");
    browser.click(By.id("confirm-revoke"));
    browser.waitForText(By.id("revoke-status"), "last active admin");
    assertThat(browser.find(By.id("revoke-status")).getText()).contains("409").contains("create another admin first");
    assertThat(me(node.port, TestNode.ADMIN_TOKEN).statusCode()).isEqualTo(200);
    browser.screenshot("tokens-last-admin-refused", browser.find(By.id("revoke-status")));
    assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
  }

  @Test
  void a_viewer_does_not_see_the_tokens_page() throws Exception {
    String viewer = node.token("vic", "viewer", false);
    logIn(viewer, "vic");
    browser.open("#/catalog");
    browser.waitFor(By.id("catalog-results"));
    assertThat(browser.find(By.id("nav")).getText()).contains("Catalog").doesNotContain("Tokens");
    assertThat(browser.driver.findElements(By.cssSelector("#nav a[href='#/tokens']"))).isEmpty();
    browser.open("#/tokens");
    browser.waitForText(By.id("admins-only"), "admins only");
    assertThat(browser.find(By.id("main")).getText()).contains("viewer").doesNotContain("Something went wrong");
    assertThat(browser.driver.findElements(By.id("create-token-form"))).isEmpty();
    browser.screenshot("tokens-as-viewer");
  }
}
