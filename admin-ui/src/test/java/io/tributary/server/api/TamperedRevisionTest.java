package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.gateway.ExporterSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * The attack: someone with write access to the catalog database (but not the key, which lives
 * outside it) edits a stored pipeline revision with SQL so that {@code pii-redaction} no longer
 * runs. A real node (H2 file, real HTTP, real OTLP downstream) must never run the edited config:
 * a running node keeps its last good pipeline, a starting node fails closed (even with fail-open
 * set); either way health says {@code tampered}, the log says it once, the audit trail records
 * {@code pipeline.tampered}, verify names the revision, and no unredacted span leaves.
 */
class TamperedRevisionTest {

  private static final String EMAIL = "ada@example.com";

  @TempDir Path dir;
  private Javalin downstream;
  private final List<Span> received = new CopyOnWriteArrayList<>();
  private TestNode node;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private PrintStream originalErr;

  @BeforeEach
  void setUp() {
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
    // The node logs through slf4j-simple to System.err: keep a copy to check what it says.
    originalErr = System.err;
    System.setErr(new PrintStream(new Tee(originalErr, log), true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.close();
    }
    downstream.stop();
    System.setErr(originalErr);
  }

  private void start() throws IOException {
    node = TestNode.start(dir.resolve("data"), "dev",
        List.of(new ExporterSpec("otlp", "http://localhost:" + downstream.port())));
  }

  private void stop() {
    node.close();
    node = null;
  }

  /** Plain JDBC to the node's H2 file, with the flags the node opens it with. */
  private Connection database() throws Exception {
    return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data").resolve("catalog").toAbsolutePath()
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;LOCK_TIMEOUT=10000");
  }

  /** The attacker's edit: revision {@code n} of dev with pii-redaction disabled, by SQL. */
  private void disableRedactionIn(long n) throws Exception {
    try (Connection db = database()) {
      String stages;
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT stages FROM pipeline_revisions WHERE env = 'dev' AND revision = ?")) {
        ps.setLong(1, n);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          stages = rs.getString(1);
        }
      }
      ArrayNode list = (ArrayNode) TestNode.JSON.readTree(stages);
      boolean found = false;
      for (JsonNode stage : list) {
        if (stage.get("processor").asText().equals("pii-redaction")) {
          ((ObjectNode) stage).put("enabled", false);
          found = true;
        }
      }
      assertThat(found).isTrue();
      try (PreparedStatement ps = db.prepareStatement(
          "UPDATE pipeline_revisions SET stages = ? WHERE env = 'dev' AND revision = ?")) {
        ps.setString(1, TestNode.JSON.writeValueAsString(list));
        ps.setLong(2, n);
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
    }
  }

  private void sql(String statement) throws Exception {
    try (Connection db = database(); PreparedStatement ps = db.prepareStatement(statement)) {
      ps.executeUpdate();
    }
  }

  /** The current stages of dev, as the API shows them, written again as a new revision. */
  private long rewriteDev(String reason, long base) {
    JsonNode current = node.get("/api/v1/environments/dev/pipeline/revisions/1", TestNode.ADMIN_TOKEN).json();
    List<Object> stages = new ArrayList<>();
    current.get("stages").forEach(s -> stages.add(TestNode.JSON.convertValue(s, Map.class)));
    TestNode.Response r = node.call("PUT", "/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN,
        Map.of("baseRevision", base, "stages", stages, "reason", reason));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().get("revision").asLong();
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

  private JsonNode verify() {
    return node.get("/api/v1/audit/verify", TestNode.ADMIN_TOKEN).json();
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

  private int logLines(String text) {
    return (int) log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(text)).count();
  }

  @Test
  void a_running_node_refuses_an_edited_revision_and_keeps_its_last_good_pipeline() throws Exception {
    start();
    long two = rewriteDev("touch", 1);
    assertThat(two).isEqualTo(2);
    await("revision 2 runs", () -> health().get("pipeline").get("runningRevision").asLong() == 2);
    assertThat(sendSpan("before").statusCode()).isEqualTo(200);
    await("the span arrives", () -> !named("before").isEmpty());
    assertThat(named("before").get(0).toString()).doesNotContain(EMAIL);

    // The attacker edits revision 1 (redaction off) and points dev back at it.
    disableRedactionIn(1);
    sql("UPDATE environments SET head_revision = 1 WHERE name = 'dev'");

    await("the node reports revision 1", () -> health().get("pipeline").has("problem")
        && health().get("pipeline").get("problem").get("revision").asLong() == 1);
    JsonNode h = health();
    assertThat(h.get("status").asText()).isEqualTo("DEGRADED");
    JsonNode pipeline = h.get("pipeline");
    assertThat(pipeline.get("acceptingTelemetry").asBoolean()).isTrue();
    assertThat(pipeline.get("runningRevision").asLong()).as("the last good pipeline").isEqualTo(2);
    assertThat(pipeline.get("problem").get("tampered").asBoolean()).isTrue();
    assertThat(pipeline.get("problem").get("running").asBoolean()).isFalse();
    assertThat(pipeline.get("problem").get("reason").asText())
        .contains("revision 1 is refused, never run; keeping revision 2").contains("does not match its seal");

    // Still redacted: the edited config never ran.
    assertThat(sendSpan("after").statusCode()).isEqualTo(200);
    await("the span arrives", () -> !named("after").isEmpty());
    assertThat(named("after").get(0).toString()).doesNotContain(EMAIL);

    // Reported once: in the audit trail and in the log, however many polls saw it.
    Thread.sleep(500);
    JsonNode audit = node.get("/api/v1/audit?action=pipeline.tampered", TestNode.ADMIN_TOKEN).json();
    assertThat(audit).hasSize(1);
    assertThat(audit.get(0).get("target").asText()).isEqualTo("env:dev");
    assertThat(audit.get(0).get("after").toString()).contains("\"revision\":1").contains("\"runningRevision\":2");
    assertThat(logLines("Environment dev: TAMPERED revision")).isEqualTo(1);

    // verify names it (and the head moved back under revision 2).
    JsonNode v = verify();
    assertThat(v.get("valid").asBoolean()).isFalse();
    assertThat(v.get("kind").asText()).isEqualTo("revision_tampered");
    assertThat(v.get("problem").asText()).contains("revision 1 of 'dev' does not match its seal");
    TestNode.Response read = node.get("/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN);
    assertThat(read.status()).isEqualTo(409);
    assertThat(read.json().get("error").asText()).isEqualTo("tampered");
    assertThat(read.json().get("revision").asLong()).isEqualTo(1);
  }

  @Test
  void a_node_starting_on_an_edited_revision_fails_closed_even_with_fail_open_and_runs_nothing() throws Exception {
    start();
    TestNode.Response open = node.call("PUT", "/api/v1/environments/dev/fail-open", TestNode.ADMIN_TOKEN,
        Map.of("failOpen", true, "reason", "dev traffic is synthetic"));
    assertThat(open.status()).as(open.toString()).isEqualTo(200);
    stop();
    disableRedactionIn(1);
    start();

    HttpResponse<String> refused = sendSpan("while-tampered");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).contains("integrity check");
    JsonNode h = health();
    assertThat(h.get("status").asText()).isEqualTo("REFUSING_TELEMETRY");
    assertThat(h.get("pipeline").get("runningRevision").isNull()).isTrue();
    assertThat(h.get("pipeline").get("failOpen").asBoolean()).as("fail-open does not apply").isFalse();
    assertThat(h.get("pipeline").get("problem").get("tampered").asBoolean()).isTrue();
    assertThat(h.get("pipeline").get("problem").get("reason").asText()).contains("revision 1 of 'dev'");
    assertThat(node.get("/api/v1/audit?action=pipeline.tampered", TestNode.ADMIN_TOKEN).json()).hasSize(1);
    assertThat(logLines("Environment dev: TAMPERED revision")).isEqualTo(1);
    JsonNode v = verify();
    assertThat(v.get("valid").asBoolean()).isFalse();
    assertThat(v.get("problem").asText()).contains("revision 1 of 'dev'");
    // The rest of the API keeps working: the catalog of processors leaves the tampered revision out.
    TestNode.Response processors = node.get("/api/v1/processors", TestNode.ADMIN_TOKEN);
    assertThat(processors.status()).as(processors.toString()).isEqualTo(200);
    Thread.sleep(1_000);
    assertThat(received).as("nothing forwarded while the only revision is tampered").isEmpty();

    // The way out: an admin writes an intact revision through the API; the node runs it at once.
    List<Object> stages = new ArrayList<>();
    for (String p : List.of("correlation", "semconv-upgrade", "environment", "pii-redaction")) {
      stages.add(Map.of("name", p, "processor", p, "onFailure", p.equals("pii-redaction") ? "dead-letter" : "skip"));
    }
    TestNode.Response fixed = node.call("PUT", "/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN,
        Map.of("baseRevision", 1, "stages", stages, "reason", "replace the tampered revision"));
    assertThat(fixed.status()).as(fixed.toString()).isEqualTo(200);
    await("telemetry is accepted", () -> health().get("pipeline").get("acceptingTelemetry").asBoolean());
    assertThat(health().get("pipeline").get("runningRevision").asLong()).isEqualTo(2);
    assertThat(sendSpan("after-fix").statusCode()).isEqualTo(200);
    await("the span arrives", () -> !named("after-fix").isEmpty());
    assertThat(named("after-fix").get(0).toString()).doesNotContain(EMAIL);
    assertThat(named("while-tampered")).isEmpty();
  }

  @Test
  void editing_the_running_revision_in_place_is_reported_at_once_and_a_restart_fails_closed() throws Exception {
    start();
    await("revision 1 runs", () -> health().get("pipeline").get("runningRevision").asLong() == 1);
    disableRedactionIn(1);

    await("the edit is reported", () -> health().get("pipeline").has("problem"));
    JsonNode p = health().get("pipeline");
    assertThat(p.get("runningRevision").asLong()).isEqualTo(1);
    assertThat(p.get("problem").get("tampered").asBoolean()).isTrue();
    assertThat(p.get("problem").get("running").asBoolean()).isTrue();
    assertThat(p.get("problem").get("reason").asText()).contains("keeps running as it was loaded before");
    assertThat(health().get("status").asText()).isEqualTo("DEGRADED");
    // What runs is what was loaded before the edit: still redacted.
    assertThat(sendSpan("loaded-before").statusCode()).isEqualTo(200);
    await("the span arrives", () -> !named("loaded-before").isEmpty());
    assertThat(named("loaded-before").get(0).toString()).doesNotContain(EMAIL);
    assertThat(node.get("/api/v1/audit?action=pipeline.tampered", TestNode.ADMIN_TOKEN).json()).hasSize(1);

    stop();
    start();
    assertThat(sendSpan("after-restart").statusCode()).isEqualTo(503);
    assertThat(health().get("status").asText()).isEqualTo("REFUSING_TELEMETRY");
    Thread.sleep(500);
    assertThat(named("after-restart")).isEmpty();
  }

  @Test
  void cutting_the_audit_tail_and_moving_the_head_back_is_named_by_verify() throws Exception {
    start();
    rewriteDev("one", 1);
    rewriteDev("two", 2);
    long last = node.get("/api/v1/audit?limit=1", TestNode.ADMIN_TOKEN).json().get(0).get("id").asLong();
    assertThat(verify().get("valid").asBoolean()).isTrue();
    stop();

    // The attacker removes the last two events and moves the head back onto the one before.
    long keep = last - 2;
    sql("DELETE FROM audit_events WHERE id > " + keep);
    sql("UPDATE audit_chain SET last_id = " + keep + ", last_hash = (SELECT hash FROM audit_events WHERE id = "
        + keep + ") WHERE id = 1");
    start();
    JsonNode v = verify();
    assertThat(v.get("valid").asBoolean()).isFalse();
    assertThat(v.get("kind").asText()).isEqualTo("truncated");
    assertThat(v.get("firstBroken").asLong()).isEqualTo(keep + 1);
    assertThat(v.get("problem").asText())
        .contains("the head says " + keep + " events up to id " + keep + ", found " + keep)
        .contains("this node has seen events up to id " + last);
    // Changes are refused until the catalog is restored: nothing can be appended over the cut.
    TestNode.Response write = node.call("PUT", "/api/v1/environments/staging/fail-open", TestNode.ADMIN_TOKEN,
        Map.of("failOpen", true, "reason", "cover it up"));
    assertThat(write.status()).as(write.toString()).isEqualTo(409);
    assertThat(write.json().get("error").asText()).isEqualTo("tampered");
  }

  /** Writes to two streams. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws IOException {
      a.write(x);
      synchronized (b) {
        b.write(x);
      }
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      synchronized (b) {
        b.write(buf, off, len);
      }
    }
  }
}
