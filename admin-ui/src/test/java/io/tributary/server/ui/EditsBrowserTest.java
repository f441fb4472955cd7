package io.tributary.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.server.api.TestNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * Pipeline edits that do not lose work, in a real browser against a real node: a stale apply (409)
 * keeps the draft, across a reload, and rebases it with a picked conflict; a pending change request
 * on its environment's page, withdrawn by its requester only; confirmations with a preview where
 * Cancel and Escape change nothing; any two revisions compared, the choice in the URL; a stage
 * inserted at any position. Each test has an environment of its own. Screenshots under
 * {@code target/screenshots/}.
 */
class EditsBrowserTest extends BrowserTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  TestNode startNode(Path dir) throws Exception {
    return TestNode.start(dir, "dev");
  }

  private JsonNode pipeline(String env) {
    return node.get("/api/v1/environments/" + env + "/pipeline", TestNode.ADMIN_TOKEN).json();
  }

  /** Writes a revision of {@code env} as {@code token}: the current stages, changed by {@code edit}. */
  private TestNode.Response write(String env, String token, String reason, Consumer<ArrayNode> edit) {
    JsonNode current = pipeline(env);
    ArrayNode stages = current.get("stages").deepCopy();
    edit.accept(stages);
    ObjectNode body = JSON.createObjectNode();
    body.put("baseRevision", current.get("revision").asLong());
    body.set("stages", stages);
    body.put("reason", reason);
    return node.call("PUT", "/api/v1/environments/" + env + "/pipeline", token, body);
  }

  private static ObjectNode stage(ArrayNode stages, String name) {
    for (JsonNode s : stages) {
      if (s.get("name").asText().equals(name)) {
        return (ObjectNode) s;
      }
    }
    throw new AssertionError("no stage " + name + " in " + stages);
  }

  private static ObjectNode stage(JsonNode pipeline, String name) {
    return stage((ArrayNode) pipeline.get("stages"), name);
  }

  /** A new environment whose revision 2 has dev's default stages. */
  private void environment(String name, boolean isProtected) {
    TestNode.Response created = node.call("POST", "/api/v1/environments", TestNode.ADMIN_TOKEN,
        Map.of("name", name, "protected", isProtected));
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    ObjectNode body = JSON.createObjectNode();
    body.put("baseRevision", 1);
    body.set("stages", pipeline("dev").get("stages").deepCopy());
    body.put("reason", "the default stages");
    if (isProtected) {
      // A protected one takes the stages through a change request approved by someone else.
      String requester = node.token("seed-" + name, "operator", false);
      String approver = node.token("seed-approver-" + name, "operator", true);
      long id = node.call("PUT", "/api/v1/environments/" + name + "/pipeline", requester, body).json()
          .get("changeRequest").get("id").asLong();
      assertThat(node.call("POST", "/api/v1/change-requests/" + id + "/approve", approver, Map.of()).status())
          .isEqualTo(200);
    } else {
      assertThat(node.call("PUT", "/api/v1/environments/" + name + "/pipeline", TestNode.ADMIN_TOKEN, body).status())
          .isEqualTo(200);
    }
  }

  private void select(String id, String value) {
    new Select(browser.waitFor(By.id(id))).selectByValue(value);
  }

  private void waitGone(By by) {
    browser.waiting(Duration.ofSeconds(10)).until(ExpectedConditions.numberOfElementsToBe(by, 0));
  }

  private String focusedId() {
    return browser.driver.switchTo().activeElement().getAttribute("id");
  }

  @Test
  void a_stale_apply_keeps_the_draft_across_a_reload_and_rebases_it_with_both_changes_and_a_picked_conflict()
      throws Exception {
    environment("rebase", false);
    String olive = node.token("olive", "operator", false);
    String theo = node.token("theo", "operator", false);
    logIn(olive, "olive");
    browser.open("#/environments/rebase");
    browser.waitForText(By.id("current-revision"), "#2");
    // Mine: correlation dead-letters (only mine), semconv-upgrade's policy "default" (theo sets another).
    select("policy-correlation", "dead-letter");
    select("policy-semconv-upgrade", "default");
    browser.find(By.id("reason")).sendKeys("stricter failure handling");
    browser.waitForText(By.id("dirty"), "Unsaved changes");

    // Meanwhile theo writes revision 3: semconv-upgrade dead-letters, pii-redaction disabled.
    TestNode.Response theirs = write("rebase", theo, "theo's cleanup", s -> {
      stage(s, "semconv-upgrade").put("onFailure", "dead-letter");
      stage(s, "pii-redaction").put("enabled", false);
    });
    assertThat(theirs.status()).as("%s", theirs).isEqualTo(200);

    browser.click(By.id("apply-button"));
    browser.waitForText(By.id("flash"), "moved to revision 3 while you edited #2. Your draft is kept");
    browser.waitForText(By.id("rebase"), "Your draft is on revision #2; rebase is now at #3");
    assertThat(pipeline("rebase").get("revision").asLong()).isEqualTo(3);

    // A reload loses nothing: the draft and its reason come back from this tab's storage.
    browser.driver.navigate().refresh();
    WebElement panel = browser.waitFor(By.id("rebase"));
    assertThat(browser.find(By.id("reason")).getAttribute("value")).isEqualTo("stricter failure handling");
    assertThat(browser.find(By.id("apply-button")).isEnabled()).as("a stale draft is never applied as is").isFalse();
    assertThat(panel.getText()).contains("#3 by theo").contains("theo's cleanup");
    assertThat(browser.find(By.id("rebase-theirs")).getText()).contains("pii-redaction").contains("enabled")
        .contains("semconv-upgrade").doesNotContain("correlation");
    assertThat(browser.find(By.id("rebase-mine")).getText()).contains("correlation").contains("dead-letter")
        .contains("semconv-upgrade").doesNotContain("pii-redaction");
    List<WebElement> conflicts = browser.driver.findElements(By.cssSelector("#rebase-conflicts fieldset.conflict"));
    assertThat(conflicts).hasSize(1);
    assertThat(conflicts.get(0).getAttribute("data-stage")).isEqualTo("semconv-upgrade");
    assertThat(conflicts.get(0).getText()).contains("onFailure").contains("Mine: default").contains("dead-letter");
    browser.screenshot("edits-rebase-panel", panel);

    // Rebasing needs a pick for the conflict: the error names it.
    browser.click(By.id("rebase-button"));
    browser.waitForText(By.id("rebase-error"), "Pick mine or theirs for each conflict first: semconv-upgrade onFailure");
    browser.click(By.id("conflict-0-mine"));
    browser.click(By.id("rebase-button"));
    browser.waitForText(By.id("rebase-done"), "Rebased onto #3");
    waitGone(By.id("rebase"));
    assertThat(browser.find(By.id("apply-button")).isEnabled()).isTrue();
    assertThat(new Select(browser.find(By.id("policy-correlation"))).getFirstSelectedOption().getText()).isEqualTo("dead-letter");
    assertThat(browser.find(By.id("enabled-pii-redaction")).isSelected()).as("theirs kept").isFalse();
    browser.screenshot("edits-rebased");

    browser.click(By.id("apply-button"));
    browser.waitForText(By.id("flash"), "Revision 4 of rebase written");
    JsonNode applied = pipeline("rebase");
    assertThat(applied.get("revision").asLong()).isEqualTo(4);
    assertThat(applied.get("author").asText()).isEqualTo("olive");
    assertThat(applied.get("reason").asText()).isEqualTo("stricter failure handling");
    assertThat(stage(applied, "correlation").get("onFailure").asText()).isEqualTo("dead-letter");
    assertThat(stage(applied, "semconv-upgrade").get("onFailure").asText()).as("the pick").isEqualTo("default");
    assertThat(stage(applied, "pii-redaction").get("enabled").asBoolean()).as("theo's change").isFalse();

    // Applied: the draft is gone, a reload shows the revision with nothing unsaved.
    browser.driver.navigate().refresh();
    browser.waitForText(By.id("current-revision"), "#4");
    assertThat(browser.find(By.id("dirty")).getText()).isEqualTo("No unsaved changes");
    assertThat(browser.driver.findElements(By.id("rebase"))).isEmpty();
  }

  @Test
  void a_pending_change_request_shows_on_its_pipeline_page_and_only_its_requester_withdraws_it() throws Exception {
    environment("guarded", true);
    String alice = node.token("alice", "operator", false);
    String olga = node.token("olga", "operator", false);
    TestNode.Response proposed = write("guarded", alice, "pause the semconv upgrade",
        s -> stage(s, "semconv-upgrade").put("enabled", false));
    assertThat(proposed.status()).as("%s", proposed).isEqualTo(202);
    long id = proposed.json().get("changeRequest").get("id").asLong();

    // Another operator sees it, with its diff, but no Withdraw button; the API refuses them too.
    logIn(olga, "olga");
    browser.open("#/environments/guarded");
    WebElement request = browser.waitFor(By.id("pending-cr-" + id));
    assertThat(request.getText()).contains("Change request #" + id).contains("alice").contains("pause the semconv upgrade")
        .contains("semconv-upgrade").contains("enabled").contains("Only alice can withdraw it");
    assertThat(request.findElement(By.linkText("Open in Approvals")).getAttribute("href")).endsWith("#/approvals");
    assertThat(browser.driver.findElements(By.id("withdraw-" + id))).isEmpty();
    browser.screenshot("edits-pending-request-other-operator", request);
    TestNode.Response refused = node.call("POST", "/api/v1/change-requests/" + id + "/withdraw", olga, Map.of());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("message").asText()).contains("only 'alice' can withdraw it");

    // The requester withdraws it: a dialog first (Cancel keeps it), then it is gone.
    logIn(alice, "alice");
    browser.open("#/environments/guarded");
    browser.click(By.id("withdraw-" + id));
    WebElement dialog = browser.waitFor(By.id("confirm-dialog"));
    assertThat(dialog.getText()).contains("Withdraw change request #" + id).contains("semconv-upgrade");
    browser.click(By.id("confirm-cancel"));
    waitGone(By.id("confirm-dialog"));
    assertThat(node.get("/api/v1/change-requests/" + id, olga).json().get("status").asText()).isEqualTo("pending");
    browser.click(By.id("withdraw-" + id));
    browser.waitFor(By.id("confirm-dialog"));
    browser.screenshot("edits-withdraw-dialog");
    browser.click(By.id("confirm-ok"));
    browser.waitForText(By.id("flash"), "Change request #" + id + " withdrawn");
    waitGone(By.id("pending-cr-" + id));
    JsonNode withdrawn = node.get("/api/v1/change-requests/" + id, olga).json();
    assertThat(withdrawn.get("status").asText()).isEqualTo("withdrawn");
    assertThat(node.get("/api/v1/audit?action=change.withdrawn", TestNode.ADMIN_TOKEN).body()).contains("alice");

    // The Approvals page lists it as withdrawn.
    browser.open("#/approvals");
    WebElement row = browser.waitFor(By.id("decided-" + id));
    assertThat(row.getText()).contains("withdrawn").contains("withdrawn by its requester");
    browser.screenshot("edits-approvals-withdrawn", row);
  }

  @Test
  void remove_rollback_and_approve_ask_with_a_preview_and_cancel_or_escape_changes_nothing() throws Exception {
    environment("careful", false);
    assertThat(write("careful", TestNode.ADMIN_TOKEN, "disable pii", s -> stage(s, "pii-redaction").put("enabled", false))
        .status()).isEqualTo(200);
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/environments/careful");
    browser.waitForText(By.id("current-revision"), "#3");

    // Remove: names the stage and what it does; Escape and Cancel keep it.
    browser.click(By.id("remove-correlation"));
    WebElement dialog = browser.waitFor(By.id("confirm-dialog"));
    assertThat(dialog.getText()).contains("Remove stage correlation?").contains("runs correlation").contains("draft only");
    assertThat(focusedId()).as("Cancel has the focus").isEqualTo("confirm-cancel");
    browser.screenshot("edits-remove-dialog");
    browser.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    waitGone(By.id("confirm-dialog"));
    assertThat(focusedId()).as("focus goes back").isEqualTo("remove-correlation");
    browser.click(By.id("remove-correlation"));
    browser.click(By.id("confirm-cancel"));
    waitGone(By.id("confirm-dialog"));
    assertThat(browser.driver.findElements(By.cssSelector("li.stage[data-stage='correlation']"))).hasSize(1);
    assertThat(browser.find(By.id("dirty")).getText()).isEqualTo("No unsaved changes");
    // Confirmed, it leaves the draft only.
    browser.click(By.id("remove-correlation"));
    browser.click(By.id("confirm-ok"));
    waitGone(By.cssSelector("li.stage[data-stage='correlation']"));
    assertThat(browser.find(By.id("dirty")).getText()).isEqualTo("Unsaved changes");
    browser.click(By.id("discard"));

    // Rollback: the diff from the current revision to the target and what it writes; Cancel writes nothing.
    browser.click(By.cssSelector("button.rollback[data-revision='2']"));
    dialog = browser.waitFor(By.id("confirm-dialog"));
    assertThat(browser.find(By.id("rollback-outcome")).getText())
        .isEqualTo("This writes revision #4 of careful with the content of #2; nodes pick it up within seconds.");
    assertThat(dialog.getText()).contains("Changes from the current #3 to #2").contains("pii-redaction").contains("enabled");
    browser.screenshot("edits-rollback-dialog");
    browser.click(By.id("confirm-cancel"));
    waitGone(By.id("confirm-dialog"));
    assertThat(pipeline("careful").get("revision").asLong()).isEqualTo(3);
    browser.click(By.cssSelector("button.rollback[data-revision='2']"));
    browser.click(By.id("confirm-ok"));
    browser.waitForText(By.id("flash"), "Rolled back: revision 4 has the content of #2");
    assertThat(stage(pipeline("careful"), "pii-redaction").get("enabled").asBoolean()).isTrue();

    // Approve: the diff being approved; Cancel leaves it pending.
    environment("approved", true);
    String alice = node.token("amy", "operator", false);
    String bob = node.token("bert", "operator", true);
    long id = write("approved", alice, "pause semconv", s -> stage(s, "semconv-upgrade").put("enabled", false))
        .json().get("changeRequest").get("id").asLong();
    logIn(bob, "bert");
    browser.open("#/approvals");
    browser.click(By.cssSelector("#cr-" + id + " button.approve"));
    dialog = browser.waitFor(By.id("confirm-dialog"));
    assertThat(dialog.getText()).contains("Approve change request #" + id + " for approved?").contains("semconv-upgrade")
        .contains("enabled").contains("authored by amy");
    browser.screenshot("edits-approve-dialog");
    browser.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    waitGone(By.id("confirm-dialog"));
    assertThat(node.get("/api/v1/change-requests/" + id, bob).json().get("status").asText()).isEqualTo("pending");
    browser.click(By.cssSelector("#cr-" + id + " button.approve"));
    browser.click(By.id("confirm-ok"));
    browser.waitForText(By.id("flash"), "approved: approved is now at revision 3");
    assertThat(node.get("/api/v1/change-requests/" + id, bob).json().get("status").asText()).isEqualTo("applied");

    // Reject: final, so it asks too, and says when no reason was given; Cancel leaves it pending.
    long other = write("approved", alice, "pause pii", s -> stage(s, "pii-redaction").put("enabled", false))
        .json().get("changeRequest").get("id").asLong();
    browser.driver.navigate().refresh();
    browser.click(By.cssSelector("#cr-" + other + " button.reject"));
    dialog = browser.waitFor(By.id("confirm-dialog"));
    assertThat(dialog.getText()).contains("Reject change request #" + other + " for approved?").contains("pii-redaction")
        .contains("amy has to submit it again").contains("You gave no reason");
    browser.click(By.id("confirm-cancel"));
    waitGone(By.id("confirm-dialog"));
    assertThat(node.get("/api/v1/change-requests/" + other, bob).json().get("status").asText()).isEqualTo("pending");
    browser.find(By.id("decision-reason-" + other)).sendKeys("not during the sale");
    browser.click(By.cssSelector("#cr-" + other + " button.reject"));
    assertThat(browser.waitFor(By.id("confirm-dialog")).getText()).contains("Your reason is kept");
    browser.click(By.id("confirm-ok"));
    browser.waitForText(By.id("flash"), "Change request #" + other + " rejected.");
    JsonNode rejected = node.get("/api/v1/change-requests/" + other, bob).json();
    assertThat(rejected.get("status").asText()).isEqualTo("rejected");
    assertThat(rejected.toString()).contains("not during the sale");
  }

  @Test
  void any_two_revisions_compare_with_the_choice_kept_in_the_url() throws Exception {
    environment("compare", false);
    assertThat(write("compare", TestNode.ADMIN_TOKEN, "no pii", s -> stage(s, "pii-redaction").put("enabled", false))
        .status()).isEqualTo(200);
    assertThat(write("compare", TestNode.ADMIN_TOKEN, "strict", s -> stage(s, "correlation").put("onFailure", "dead-letter"))
        .status()).isEqualTo(200);
    logIn(TestNode.ADMIN_TOKEN, "admin");

    // From the URL: #2 → #4 has both changes.
    browser.open("#/environments/compare?compare=2..4");
    browser.waitForText(By.id("compare-title"), "From #2 to #4");
    String both = browser.find(By.id("compare-result")).getText();
    assertThat(both).contains("pii-redaction").contains("enabled").contains("correlation").contains("onFailure")
        .contains("dead-letter");
    assertThat(new Select(browser.find(By.id("compare-from"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("2");

    // Chosen: #3 → #4 has only the second; the URL follows, and a reload shows the same.
    select("compare-from", "3");
    browser.click(By.id("compare-button"));
    browser.waitForText(By.id("compare-title"), "From #3 to #4");
    assertThat(browser.find(By.id("compare-result")).getText()).contains("correlation").doesNotContain("pii-redaction");
    assertThat(browser.driver.getCurrentUrl()).endsWith("#/environments/compare?compare=3..4");
    browser.screenshot("edits-compare", browser.find(By.id("compare-result")));
    browser.driver.navigate().refresh();
    browser.waitForText(By.id("compare-title"), "From #3 to #4");
    assertThat(browser.find(By.id("compare-result")).getText()).contains("correlation").doesNotContain("pii-redaction");

    // Backwards works too, and a revision that does not exist is named.
    browser.open("#/environments/compare?compare=4..1");
    browser.waitForText(By.id("compare-title"), "From #4 to #1");
    assertThat(browser.find(By.id("compare-result")).getText()).contains("removed").contains("correlation");
    browser.open("#/environments/compare?compare=2..99");
    browser.waitForText(By.id("compare-result"), "Revision #99 does not exist in compare (it has #1 to #4)");
  }

  @Test
  void insert_here_puts_a_stage_at_the_chosen_position_and_escape_cancels() throws Exception {
    environment("insert", false);
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/environments/insert");
    browser.waitForText(By.id("current-revision"), "#2");

    // Escape closes the picker and gives the focus back to its button.
    browser.click(By.id("insert-at-3"));
    browser.waitFor(By.id("insert-processor"));
    assertThat(focusedId()).isEqualTo("insert-processor");
    browser.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    waitGone(By.id("insert-processor"));
    assertThat(focusedId()).isEqualTo("insert-at-3");

    // Position 1: first.
    browser.click(By.id("insert-at-1"));
    select("insert-processor", "attributes");
    browser.screenshot("edits-insert-picker", browser.find(By.id("stages")));
    browser.click(By.id("insert-confirm"));
    browser.waitFor(By.cssSelector("li.stage[data-stage='attributes']"));
    assertThat(stageNames()).containsExactly("attributes", "correlation", "semconv-upgrade", "environment", "pii-redaction");
    assertThat(focusedId()).isEqualTo("configure-attributes");

    // Position 4 (before environment), and the order survives a reload.
    browser.click(By.id("insert-at-4"));
    select("insert-processor", "correlation");
    browser.click(By.id("insert-confirm"));
    browser.waitFor(By.cssSelector("li.stage[data-stage='correlation-2']"));
    assertThat(stageNames()).containsExactly("attributes", "correlation", "semconv-upgrade", "correlation-2", "environment",
        "pii-redaction");
    browser.driver.navigate().refresh();
    browser.waitFor(By.cssSelector("li.stage[data-stage='correlation-2']"));
    assertThat(stageNames()).containsExactly("attributes", "correlation", "semconv-upgrade", "correlation-2", "environment",
        "pii-redaction");
    browser.screenshot("edits-inserted");
    browser.click(By.id("discard"));
    assertThat(stageNames()).containsExactly("correlation", "semconv-upgrade", "environment", "pii-redaction");
  }

  @Test
  void a_secret_typed_into_a_draft_never_reaches_the_browser_storage_and_the_page_says_to_type_it_again()
      throws Exception {
    environment("secrets", false);
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/environments/secrets");
    browser.waitForText(By.id("current-revision"), "#2");
    browser.click(By.id("configure-pii-redaction"));
    browser.waitFor(By.id("cfg-pii-redaction-hashKey")).sendKeys("typed-secret-value-123");
    select("policy-environment", "dead-letter");
    browser.waitForText(By.id("dirty"), "Unsaved changes");
    String stored = (String) browser.driver.executeScript(
        "return Object.keys(sessionStorage).map(k => sessionStorage.getItem(k)).join('\\n');");
    assertThat(stored).contains("dead-letter").doesNotContain("typed-secret-value-123");

    browser.driver.navigate().refresh();
    browser.waitForText(By.id("retype-secrets"), "pii-redaction.hashKey");
    assertThat(new Select(browser.find(By.id("policy-environment"))).getFirstSelectedOption().getText())
        .isEqualTo("dead-letter");
    browser.click(By.id("discard"));
  }

  private List<String> stageNames() {
    return browser.driver.findElements(By.cssSelector("#stages li.stage")).stream()
        .map(e -> e.getAttribute("data-stage")).toList();
  }
}
