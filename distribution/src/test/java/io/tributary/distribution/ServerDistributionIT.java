package io.tributary.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static io.tributary.distribution.ServerProcesses.ADMIN_TOKEN;
import static io.tributary.distribution.ServerProcesses.DISTRIBUTION;
import static io.tributary.distribution.ServerProcesses.LAUNCHER;
import static io.tributary.distribution.ServerProcesses.awaitHealth;
import static io.tributary.distribution.ServerProcesses.freePort;
import static io.tributary.distribution.ServerProcesses.readQuietly;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** Boots the assembled distribution (target/tributary) as a real process. */
class ServerDistributionIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void kill_leftover_processes() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void the_distribution_has_the_expected_layout() {
    assertThat(LAUNCHER).isRegularFile();
    assertThat(Files.isExecutable(LAUNCHER)).as("bin/tributary is executable").isTrue();
    assertThat(DISTRIBUTION.resolve("lib")).isDirectoryContaining("glob:**/admin-ui-*.jar");
    assertThat(DISTRIBUTION.resolve("lib")).isDirectoryContaining("glob:**/javalin-*.jar");
    assertThat(DISTRIBUTION.resolve("plugins/README.txt")).isRegularFile();
    for (String id : BUILT_IN_PROCESSORS) {
      assertThat(DISTRIBUTION.resolve("plugins/plugin-" + id + ".jar")).isRegularFile();
    }
    assertThat(DISTRIBUTION.resolve("conf/README.txt")).isRegularFile();
  }

  @Test
  void serve_answers_health_and_stops_with_status_0_on_sigterm() throws Exception {
    int port = freePort();
    Path dataDir = temp.resolve("data");
    Path log = temp.resolve("serve.log");
    Process server =
        launch(log, "serve", "--admin-port", String.valueOf(port), "--otlp-port", "0", "--otlp-grpc-port", "0", "--data-dir",
            dataDir.toString());

    HttpResponse<String> health = awaitHealth(server, port, log, Duration.ofSeconds(10));

    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(health.body());
    assertThat(body.get("status").asText()).isEqualTo("UP");
    assertThat(body.get("env").asText()).isEqualTo("dev");
    assertThat(body.get("version").asText()).isNotBlank().isNotEqualTo("unknown");
    assertThat(body.get("uptimeSeconds").isIntegralNumber()).isTrue();
    assertThat(dataDir).as("data dir created").isDirectory();
    assertThat(Files.readString(log)).contains("http://localhost:" + port + "/");
    // The web UI and its chart library are read from the class path while running on the module path.
    HttpResponse<String> index = get(port, "/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).contains("app.js");
    assertThat(get(port, "/pages/pipeline.js").statusCode()).isEqualTo(200);
    assertThat(get(port, "/webjars/uplot/1.6.30/dist/uPlot.esm.js").statusCode()).isEqualTo(200);

    server.destroy(); // SIGTERM on Linux

    assertThat(server.waitFor(15, TimeUnit.SECONDS))
        .as("exits within 15 s of SIGTERM; log:%n%s", readQuietly(log))
        .isTrue();
    assertThat(server.exitValue()).as("exit status; log:%n%s", readQuietly(log)).isZero();
    assertThat(Files.readString(log)).contains("Tributary stopped");
  }

  static final List<String> BUILT_IN_PROCESSORS = List.of("attributes", "correlation", "environment",
      "lookup", "pii-redaction", "semconv-upgrade", "user-session");

  @Test
  void the_built_in_plugins_dropped_into_an_empty_folder_appear_within_five_seconds() throws Exception {
    int port = freePort();
    Path plugins = Files.createDirectories(temp.resolve("plugins"));
    Path log = temp.resolve("serve.log");
    Process server = launch(log, "serve", "--admin-port", String.valueOf(port), "--otlp-port", "0", "--otlp-grpc-port", "0", "--data-dir",
        temp.resolve("data").toString(), "--plugins-dir", plugins.toString());
    awaitHealth(server, port, log, Duration.ofSeconds(10));
    assertThat(get(port, "/api/v1/processors").body()).isEqualTo("[]");
    assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://localhost:" + port + "/api/v1/processors")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).as("no token").isEqualTo(401);

    // A broken jar first: the server records it and stays healthy.
    Files.writeString(plugins.resolve("broken.jar"), "not a jar");
    List<Path> builtIns;
    try (var files = Files.list(DISTRIBUTION.resolve("plugins"))) {
      builtIns = files.filter(f -> f.toString().endsWith(".jar")).collect(java.util.stream.Collectors.toList());
    }
    assertThat(builtIns).hasSize(BUILT_IN_PROCESSORS.size());
    long start = System.nanoTime();
    for (Path jar : builtIns) {
      Path part = plugins.resolve(jar.getFileName() + ".part");
      Files.copy(jar, part);
      Files.move(part, plugins.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    List<String> ids = List.of();
    while (System.nanoTime() - start < 10_000_000_000L) {
      ids = new ArrayList<>();
      for (JsonNode p : JSON.readTree(get(port, "/api/v1/processors").body())) {
        ids.add(p.get("id").asText());
      }
      if (ids.size() == BUILT_IN_PROCESSORS.size()) {
        break;
      }
      Thread.sleep(100);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(ids).as("log:%n%s", readQuietly(log)).containsExactlyElementsOf(BUILT_IN_PROCESSORS);
    assertThat(took).isLessThan(Duration.ofSeconds(5));

    JsonNode files = JSON.readTree(get(port, "/api/v1/plugins").body());
    JsonNode broken = null;
    for (JsonNode f : files) {
      if (f.get("file").asText().equals("broken.jar")) {
        broken = f;
      }
    }
    assertThat(broken).isNotNull();
    assertThat(broken.get("state").asText()).isEqualTo("failed");
    assertThat(broken.get("error").asText()).contains("not a valid jar");
    assertThat(get(port, "/api/v1/health").statusCode()).isEqualTo(200);
    JsonNode pii = JSON.readTree(get(port, "/api/v1/processors/pii-redaction").body());
    JsonNode version = pii.get("versionDetails").get(0);
    assertThat(version.get("source").asText()).isEqualTo("plugin");
    assertThat(version.get("available").asBoolean()).isTrue();
    assertThat(version.get("sha256").asText()).hasSize(64);
    assertThat(version.get("descriptor").get("examples").size()).isPositive();

    // check-plugin while the server holds its embedded database: it reads a copy of the file and
    // leaves the server's lock alone (the server keeps writing), then the same check through the
    // server's API, the jar's code running in the CLI's process either way.
    Path piiJar = builtIns.stream().filter(j -> j.getFileName().toString().contains("pii-redaction")).findFirst()
        .orElseThrow();
    Path checkLog = temp.resolve("check-plugin.log");
    assertThat(runToEnd(checkLog, "check-plugin", "--data-dir", temp.resolve("data").toString(), piiJar.toString()))
        .as("%s", readQuietly(checkLog)).isZero();
    assertThat(Files.readString(checkLog)).contains("in use by a running server: read from a copy")
        .contains("OK   " + piiJar.getFileName() + " loads").doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(Files.list(temp.resolve("data")).map(p -> p.getFileName().toString()))
        .as("the copy is made elsewhere").doesNotContain("catalog-snapshot");
    Path viaApi = temp.resolve("check-plugin-api.log");
    Path tokenFile = Files.writeString(temp.resolve("token"), ADMIN_TOKEN + "\n");
    assertThat(runToEnd(viaApi, "check-plugin", "--server", "http://localhost:" + port, "--token-file",
        tokenFile.toString(), piiJar.toString()))
        .as("%s", readQuietly(viaApi)).isZero();
    assertThat(Files.readString(viaApi)).contains("loads: plugin").contains("worked example(s) pass");

    // The server's own check of the same jar runs it in a child JVM on the module path: it loads and its
    // examples pass, and the node refuses it only because this very jar already offers the processor.
    HttpResponse<String> checked = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/plugins/check?name=pii.jar"))
            .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/java-archive")
            .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofFile(piiJar)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(checked.statusCode()).as(checked.body()).isEqualTo(200);
    JsonNode report = JSON.readTree(checked.body());
    assertThat(report.get("loads").asBoolean()).as(checked.body()).isTrue();
    assertThat(report.get("verdict").asText()).isEqualTo("refused");
    assertThat(report.get("processors").get(0).get("refused").get(0).asText()).contains("this very jar");
    assertThat(report.get("processors").get(0).get("examples").findValuesAsText("passed")).isNotEmpty()
        .allMatch("true"::equals);
  }

  @Test
  void an_otlp_json_span_comes_out_enriched_in_the_jsonl_output_on_the_module_path() throws Exception {
    int port = freePort();
    int otlp = freePort();
    Path data = temp.resolve("otlp-data");
    Path log = temp.resolve("otlp.log");
    Process server = launch(log, "serve", "--admin-port", String.valueOf(port), "--otlp-port", String.valueOf(otlp), "--otlp-grpc-port", "0",
        "--data-dir", data.toString());
    awaitHealth(server, port, log, Duration.ofSeconds(15));
    String span = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
        + "\"value\":{\"stringValue\":\"checkout\"}}]},\"scopeSpans\":[{\"spans\":[{"
        + "\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\","
        + "\"name\":\"POST /cart\",\"kind\":2,\"attributes\":[{\"key\":\"user.email\","
        + "\"value\":{\"stringValue\":\"ada@example.com\"}}]}]}]}]}";
    HttpResponse<String> sent = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + otlp + "/v1/traces"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(span)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(sent.statusCode()).as("%s; log:%n%s", sent.body(), readQuietly(log)).isEqualTo(200);
    Path out = data.resolve("out/telemetry.jsonl");
    String line = "";
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Files.exists(out) && !(line = Files.readString(out)).isBlank()) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(line).as("log:%n%s", readQuietly(log))
        .contains("5b8efff798038103d269b633813fc60c")
        .contains("deployment.environment.name")
        .contains("[REDACTED:email]").doesNotContain("ada@example.com")
        .contains("tributary.lineage");
    server.destroy();
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(server.exitValue()).isZero();
  }

  /**
   * Issue 10 item 1 against the real distribution, whose lookup processor is a PF4J plugin jar: a
   * candidate stage naming the process environment (which holds TRIBUTARY_ADMIN_TOKEN) or the
   * catalog key is refused without quoting them, while a CSV in the lookup dir is read through the
   * host's ConfigFiles (the plugin calls {@code ProcessorContext.readFile}) across the plugin's
   * class loader.
   */
  @Test
  void a_lookup_plugin_jar_reads_only_the_lookup_dir_and_never_leaks_the_admin_token() throws Exception {
    int port = freePort();
    Path data = temp.resolve("lookup-data");
    Path log = temp.resolve("lookup.log");
    Process server = launch(log, "serve", "--admin-port", String.valueOf(port), "--otlp-port", "0", "--otlp-grpc-port", "0",
        "--data-dir", data.toString());
    awaitHealth(server, port, log, Duration.ofSeconds(15));
    String key = Files.readString(data.resolve("secret.key")).strip();
    for (String file : List.of("/proc/self/environ", data.resolve("secret.key").toString(), "../secret.key")) {
      String stage = "{\"name\": \"steal\", \"processor\": \"lookup\", \"config\": {\"key\": \"k\","
          + " \"csvFile\": " + JSON.writeValueAsString(file) + ", \"keyColumn\": \"zz\"}}";
      HttpResponse<String> check = post(port, "/api/v1/environments/dev/pipeline/check", "{\"stages\": [" + stage + "]}");
      assertThat(check.statusCode()).as("%s", check.body()).isEqualTo(200);
      assertThat(check.body()).as(file).contains("outside the lookup dir")
          .doesNotContain(ADMIN_TOKEN).doesNotContain(key).doesNotContain("TRIBUTARY_");
    }
    Files.writeString(data.resolve("lookup/tenants.csv"), "tenant,tier\nacme,gold\n");
    HttpResponse<String> simulated = post(port, "/api/v1/environments/dev/simulate",
        "{\"items\": [{\"kind\": \"span\", \"name\": \"x\", \"attributes\": {\"k\": \"acme\"}}],"
            + " \"stages\": [{\"processor\": \"lookup\", \"config\": {\"key\": \"k\", \"csvFile\": \"tenants.csv\"}}]}");
    assertThat(simulated.statusCode()).as("%s; log:%n%s", simulated.body(), readQuietly(log)).isEqualTo(200);
    assertThat(JSON.readTree(simulated.body()).get("results").get(0).get("output").get("attributes")
        .get("tier").asText()).isEqualTo("gold");
    server.destroy();
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private static HttpResponse<String> post(int port, String path, String body) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Authorization", "Bearer " + ADMIN_TOKEN).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void help_lists_all_six_options() throws Exception {
    Path log = temp.resolve("help.log");

    int status = runToEnd(log, "--help");

    assertThat(status).isZero();
    assertThat(Files.readString(log))
        .contains(
            "--admin-port", "--otlp-port", "--data-dir", "--plugins-dir", "--env", "--db-url")
        .contains("serve");
  }

  @Test
  void a_bad_admin_port_exits_2_naming_the_option() throws Exception {
    Path log = temp.resolve("bad-port.log");

    int status = runToEnd(log, "serve", "--admin-port", "abc");

    assertThat(status).isEqualTo(2);
    assertThat(Files.readString(log)).contains("--admin-port").contains("abc");
  }

  @Test
  void a_busy_admin_port_exits_1_naming_the_option() throws Exception {
    try (ServerSocket busy = new ServerSocket(0)) {
      Path log = temp.resolve("busy-port.log");

      int status =
          runToEnd(
              log,
              "serve",
              "--admin-port",
              String.valueOf(busy.getLocalPort()),
              "--otlp-port",
              "0",
              "--data-dir",
              temp.resolve("data").toString());

      assertThat(status).isEqualTo(1);
      assertThat(Files.readString(log))
          .contains("cannot listen on --admin-port " + busy.getLocalPort());
    }
  }

  @Test
  void the_launcher_finds_its_home_through_a_symlink() throws Exception {
    Path link = temp.resolve("bin/tributary");
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, LAUNCHER.toAbsolutePath());
    Path log = temp.resolve("symlink.log");

    try {
      Process process = start(link, log, List.of("--version"));

      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(readQuietly(log)).isZero();
      assertThat(Files.readString(log)).startsWith("tributary ");
    } finally {
      Files.delete(link); // JUnit warns about links leaving the temp dir
    }
  }

  private int runToEnd(Path log, String... args) throws Exception {
    Process process = launch(log, args);
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      fail("tributary %s did not exit within 30 s; log:%n%s", List.of(args), readQuietly(log));
    }
    return process.exitValue();
  }

  private Process launch(Path log, String... args) throws IOException {
    return start(LAUNCHER, log, List.of(args));
  }

  private Process start(Path launcher, Path log, List<String> args) throws IOException {
    return ServerProcesses.start(launcher, temp, log, args, started);
  }



}
