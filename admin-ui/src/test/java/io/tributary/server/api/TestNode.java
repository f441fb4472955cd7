package io.tributary.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.server.BuildInfo;
import io.tributary.server.Node;
import io.tributary.gateway.ExporterSpec;
import io.tributary.server.config.ServerConfig;
import io.tributary.gateway.Gateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A real node (H2 file, real HTTP on a free port, the built-in processors on the class path) and a small client. */
public final class TestNode implements AutoCloseable {

  public static final String ADMIN_TOKEN = "trb_test-admin-token-0123456789abcdef";
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public final Path dataDir;
  public final Node node;
  public final int port;

  private TestNode(Path dataDir, String env) throws IOException {
    this(dataDir, env, ExporterSpec.DEFAULT);
  }

  private TestNode(Path dataDir, String env, List<ExporterSpec> exporters) throws IOException {
    this(dataDir, env, exporters, null);
  }

  private TestNode(Path dataDir, String env, List<ExporterSpec> exporters, Gateway.Settings gateway)
      throws IOException {
    this(dataDir, env, exporters, gateway, Files.createDirectories(dataDir.resolve("no-plugins")), null);
  }

  private TestNode(Path dataDir, String env, List<ExporterSpec> exporters, Gateway.Settings gateway,
      Path plugins, Duration pluginCallLimit) throws IOException {
    this(dataDir, new ServerConfig(0, 0, dataDir, Files.createDirectories(plugins), env, "", exporters, true),
        gateway, pluginCallLimit);
  }

  private TestNode(Path dataDir, ServerConfig config, Gateway.Settings gateway, Duration pluginCallLimit) {
    this.dataDir = dataDir;
    this.node = Node.start(config, new BuildInfo("test"),
        new Node.Options(Duration.ofMillis(200), Duration.ofMillis(100), ADMIN_TOKEN, Clock.systemUTC(), gateway,
            pluginCallLimit));
    this.port = node.server().adminPort();
  }

  /**
   * A node whose plugins folder is {@code plugins} (jars built by the test), exporting to {@code
   * exporters}, each call into plugin code limited to {@code pluginCallLimit}.
   */
  public static TestNode start(Path dataDir, String env, List<ExporterSpec> exporters, Path plugins,
      Duration pluginCallLimit) throws IOException {
    return new TestNode(dataDir, env, exporters, null, plugins, pluginCallLimit);
  }

  /** A node in {@code dev} whose configuration is adjusted by {@code adjust} (bind addresses, cookies, ...). */
  static TestNode start(Path dataDir, java.util.function.UnaryOperator<ServerConfig> adjust) throws IOException {
    ServerConfig config = new ServerConfig(0, 0, dataDir, Files.createDirectories(dataDir.resolve("no-plugins")),
        "dev", "", ExporterSpec.DEFAULT, true);
    return new TestNode(dataDir, adjust.apply(config), null, null);
  }

  public static TestNode start(Path dataDir) throws IOException {
    return new TestNode(dataDir, "dev");
  }

  public static TestNode start(Path dataDir, String env) throws IOException {
    return new TestNode(dataDir, env);
  }

  /** A node whose gateway exports to {@code exporters}; its OTLP receiver is on a free port too. */
  static TestNode start(Path dataDir, String env, List<ExporterSpec> exporters) throws IOException {
    return new TestNode(dataDir, env, exporters);
  }

  /** As {@link #start(Path, String, List)}, with the gateway's settings (queue capacity, …). */
  static TestNode start(Path dataDir, String env, List<ExporterSpec> exporters, Gateway.Settings gateway)
      throws IOException {
    return new TestNode(dataDir, env, exporters, gateway);
  }

  /** One HTTP exchange; {@code token} may be null, {@code body} null for none. */
  public Response call(String method, String path, String token, Object body) {
    return call(method, path, token == null ? java.util.Map.of() : java.util.Map.of("Authorization", "Bearer " + token),
        body);
  }

  /** One HTTP exchange with the given request headers; {@code body} null for none. */
  Response call(String method, String path, java.util.Map<String, String> headers, Object body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
          .timeout(Duration.ofSeconds(20));
      headers.forEach(b::header);
      String text = body == null ? null : body instanceof String ? (String) body : JSON.writeValueAsString(body);
      b.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
      if (text != null) {
        b.header("Content-Type", "application/json");
      }
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers().map());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }

  public Response get(String path, String token) {
    return call("GET", path, token, null);
  }

  /** Creates a principal through the API and returns its token. */
  public String token(String name, String role, boolean approver) {
    Response r = call("POST", "/api/v1/tokens", ADMIN_TOKEN,
        java.util.Map.of("name", name, "role", role, "approver", approver));
    if (r.status() != 201) {
      throw new IllegalStateException("creating token " + name + ": " + r);
    }
    return r.json().get("token").asText();
  }

  @Override
  public void close() {
    node.close();
  }

  public record Response(int status, String body, java.util.Map<String, java.util.List<String>> headers) {
    Response(int status, String body) {
      this(status, body, java.util.Map.of());
    }

    /** The first value of a response header (case-insensitive name), or null. */
    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON: " + body, e);
      }
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }
}
