package io.tributary.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.catalog.Principal;
import io.tributary.catalog.Role;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-principal limits on a real admin listener: concurrency first, then the rate. */
class ExpensiveRequestsTest {

  @TempDir Path dataDir;

  private static Principal principal(String name) {
    return new Principal(name.hashCode(), name, Role.OPERATOR, false, Instant.EPOCH, null, null, null);
  }

  @Test
  void a_principal_runs_at_most_two_at_once_and_a_third_gets_429_with_retry_after() throws Exception {
    ExpensiveRequests limits = new ExpensiveRequests(2, 100, 6_000, Clock.systemUTC());
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    Controller slow = api -> api.post("/slow", Api.Access.VIEWER, "blocks until released", null,
        limits.limit(ctx -> {
          running.incrementAndGet();
          release.await(20, TimeUnit.SECONDS);
          ctx.result("done");
        }));
    Authenticator byHeader = ctx -> Optional.ofNullable(ctx.header("X-Who")).map(ExpensiveRequestsTest::principal);
    TributaryServer server = new TributaryServer(new ServerConfig(0, 0, dataDir, dataDir, "dev", ""),
        new BuildInfo("test"), Clock.systemUTC(), Duration.ofSeconds(1), List.of(slow), byHeader).start();
    HttpClient http = HttpClient.newHttpClient();
    try {
      List<CompletableFuture<HttpResponse<String>>> first = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        first.add(http.sendAsync(request(server, "alice"), HttpResponse.BodyHandlers.ofString()));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (running.get() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(running.get()).isEqualTo(2);
      HttpResponse<String> third = http.send(request(server, "alice"), HttpResponse.BodyHandlers.ofString());
      assertThat(third.statusCode()).isEqualTo(429);
      assertThat(third.headers().firstValue("Retry-After")).isPresent();
      assertThat(third.body()).contains("already have 2");
      // Another principal is not held up by alice's requests.
      CompletableFuture<HttpResponse<String>> bob = http.sendAsync(request(server, "bob"),
          HttpResponse.BodyHandlers.ofString());
      release.countDown();
      assertThat(bob.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      for (CompletableFuture<HttpResponse<String>> f : first) {
        assertThat(f.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      // Finished requests free their places.
      assertThat(http.send(request(server, "alice"), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
    } finally {
      release.countDown();
      server.stop();
    }
  }

  @Test
  void the_burst_runs_out_and_refills_at_the_rate() throws Exception {
    long[] now = {1_000_000};
    Clock clock = new Clock() {
      @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return Instant.ofEpochMilli(now[0]); }
    };
    ExpensiveRequests limits = new ExpensiveRequests(2, 3, 60, clock); // 1 per second
    Controller fast = api -> api.post("/fast", Api.Access.VIEWER, "answers at once", null,
        limits.limit(ctx -> ctx.result("ok")));
    Authenticator byHeader = ctx -> Optional.ofNullable(ctx.header("X-Who")).map(ExpensiveRequestsTest::principal);
    TributaryServer server = new TributaryServer(new ServerConfig(0, 0, dataDir, dataDir, "dev", ""),
        new BuildInfo("test"), Clock.systemUTC(), Duration.ofSeconds(1), List.of(fast), byHeader).start();
    HttpClient http = HttpClient.newHttpClient();
    try {
      for (int i = 0; i < 3; i++) {
        assertThat(http.send(request(server, "/fast", "alice"), HttpResponse.BodyHandlers.ofString()).statusCode())
            .isEqualTo(200);
      }
      HttpResponse<String> limited = http.send(request(server, "/fast", "alice"), HttpResponse.BodyHandlers.ofString());
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
      now[0] += 1_000;
      assertThat(http.send(request(server, "/fast", "alice"), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
      assertThat(http.send(request(server, "/fast", "alice"), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(429);
    } finally {
      server.stop();
    }
  }

  private static HttpRequest request(TributaryServer server, String who) {
    return request(server, "/slow", who);
  }

  private static HttpRequest request(TributaryServer server, String path, String who) {
    return HttpRequest.newBuilder(URI.create("http://localhost:" + server.adminPort() + path))
        .header("X-Who", who).timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build();
  }
}
