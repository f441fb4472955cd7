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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack: a plugin whose create() never returns (and ignores interrupts), used in pipeline
 * checks through the real server, many times and at once. Each check answers in bounded time with
 * a clear error, the plugin is marked failed (GET /api/v1/plugins, audited) and never called
 * again, the threads it pins stay bounded, and the admin API keeps answering.
 */
@Timeout(120)
class HangingPluginTest {

  private static final Duration LIMIT = Duration.ofSeconds(1);

  @TempDir Path dir;
  private TestNode node;

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void checks_with_a_hanging_create_answer_in_bounded_time_and_the_admin_api_keeps_answering() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path classes = TestJars.compile(Files.createDirectories(dir.resolve("build")),
        Map.of("fx.hang.HangFactory", TestJars.misbehavingFactorySource("fx.hang.HangFactory", "hang", "1.0.0",
            "hang-create")));
    TestJars.jar().plugin("hang", "1.0.0").classes(classes, "fx.hang").services("fx.hang.HangFactory")
        .writeTo(plugins.resolve("hang.jar"));
    node = TestNode.start(dir.resolve("data"), "dev", ExporterSpec.DEFAULT, plugins, LIMIT);
    String operator = node.token("ops", "operator", false);
    Map<String, Object> candidate = Map.of("stages",
        List.of(Map.of("name", "hang", "processor", "hang", "config", Map.of())));

    // The first check waits the limit, then says why.
    long start = System.nanoTime();
    TestNode.Response first = node.call("POST", "/api/v1/environments/dev/pipeline/check", operator, candidate);
    long firstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(firstMs).isLessThan(LIMIT.toMillis() + 3_000);
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(first.json().get("compiles").asBoolean()).isFalse();
    assertThat(first.json().get("diagnostics").toString()).contains("hang@1.0.0 failed to start")
        .contains("create() of hang@1.0.0 did not return within 1 s");

    // Marked failed where broken plugins are listed, and audited.
    long deadline = System.currentTimeMillis() + 10_000;
    JsonNode file = null;
    while (System.currentTimeMillis() < deadline) {
      for (JsonNode f : node.get("/api/v1/plugins", operator).json()) {
        if (f.get("file").asText().equals("hang.jar") && f.get("state").asText().equals("failed")) {
          file = f;
        }
      }
      if (file != null) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(file).as("hang.jar listed as failed").isNotNull();
    assertThat(file.toString()).contains("stopped answering").contains("create()");
    JsonNode audit = node.get("/api/v1/audit?action=plugin.failed", TestNode.ADMIN_TOKEN).json();
    assertThat(audit.toString()).contains("plugin:hang.jar").contains("stopped answering");

    // Hundreds of checks at once from many operators (more than Jetty's threads): each answers at
    // once, with the check's result or with 429 when its principal already has checks running;
    // none hangs.
    List<String> operators = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      operators.add(node.token("ops" + i, "operator", false));
    }
    ExecutorService callers = Executors.newFixedThreadPool(32);
    int answered = 0;
    try {
      List<Future<TestNode.Response>> checks = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        String token = operators.get(i % operators.size());
        checks.add(callers.submit(() -> node.call("POST", "/api/v1/environments/dev/pipeline/check", token,
            candidate)));
      }
      for (Future<TestNode.Response> f : checks) {
        TestNode.Response r = f.get(30, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.toString()).isIn(200, 429);
        if (r.status() == 200) {
          assertThat(r.json().get("compiles").asBoolean()).as(r.toString()).isFalse();
          answered++;
        } else {
          assertThat(r.json().get("error").asText()).isEqualTo("too_many_requests");
        }
      }
    } finally {
      callers.shutdownNow();
    }
    assertThat(answered).as("checks answered with their result").isGreaterThanOrEqualTo(operators.size());
    long pinned = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("tributary-plugin-hang@")).count();
    assertThat(pinned).as("threads the hung plugin holds").isLessThanOrEqualTo(4);

    // The admin API answers, and quickly.
    start = System.nanoTime();
    assertThat(node.get("/api/v1/environments", operator).status()).isEqualTo(200);
    assertThat(node.get("/api/v1/health", null).status()).isEqualTo(200);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
  }

  @Test
  void simulations_whose_processor_hangs_answer_503_in_bounded_time_and_pin_a_bounded_number_of_threads()
      throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path classes = TestJars.compile(Files.createDirectories(dir.resolve("build")),
        Map.of("fx.stuck.StuckFactory", TestJars.misbehavingFactorySource("fx.stuck.StuckFactory", "stuck", "1.0.0",
            "hang-process")));
    TestJars.jar().plugin("stuck", "1.0.0").classes(classes, "fx.stuck").services("fx.stuck.StuckFactory")
        .writeTo(plugins.resolve("stuck.jar"));
    node = TestNode.start(dir.resolve("data"), "dev", ExporterSpec.DEFAULT, plugins, LIMIT);
    Map<String, Object> simulation = Map.of(
        "items", List.of(Map.of("kind", "span", "name", "x")),
        "stages", List.of(Map.of("name", "stuck", "processor", "stuck", "config", Map.of())));

    // Each simulation that hangs is stopped after the limit and says why.
    for (int i = 0; i < 4; i++) {
      String operator = node.token("sim" + i, "operator", false);
      long start = System.nanoTime();
      TestNode.Response r = node.call("POST", "/api/v1/environments/dev/simulate", operator, simulation);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(LIMIT.toMillis() + 3_000);
      assertThat(r.status()).as(r.toString()).isEqualTo(503);
      assertThat(r.header("Retry-After")).isNotNull();
      assertThat(r.json().get("message").asText()).contains("did not return within 1 s");
    }
    // Four threads hang for good: the next simulation is refused at once instead of pinning more.
    String late = node.token("sim-late", "operator", false);
    long start = System.nanoTime();
    TestNode.Response refused = node.call("POST", "/api/v1/environments/dev/simulate", late, simulation);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(LIMIT.toMillis());
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json().get("message").asText()).contains("already has 4 calls running");
    long pinned = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("tributary-plugin-simulations")).count();
    assertThat(pinned).as("threads hung simulations hold").isEqualTo(4);
    // The rest of the admin API answers.
    assertThat(node.get("/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN).status()).isEqualTo(200);
  }
}
