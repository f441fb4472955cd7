package io.tributary.distribution;

import static io.tributary.distribution.ServerProcesses.ADMIN_TOKEN;
import static io.tributary.distribution.ServerProcesses.LAUNCHER;
import static io.tributary.distribution.ServerProcesses.awaitHealth;
import static io.tributary.distribution.ServerProcesses.freePort;
import static io.tributary.distribution.ServerProcesses.readQuietly;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: {@code kill -9} of the real server twenty times, at random points of a steady stream
 * of spans, with its downstream first stalled (answering 503) and then recovered: every span the
 * server acknowledged (200) reaches the downstream at least once, checked by name; duplicates are
 * counted and reported.
 */
class QueueKillIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KILLS = 20;
  private static final int SPANS_PER_REQUEST = 20;

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

  @Test
  void every_acknowledged_span_is_delivered_at_least_once_across_twenty_kill_dash_nines() throws Exception {
    downstream = new SpanSink();
    downstream.stalled.set(true);
    AtomicBoolean stalled = downstream.stalled;
    Map<String, Integer> delivered = downstream.delivered;

    int admin = freePort();
    int otlp = freePort();
    Path data = temp.resolve("data");
    List<String> args = List.of("serve", "--admin-port", String.valueOf(admin), "--otlp-port", String.valueOf(otlp),
        "--otlp-grpc-port", "0", "--data-dir", data.toString(),
        "--exporter", downstream.exporter());
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicLong sequence = new AtomicLong();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Random random = new Random(14);
    for (int kill = 0; kill < KILLS; kill++) {
      if (kill == KILLS / 2) {
        stalled.set(false); // the downstream recovers while the kills go on
      }
      Path log = temp.resolve("server-" + kill + ".log");
      Process server = ServerProcesses.start(LAUNCHER, temp, log, args, started);
      awaitHealth(server, admin, log, Duration.ofSeconds(60));
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300 + random.nextInt(1200));
      List<Thread> senders = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        Thread sender = new Thread(() -> {
          while (System.nanoTime() < until) {
            long first = sequence.getAndAdd(SPANS_PER_REQUEST);
            try {
              HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otlp
                      + "/v1/traces")).header("Content-Type", "application/x-protobuf")
                  .timeout(Duration.ofSeconds(5))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(request(first))).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
              if (r.statusCode() == 200) {
                for (long i = first; i < first + SPANS_PER_REQUEST; i++) {
                  acknowledged.add("s" + i);
                }
              }
            } catch (IOException | InterruptedException e) {
              return; // the node is being killed
            }
          }
        });
        sender.start();
        senders.add(sender);
      }
      // kill -9 at a random point of the stream (the senders may still be sending).
      Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()) - random.nextInt(300)));
      server.destroyForcibly();
      assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
      for (Thread sender : senders) {
        sender.join(10_000);
      }
    }
    assertThat(acknowledged).as("spans acknowledged across the kills").hasSizeGreaterThan(1000);

    // One last start, with the downstream up: everything acknowledged and not yet delivered goes.
    Path log = temp.resolve("server-final.log");
    Process server = ServerProcesses.start(LAUNCHER, temp, log, args, started);
    awaitHealth(server, admin, log, Duration.ofSeconds(60));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!delivered.keySet().containsAll(acknowledged) && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    Set<String> missing = ConcurrentHashMap.newKeySet();
    missing.addAll(acknowledged);
    missing.removeAll(delivered.keySet());
    JsonNode stats = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + admin
        + "/api/v1/environments/dev/stats")).header("Authorization", "Bearer " + ADMIN_TOKEN).build(),
        HttpResponse.BodyHandlers.ofString()).body()).path("gateway");
    long duplicates = delivered.values().stream().mapToLong(n -> n - 1).sum();
    System.out.printf("QueueKillIT: %d spans acknowledged over %d kill -9s, %d delivered, %d duplicates"
        + " (%.2f %%), %d missing; replayed by the last start: %s%n", acknowledged.size(), KILLS, delivered.size(),
        duplicates, 100.0 * duplicates / Math.max(1, delivered.size()), missing.size(), stats.path("replayed"));
    assertThat(missing).as("acknowledged spans never delivered; last log:%n%s", readQuietly(log)).isEmpty();
    // While the downstream was stalled, each start found what the last one had accepted.
    long startsThatReplayed = 0;
    for (int kill = 1; kill <= KILLS / 2; kill++) {
      if (readQuietly(temp.resolve("server-" + kill + ".log")).contains("accepted before this start")) {
        startsThatReplayed++;
      }
    }
    assertThat(startsThatReplayed).as("starts that found a backlog while the downstream was stalled")
        .isGreaterThanOrEqualTo(KILLS / 2 - 1);
    server.destroy();
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private static byte[] request(long first) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (long i = first; i < first + SPANS_PER_REQUEST; i++) {
      scope.addSpans(Span.newBuilder().setName("s" + i)
          .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(0x5b8efff798038103L).putLong(i + 1)
              .array()))
          .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(i + 1).array()))
          .setStartTimeUnixNano(1_718_000_000_000_000_000L).setEndTimeUnixNano(1_718_000_000_250_000_000L));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
            .setValue(AnyValue.newBuilder().setStringValue("kill-test"))))
        .addScopeSpans(scope)).build().toByteArray();
  }
}
