package io.tributary.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.gateway.ExporterSpec;
import io.tributary.server.api.ContractBreakTest;
import io.tributary.server.api.PluginCheckApiTest;
import io.tributary.server.api.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The Plugins page flags a jar whose processor breaks its previous version's contract under a
 * patch bump (an optional key made required), with the breaking change named, and marks the
 * others as keeping their contract.
 */
class PluginsPageBrowserTest extends BrowserTest {

  @Override
  TestNode startNode(Path dir) throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    ContractBreakTest.jar(dir.resolve("build"), plugins, "fx.shaper.a", "1.0.0", "ConfigField.string(\"mode\")");
    ContractBreakTest.jar(dir.resolve("build"), plugins, "fx.shaper.b", "1.0.1",
        "ConfigField.string(\"mode\").required()");
    return TestNode.start(dir.resolve("data"), "dev", ExporterSpec.DEFAULT, plugins, Duration.ofSeconds(5));
  }

  @Test
  void a_jar_that_breaks_its_contract_under_a_patch_bump_is_flagged_with_the_change() throws Exception {
    logIn(TestNode.ADMIN_TOKEN, "admin");
    WebElement broken = null;
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      browser.open("#/plugins?t=" + System.nanoTime());
      browser.waitFor(By.id("loaded-plugins"));
      var rows = browser.driver.findElements(By.cssSelector("#loaded-plugins tr.contract-break"));
      if (!rows.isEmpty() && browser.find(By.id("loaded-plugins")).getText().contains("shaper-1.0.0.jar")) {
        broken = rows.get(0);
        break;
      }
      Thread.sleep(300);
    }
    assertThat(broken).as("a flagged row").isNotNull();
    assertThat(broken.getText()).contains("shaper-1.0.1.jar").contains("breaks semver")
        .contains("shaper 1.0.0 → 1.0.1").contains("config.required").contains("mode");
    assertThat(browser.driver.findElements(By.cssSelector("#loaded-plugins tr.contract-break"))).hasSize(1);
    assertThat(browser.find(By.id("loaded-plugins")).getText()).contains("ok");
    browser.screenshot("plugins-contract-break", broken);
  }

  @Test
  void an_admin_checks_a_jar_on_the_page_and_sees_the_verdict() throws Exception {
    Path build = Files.createTempDirectory("tributary-check-ui-");
    logIn(TestNode.ADMIN_TOKEN, "admin");
    browser.open("#/plugins?t=" + System.nanoTime());
    browser.waitFor(By.id("check-jar")).sendKeys(PluginCheckApiTest.goodJar(build).toAbsolutePath().toString());
    browser.click(By.id("check-plugin"));
    browser.waiting(Duration.ofSeconds(60))
        .until(d -> !d.findElements(By.id("check-verdict")).isEmpty());
    String text = browser.find(By.id("check-result")).getText();
    assertThat(text).contains("would load").contains("Plugin greeter@1.0.0").contains("greeter@1.0.0")
        .contains("1 of 1 pass").contains("new: the catalog has no lower version");

    browser.find(By.id("check-jar")).sendKeys(PluginCheckApiTest.failingExampleJar(build).toAbsolutePath().toString());
    browser.click(By.id("check-plugin"));
    browser.waiting(Duration.ofSeconds(60))
        .until(d -> d.findElement(By.id("check-result")).getText().contains("ex@1.0.0"));
    WebElement result = browser.find(By.id("check-result"));
    assertThat(result.getText()).contains("loads but worked examples fail").contains("0 of 1 pass").contains("tags")
        .contains("expected").contains("promised").contains("actual").contains("delivered");
    browser.screenshot("plugins-check-jar", browser.find(By.id("check-plugin-form")));
  }

  @Test
  void a_viewer_is_told_checking_a_jar_is_for_admins() throws Exception {
    String token = node.token("plugin-viewer", "viewer", false);
    logIn(token, "plugin-viewer");
    browser.open("#/plugins?t=" + System.nanoTime());
    browser.waitForText(By.id("check-plugin-form"), "needs the admin role");
    assertThat(browser.driver.findElements(By.id("check-jar"))).isEmpty();
  }
}
