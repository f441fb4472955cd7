package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.catalog.StageRecord;
import io.tributary.gateway.ExporterSpec;
import io.tributary.testing.TestJars;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose pipeline does not compile forwards nothing. The attack: the environment's pipeline
 * uses a processor from a plugin jar (built here), the jar is removed, the node restarts: every
 * OTLP request must be refused (503 + Retry-After), no span may reach the downstream, health must
 * name the missing processor — and dropping the jar back in must make it accept, without a
 * restart. Fail-open is an admin's explicit, audited choice per environment, refused on prod, and
 * applies only where set. A running node keeps its last good pipeline when its plugin is removed
 * or a newer revision does not compile.
 */
class FailClosedTest {

  private static final String EMAIL = "ada@example.com";

  @TempDir Path dir;
  private Javalin downstream;
  private final List<Span> received = new CopyOnWriteArrayList<>();
  private TestNode node;
  private Path plugins;
  private Path jar;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() throws IOException {
    downstream = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.routes.post("/v1/traces", ctx -> {
        for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(ctx.bodyAsBytes()).getResourceSpansList()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            received.addAll(ss.getSpansList());
          }
        }
        ctx.contentType("application/x-protobuf").result(ExportTraceServiceResponse.getDefaultInstance().toByteArray());
      });
    }).start(0);
    plugins = dir.resolve("plugins");
    Path classes = TestJars.compile(Files.createDirectories(dir.resolve("build")),
        Map.of("fx.marker.MarkerFactory",
            TestJars.factorySource("fx.marker.MarkerFactory", "marker", "1.0.0", "marked", "yes")));
    jar = dir.resolve("marker.jar");
    TestJars.jar().plugin("marker", "1.0.0").classes(classes, "fx.marker").services("fx.marker.MarkerFactory")
        .writeTo(jar);
  }

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
    downstream.stop();
  }

  private TestNode start(String env) throws IOException {
    node = TestNode.start(dir.resolve("data"), env,
        List.of(new ExporterSpec("otlp", "http://localhost:" + downstream.port())), plugins, Duration.ofSeconds(5));
    return node;
  }

  private void restart(String env) throws IOException {
    node.close();
    node = null;
    start(env);
  }

  /** The default pipeline plus the plugin's stage, written through the API (the jar is present). */
  private void useMarker(String env) {
    JsonNode current = node.get("/api/v1/environments/" + env + "/pipeline", TestNode.ADMIN_TOKEN).json();
    List<Object> stages = new ArrayList<>();
    current.get("stages").forEach(s -> stages.add(TestNode.JSON.convertValue(s, Map.class)));
    stages.add(Map.of("name", "marker", "processor", "marker", "version", "1.0.0", "config", Map.of()));
    TestNode.Response r = node.call("PUT", "/api/v1/environments/" + env + "/pipeline", TestNode.ADMIN_TOKEN,
        Map.of("baseRevision", current.get("revision").asLong(), "stages", stages, "reason", "add marker"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  private HttpResponse<String> sendSpan(String name) throws Exception {
    String body = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
        + "{\"stringValue\":\"checkout\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":"
        + "\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"b7ad6b7169203331\",\"name\":\"" + name + "\","
        + "\"kind\":1,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[{\"key\":"
        + "\"user.email\",\"value\":{\"stringValue\":\"" + EMAIL + "\"}}]}]}]}]}";
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.node.otlpPort() + "/v1/traces"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode health() {
    TestNode.Response r = node.get("/api/v1/health", null);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  private List<Span> named(String name) {
    return received.stream().filter(s -> s.getName().equals(name)).toList();
  }

  private static String attribute(Span span, String key) {
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }

  @Test
  void a_node_whose_plugin_is_missing_refuses_telemetry_until_the_jar_is_back() throws Exception {
    Files.createDirectories(plugins);
    Files.copy(jar, plugins.resolve("marker.jar"));
    start("dev");
    useMarker("dev");
    await("revision 2 runs", () -> health().get("pipeline").get("runningRevision").asLong() == 2);
    Files.delete(plugins.resolve("marker.jar"));
    restart("dev");

    HttpResponse<String> refused = sendSpan("while-broken");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(refused.body()).contains("does not compile").contains("marker@1.0.0");
    JsonNode h = health();
    assertThat(h.get("status").asText()).isEqualTo("REFUSING_TELEMETRY");
    assertThat(h.get("pipeline").get("acceptingTelemetry").asBoolean()).isFalse();
    assertThat(h.get("pipeline").get("runningRevision").isNull()).isTrue();
    assertThat(h.get("pipeline").get("problem").get("missingProcessors").toString()).contains("marker@1.0.0");
    assertThat(h.get("pipeline").get("problem").get("reason").asText()).contains("marker");
    Thread.sleep(1_000);
    assertThat(received).as("nothing forwarded while the pipeline does not compile").isEmpty();

    // The jar comes back: the node compiles revision 2 and accepts, without a restart.
    Files.copy(jar, plugins.resolve("marker.jar"));
    await("telemetry is accepted", () -> health().get("pipeline").get("acceptingTelemetry").asBoolean());
    assertThat(health().get("status").asText()).isEqualTo("UP");
    assertThat(sendSpan("after-fix").statusCode()).isEqualTo(200);
    await("the span arrives", () -> !named("after-fix").isEmpty());
    Span span = named("after-fix").get(0);
    assertThat(attribute(span, "marked")).isEqualTo("yes");
    assertThat(span.toString()).doesNotContain(EMAIL);
    assertThat(named("while-broken")).isEmpty();
  }

  @Test
  void fail_open_is_an_audited_admin_choice_refused_on_prod_and_applies_only_where_set() throws Exception {
    Files.createDirectories(plugins);
    Files.copy(jar, plugins.resolve("marker.jar"));
    start("dev");
    useMarker("dev");
    useMarker("staging");
    String operator = node.token("ops", "operator", false);
    String viewer = node.token("eve", "viewer", false);

    assertThat(node.call("PUT", "/api/v1/environments/dev/fail-open", viewer, Map.of("failOpen", true)).status())
        .isEqualTo(403);
    assertThat(node.call("PUT", "/api/v1/environments/dev/fail-open", operator, Map.of("failOpen", true)).status())
        .isEqualTo(403);
    TestNode.Response prod = node.call("PUT", "/api/v1/environments/prod/fail-open", TestNode.ADMIN_TOKEN,
        Map.of("failOpen", true, "reason", "try"));
    assertThat(prod.status()).isEqualTo(403);
    assertThat(prod.body()).contains("protected");
    assertThat(node.call("PUT", "/api/v1/environments/dev/fail-open", TestNode.ADMIN_TOKEN,
        Map.of("failOpen", "yes")).status()).isEqualTo(400);
    TestNode.Response set = node.call("PUT", "/api/v1/environments/dev/fail-open", TestNode.ADMIN_TOKEN,
        Map.of("failOpen", true, "reason", "dev traffic is synthetic"));
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    assertThat(set.json().get("failOpen").asBoolean()).isTrue();
    JsonNode listed = node.get("/api/v1/environments", viewer).json();
    for (JsonNode e : listed) {
      assertThat(e.get("failOpen").asBoolean()).as(e.toString()).isEqualTo(e.get("name").asText().equals("dev"));
    }
    JsonNode audit = node.get("/api/v1/audit?action=environment.fail_open", TestNode.ADMIN_TOKEN).json();
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).get("target").asText()).isEqualTo("env:dev");
    assertThat(audit.get(0).get("after").toString()).contains("true");
    assertThat(audit.get(0).get("reason").asText()).isEqualTo("dev traffic is synthetic");

    Files.delete(plugins.resolve("marker.jar"));
    // staging did not choose to fail open: it refuses.
    restart("staging");
    assertThat(sendSpan("staging-broken").statusCode()).isEqualTo(503);
    assertThat(health().get("pipeline").get("failOpen").asBoolean()).isFalse();
    // dev did: it passes telemetry through untouched, and says so.
    restart("dev");
    JsonNode h = health();
    assertThat(h.get("status").asText()).isEqualTo("DEGRADED");
    assertThat(h.get("pipeline").get("failOpen").asBoolean()).isTrue();
    assertThat(sendSpan("dev-open").statusCode()).isEqualTo(200);
    await("the span arrives", () -> !named("dev-open").isEmpty());
    assertThat(attribute(named("dev-open").get(0), "marked")).isNull();
    assertThat(named("staging-broken")).isEmpty();

    // Turned off again: the same node refuses at once.
    assertThat(node.call("PUT", "/api/v1/environments/dev/fail-open", TestNode.ADMIN_TOKEN,
        Map.of("failOpen", false)).status()).isEqualTo(200);
    assertThat(sendSpan("dev-closed").statusCode()).isEqualTo(503);
  }

  @Test
  void a_running_node_keeps_its_last_good_pipeline_and_says_why_the_newest_does_not_run() throws Exception {
    Files.createDirectories(plugins);
    Files.copy(jar, plugins.resolve("marker.jar"));
    start("dev");
    useMarker("dev");
    await("revision 2 runs", () -> health().get("pipeline").get("runningRevision").asLong() == 2);

    // The plugin jar is removed while its processor runs: the pipeline keeps running, and says so.
    Files.delete(plugins.resolve("marker.jar"));
    await("the problem is reported", () -> health().get("pipeline").has("problem"));
    JsonNode h = health();
    assertThat(h.get("status").asText()).isEqualTo("DEGRADED");
    assertThat(h.get("pipeline").get("runningRevision").asLong()).isEqualTo(2);
    assertThat(h.get("pipeline").get("problem").get("running").asBoolean()).isTrue();
    assertThat(h.get("pipeline").get("problem").get("missingProcessors").toString()).contains("marker@1.0.0");
    assertThat(sendSpan("still-running").statusCode()).isEqualTo(200);
    await("the span arrives", () -> !named("still-running").isEmpty());
    assertThat(attribute(named("still-running").get(0), "marked")).isEqualTo("yes");

    // A newer revision that does not compile here (written by a node that has another plugin).
    List<StageRecord> stages = new ArrayList<>(node.node.catalog().pipelines().current("dev").stages());
    stages.add(new StageRecord("other", "not-installed", "2.0.0", true, Map.of(), "skip"));
    node.node.catalog().pipelines().write("dev", 2, stages, "another-node", "uses a plugin this node lacks");
    await("revision 3 is reported", () -> health().get("pipeline").get("newestRevision").asLong() == 3
        && health().get("pipeline").get("problem").get("revision").asLong() == 3);
    h = health();
    assertThat(h.get("pipeline").get("runningRevision").asLong()).isEqualTo(2);
    assertThat(h.get("pipeline").get("newestRevisionRunning").asBoolean()).isFalse();
    assertThat(h.get("pipeline").get("problem").get("missingProcessors").toString()).contains("not-installed@2.0.0");
    JsonNode stats = node.get("/api/v1/environments/dev/stats", TestNode.ADMIN_TOKEN).json();
    assertThat(stats.get("revision").asLong()).isEqualTo(2);
    assertThat(stats.get("pipeline").get("problem").get("reason").asText()).contains("not-installed");
    assertThat(sendSpan("kept").statusCode()).isEqualTo(200);
    await("the span arrives", () -> !named("kept").isEmpty());
    assertThat(attribute(named("kept").get(0), "marked")).isEqualTo("yes");
  }
}
