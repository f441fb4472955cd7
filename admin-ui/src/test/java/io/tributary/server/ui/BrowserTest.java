package io.tributary.server.ui;

import io.tributary.server.api.TestNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/**
 * A browser test class: one node (which the class starts) and one headless chromium for all its
 * tests, each test with a 1280 × 800 window and no cookies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTest {

  private Path dir;
  TestNode node;
  Browser browser;

  /** Starts the node the browser talks to, with its data under {@code dir}; once per class. */
  abstract TestNode startNode(Path dir) throws Exception;

  @BeforeAll
  final void startNodeAndBrowser() throws Exception {
    dir = java.nio.file.Files.createTempDirectory("tributary-browser-test-");
    node = startNode(dir);
    browser = new Browser("http://localhost:" + node.port);
  }

  @AfterAll
  final void stopNodeAndBrowser() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (node != null) {
        node.close();
      }
      try (var files = java.nio.file.Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @BeforeEach
  final void freshBrowser() {
    browser.size(1280, 800);
    browser.driver.manage().deleteAllCookies();
  }

  /** Logs in through the form on a fresh page load, so no state of an earlier test remains. */
  void logIn(String token, String expectedName) {
    browser.driver.manage().deleteAllCookies();
    browser.driver.get(browser.base + "/?fresh=" + System.nanoTime() + "#/login");
    browser.waitFor(By.id("token")).sendKeys(token);
    browser.click(By.id("login"));
    browser.waitForText(By.id("principal"), expectedName);
  }
}
