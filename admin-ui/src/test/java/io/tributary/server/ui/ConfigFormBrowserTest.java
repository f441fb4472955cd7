package io.tributary.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.server.api.TestNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The structured config form on the pipeline page: the attributes processor's {@code rules} (a
 * list of objects) edited as cards, typed inputs with their range and pattern checked on the
 * field, and a server diagnostic naming a nested key shown on that field.
 */
class ConfigFormBrowserTest extends BrowserTest {

  private static final String RULES = "cfg-attributes-rules";

  @Override
  TestNode startNode(Path dir) throws Exception {
    return TestNode.start(dir, "staging");
  }

  private WebElement field(String id) {
    return browser.find(By.id(id));
  }

  private void type(String id, String text) {
    WebElement e = field(id);
    e.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
    if (!text.isEmpty()) {
      e.sendKeys(text);
    }
  }

  private void choose(String id, String value) {
    new Select(field(id)).selectByValue(value);
  }

  private String error(String id) {
    return field(id + "-error").getText();
  }

  @Test
  void rules_are_edited_as_rows_checked_on_their_fields_and_stored_as_typed_objects() throws Exception {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    long before = revision();
    browser.open("#/environments/staging");
    browser.waitForText(By.id("current-revision"), "#" + before);
    new Select(field("add-processor")).selectByValue("attributes");
    browser.click(By.id("add-stage"));
    browser.click(By.id("configure-attributes"));

    // The deprecated text form is flagged with the processor's advice.
    assertThat(field("cfg-attributes-actions-deprecated").getText()).contains("write the actions as 'rules' objects");
    // Three rules through the row UI.
    browser.click(By.id(RULES + "-add"));
    assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo(RULES + "-0-action");
    // An empty rule: planning is refused and the required fields say so.
    browser.click(By.id("plan-button"));
    browser.waitForText(By.id("plan"), "Fix the form first");
    assertThat(field(RULES + "-0-action").getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(error(RULES + "-0-key")).isEqualTo("required");
    choose(RULES + "-0-action", "upsert");
    type(RULES + "-0-key", "retry.limit");
    type(RULES + "-0-value", "3");
    type(RULES + "-0-ifKey", "http.retry");
    choose(RULES + "-0-ifOp", "equals");
    type(RULES + "-0-ifValue", "true");
    assertThat(field(RULES + "-0-value-kind").getText()).isEqualTo("read as a whole number");
    assertThat(field(RULES + "-0-ifValue-kind").getText()).isEqualTo("read as a boolean");
    browser.click(By.id(RULES + "-add"));
    choose(RULES + "-1-action", "rename");
    type(RULES + "-1-key", "http.request.method");
    type(RULES + "-1-from", "http.method");
    browser.click(By.id(RULES + "-add"));
    choose(RULES + "-2-action", "delete");
    type(RULES + "-2-key", "password");
    // Each row is a group named by its content; its buttons say which row they act on.
    assertThat(browser.find(By.cssSelector("#" + RULES + "-2 > legend")).getText()).contains("rules #3").contains("delete password");
    assertThat(field(RULES + "-2-remove").getAttribute("aria-label")).isEqualTo("Remove rules #3 (delete password)");
    assertThat(field(RULES + "-0-key").getAttribute("aria-required")).isEqualTo("true");
    assertThat(browser.find(By.cssSelector("label[for='" + RULES + "-0-key']")).getText()).contains("key").contains("*");
    browser.screenshot("config-form-three-rules", field(RULES));

    // Reorder: the rename first; focus stays on the moved row.
    browser.click(By.id(RULES + "-1-up"));
    assertThat(new Select(field(RULES + "-0-action")).getFirstSelectedOption().getText()).isEqualTo("rename");
    assertThat(field(RULES + "-0-from").getAttribute("value")).isEqualTo("http.method");
    assertThat(new Select(field(RULES + "-1-action")).getFirstSelectedOption().getText()).isEqualTo("upsert");
    assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo(RULES + "-0-down");
    // Remove the delete rule.
    browser.click(By.id(RULES + "-2-remove"));
    assertThat(browser.driver.findElements(By.id(RULES + "-2"))).isEmpty();
    assertThat(browser.driver.findElements(By.id(RULES + "-1"))).hasSize(1);

    // A pattern violation in a nested field shows on that field.
    type(RULES + "-0-from", "resource:");
    WebElement from = field(RULES + "-0-from");
    assertThat(from.getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(from.getAttribute("aria-describedby")).contains(RULES + "-0-from-error");
    assertThat(error(RULES + "-0-from")).isEqualTo("must name a key, not only a resource: or attributes: prefix");
    // A range violation on a number input (pii-redaction's hashLength: 8 to 64).
    browser.click(By.id("configure-pii-redaction"));
    WebElement hashLength = field("cfg-pii-redaction-hashLength");
    assertThat(hashLength.getAttribute("type")).isEqualTo("number");
    assertThat(hashLength.getAttribute("min")).isEqualTo("8");
    assertThat(hashLength.getAttribute("max")).isEqualTo("64");
    assertThat(hashLength.getAttribute("placeholder")).isEqualTo("default 16");
    type("cfg-pii-redaction-hashLength", "100");
    assertThat(hashLength.getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(error("cfg-pii-redaction-hashLength")).isEqualTo("must be at most 64");
    browser.screenshot("config-form-field-errors", field(RULES));
    // Both block Apply; nothing is written.
    field("reason").sendKeys("structured rules");
    browser.click(By.id("apply-button"));
    browser.waitForText(By.id("apply-result"), "Fix the form first");
    assertThat(field("apply-result").getText()).contains("pii-redaction.hashLength must be at most 64")
        .contains("attributes.rules[0].from must name a key");
    assertThat(revision()).isEqualTo(before);
    type("cfg-pii-redaction-hashLength", "");
    assertThat(hashLength.getAttribute("aria-invalid")).isNull();

    // A rename without 'from' passes the form's own checks; the compiler refuses it, naming
    // rules[0].from, and the page shows that diagnostic on the field after Plan.
    type(RULES + "-0-from", "");
    assertThat(from.getAttribute("aria-invalid")).isNull();
    browser.click(By.id("plan-button"));
    browser.waitForText(By.id("plan-verdict"), "does not compile");
    assertThat(field("plan").getText()).contains("rules[0].from");
    // Plan put the compiler's diagnostic on the field it names.
    browser.waiting(java.time.Duration.ofSeconds(10))
        .until(d -> "true".equals(from.getAttribute("aria-invalid")));
    assertThat(from.getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(error(RULES + "-0-from")).startsWith("rename needs 'from'");
    assertThat(field(RULES + "-0-from-error").getAttribute("class")).contains("server");
    browser.screenshot("config-form-server-diagnostic", field(RULES));
    // Editing the field retires the server's message.
    type(RULES + "-0-from", "http.method");
    assertThat(error(RULES + "-0-from")).isEmpty();
    assertThat(from.getAttribute("aria-invalid")).isNull();

    browser.click(By.id("plan-button"));
    browser.waitForText(By.id("plan-verdict"), "The pipeline compiles");
    browser.click(By.id("apply-button"));
    browser.waitForText(By.id("flash"), "Revision " + (before + 1) + " of staging written");
    JsonNode attributes = stage("attributes");
    JsonNode rules = attributes.get("config").get("rules");
    assertThat(rules).isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().readTree("""
        [{"action": "rename", "key": "http.request.method", "from": "http.method"},
         {"action": "upsert", "key": "retry.limit", "value": 3, "ifKey": "http.retry", "ifOp": "equals", "ifValue": true}]"""));
    assertThat(rules.get(1).get("value").isIntegralNumber()).isTrue();
    assertThat(rules.get(1).get("ifValue").isBoolean()).isTrue();
    assertThat(attributes.get("config").has("hashLength")).isFalse();

    // The stored rules come back as cards.
    browser.waitForText(By.id("current-revision"), "#" + (before + 1));
    browser.click(By.id("configure-attributes"));
    assertThat(field(RULES + "-1-value").getAttribute("value")).isEqualTo("3");
    assertThat(browser.find(By.cssSelector("#" + RULES + "-1 > legend")).getText()).contains("upsert retry.limit");
    browser.screenshot("config-form-stored-rules", field(RULES));
  }

  @Test
  void a_stored_secret_stays_write_only_and_is_kept_when_left_blank() throws Exception {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/environments/staging");
    long before = revision();
    browser.waitForText(By.id("current-revision"), "#" + before);
    browser.click(By.id("configure-pii-redaction"));
    WebElement key = field("cfg-pii-redaction-hashKey");
    assertThat(key.getAttribute("type")).isEqualTo("password");
    type("cfg-pii-redaction-hashKey", "a-browser-secret-0123456789");
    browser.click(By.id("apply-button"));
    browser.waitForText(By.id("flash"), "Revision " + (before + 1) + " of staging written");
    JsonNode pii = stage("pii-redaction");
    assertThat(pii.get("config").get("hashKey").toString()).isEqualTo("{\"set\":true}");

    // Reopened: blank, said to be stored; another edit keeps it.
    browser.waitForText(By.id("current-revision"), "#" + (before + 1));
    browser.click(By.id("configure-pii-redaction"));
    assertThat(field("cfg-pii-redaction-hashKey").getAttribute("value")).isEmpty();
    assertThat(field("cfg-pii-redaction-hashKey").getAttribute("placeholder")).contains("stored");
    field("cfg-pii-redaction-scanResource").click();
    browser.click(By.id("apply-button"));
    browser.waitForText(By.id("flash"), "Revision " + (before + 2) + " of staging written");
    pii = stage("pii-redaction");
    assertThat(pii.get("config").get("hashKey").toString()).isEqualTo("{\"set\":true}");
    assertThat(pii.get("config").get("scanResource").isBoolean()).isTrue();
    assertThat(pii.get("config").get("scanResource").asBoolean()).isTrue();
  }

  @Test
  void maps_lists_and_booleans_have_rows_and_checkboxes_and_are_stored_as_json_types() throws Exception {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/environments/staging");
    long before = revision();
    browser.waitForText(By.id("current-revision"), "#" + before);

    // A string map: key/value rows; a repeated key is an error on its row.
    browser.click(By.id("configure-environment"));
    browser.click(By.id("cfg-environment-tags-add"));
    assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("cfg-environment-tags-0-key");
    type("cfg-environment-tags-0-key", "team");
    type("cfg-environment-tags-0-value", "checkout");
    browser.click(By.id("cfg-environment-tags-add"));
    type("cfg-environment-tags-1-key", "team");
    assertThat(field("cfg-environment-tags-1-key").getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(error("cfg-environment-tags-1")).isEqualTo("the key \"team\" is given twice");
    assertThat(field("cfg-environment-tags-1-key").getAttribute("aria-label")).isEqualTo("tags key 2");
    browser.screenshot("config-form-map-rows", field("cfg-environment-tags"));
    browser.click(By.id("cfg-environment-tags-1-remove"));
    assertThat(browser.driver.findElements(By.id("cfg-environment-tags-1"))).isEmpty();
    // A boolean with a default is a checkbox showing the value in effect.
    WebElement overwrite = field("cfg-environment-overwrite");
    assertThat(overwrite.getAttribute("type")).isEqualTo("checkbox");
    assertThat(overwrite.isSelected()).isFalse();
    overwrite.click();

    // A string list: a row per value, each checked against the pattern; rows reorder.
    browser.click(By.id("configure-pii-redaction"));
    browser.click(By.id("cfg-pii-redaction-apiKeyPrefixes-add"));
    type("cfg-pii-redaction-apiKeyPrefixes-0-value", "x!");
    assertThat(error("cfg-pii-redaction-apiKeyPrefixes-0")).startsWith("must be at least 3 letters");
    type("cfg-pii-redaction-apiKeyPrefixes-0-value", "acme_");
    assertThat(error("cfg-pii-redaction-apiKeyPrefixes-0")).isEmpty();
    browser.click(By.id("cfg-pii-redaction-apiKeyPrefixes-add"));
    type("cfg-pii-redaction-apiKeyPrefixes-1-value", "zzz");
    browser.click(By.id("cfg-pii-redaction-apiKeyPrefixes-1-up"));
    assertThat(field("cfg-pii-redaction-apiKeyPrefixes-0-value").getAttribute("value")).isEqualTo("zzz");
    assertThat(field("cfg-pii-redaction-apiKeyPrefixes-0-down").getAttribute("aria-label")).isEqualTo("Move apiKeyPrefixes value 1 down");

    // Nothing of the open forms pushes the page sideways on a phone.
    browser.size(390, 844);
    assertThat((Boolean) browser.driver.executeScript(
        "return document.documentElement.scrollWidth <= window.innerWidth")).isTrue();
    browser.screenshot("config-form-narrow", field("cfg-pii-redaction-apiKeyPrefixes"));
    browser.size(1280, 800);

    browser.click(By.id("apply-button"));
    browser.waitForText(By.id("flash"), "Revision " + (before + 1) + " of staging written");
    JsonNode environment = stage("environment").get("config");
    assertThat(environment.get("tags").toString()).isEqualTo("{\"team\":\"checkout\"}");
    assertThat(environment.get("overwrite").isBoolean()).isTrue();
    assertThat(stage("pii-redaction").get("config").get("apiKeyPrefixes").toString()).isEqualTo("[\"zzz\",\"acme_\"]");
  }

  private long revision() {
    return node.get("/api/v1/environments/staging/pipeline", TestNode.ADMIN_TOKEN).json().get("revision").asLong();
  }

  private JsonNode stage(String name) {
    for (JsonNode s : node.get("/api/v1/environments/staging/pipeline", TestNode.ADMIN_TOKEN).json().get("stages")) {
      if (s.get("name").asText().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no stage " + name);
  }
}
