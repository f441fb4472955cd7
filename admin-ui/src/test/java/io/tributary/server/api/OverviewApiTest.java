package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/nodes} and {@code GET /api/v1/overview}: the node reports itself to the
 * catalog (listed with its listeners), the overview carries the gateway's figures, a failed plugin
 * file, a pending approval, and the node withdraws when it stops.
 */
class OverviewApiTest {

  @TempDir Path dir;

  @Test
  void the_overview_shows_this_node_its_figures_and_what_needs_attention() throws Exception {
    Path data = dir.resolve("data");
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.writeString(plugins.resolve("broken.jar"), "not a jar");
    String id;
    try (TestNode node = TestNode.start(data, "staging", io.tributary.gateway.ExporterSpec.DEFAULT, plugins,
        java.time.Duration.ofSeconds(5))) {
      JsonNode nodes = await(node, "/api/v1/nodes", n -> n.size() == 1);
      JsonNode self = nodes.get(0);
      id = self.get("id").asText();
      assertThat(self.get("self").asBoolean()).isTrue();
      assertThat(self.get("env").asText()).isEqualTo("staging");
      assertThat(self.get("listeners").findValuesAsText("name")).contains("admin", "otlp-http", "otlp-grpc");
      assertThat(self.get("listeners").findValues("port").stream().map(JsonNode::asInt))
          .contains(node.port, node.node.otlpPort());

      // A change request on protected prod: pending, and counted.
      JsonNode prod = node.get("/api/v1/environments/prod/pipeline", TestNode.ADMIN_TOKEN).json();
      TestNode.Response submitted = node.call("PUT", "/api/v1/environments/prod/pipeline", TestNode.ADMIN_TOKEN,
          Map.of("baseRevision", prod.get("revision").asLong(), "stages", TestNode.JSON.convertValue(prod.get("stages"),
              java.util.List.class), "reason", "same again"));
      assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);

      // Protected: a change without a reason is refused, naming what to give.
      TestNode.Response unexplained = node.call("PUT", "/api/v1/environments/prod/pipeline", TestNode.ADMIN_TOKEN,
          Map.of("baseRevision", prod.get("revision").asLong(), "stages", TestNode.JSON.convertValue(prod.get("stages"),
              java.util.List.class)));
      assertThat(unexplained.status()).isEqualTo(400);
      assertThat(unexplained.json().get("error").asText()).isEqualTo("reason_required");
      assertThat(unexplained.json().get("message").asText()).contains("protected environment 'prod'").contains("'reason'");

      JsonNode o = await(node, "/api/v1/overview", x -> x.get("failedPlugins").size() == 1);
      assertThat(o.get("node").get("id").asText()).isEqualTo(id);
      assertThat(o.get("node").get("env").asText()).isEqualTo("staging");
      assertThat(o.get("failedPlugins").get(0).get("file").asText()).isEqualTo("broken.jar");
      assertThat(o.get("failedPlugins").get(0).get("error").asText()).contains("not a valid jar");
      assertThat(o.get("pendingApprovals").findValuesAsText("env")).containsExactly("prod");
      assertThat(o.get("openBreakers")).isEmpty();
      assertThat(o.get("gateway").get("signals").has("traces")).isTrue();
      assertThat(o.get("pipeline").get("acceptingTelemetry").asBoolean()).isTrue();
      assertThat(node.get("/api/v1/overview", null).status()).as("a token is needed").isEqualTo(401);
    }
    // Stopped: withdrawn from the shared list.
    try (io.tributary.catalog.Catalog catalog = io.tributary.catalog.Catalog.open(
        io.tributary.catalog.CatalogSettings.embedded(data))) {
      assertThat(catalog.nodes().list(java.time.Duration.ofMinutes(1))).extracting(n -> n.id()).doesNotContain(id);
    }
  }

  private static JsonNode await(TestNode node, String path, java.util.function.Predicate<JsonNode> ready)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    JsonNode last = null;
    while (System.currentTimeMillis() < deadline) {
      TestNode.Response r = node.get(path, TestNode.ADMIN_TOKEN);
      if (r.status() == 200) {
        last = r.json();
        if (ready.test(last)) {
          return last;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError(path + " never became ready: " + last);
  }
}
