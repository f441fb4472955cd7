package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.tributary.gateway.ExporterSpec;
import io.tributary.gateway.Gateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks on the node's outputs, through a real node: a poison string must not stop file
 * output (it is refused, and every later item is still written, the file stays valid UTF-8 JSON
 * lines), and an output that cannot write must not make the node count items it did not write:
 * the items are held, health and metrics say which output fails, the node refuses telemetry once
 * its queue is full, and once the output can write again every accepted item is written, counted
 * once.
 */
@Timeout(120)
class OutputFailureTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TRACE_ID = "5b8efff798038103d269b633813fc60c";

  @TempDir Path dir;
  private TestNode node;
  private Javalin downstream;

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
    if (downstream != null) {
      downstream.stop();
    }
  }

  @Test
  void a_lone_surrogate_is_refused_and_every_later_item_is_still_written() throws Exception {
    node = TestNode.start(dir.resolve("data"), "dev", ExporterSpec.DEFAULT);
    Path out = dir.resolve("data/out/telemetry.jsonl");

    // Unauthenticated, as any client may send it: an attribute value and a key that are not Unicode.
    HttpResponse<String> poison = send(span("poison", "k", "\\ud800"));
    HttpResponse<String> poisonKey = send(span("poison", "\\udfff", "v"));
    assertThat(poison.statusCode()).isEqualTo(400);
    assertThat(poison.body()).contains("unpaired UTF-16 surrogate");
    assertThat(poisonKey.statusCode()).isEqualTo(400);

    for (int i = 0; i < 5; i++) {
      assertThat(send(span("after-" + i, "k", "v")).statusCode()).isEqualTo(200);
    }
    await(() -> lines(out).size() == 5, "the five later spans written");
    // The file is valid UTF-8 and every line parses on its own.
    List<String> names = new ArrayList<>();
    for (String line : lines(out)) {
      names.add(TestNode.JSON.readTree(line).at("/span/name").asText());
    }
    assertThat(names).containsExactlyInAnyOrder("after-0", "after-1", "after-2", "after-3", "after-4");
    String metrics = node.get("/metrics", TestNode.ADMIN_TOKEN).body();
    assertThat(counter(metrics, "tributary_gateway_exported_total", "exporter=\"jsonl\"")).isEqualTo(5);
    assertThat(counter(metrics, "tributary_gateway_dead_lettered_total", "")).isZero();
    assertThat(node.get("/api/v1/health", null).json().get("status").asText()).isEqualTo("UP");
  }

  @Test
  void a_file_output_that_cannot_write_holds_its_items_says_so_refuses_when_full_then_writes_them_all()
      throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    // Where the JSONL output's directory must go, a file: no write can succeed.
    Path blocker = Files.writeString(data.resolve("out"), "not a directory");
    node = TestNode.start(data, "dev", ExporterSpec.DEFAULT,
        Gateway.Settings.defaults(true).withQueueCapacity(6).withAdmissionWait(Duration.ZERO));

    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 10; i++) {
      int status = send(span("s" + i, "k", "v")).statusCode();
      if (status == 200) {
        accepted++;
      } else {
        assertThat(status).isEqualTo(429);
        refused++;
      }
    }
    assertThat(accepted).as("accepted until the queue was full").isEqualTo(6);
    assertThat(refused).isEqualTo(4);

    await(() -> node.get("/api/v1/health", null).json().get("status").asText().equals("DEGRADED"),
        "health degraded");
    JsonNode health = node.get("/api/v1/health", null).json();
    assertThat(health.get("outputs").toString()).contains("\"output\":\"jsonl\"").contains("since");
    // The public health endpoint does not say which file; the stats, which need a token, do.
    assertThat(health.toString()).doesNotContain(data.toString());
    assertThat(node.get("/api/v1/environments/dev/stats", TestNode.ADMIN_TOKEN).body())
        .contains("failingOutputs").contains("telemetry.jsonl");
    String metrics = node.get("/metrics", TestNode.ADMIN_TOKEN).body();
    assertThat(counter(metrics, "tributary_gateway_exported_total", "exporter=\"jsonl\"")).isZero();
    assertThat(counter(metrics, "tributary_gateway_dead_lettered_total", "")).isZero();
    assertThat(counter(metrics, "tributary_gateway_output_failing", "output=\"jsonl\"")).isEqualTo(1);

    // The output can write again: every accepted item is written once, counted once.
    Files.delete(blocker);
    Path out = data.resolve("out/telemetry.jsonl");
    await(() -> lines(out).size() == 6, "the six accepted spans written");
    await(() -> node.get("/api/v1/health", null).json().get("status").asText().equals("UP"), "health up");
    metrics = node.get("/metrics", TestNode.ADMIN_TOKEN).body();
    assertThat(counter(metrics, "tributary_gateway_exported_total", "exporter=\"jsonl\"")).isEqualTo(6);
    assertThat(counter(metrics, "tributary_gateway_output_failing", "output=\"jsonl\"")).isZero();
    assertThat(send(span("later", "k", "v")).statusCode()).isEqualTo(200);
    await(() -> lines(out).size() == 7, "a later span written");
  }

  @Test
  void a_dead_letter_sink_that_cannot_write_counts_nothing_until_it_wrote() throws Exception {
    // A downstream that refuses every batch for good (400): every item goes to the dead-letter sink.
    AtomicInteger refusedBatches = new AtomicInteger();
    downstream = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.routes.post("/v1/traces", ctx -> {
        refusedBatches.incrementAndGet();
        ctx.status(400).result("no");
      });
    }).start(0);
    Path data = Files.createDirectories(dir.resolve("data"));
    Path blocker = Files.writeString(data.resolve("dead-letter"), "not a directory");
    node = TestNode.start(data, "dev", List.of(new ExporterSpec("otlp", "http://localhost:" + downstream.port())),
        Gateway.Settings.defaults(true).withQueueCapacity(4).withAdmissionWait(Duration.ZERO));

    for (int i = 0; i < 3; i++) {
      assertThat(send(span("s" + i, "k", "v")).statusCode()).isEqualTo(200);
    }
    await(() -> refusedBatches.get() > 0, "the downstream refused a batch");
    await(() -> node.get("/api/v1/health", null).json().get("outputs").toString().contains("dead-letter"),
        "health names the dead-letter sink");
    String metrics = node.get("/metrics", TestNode.ADMIN_TOKEN).body();
    assertThat(counter(metrics, "tributary_gateway_dead_lettered_total", "")).isZero();
    assertThat(counter(metrics, "tributary_gateway_exported_total", "exporter=\"otlp\"")).isZero();
    assertThat(counter(metrics, "tributary_gateway_lost_total", "")).isZero();

    Files.delete(blocker);
    Path deadLetters = data.resolve("dead-letter/dead-letter.jsonl");
    await(() -> lines(deadLetters).size() == 3, "the three spans dead-lettered");
    for (String line : lines(deadLetters)) {
      assertThat(TestNode.JSON.readTree(line).get("reason").asText()).contains("exporter otlp");
    }
    await(() -> counter(node.get("/metrics", TestNode.ADMIN_TOKEN).body(), "tributary_gateway_dead_lettered_total",
        "") == 3, "three counted dead-lettered");
    assertThat(node.get("/api/v1/health", null).json().get("outputs")).isEmpty();
  }

  // ------------------------------------------------------------------ helpers

  private HttpResponse<String> send(String json) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + node.node.otlpPort() + "/v1/traces"))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** An OTLP/JSON request of one span; key and value are put in the JSON text as they are. */
  private static String span(String name, String key, String value) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + TRACE_ID
        + "\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"" + name + "\",\"attributes\":[{\"key\":\"" + key
        + "\",\"value\":{\"stringValue\":\"" + value + "\"}}]}]}]}]}";
  }

  /** The file's lines, decoded strictly as UTF-8 (a malformed byte fails the test); none if absent. */
  private static List<String> lines(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return List.of();
      }
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
      return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    } catch (java.io.IOException e) {
      throw new AssertionError("reading " + file, e);
    }
  }

  /** The sum of a Prometheus series' samples whose labels contain {@code labels}. */
  private static long counter(String metrics, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(metrics);
    double sum = 0;
    while (m.find()) {
      if (m.group(1).contains(labels)) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return Math.round(sum);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting: " + what);
      }
      Thread.sleep(50);
    }
  }
}
