package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.gateway.ExporterSpec;
import io.tributary.gateway.Gateway;
import java.lang.management.ManagementFactory;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backpressure: with the downstream answering 503, a node with a small queue fills it and then
 * answers 429 with Retry-After; its queue never holds more than its capacity and its heap does not
 * grow however much is sent; once the downstream recovers, every accepted span is delivered
 * exactly once and no throttled one is.
 */
class GatewayBackpressureTest {

  private static final int CAPACITY = 1_000;
  private static final int SPANS_PER_REQUEST = 100;
  private static final int HAMMER_REQUESTS = 2_000;
  private static final int HAMMER_THREADS = 2;

  @TempDir Path dir;
  private Javalin downstream;
  private TestNode node;
  private final AtomicBoolean stalled = new AtomicBoolean(true);
  /** When positive, the downstream holds the next request this long before taking it (once). */
  private final AtomicLong holdNextMillis = new AtomicLong();
  private final AtomicInteger refused = new AtomicInteger();
  /** Arrivals per span id (the item's id + 1, see {@link GatewayLoadTest#request}). */
  private final Map<Long, AtomicInteger> arrivals = new ConcurrentHashMap<>();

  @BeforeEach
  void startDownstream() {
    downstream = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.routes.post("/v1/traces", ctx -> {
        long hold = holdNextMillis.getAndSet(0);
        if (hold > 0) {
          Thread.sleep(hold);
        } else if (stalled.get()) {
          refused.incrementAndGet();
          ctx.status(503).header("Retry-After", "1");
          return;
        }
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(ctx.bodyAsBytes());
        for (ResourceSpans rs : request.getResourceSpansList()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            for (Span span : ss.getSpansList()) {
              long id = ByteBuffer.wrap(span.getSpanId().toByteArray()).getLong();
              arrivals.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            }
          }
        }
        ctx.contentType("application/x-protobuf").result(ExportTraceServiceResponse.getDefaultInstance().toByteArray());
      });
    }).start(0);
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    downstream.stop();
  }

  @Test
  void a_stalled_downstream_makes_the_receiver_answer_429_with_bounded_memory_and_everything_accepted_is_delivered()
      throws Exception {
    node = TestNode.start(dir.resolve("data"), "dev",
        List.of(new ExporterSpec("otlp", "http://localhost:" + downstream.port())),
        // No admission wait: thousands of refusals are the point here, and each would wait first.
        Gateway.Settings.defaults(true).withQueueCapacity(CAPACITY).withAdmissionWait(Duration.ZERO));
    URI traces = URI.create("http://localhost:" + node.node.otlpPort() + "/v1/traces");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long started = System.nanoTime();
    long baseline = heapUsedAfterGc();

    // The queue's fill, sampled all along.
    AtomicLong maxQueued = new AtomicLong();
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (sampling.get()) {
        maxQueued.accumulateAndGet(queued(), Math::max);
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "queue-sampler");
    sampler.start();

    // Fill the queue: within capacity / request size (+ slack) requests the receiver says 429 or 503.
    Set<Integer> accepted = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    int r;
    HttpResponse<byte[]> refusal = null;
    for (r = next.getAndIncrement(); r < CAPACITY / SPANS_PER_REQUEST + 5; r = next.getAndIncrement()) {
      HttpResponse<byte[]> response = send(http, traces, r);
      if (response.statusCode() == 200) {
        accepted.add(r);
      } else {
        refusal = response;
        break;
      }
    }
    assertThat(refusal).as("no 429/503 after %d requests of %d spans with a queue of %d", r, SPANS_PER_REQUEST,
        CAPACITY).isNotNull();
    assertThat(refusal.statusCode()).isIn(429, 503);
    assertThat(refusal.headers().firstValue("Retry-After")).isPresent();
    assertThat(accepted.size() * SPANS_PER_REQUEST).isLessThanOrEqualTo(CAPACITY);
    int firstRefusal = r;

    // Keep sending, from several threads, far more than the queue holds.
    AtomicInteger throttled = new AtomicInteger();
    AtomicInteger unexpected = new AtomicInteger();
    List<Thread> hammers = new ArrayList<>();
    int end = firstRefusal + 1 + HAMMER_REQUESTS;
    for (int t = 0; t < HAMMER_THREADS; t++) {
      hammers.add(new Thread(() -> {
        try {
          for (int q = next.getAndIncrement(); q < end; q = next.getAndIncrement()) {
            HttpResponse<byte[]> response = send(http, traces, q);
            int status = response.statusCode();
            if (status == 200) {
              accepted.add(q);
            } else if ((status == 429 || status == 503) && response.headers().firstValue("Retry-After").isPresent()) {
              throttled.incrementAndGet();
            } else {
              unexpected.incrementAndGet();
            }
          }
        } catch (Exception e) {
          unexpected.incrementAndGet();
        }
      }, "hammer-" + t));
    }
    hammers.forEach(Thread::start);
    for (Thread h : hammers) {
      h.join(TimeUnit.SECONDS.toMillis(60));
    }
    long heapGrowth = heapUsedAfterGc() - baseline;
    assertThat(unexpected.get()).isZero();
    assertThat(throttled.get()).isGreaterThan(HAMMER_REQUESTS / 2);
    assertThat(refused.get()).as("the gateway tried the stalled downstream").isPositive();
    assertThat(maxQueued.get()).isPositive().isLessThanOrEqualTo(CAPACITY);
    assertThat(heapGrowth).as("heap growth after GC, bytes").isLessThan(64L << 20);
    assertThat(node.get("/metrics", TestNode.ADMIN_TOKEN).body()).contains("tributary_gateway_queued{env=\"dev\"}");
    long stalledFor = System.nanoTime() - started;

    // The downstream recovers: every accepted span arrives once, no throttled one does.
    stalled.set(false);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((queued() != 0 || arrivals.size() < accepted.size() * SPANS_PER_REQUEST) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(300);
    sampling.set(false);
    sampler.join();
    assertThat(maxQueued.get()).isLessThanOrEqualTo(CAPACITY);
    Set<Long> expected = ConcurrentHashMap.newKeySet();
    for (int a : accepted) {
      for (int i = 0; i < SPANS_PER_REQUEST; i++) {
        expected.add((long) a * SPANS_PER_REQUEST + i + 1);
      }
    }
    assertThat(arrivals.keySet()).as("spans delivered vs spans accepted").isEqualTo(expected);
    assertThat(arrivals.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    JsonNode gateway = node.get("/api/v1/environments/dev/stats", TestNode.ADMIN_TOKEN).json().get("gateway");
    assertThat(gateway.at("/signals/traces/exported/otlp").asLong()).isEqualTo(expected.size());
    // Refusals before decoding are counted as requests (their items are not known), the others as items.
    assertThat(gateway.at("/signals/traces/throttled").asLong()
        + gateway.at("/signals/traces/throttledRequests").asLong() * SPANS_PER_REQUEST)
        .isEqualTo((long) (throttled.get() + 1) * SPANS_PER_REQUEST);
    assertThat(gateway.at("/signals/traces/deadLettered").asLong()).isZero();

    // And the receiver takes requests again.
    assertThat(send(http, traces, end).statusCode()).isEqualTo(200);
    System.out.printf("GatewayBackpressureTest: first refusal (%d) at request %d; %d accepted, %d throttled"
        + " while stalled for %d ms; max queued %d of %d; heap growth %d KiB; %d downstream 503s;"
        + " all %d accepted spans delivered once after %d ms%n", refusal.statusCode(), firstRefusal + 1,
        accepted.size(), throttled.get() + 1, TimeUnit.NANOSECONDS.toMillis(stalledFor), maxQueued.get(), CAPACITY,
        heapGrowth >> 10, refused.get(), expected.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /**
   * A downstream that takes a request but answers only after the exporter's request timeout (10 s)
   * gets the batch twice: the exporter treats the timeout as a failure and sends it again, while
   * the downstream has kept the first copy. OTLP/HTTP has no idempotency key, so the gateway
   * delivers at least once, not exactly once, when a downstream is slower than the timeout.
   */
  @Disabled("Finding: OtlpHttpExporter retries after its 10 s request timeout although the"
      + " downstream may already have taken the batch; a downstream slower than 10 s receives duplicates"
      + " (at-least-once delivery). Takes ~12 s; enable to reproduce.")
  @Test
  void a_downstream_slower_than_the_export_timeout_still_receives_each_span_once() throws Exception {
    stalled.set(false);
    holdNextMillis.set(11_000);
    node = TestNode.start(dir.resolve("data"), "dev",
        List.of(new ExporterSpec("otlp", "http://localhost:" + downstream.port())),
        // No admission wait: thousands of refusals are the point here, and each would wait first.
        Gateway.Settings.defaults(true).withQueueCapacity(CAPACITY).withAdmissionWait(Duration.ZERO));
    URI traces = URI.create("http://localhost:" + node.node.otlpPort() + "/v1/traces");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThat(send(http, traces, 0).statusCode()).isEqualTo(200);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while ((queued() != 0 || arrivals.size() < SPANS_PER_REQUEST) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(1_500); // the held first copy is taken 11 s after it was sent
    assertThat(arrivals).hasSize(SPANS_PER_REQUEST);
    assertThat(arrivals.values()).as("arrivals per span").allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
  }

  private long queued() {
    return ((Number) node.node.gateway().stats().get("queued")).longValue();
  }

  private static HttpResponse<byte[]> send(HttpClient http, URI uri, int r) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(GatewayLoadTest.request(r).toByteArray())).build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static long heapUsedAfterGc() throws InterruptedException {
    for (int i = 0; i < 2; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
