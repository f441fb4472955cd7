package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/environments/{env}/timings}: the history a node writes to the catalog, per
 * stage, survives the node's restart, combines the figures of several nodes or shows one, and says
 * "no traffic" rather than inventing figures.
 */
class TimingsHistoryApiTest {

  @TempDir Path dir;

  @Test
  void history_is_kept_by_the_catalog_across_a_restart_and_combined_over_nodes() throws Exception {
    Path data = dir.resolve("data");
    String first;
    try (TestNode node = TestNode.start(data, "dev")) {
      send(node, 20);
      awaitStageItems(node, 20);
      first = nodeId(node);
      assertThat(node.node.timings().sample()).as("one row per stage of the running pipeline").isNotEmpty();

      JsonNode t = timings(node, "dev", "15m");
      assertThat(t.get("traffic").asBoolean()).isTrue();
      assertThat(t.get("stepSeconds").asInt()).isEqualTo(10);
      assertThat(t.get("times")).hasSize(90);
      assertThat(t.get("reportedSteps").asInt()).isPositive();
      JsonNode stages = t.get("stages");
      List<String> names = node.get("/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN).json()
          .get("stages").findValuesAsText("name");
      assertThat(stages.findValuesAsText("stage")).as("in pipeline order").containsExactlyElementsOf(names);
      double shares = 0;
      int slowest = 0;
      for (JsonNode s : stages) {
        assertThat(s.get("items").asLong()).as(s.toString()).isEqualTo(20);
        assertThat(s.get("nanosPerItem").asDouble()).as(s.toString()).isPositive();
        assertThat(s.get("processor").asText()).contains("@");
        long seriesItems = 0;
        for (JsonNode v : s.get("series").get("items")) {
          seriesItems += v.asLong();
        }
        assertThat(seriesItems).isEqualTo(20);
        shares += s.get("share").asDouble();
        slowest += s.get("slowest").asBoolean() ? 1 : 0;
      }
      assertThat(shares).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
      assertThat(slowest).as("one stage is the slowest by share of time").isEqualTo(1);
      assertThat(t.get("nodes").findValuesAsText("id")).containsExactly(first);
      assertThat(t.get("nodes").get(0).get("reporting").asBoolean()).isTrue();

      // Nothing ran in staging: no traffic, and no figure invented for it.
      JsonNode idle = timings(node, "staging", "1h");
      assertThat(idle.get("traffic").asBoolean()).isFalse();
      assertThat(idle.get("reportedSteps").asInt()).as("no node serves staging").isZero();
      assertThat(idle.get("times")).hasSize(360);
      for (JsonNode s : idle.get("stages")) {
        assertThat(s.get("items").asLong()).isZero();
        assertThat(s.get("nanosPerItem").isNull()).isTrue();
        assertThat(s.get("share").isNull()).isTrue();
        assertThat(s.get("slowest").asBoolean()).isFalse();
      }

      // Bad questions get answers that name the problem.
      TestNode.Response badRange = node.get("/api/v1/environments/dev/timings?range=2d", TestNode.ADMIN_TOKEN);
      assertThat(badRange.status()).isEqualTo(400);
      assertThat(badRange.json().get("message").asText()).contains("'range'").contains("15m, 1h, 3h, 6h").contains("2d");
      TestNode.Response badNode = node.get("/api/v1/environments/dev/timings?node=nobody", TestNode.ADMIN_TOKEN);
      assertThat(badNode.status()).isEqualTo(404);
      assertThat(badNode.json().get("message").asText()).contains("nobody").contains(first);
      assertThat(node.get("/api/v1/environments/nowhere/timings", TestNode.ADMIN_TOKEN).status()).isEqualTo(404);
      assertThat(node.get("/api/v1/environments/dev/timings", null).status()).isEqualTo(401);
    }

    // Restarted on the same catalog: the history is still there, and the new node adds to it.
    try (TestNode node = TestNode.start(data, "dev")) {
      String second = nodeId(node);
      assertThat(second).isNotEqualTo(first);
      send(node, 5);
      awaitStageItems(node, 5);
      node.node.timings().sample();

      JsonNode combined = timings(node, "dev", "1h");
      String stage = combined.get("stages").get(0).get("stage").asText();
      assertThat(combined.get("stages").get(0).get("items").asLong()).isEqualTo(25);
      assertThat(combined.get("nodes").findValuesAsText("id")).containsExactlyInAnyOrder(first, second);
      for (JsonNode n : combined.get("nodes")) {
        assertThat(n.get("reporting").asBoolean()).as("only the running node still reports: " + n)
            .isEqualTo(n.get("id").asText().equals(second));
      }
      JsonNode old = node.get("/api/v1/environments/dev/timings?range=1h&node=" + first, TestNode.ADMIN_TOKEN).json();
      JsonNode now = node.get("/api/v1/environments/dev/timings?range=1h&node=" + second, TestNode.ADMIN_TOKEN).json();
      assertThat(old.get("stages").get(0).get("stage").asText()).isEqualTo(stage);
      assertThat(old.get("stages").get(0).get("items").asLong()).isEqualTo(20);
      assertThat(now.get("stages").get(0).get("items").asLong()).isEqualTo(5);
      assertThat(now.get("node").asText()).isEqualTo(second);
    }
  }

  private static JsonNode timings(TestNode node, String env, String range) {
    TestNode.Response r = node.get("/api/v1/environments/" + env + "/timings?range=" + range, TestNode.ADMIN_TOKEN);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  private static String nodeId(TestNode node) {
    return node.get("/api/v1/overview", TestNode.ADMIN_TOKEN).json().get("node").get("id").asText();
  }

  /** Sends {@code count} spans through the OpenTelemetry SDK's OTLP/HTTP exporter. */
  private static void send(TestNode node, int count) {
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(io.opentelemetry.api.common.AttributeKey.stringKey("service.name"),
            "checkout")))
        .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
            .setEndpoint("http://localhost:" + node.node.otlpPort() + "/v1/traces").build()).build())
        .build();
    Tracer tracer = provider.get("timings-test");
    for (int i = 0; i < count; i++) {
      tracer.spanBuilder("GET /cart/" + i).setAttribute("user.email", "u" + i + "@example.com").startSpan().end();
    }
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  /** Waits until every stage of the running pipeline has been given {@code count} items. */
  private static void awaitStageItems(TestNode node, long count) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    List<Long> seen = new ArrayList<>();
    while (System.currentTimeMillis() < deadline) {
      seen.clear();
      for (JsonNode s : node.get("/api/v1/environments/dev/stats", TestNode.ADMIN_TOKEN).json().get("stages")) {
        seen.add(s.get("items").asLong());
      }
      if (!seen.isEmpty() && seen.stream().allMatch(n -> n >= count)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("stages were given " + seen + " items, not " + count);
  }
}
