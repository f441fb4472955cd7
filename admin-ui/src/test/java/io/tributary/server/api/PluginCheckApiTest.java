package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.gateway.ExporterSpec;
import io.tributary.server.BuildInfo;
import io.tributary.server.Node;
import io.tributary.server.config.ServerConfig;
import io.tributary.server.http.PluginCheckProcess;
import io.tributary.testing.TestJars;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /api/v1/plugins/check} with real jars built here: good ones, broken ones and hostile
 * ones. The node's plugins folder holds {@code shaper 1.0.0}, so the catalog knows it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class PluginCheckApiTest {

  /** Short enough for a test, longer than a check of a well-behaved jar takes here. */
  static final Duration WALL_CLOCK = Duration.ofSeconds(12);

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  Path dir;
  Path build;
  Node node;
  int port;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("tributary-plugin-check-test-");
    build = dir.resolve("build");
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    ContractBreakTest.jar(build, plugins, "fx.shaper.a", "1.0.0", "ConfigField.string(\"mode\")");
    Path data = dir.resolve("data");
    node = Node.start(new ServerConfig(0, 0, data, plugins, "dev", "", ExporterSpec.DEFAULT, true),
        new BuildInfo("test"),
        new Node.Options(Duration.ofMillis(200), Duration.ofMillis(100), TestNode.ADMIN_TOKEN, Clock.systemUTC(),
            null, Duration.ofSeconds(30))
            .withPluginCheckLimits(new PluginCheckProcess.Limits(WALL_CLOCK, 256, 1 << 20)));
    port = node.server().adminPort();
    long deadline = System.currentTimeMillis() + 20_000;
    while (get("/api/v1/processors/shaper").statusCode() != 200) {
      assertThat(System.currentTimeMillis()).as("shaper 1.0.0 in the catalog").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + TestNode.ADMIN_TOKEN).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> check(int port, String token, byte[] body, String contentType) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/plugins/check?name=x.jar"))
        .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> check(Path jar) throws Exception {
    return check(port, TestNode.ADMIN_TOKEN, Files.readAllBytes(jar), "application/java-archive");
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return TestNode.JSON.readTree(r.body());
  }

  /** A plugin {@code greeter 1.0.0} whose worked example holds, padded past the API's usual 1 MiB body limit. */
  public static Path goodJar(Path build) throws Exception {
    String source = "package fx.greet;\n"
        + "import io.tributary.api.*;\n"
        + "public final class GreeterFactory implements ProcessorFactory {\n"
        + "  public ProcessorDescriptor descriptor() {\n"
        + "    Item in = Item.span();\n"
        + "    Item out = Item.span();\n"
        + "    out.attributes().put(\"greeting\", \"hello\");\n"
        + "    return ProcessorDescriptor.builder(\"greeter\", \"1.0.0\").title(\"Greeter\").writes(\"greeting\")\n"
        + "        .example(\"greets\", java.util.Map.of(), in, out).stable().build();\n"
        + "  }\n"
        + "  public Processor create(ProcessorContext context) {\n"
        + "    return item -> item.attributes().put(\"greeting\", \"hello\");\n"
        + "  }\n"
        + "}\n";
    Path classes = TestJars.compile(Files.createDirectories(build.resolve("greet")), Map.of("fx.greet.GreeterFactory", source));
    byte[] padding = new byte[2 << 20];
    new java.util.Random(42).nextBytes(padding);
    return TestJars.jar().plugin("greeter", "1.0.0").classes(classes, "fx.greet").services("fx.greet.GreeterFactory")
        .entry("padding.bin", padding).writeTo(build.resolve("greeter-1.0.0.jar"));
  }

  private Path jar(String name, String pluginId, String className, String source) throws Exception {
    String pkg = className.substring(0, className.lastIndexOf('.'));
    Path classes = TestJars.compile(Files.createDirectories(build.resolve(name)), Map.of(className, source));
    return TestJars.jar().plugin(pluginId, "1.0.0").classes(classes, pkg).services(className)
        .writeTo(build.resolve(name + ".jar"));
  }

  @Test
  void a_good_jar_would_load_and_its_examples_pass() throws Exception {
    Path jar = goodJar(build);
    assertThat(Files.size(jar)).isGreaterThan(1 << 20);
    HttpResponse<String> r = check(jar);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("verdict").asText()).isEqualTo("ok");
    assertThat(body.get("loads").asBoolean()).isTrue();
    assertThat(body.get("pluginId").asText()).isEqualTo("greeter");
    assertThat(body.get("pluginVersion").asText()).isEqualTo("1.0.0");
    assertThat(body.get("file").asText()).isEqualTo("x.jar");
    assertThat(body.get("sha256").asText()).isEqualTo(sha256(jar));
    JsonNode p = body.get("processors").get(0);
    assertThat(p.get("id").asText()).isEqualTo("greeter");
    assertThat(p.get("version").asText()).isEqualTo("1.0.0");
    assertThat(p.get("refused")).isEmpty();
    assertThat(p.get("contract").isNull()).isTrue();
    assertThat(p.get("examples").get(0).get("title").asText()).isEqualTo("greets");
    assertThat(p.get("examples").get(0).get("passed").asBoolean()).isTrue();
    // Audited: who, which jar (by hash), the verdict.
    JsonNode audit = json(get("/api/v1/audit?action=plugin.checked"));
    JsonNode event = audit.get(0);
    assertThat(event.get("actor").asText()).isEqualTo("admin");
    assertThat(event.get("target").asText()).isEqualTo("plugin:greeter");
    assertThat(event.get("after").get("sha256").asText()).isEqualTo(sha256(jar));
    assertThat(event.get("after").get("verdict").asText()).isEqualTo("ok");
  }

  @Test
  void a_patch_that_breaks_the_contract_is_flagged_with_the_change() throws Exception {
    ContractBreakTest.jar(build, build, "fx.shaper.b", "1.0.1", "ConfigField.string(\"mode\").required()");
    HttpResponse<String> r = check(build.resolve("shaper-1.0.1.jar"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("verdict").asText()).isEqualTo("breaks-semver");
    assertThat(body.get("summary").asText()).contains("shaper@1.0.1").contains("patch").contains("major");
    JsonNode contract = body.get("processors").get(0).get("contract");
    assertThat(contract.get("from").asText()).isEqualTo("1.0.0");
    assertThat(contract.get("to").asText()).isEqualTo("1.0.1");
    assertThat(contract.get("actualBump").asText()).isEqualTo("patch");
    assertThat(contract.get("requiredBump").asText()).isEqualTo("major");
    assertThat(contract.get("semverViolation").asBoolean()).isTrue();
    assertThat(contract.get("changes").toString()).contains("config.required").contains("mode");
  }

  @Test
  void a_jar_whose_descriptor_the_node_would_refuse_names_the_reason() throws Exception {
    Path jar = jar("bad-id", "bad-id", "fx.bad.BadFactory",
        TestJars.factorySource("fx.bad.BadFactory", "Bad_Id", "1.0.0", "k", "v"));
    HttpResponse<String> r = check(jar);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("verdict").asText()).isEqualTo("refused");
    assertThat(body.get("loads").asBoolean()).isFalse();
    assertThat(body.get("refused").get(0).asText()).contains("Bad_Id").contains("id must be lowercase");
    assertThat(body.get("summary").asText()).contains("would refuse").contains("Bad_Id");
  }

  @Test
  void a_jar_offering_a_version_this_node_already_has_from_another_file_would_be_refused() throws Exception {
    ContractBreakTest.jar(build.resolve("again"), Files.createDirectories(build.resolve("again-out")), "fx.shaper.z",
        "1.0.0", "ConfigField.string(\"mode\")");
    HttpResponse<String> r = check(build.resolve("again-out").resolve("shaper-1.0.0.jar"));
    JsonNode body = json(r);
    assertThat(body.get("verdict").asText()).as(r.body()).isEqualTo("refused");
    assertThat(body.get("processors").get(0).get("refused").get(0).asText())
        .contains("shaper@1.0.0 is already offered on this node by plugin shaper@1.0.0 (shaper-1.0.0.jar)");
  }

  /** A plugin {@code ex 1.0.0} whose worked example promises tag=promised, and whose processor sets tag=delivered. */
  public static Path failingExampleJar(Path build) throws Exception {
    String source = "package fx.ex;\n"
        + "import io.tributary.api.*;\n"
        + "public final class ExFactory implements ProcessorFactory {\n"
        + "  public ProcessorDescriptor descriptor() {\n"
        + "    Item in = Item.span();\n"
        + "    Item promised = Item.span();\n"
        + "    promised.attributes().put(\"tag\", \"promised\");\n"
        + "    return ProcessorDescriptor.builder(\"ex\", \"1.0.0\").writes(\"tag\")\n"
        + "        .example(\"tags\", java.util.Map.of(), in, promised).build();\n"
        + "  }\n"
        + "  public Processor create(ProcessorContext context) {\n"
        + "    return item -> item.attributes().put(\"tag\", \"delivered\");\n"
        + "  }\n"
        + "}\n";
    Path classes = TestJars.compile(Files.createDirectories(build.resolve("ex")), Map.of("fx.ex.ExFactory", source));
    return TestJars.jar().plugin("ex", "1.0.0").classes(classes, "fx.ex").services("fx.ex.ExFactory")
        .writeTo(build.resolve("ex-1.0.0.jar"));
  }

  @Test
  void a_failing_worked_example_is_named_with_expected_and_actual() throws Exception {
    HttpResponse<String> r = check(failingExampleJar(build));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.get("verdict").asText()).isEqualTo("examples-fail");
    JsonNode example = body.get("processors").get(0).get("examples").get(0);
    assertThat(example.get("title").asText()).isEqualTo("tags");
    assertThat(example.get("passed").asBoolean()).isFalse();
    assertThat(example.get("expected").get("attributes").get("tag").asText()).isEqualTo("promised");
    assertThat(example.get("actual").get("attributes").get("tag").asText()).isEqualTo("delivered");
    assertThat(example.get("message").asText()).contains("example 'tags'");
  }

  @Test
  void a_jar_that_loops_forever_is_stopped_at_the_limit_and_the_node_answers_the_next_check() throws Exception {
    Path looping = jar("loop", "loop", "fx.loop.LoopFactory",
        TestJars.misbehavingFactorySource("fx.loop.LoopFactory", "loop", "1.0.0", "hang-descriptor"));
    long started = System.nanoTime();
    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> {
      try {
        return check(looping);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // While it runs, a second check on the node is turned away with a time to come back.
    Thread.sleep(1_500);
    HttpResponse<String> busy = check(port, TestNode.ADMIN_TOKEN, "hello".getBytes(), "application/octet-stream");
    assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
    assertThat(busy.headers().firstValue("Retry-After")).isPresent();
    assertThat(json(busy).get("error").asText()).isEqualTo("check_busy");

    HttpResponse<String> r = first.get(90, java.util.concurrent.TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    assertThat(json(r).get("error").asText()).isEqualTo("check_timed_out");
    assertThat(json(r).get("message").asText()).contains("did not finish within " + WALL_CLOCK.toSeconds() + " s");
    assertThat(took).isGreaterThanOrEqualTo(WALL_CLOCK).isLessThan(WALL_CLOCK.plusSeconds(15));
    assertNoCheckProcessLeft();

    assertThat(get("/api/v1/health").statusCode()).isEqualTo(200);
    HttpResponse<String> next = check(goodJar(build.resolve("next")));
    assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    assertThat(json(next).get("verdict").asText()).isEqualTo("ok");
  }

  @Test
  void a_jar_that_allocates_without_bound_is_stopped_at_the_heap_limit() throws Exception {
    String source = "package fx.hog;\n"
        + "import io.tributary.api.*;\n"
        + "public final class HogFactory implements ProcessorFactory {\n"
        + "  public ProcessorDescriptor descriptor() {\n"
        + "    java.util.List<long[]> hoard = new java.util.ArrayList<>();\n"
        + "    while (true) { hoard.add(new long[1 << 20]); }\n"
        + "  }\n"
        + "  public Processor create(ProcessorContext context) { return item -> { }; }\n"
        + "}\n";
    HttpResponse<String> r = check(jar("hog", "hog", "fx.hog.HogFactory", source));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    assertThat(json(r).get("error").asText()).isEqualTo("check_out_of_memory");
    assertThat(json(r).get("message").asText()).contains("256 MiB");
    assertNoCheckProcessLeft();
    assertThat(get("/api/v1/health").statusCode()).isEqualTo(200);
  }

  /**
   * A jar that looks for the server's database and secrets while it is checked, and reports what it
   * found through its worked example (whose expected output is what it saw).
   */
  @Test
  void a_snooping_jar_finds_no_database_path_and_no_environment() throws Exception {
    String source = "package fx.snoop;\n"
        + "import io.tributary.api.*;\n"
        + "public final class SnoopFactory implements ProcessorFactory {\n"
        + "  public ProcessorDescriptor descriptor() {\n"
        + "    Item seen = Item.span();\n"
        + "    seen.attributes().put(\"env\", String.valueOf(System.getenv()));\n"
        + "    seen.attributes().put(\"password\", String.valueOf(System.getenv(\"TRIBUTARY_DB_PASSWORD\")));\n"
        + "    try {\n"
        + "      seen.attributes().put(\"args\", new String(java.nio.file.Files.readAllBytes("
        + "java.nio.file.Path.of(\"/proc/self/cmdline\"))).replace('\\0', ' '));\n"
        + "    } catch (java.io.IOException e) { throw new java.io.UncheckedIOException(e); }\n"
        + "    seen.attributes().put(\"cwd\", System.getProperty(\"user.dir\"));\n"
        + "    seen.attributes().put(\"props\", String.valueOf(System.getProperties()));\n"
        + "    boolean db = false;\n"
        + "    for (String p : new String[] {\"catalog.mv.db\", \"data/catalog.mv.db\", \"../data/catalog.mv.db\"}) {\n"
        + "      db |= java.nio.file.Files.isReadable(java.nio.file.Path.of(p));\n"
        + "    }\n"
        + "    seen.attributes().put(\"db\", db);\n"
        + "    return ProcessorDescriptor.builder(\"snoop\", \"1.0.0\").writes(\"x\")\n"
        + "        .example(\"what I saw\", java.util.Map.of(), Item.span(), seen).build();\n"
        + "  }\n"
        + "  public Processor create(ProcessorContext context) { return item -> { }; }\n"
        + "}\n";
    HttpResponse<String> r = check(jar("snoop", "snoop", "fx.snoop.SnoopFactory", source));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode seen = json(r).get("processors").get(0).get("examples").get(0).get("expected").get("attributes");
    assertThat(System.getenv()).as("this test's own environment is not empty").isNotEmpty();
    assertThat(seen.get("env").asText()).isEqualTo("{}");
    assertThat(seen.get("password").asText()).isEqualTo("null");
    assertThat(seen.get("db").asBoolean()).isFalse();
    String data = dir.resolve("data").toAbsolutePath().toString();
    assertThat(seen.get("args").asText()).doesNotContain(data).doesNotContain("jdbc").contains("PluginCheckChild");
    assertThat(seen.get("props").asText()).doesNotContain(data).doesNotContain("jdbc");
    assertThat(seen.get("cwd").asText()).doesNotStartWith(data).doesNotStartWith(dir.toString());
    // Its working directory is gone once the check is answered.
    assertThat(Path.of(seen.get("cwd").asText())).doesNotExist();
  }

  @Test
  void what_is_not_a_jar_is_400_and_a_jar_too_big_is_413_naming_the_limit() throws Exception {
    HttpResponse<String> text = check(port, TestNode.ADMIN_TOKEN, "hello".getBytes(), "application/java-archive");
    assertThat(text.statusCode()).as(text.body()).isEqualTo(400);
    assertThat(json(text).get("error").asText()).isEqualTo("not_a_jar");
    assertThat(json(text).get("message").asText()).contains("not a jar");

    HttpResponse<String> json = check(port, TestNode.ADMIN_TOKEN, "{}".getBytes(), "application/json");
    assertThat(json.statusCode()).as(json.body()).isEqualTo(415);
    assertThat(json(json).get("message").asText()).contains("application/java-archive");

    // Refused on its declared length, before a byte of the body is read (as curl sends a big file: the
    // headers first). A raw socket, as the JDK 17 client hangs on a final answer to Expect: 100-continue.
    try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(("POST /api/v1/plugins/check HTTP/1.1\r\nHost: localhost:" + port
          + "\r\nAuthorization: Bearer " + TestNode.ADMIN_TOKEN + "\r\nContent-Type: application/java-archive\r\n"
          + "Content-Length: " + ((50L << 20) + 1) + "\r\n\r\nPK\u0003\u0004").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      StringBuilder answer = new StringBuilder();
      byte[] buffer = new byte[4096];
      int n;
      while (!answer.toString().contains("MiB") && (n = socket.getInputStream().read(buffer)) > 0) {
        answer.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8));
      }
      assertThat(answer.toString()).startsWith("HTTP/1.1 413").contains("at most 50 MiB");
    }
    assertThat(get("/api/v1/health").statusCode()).isEqualTo(200);
  }

  @Test
  void operators_and_viewers_may_not_check_a_jar() throws Exception {
    byte[] jar = Files.readAllBytes(goodJar(build.resolve("roles")));
    for (String role : List.of("operator", "viewer")) {
      String token = token("checker-" + role, role);
      HttpResponse<String> r = check(port, token, jar, "application/java-archive");
      assertThat(r.statusCode()).as(role + ": " + r.body()).isEqualTo(403);
      assertThat(r.body()).contains("admin role");
    }
  }

  private String token(String name, String role) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/tokens"))
        .header("Authorization", "Bearer " + TestNode.ADMIN_TOKEN).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(TestNode.JSON.writeValueAsString(
            Map.of("name", name, "role", role, "approver", false)))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return json(r).get("token").asText();
  }

  private static void assertNoCheckProcessLeft() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (ProcessHandle.current().descendants().anyMatch(p -> p.info().arguments()
        .map(a -> String.join(" ", a).contains("PluginCheckChild")).orElse(false))) {
      assertThat(System.currentTimeMillis()).as("a check process is still running").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
