package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.gateway.ExporterSpec;
import io.tributary.testing.TestJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One version rule (issue 15): the catalog lists versions in semver order ({@code rc.2} before
 * {@code rc.10}), and its "latest" is what an unpinned stage runs — the highest release, not a
 * newer pre-release.
 */
class LatestVersionTest {

  @TempDir Path dir;

  private void plugin(Path plugins, String pkg, String version) throws Exception {
    String factory = "fx." + pkg + ".MarkerFactory";
    Path classes = TestJars.compile(Files.createDirectories(dir.resolve("build-" + pkg)),
        Map.of(factory, TestJars.factorySource(factory, "marker", version, "marked", version)));
    TestJars.jar().plugin("marker-" + pkg, version).classes(classes, "fx." + pkg).services(factory)
        .writeTo(plugins.resolve("marker-" + pkg + ".jar"));
  }

  @Test
  void latest_is_the_highest_release_an_unpinned_stage_runs_and_versions_are_in_semver_order() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    plugin(plugins, "a", "1.1.0-rc.10");
    plugin(plugins, "b", "1.0.0");
    plugin(plugins, "c", "1.1.0-rc.2");
    try (TestNode node = TestNode.start(dir.resolve("data"), "dev", List.of(new ExporterSpec("jsonl", "")), plugins,
        Duration.ofSeconds(5))) {
      JsonNode marker = null;
      for (JsonNode p : node.get("/api/v1/processors", TestNode.ADMIN_TOKEN).json()) {
        if (p.get("id").asText().equals("marker")) {
          marker = p;
        }
      }
      assertThat(marker).as("the marker processor in the catalog").isNotNull();
      List<String> versions = new ArrayList<>();
      marker.get("versions").forEach(v -> versions.add(v.asText()));
      assertThat(versions).containsExactly("1.0.0", "1.1.0-rc.2", "1.1.0-rc.10");
      assertThat(marker.get("latestVersion").asText()).isEqualTo("1.0.0");

      // An unpinned stage runs that same version.
      JsonNode dev = node.get("/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN).json();
      com.fasterxml.jackson.databind.node.ObjectNode edit = TestNode.JSON.createObjectNode();
      edit.put("baseRevision", dev.get("revision").asLong());
      com.fasterxml.jackson.databind.node.ArrayNode stages = edit.putArray("stages");
      dev.get("stages").forEach(st -> stages.add(st.deepCopy()));
      stages.addObject().put("processor", "marker");
      edit.put("reason", "an unpinned marker");
      TestNode.Response written = node.call("PUT", "/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN, edit);
      assertThat(written.status()).as("%s", written).isEqualTo(200);
      long revision = written.json().get("revision").asLong();
      long deadline = System.nanoTime() + 10_000_000_000L;
      JsonNode stats = null;
      while (System.nanoTime() < deadline) {
        stats = node.get("/api/v1/environments/dev/stats", TestNode.ADMIN_TOKEN).json();
        if (stats.path("revision").asLong() == revision) {
          break;
        }
        Thread.sleep(50);
      }
      assertThat(stats.path("revision").asLong()).isEqualTo(revision);
      List<String> running = new ArrayList<>();
      stats.get("stages").forEach(st -> running.add(st.get("processor").asText()));
      assertThat(running).contains("marker@1.0.0");
    }
  }
}
