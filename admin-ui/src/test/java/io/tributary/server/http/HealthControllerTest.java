package io.tributary.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.server.BuildInfo;
import io.tributary.server.TributaryServer;
import io.tributary.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthControllerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final HttpClient http = HttpClient.newHttpClient();
  private TributaryServer server;

  @BeforeEach
  void start_server() {
    ServerConfig config =
        new ServerConfig(0, 4318, dataDir, dataDir.resolve("plugins"), "staging", "");
    server =
        new TributaryServer(
                config, new BuildInfo("1.2.3-test"), clock, Duration.ofSeconds(5), List.of(),
                Authenticator.denyAll())
            .start();
  }

  @AfterEach
  void stop_server() {
    server.stop();
  }

  @Test
  void health_answers_up_with_version_env_and_uptime() throws Exception {
    clock.advance(Duration.ofSeconds(42));

    HttpResponse<String> response = get("/api/v1/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("status").asText()).isEqualTo("UP");
    assertThat(body.get("version").asText()).isEqualTo("1.2.3-test");
    assertThat(body.get("env").asText()).isEqualTo("staging");
    assertThat(body.get("uptimeSeconds").asLong()).isEqualTo(42);
    // This server serves no pipeline and no gateway: health says nothing about them rather than
    // inventing them.
    assertThat(body.get("pipeline").isNull()).isTrue();
    assertThat(body.get("outputs").isNull()).isTrue();
    // Its one listener is the admin one, in plain HTTP.
    assertThat(body.get("listeners")).hasSize(1);
    assertThat(body.get("listeners").get(0).get("name").asText()).isEqualTo("admin");
    assertThat(body.get("listeners").get(0).get("tls").asText()).isEqualTo("none");
    assertThat(body.get("listeners").get(0).get("port").asInt()).isPositive();
    assertThat(body.size()).isEqualTo(7);
  }

  @Test
  void unknown_routes_answer_404_as_json() throws Exception {
    HttpResponse<String> response = get("/api/v1/no-such-thing");

    assertThat(response.statusCode()).isEqualTo(404);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error").asText()).isEqualTo("not_found");
    assertThat(body.get("message").asText()).contains("/api/v1/no-such-thing");
  }

  private HttpResponse<String> get(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + server.adminPort() + path))
            .timeout(Duration.ofSeconds(5))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** A clock the test moves by hand, so uptime is exact. */
  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
