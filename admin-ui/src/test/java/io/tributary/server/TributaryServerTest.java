package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.server.config.ServerConfig;
import io.tributary.server.http.Api;
import io.tributary.server.http.Authenticator;
import io.tributary.server.http.Controller;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TributaryServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void stop_drains_a_request_in_flight_before_closing_other_resources() throws Exception {
    SlowController slow = new SlowController();
    TributaryServer server = server(Duration.ofSeconds(10), slow).start();
    List<String> closed = new ArrayList<>();
    // Registered after start, so closed before the listener: the listener is not special.
    server.lifecycle().register("probe", () -> closed.add("probe"));

    CompletableFuture<HttpResponse<String>> response = getAsync(server.adminPort(), "/slow");
    assertThat(slow.entered.await(5, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);

    Thread.sleep(300);
    assertThat(stopping).as("stop waits for the request in flight").isNotDone();
    slow.release.countDown();

    assertThat(response.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(response.get().body()).isEqualTo("done");
    stopping.get(5, TimeUnit.SECONDS);
    assertThat(closed).containsExactly("probe");
  }

  @Test
  void unhandled_exceptions_become_a_json_500_without_internals() throws Exception {
    Controller failing =
        api ->
            api.get(
                "/boom",
                Api.Access.PUBLIC,
                "fails",
                ctx -> {
                  throw new IllegalStateException("secret detail");
                });
    TributaryServer server = server(Duration.ofSeconds(1), failing).start();
    try {
      HttpResponse<String> response = getAsync(server.adminPort(), "/boom").get(5, TimeUnit.SECONDS);

      assertThat(response.statusCode()).isEqualTo(500);
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.get("error").asText()).isEqualTo("internal_server_error");
      assertThat(body.get("message").asText()).doesNotContain("secret detail");
    } finally {
      server.stop();
    }
  }

  @Test
  void stop_is_idempotent() {
    TributaryServer server = server(Duration.ofSeconds(1)).start();

    server.stop();
    server.stop();

    assertThat(server.lifecycle().isClosed()).isTrue();
  }

  private TributaryServer server(Duration drainTimeout, Controller... controllers) {
    ServerConfig config = new ServerConfig(0, 4318, dataDir, dataDir.resolve("plugins"), "dev", "");
    return new TributaryServer(
        config, new BuildInfo("test"), Clock.systemUTC(), drainTimeout, List.of(controllers),
        Authenticator.denyAll());
  }

  private CompletableFuture<HttpResponse<String>> getAsync(int port, String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Holds each request until the test releases it. */
  private static final class SlowController implements Controller {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void register(Api api) {
      api.get(
          "/slow",
          Api.Access.PUBLIC,
          "waits",
          ctx -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            ctx.result("done");
          });
    }
  }
}
