package io.tributary.distribution;

import static io.tributary.distribution.ServerProcesses.ADMIN_TOKEN;
import static io.tributary.distribution.ServerProcesses.LAUNCHER;
import static io.tributary.distribution.ServerProcesses.awaitHealth;
import static io.tributary.distribution.ServerProcesses.freePort;
import static io.tributary.distribution.ServerProcesses.readQuietly;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.catalog.PostgresCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: two real server processes on one real PostgreSQL catalog. A revision written through
 * one runs on the other within 2 s; a change to protected prod requested on one is approved on
 * the other; one is killed with {@code kill -9} in the middle of a stream of spans, restarted, and
 * nothing it acknowledged is lost, while the other serves on.
 */
class TwoNodesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path temp;
  private final List<Process> started = new ArrayList<>();
  private SpanSink downstream;

  @AfterEach
  void stop() {
    started.forEach(Process::destroyForcibly);
    if (downstream != null) {
      downstream.close();
    }
  }

  /** One node: its ports, and how it is started. */
  private final class Node {
    final String name;
    final int admin = freePort();
    final int otlp = freePort();
    final List<String> args;
    final Map<String, String> env;
    Process process;

    Node(String name, String dbUrl, Map<String, String> env) throws IOException {
      this.name = name;
      this.env = env;
      this.args = List.of("serve", "--admin-port", String.valueOf(admin), "--otlp-port", String.valueOf(otlp),
          "--otlp-grpc-port", "0", "--data-dir", temp.resolve(name).toString(), "--db-url", dbUrl,
          "--exporter", downstream.exporter());
    }

    Node start(int generation) throws Exception {
      Path log = log(generation);
      process = ServerProcesses.start(LAUNCHER, temp, log, args, env, started);
      awaitHealth(process, admin, log, Duration.ofSeconds(60));
      return this;
    }

    Path log(int generation) {
      return temp.resolve(name + "-" + generation + ".log");
    }

    HttpResponse<String> call(String method, String path, String token, Object body) throws Exception {
      HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://localhost:" + admin + path))
          .timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json");
      r.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String method, String path, String token, Object body, int expected) throws Exception {
      HttpResponse<String> r = call(method, path, token, body);
      assertThat(r.statusCode()).as("%s %s on %s: %s", method, path, name, r.body()).isEqualTo(expected);
      return JSON.readTree(r.body());
    }
  }

  @Test
  void two_nodes_share_one_catalog_and_a_killed_node_loses_nothing_it_acknowledged() throws Exception {
    downstream = new SpanSink();
    Map<String, Integer> delivered = downstream.delivered;
    PostgresCluster pg = PostgresCluster.get();
    String dbUrl = pg.newSchemaUrl();
    Map<String, String> env = new HashMap<>();
    env.put("TRIBUTARY_DB_USER", pg.user());
    // Nodes that share a catalog share its master key (secrets and the audit trail's seal).
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    env.put("TRIBUTARY_SECRET_KEY", java.util.Base64.getEncoder().encodeToString(key));
    if (pg.password() != null) {
      env.put("TRIBUTARY_DB_PASSWORD", pg.password());
    }
    Node a = new Node("a", dbUrl, env).start(0);
    Node b = new Node("b", dbUrl, env).start(0);

    // A revision written through A runs on B within 2 s.
    JsonNode dev = a.json("GET", "/api/v1/environments/dev/pipeline", ADMIN_TOKEN, null, 200);
    ObjectNode edit = JSON.createObjectNode();
    edit.put("baseRevision", dev.get("revision").asLong());
    ArrayNode stages = edit.putArray("stages");
    for (JsonNode stage : dev.get("stages")) {
      if (!stage.path("processor").asText().equals("semconv-upgrade")) {
        stages.add(stage.deepCopy());
      }
    }
    edit.put("reason", "written through node a");
    long revision = a.json("PUT", "/api/v1/environments/dev/pipeline", ADMIN_TOKEN, edit, 200).get("revision")
        .asLong();
    long written = System.nanoTime();
    long runsOnB = -1;
    while (System.nanoTime() - written < TimeUnit.SECONDS.toNanos(10)) {
      if (b.json("GET", "/api/v1/environments/dev/stats", ADMIN_TOKEN, null, 200).path("revision").asLong()
          == revision) {
        runsOnB = System.nanoTime() - written;
        break;
      }
      Thread.sleep(50);
    }
    assertThat(runsOnB).as("revision %d running on node b", revision).isPositive()
        .isLessThan(TimeUnit.SECONDS.toNanos(2));

    // A change to protected prod, requested on A, approved on B.
    String alice = a.json("POST", "/api/v1/tokens", ADMIN_TOKEN,
        Map.of("name", "alice", "role", "operator", "approver", true), 201).get("token").asText();
    String bob = b.json("POST", "/api/v1/tokens", ADMIN_TOKEN,
        Map.of("name", "bob", "role", "operator", "approver", true), 201).get("token").asText();
    JsonNode prod = a.json("GET", "/api/v1/environments/prod/pipeline", alice, null, 200);
    ObjectNode prodEdit = JSON.createObjectNode();
    prodEdit.put("baseRevision", prod.get("revision").asLong());
    prodEdit.set("stages", prod.get("stages").deepCopy());
    for (JsonNode stage : prodEdit.get("stages")) {
      if (stage.path("processor").asText().equals("semconv-upgrade")) {
        ((ObjectNode) stage).put("enabled", false);
      }
    }
    prodEdit.put("reason", "requested on node a");
    long id = a.json("PUT", "/api/v1/environments/prod/pipeline", alice, prodEdit, 202).path("changeRequest")
        .path("id").asLong();
    JsonNode approved = b.json("POST", "/api/v1/change-requests/" + id + "/approve", bob,
        Map.of("reason", "approved on node b"), 200);
    assertThat(approved.get("status").asText()).isEqualTo("applied");
    assertThat(a.json("GET", "/api/v1/environments/prod/pipeline", alice, null, 200).get("revision").asLong())
        .isEqualTo(approved.get("appliedRevision").asLong());

    // kill -9 of A in the middle of a stream of spans; B serves on; A restarts and loses nothing.
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicLong sequence = new AtomicLong();
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
    List<Thread> senders = new ArrayList<>();
    for (Node target : List.of(a, a, b)) {
      Thread t = new Thread(() -> {
        while (System.nanoTime() < until) {
          long first = sequence.getAndAdd(10);
          try {
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.otlp
                    + "/v1/traces")).header("Content-Type", "application/x-protobuf").timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofByteArray(request(target.name, first))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 200) {
              for (long i = first; i < first + 10; i++) {
                acknowledged.add(target.name + i);
              }
            }
          } catch (IOException | InterruptedException e) {
            if (target == b) {
              throw new IllegalStateException("node b failed while node a was killed", e);
            }
            return;
          }
        }
      });
      t.start();
      senders.add(t);
    }
    Thread.sleep(800);
    a.process.destroyForcibly();
    assertThat(a.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    for (Thread t : senders) {
      t.join(10_000);
    }
    assertThat(acknowledged).anyMatch(s -> s.startsWith("a")).anyMatch(s -> s.startsWith("b"));
    assertThat(b.call("GET", "/api/v1/health", ADMIN_TOKEN, null).statusCode()).isEqualTo(200);
    a.start(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!delivered.keySet().containsAll(acknowledged) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Set<String> missing = ConcurrentHashMap.newKeySet();
    missing.addAll(acknowledged);
    missing.removeAll(delivered.keySet());
    assertThat(missing).as("acknowledged spans never delivered; node a's log after the restart:%n%s",
        readQuietly(a.log(1))).isEmpty();
    // The restarted node still shares the catalog: it runs prod's and dev's latest revisions.
    assertThat(a.json("GET", "/api/v1/environments/dev/stats", ADMIN_TOKEN, null, 200).path("revision").asLong())
        .isEqualTo(revision);
    // The timings history is in the shared catalog: node a shows node b's figures, and the sum of
    // the nodes' figures is the combined one.
    String bId = b.json("GET", "/api/v1/overview", ADMIN_TOKEN, null, 200).path("node").path("id").asText();
    String aId = a.json("GET", "/api/v1/overview", ADMIN_TOKEN, null, 200).path("node").path("id").asText();
    long fromB = acknowledged.stream().filter(x -> x.startsWith("b")).count();
    JsonNode timings = null;
    long timingsDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (System.nanoTime() < timingsDeadline) {
      timings = a.json("GET", "/api/v1/environments/dev/timings?range=15m", ADMIN_TOKEN, null, 200);
      // Every node writes a row per stage every 10 s, busy or not: the restarted a shows up too.
      if (timings.get("nodes").findValuesAsText("id").containsAll(List.of(aId, bId))
          && a.json("GET", "/api/v1/environments/dev/timings?range=15m&node=" + bId, ADMIN_TOKEN, null, 200)
              .get("stages").get(0).get("items").asLong() >= fromB) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(timings.get("nodes").findValuesAsText("id")).as("%s", timings).contains(aId, bId);
    long sum = 0;
    for (String nodeId : timings.get("nodes").findValuesAsText("id")) {
      long items = a.json("GET", "/api/v1/environments/dev/timings?range=15m&node=" + nodeId, ADMIN_TOKEN, null, 200)
          .get("stages").get(0).get("items").asLong();
      if (nodeId.equals(bId)) {
        assertThat(items).as("node b's first stage saw every span b acknowledged").isGreaterThanOrEqualTo(fromB);
      }
      sum += items;
    }
    JsonNode combined = a.json("GET", "/api/v1/environments/dev/timings?range=15m", ADMIN_TOKEN, null, 200);
    assertThat(combined.get("stages").get(0).get("items").asLong()).isGreaterThanOrEqualTo(sum);
    for (Node n : List.of(a, b)) {
      n.process.destroy();
      assertThat(n.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static byte[] request(String node, long first) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (long i = first; i < first + 10; i++) {
      scope.addSpans(Span.newBuilder().setName(node + i)
          .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(0x7b8efff798038103L).putLong(i + 1)
              .array()))
          .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(i + 1).array())));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope))
        .build().toByteArray();
  }
}
