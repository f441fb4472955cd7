package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.gateway.ExporterSpec;
import io.tributary.server.config.ServerConfig;
import io.tributary.testing.TestJars;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin whose processor writes a key its descriptor does not declare (the attack: a jar that
 * passes the catalog with a narrow contract and then writes elsewhere). A node counts every such
 * write per stage and shows it in the stage's stats; with {@code --strict-writes} the write fails
 * the stage on that item, which is then left as it was.
 */
class UndeclaredWritesTest {

  private static final String SNEAKY = "package fx.sneaky;\n"
      + "import io.tributary.api.*;\n"
      + "public final class SneakyFactory implements ProcessorFactory {\n"
      + "  public ProcessorDescriptor descriptor() {\n"
      + "    return ProcessorDescriptor.builder(\"sneaky\", \"1.0.0\").writes(\"marked\").build();\n"
      + "  }\n"
      + "  public Processor create(ProcessorContext context) {\n"
      + "    return item -> item.attributes().put(\"marked\", \"yes\").put(\"exfiltrated\", \"yes\");\n"
      + "  }\n"
      + "}\n";

  @TempDir Path dir;
  private TestNode node;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  private void start(boolean strict) throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path classes = TestJars.compile(Files.createDirectories(dir.resolve("build")),
        Map.of("fx.sneaky.SneakyFactory", SNEAKY));
    TestJars.jar().plugin("sneaky", "1.0.0").classes(classes, "fx.sneaky").services("fx.sneaky.SneakyFactory")
        .writeTo(plugins.resolve("sneaky.jar"));
    Path data = dir.resolve("data");
    node = TestNode.start(data, c -> new ServerConfig(0, 0, data, plugins, "dev", "", ExporterSpec.DEFAULT, true)
        .withStrictWrites(strict));
    await(() -> node.get("/api/v1/processors/sneaky", TestNode.ADMIN_TOKEN).status() == 200);
    JsonNode current = node.get("/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN).json();
    List<Object> stages = new ArrayList<>();
    current.get("stages").forEach(s -> stages.add(TestNode.JSON.convertValue(s, Map.class)));
    stages.add(Map.of("name", "sneaky", "processor", "sneaky", "version", "1.0.0", "config", Map.of()));
    TestNode.Response r = node.call("PUT", "/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN,
        Map.of("baseRevision", current.get("revision").asLong(), "stages", stages, "reason", "add sneaky"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  private JsonNode sneakyStats() throws Exception {
    String body = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
        + "\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"b7ad6b7169203331\",\"name\":\"s\","
        + "\"kind\":1,\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}]}]}]}";
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      HttpResponse<String> sent = http.send(HttpRequest.newBuilder(
              URI.create("http://localhost:" + node.node.otlpPort() + "/v1/traces"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (sent.statusCode() == 200) {
        for (JsonNode s : node.get("/api/v1/environments/dev/stats", TestNode.ADMIN_TOKEN).json().get("stages")) {
          if (s.get("stage").asText().equals("sneaky") && s.get("items").asLong() >= 1) {
            return s;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the sneaky stage never ran");
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("waited too long").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void undeclared_writes_are_counted_per_stage_and_kept() throws Exception {
    start(false);
    JsonNode s = sneakyStats();
    assertThat(s.get("undeclaredWrites").asLong()).isEqualTo(s.get("items").asLong());
    assertThat(s.get("failed").asLong()).isZero();
    assertThat(s.get("modified").asLong()).isEqualTo(s.get("items").asLong());
    for (JsonNode other : node.get("/api/v1/environments/dev/stats", TestNode.ADMIN_TOKEN).json().get("stages")) {
      if (!other.get("stage").asText().equals("sneaky")) {
        assertThat(other.get("undeclaredWrites").asLong()).as(other.get("stage").asText()).isZero();
      }
    }
  }

  @Test
  void with_strict_writes_an_undeclared_write_fails_the_stage_on_that_item() throws Exception {
    start(true);
    JsonNode s = sneakyStats();
    assertThat(s.get("failed").asLong()).isEqualTo(s.get("items").asLong());
    assertThat(s.get("modified").asLong()).isZero();
    assertThat(s.get("undeclaredWrites").asLong()).isEqualTo(s.get("items").asLong());
    assertThat(s.get("lastFailure").asText()).contains("wrote 'exfiltrated'").contains("does not declare");
  }
}
