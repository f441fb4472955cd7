package io.tributary.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} in the middle of a stream of pipeline writes to the real server on its
 * embedded H2 file: after a restart every acknowledged revision is there, and the audit chain
 * verifies.
 */
class CrashDurabilityIT {

  private static final Path DISTRIBUTION =
      Path.of(System.getProperty("tributary.distribution.dir", "target/tributary"));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "trb_crash-test-admin-token-0123456789";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path temp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void kill_leftovers() {
    started.forEach(Process::destroyForcibly);
  }

  private Process launch(int port, Path log) throws IOException {
    ProcessBuilder b = new ProcessBuilder(DISTRIBUTION.resolve("bin/tributary").toAbsolutePath().toString(),
        "serve", "--admin-port", String.valueOf(port), "--otlp-port", "0", "--otlp-grpc-port", "0", "--data-dir", temp.resolve("data").toString(),
        "--plugins-dir", DISTRIBUTION.resolve("plugins").toAbsolutePath().toString())
        .directory(temp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    b.environment().keySet().removeIf(name -> name.startsWith("TRIBUTARY_"));
    b.environment().put("TRIBUTARY_ADMIN_TOKEN", TOKEN);
    Process p = b.start();
    started.add(p);
    return p;
  }

  private static HttpResponse<String> call(int port, String method, String path, String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + TOKEN);
    r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitHealth(Process p, int port, Path log) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      assertThat(p.isAlive()).as("server alive; log:%n%s", Files.readString(log)).isTrue();
      try {
        if (call(port, "GET", "/api/v1/health", null).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("no health within 20 s; log:\n" + Files.readString(log));
  }

  @Test
  void every_acknowledged_revision_survives_kill_dash_nine() throws Exception {
    int port = freePort();
    Path log = temp.resolve("first.log");
    Process server = launch(port, log);
    awaitHealth(server, port, log);
    JsonNode pipeline = JSON.readTree(call(port, "GET", "/api/v1/environments/dev/pipeline", null).body());
    long base = pipeline.get("revision").asLong();
    List<Long> acknowledged = new ArrayList<>();
    Thread killer = new Thread(() -> {
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        return;
      }
      server.destroyForcibly(); // SIGKILL
    });
    killer.start();
    for (int i = 0; i < 10_000 && server.isAlive(); i++) {
      ObjectNode body = JSON.createObjectNode();
      body.put("baseRevision", base);
      body.set("stages", pipeline.get("stages"));
      ((ObjectNode) body.get("stages").get(1)).put("enabled", i % 2 == 0);
      body.put("reason", "write " + i);
      HttpResponse<String> r;
      try {
        r = call(port, "PUT", "/api/v1/environments/dev/pipeline", body.toString());
      } catch (IOException killed) {
        break;
      }
      if (r.statusCode() != 200) {
        break;
      }
      base = JSON.readTree(r.body()).get("revision").asLong();
      acknowledged.add(base);
    }
    killer.join();
    assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(acknowledged).as("writes acknowledged before the kill").hasSizeGreaterThan(5);

    Path log2 = temp.resolve("second.log");
    Process again = launch(port, log2);
    awaitHealth(again, port, log2);
    JsonNode revisions = JSON.readTree(call(port, "GET", "/api/v1/environments/dev/pipeline/revisions", null).body());
    List<Long> present = new ArrayList<>();
    revisions.forEach(r -> present.add(r.get("revision").asLong()));
    assertThat(present).containsAll(acknowledged);
    JsonNode verify = JSON.readTree(call(port, "GET", "/api/v1/audit/verify", null).body());
    assertThat(verify.get("valid").asBoolean()).as("%s", verify).isTrue();
    again.destroy();
    assertThat(again.waitFor(15, TimeUnit.SECONDS)).isTrue();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
