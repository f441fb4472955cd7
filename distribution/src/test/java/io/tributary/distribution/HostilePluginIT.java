package io.tributary.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static io.tributary.distribution.ServerProcesses.awaitHealth;
import static io.tributary.distribution.ServerProcesses.freePort;
import static io.tributary.distribution.ServerProcesses.readQuietly;
import static org.assertj.core.api.Assertions.fail;

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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins run in-process and are trusted code, but a broken one must not hang the node. The
 * attacks, on the assembled distribution as a real process: plugin jars (built here) whose
 * {@code descriptor()} or {@code create()} never returns, and one whose {@code create()} calls
 * {@code System.exit}.
 */
class HostilePluginIT {

  private static final Path DISTRIBUTION =
      Path.of(System.getProperty("tributary.distribution.dir", "target/tributary"));
  private static final String ADMIN_TOKEN = "trb_distribution-test-admin-token-42";
  /** The node's plugin call limit (PluginGuard.DEFAULT_LIMIT) and drain time, and some slack. */
  private static final Duration CALL_LIMIT = Duration.ofSeconds(10);
  private static final Duration DRAIN = Duration.ofSeconds(20);

  @TempDir Path temp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void kill_leftover_processes() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void sigterm_ends_the_node_within_the_drain_time_while_plugin_calls_hang() throws Exception {
    Path plugins = Files.createDirectories(temp.resolve("plugins"));
    hostileJar(plugins, "hangd", "hang-descriptor");
    hostileJar(plugins, "hangc", "hang-create");
    int port = freePort();
    Path log = temp.resolve("serve.log");
    Process server = launch(log, port, plugins);

    // The node starts although one descriptor() never returns: that plugin is marked failed.
    awaitHealth(server, port, log, CALL_LIMIT.plus(Duration.ofSeconds(30)));
    assertThat(get(port, "/api/v1/plugins").body()).contains("hangd").contains("did not return within");
    // A check that calls the create() that never returns answers after the limit, with the cause.
    long start = System.nanoTime();
    HttpResponse<String> check = post(port, "/api/v1/environments/dev/pipeline/check",
        "{\"stages\": [{\"name\": \"h\", \"processor\": \"hangc\", \"config\": {}}]}");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(CALL_LIMIT.plus(Duration.ofSeconds(10)));
    assertThat(check.statusCode()).as(check.body()).isEqualTo(200);
    assertThat(check.body()).contains("did not return within");

    // Two plugin threads are stuck for good; SIGTERM still ends the process, cleanly.
    server.destroy();
    assertThat(server.waitFor(DRAIN.plus(Duration.ofSeconds(15)).toSeconds(), TimeUnit.SECONDS))
        .as("exits within the drain time of SIGTERM; log:%n%s", readQuietly(log)).isTrue();
    assertThat(server.exitValue()).as("exit status; log:%n%s", readQuietly(log)).isZero();
  }

  @Test
  void system_exit_in_plugin_code_ends_the_process_so_a_supervisor_restarts_it() throws Exception {
    Path plugins = Files.createDirectories(temp.resolve("plugins"));
    hostileJar(plugins, "quitter", "exit-create");
    int port = freePort();
    Path log = temp.resolve("serve.log");
    Process server = launch(log, port, plugins);
    awaitHealth(server, port, log, Duration.ofSeconds(30));

    try {
      post(port, "/api/v1/environments/dev/pipeline/check",
          "{\"stages\": [{\"name\": \"q\", \"processor\": \"quitter\", \"config\": {}}]}");
    } catch (IOException connectionClosed) {
      // The process may be gone before it answers.
    }

    assertThat(server.waitFor(DRAIN.plus(Duration.ofSeconds(15)).toSeconds(), TimeUnit.SECONDS))
        .as("the process ended; log:%n%s", readQuietly(log)).isTrue();
    assertThat(server.exitValue()).as("the plugin's exit status; log:%n%s", readQuietly(log)).isEqualTo(3);
    // Not left half alive: nothing listens on the admin port any more.
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("localhost", port), 1_000);
      fail("something still listens on the admin port");
    } catch (IOException expected) {
      // refused: the process is gone
    }
  }

  // ------------------------------------------------------------------ helpers

  private void hostileJar(Path plugins, String id, String misbehaviour) throws IOException {
    String className = "fx." + id + ".Factory";
    Path classes = TestJars.compile(Files.createDirectories(temp.resolve("build-" + id)),
        Map.of(className, TestJars.misbehavingFactorySource(className, id, "1.0.0", misbehaviour)));
    TestJars.jar().plugin(id, "1.0.0").classes(classes, "fx." + id).services(className)
        .writeTo(plugins.resolve(id + ".jar"));
  }

  private Process launch(Path log, int port, Path plugins) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(DISTRIBUTION.resolve("bin/tributary").toAbsolutePath().toString(),
        "serve", "--admin-port", String.valueOf(port), "--otlp-port", "0", "--otlp-grpc-port", "0", "--data-dir",
        temp.resolve("data").toString(), "--plugins-dir", plugins.toString())
        .directory(temp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("TRIBUTARY_"));
    builder.environment().put("TRIBUTARY_ADMIN_TOKEN", ADMIN_TOKEN);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private static HttpResponse<String> post(int port, String path, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + ADMIN_TOKEN)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
  }



}
