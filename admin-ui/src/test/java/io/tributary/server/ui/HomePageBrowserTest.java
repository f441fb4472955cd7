package io.tributary.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.gateway.ExporterSpec;
import io.tributary.server.api.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The home page an operator lands on: this node and the nodes sharing its catalog, the gateway's
 * figures moving as spans arrive, and what needs attention (a failed plugin file), with the count
 * as a badge in the navigation.
 */
class HomePageBrowserTest extends BrowserTest {


  @Override
  TestNode startNode(Path dir) throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.writeString(plugins.resolve("broken.jar"), "not a jar");
    return TestNode.start(dir.resolve("data"), "dev", ExporterSpec.DEFAULT, plugins, Duration.ofSeconds(5));
  }

  @Test
  void after_login_the_home_page_shows_the_node_its_traffic_and_a_failed_plugin_with_a_nav_badge()
      throws Exception {
    browser.driver.get(browser.base + "/?fresh=" + System.nanoTime() + "#/login");
    browser.waitFor(By.id("token")).sendKeys(TestNode.ADMIN_TOKEN);
    browser.click(By.id("login"));
    browser.waiting(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().endsWith("#/home"));
    browser.waitForText(By.id("home-nodes"), "this node");
    assertThat(browser.find(By.id("home-node")).getText()).contains("Serves dev");
    assertThat(browser.find(By.id("home-nodes")).getText()).contains("admin " + node.port);
    browser.waitForText(By.id("home-attention"), "1 failed plugin file(s)");
    browser.waiting(Duration.ofSeconds(20))
        .until(d -> "1".equals(d.findElement(By.id("badge-plugins")).getText()));

    String span = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\","
        + "\"spanId\":\"b7ad6b7169203331\",\"name\":\"s\",\"kind\":1,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}]}]}]}";
    HttpResponse<String> sent = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + node.node.otlpPort() + "/v1/traces"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(span)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(sent.statusCode()).isEqualTo(200);
    browser.waiting(Duration.ofSeconds(15)).until(d ->
        d.findElement(By.cssSelector("#home-signals tr[data-signal=traces] td:nth-child(2)")).getText().equals("1"));
    browser.screenshot("home");
  }
}
