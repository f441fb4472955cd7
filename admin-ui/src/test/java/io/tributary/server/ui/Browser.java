package io.tributary.server.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium driven through Debian's chromedriver, both named explicitly so
 * Selenium Manager never runs (it would try to download a browser). Missing binaries fail the
 * test loudly: the browser tests are part of the build, not optional.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Paths.get("target", "screenshots");

  private static final AtomicInteger SHOTS = new AtomicInteger();

  final ChromeDriver driver;
  final String base;
  private final ChromeDriverService service;
  private final Path profile;
  /** Where the browser saves downloads. */
  final Path downloads;

  Browser(String base) throws IOException {
    for (Path binary : new Path[] {CHROMIUM, CHROMEDRIVER}) {
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException(binary + " is missing: the browser tests need Debian's chromium and "
            + "chromium-driver packages (apt-get install chromium chromium-driver; .ci/run does this)");
      }
    }
    this.base = base;
    this.profile = Files.createTempDirectory("tributary-chromium-");
    this.downloads = Files.createDirectories(profile.resolve("downloads"));
    Files.createDirectories(SCREENSHOTS);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1280,800", "--user-data-dir=" + profile);
    options.setExperimentalOption("prefs", java.util.Map.of("download.default_directory", downloads.toString(),
        "download.prompt_for_download", false));
    // The console (CSP violations are reported there), read through consoleMessages().
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    this.service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    this.driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
  }

  /**
   * A wait that retries when the page re-rendered the element it was reading (polling pages
   * replace their content): a stale element is a reason to look again, not a failure.
   */
  WebDriverWait waiting(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(driver, timeout);
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  void open(String hash) {
    driver.get(base + "/" + hash);
  }

  WebElement waitFor(By by) {
    return waiting(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  void waitForText(By by, String text) {
    new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  WebElement find(By by) {
    return driver.findElement(by);
  }

  void click(By by) {
    waiting(Duration.ofSeconds(10)).until(ExpectedConditions.elementToBeClickable(by)).click();
  }

  /** Saves the page as target/screenshots/NN-name.png. */
  Path screenshot(String name) throws IOException {
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Path target = SCREENSHOTS.resolve(String.format("%02d-%s.png", SHOTS.incrementAndGet(), name));
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  /** Scrolls an element into view, then saves the page. */
  Path screenshot(String name, WebElement showing) throws IOException {
    driver.executeScript("arguments[0].scrollIntoView({block: 'start'})", showing);
    return screenshot(name);
  }

  void size(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** The console messages since the last call (each is read once). */
  java.util.List<String> consoleMessages() {
    return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
        .map(e -> e.getLevel() + " " + e.getMessage()).toList();
  }

  WebDriver driver() {
    return driver;
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      service.stop();
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
