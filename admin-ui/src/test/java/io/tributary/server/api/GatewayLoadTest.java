package io.tributary.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.javalin.Javalin;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tributary.server.api.TestNode.Response;
import io.tributary.gateway.ExporterSpec;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load: 200,000 spans (2,000 OTLP/HTTP protobuf requests of 100) from several threads into a real
 * node while 50 pipeline revisions are written through the REST API. Every accepted span must
 * arrive downstream exactly once, each enriched wholly by one revision: its {@code
 * tributary.lineage} names the revision, and the tag that revision's {@code environment} stage
 * writes is that revision's.
 */
class GatewayLoadTest {

  private static final int REQUESTS = 2_000;
  private static final int SPANS_PER_REQUEST = 100;
  private static final int ITEMS = REQUESTS * SPANS_PER_REQUEST;
  private static final int SENDERS = 4;
  private static final int REVISIONS = 50;
  /** The item attribute each revision's environment stage writes: {@code k<n>} for the n-th write. */
  private static final String TAG = "load.rev";
  private static final long TRACE_HIGH = 0x5b8efff798038103L;
  private static final Pattern LINEAGE = Pattern.compile("dev#(\\d+)( [^ #]+@[^ #]+=[a-z_-]+)+");

  @TempDir Path dir;
  private Javalin downstream;
  private TestNode node;

  /** Per item (span id - 1): how often it arrived, the revision its lineage names, the n of its tag (-1 none). */
  private final AtomicIntegerArray arrivals = new AtomicIntegerArray(ITEMS);
  private final AtomicIntegerArray revisionOf = new AtomicIntegerArray(ITEMS);
  private final AtomicIntegerArray tagOf = new AtomicIntegerArray(ITEMS);
  private final AtomicLong arrived = new AtomicLong();
  private final List<String> malformed = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startDownstream() {
    downstream = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.routes.post("/v1/traces", ctx -> {
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(ctx.bodyAsBytes());
        for (ResourceSpans rs : request.getResourceSpansList()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            for (Span span : ss.getSpansList()) {
              record(span);
            }
          }
        }
        ctx.contentType("application/x-protobuf").result(ExportTraceServiceResponse.getDefaultInstance().toByteArray());
      });
    }).start(0);
  }

  private void record(Span span) {
    int id = (int) (ByteBuffer.wrap(span.getSpanId().toByteArray()).getLong() - 1);
    String lineage = attribute(span.getAttributesList(), "tributary.lineage");
    Matcher m = lineage == null ? null : LINEAGE.matcher(lineage);
    if (id < 0 || id >= ITEMS || m == null || !m.matches()) {
      if (malformed.size() < 20) {
        malformed.add("span " + id + " lineage " + lineage);
      }
      return;
    }
    String tag = attribute(span.getAttributesList(), TAG);
    if (arrivals.getAndIncrement(id) == 0) {
      revisionOf.set(id, Integer.parseInt(m.group(1)));
      tagOf.set(id, tag == null ? -1 : Integer.parseInt(tag.substring(1)));
    }
    arrived.incrementAndGet();
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    downstream.stop();
  }

  @Test
  void two_hundred_thousand_spans_across_fifty_revisions_arrive_once_each_enriched_by_one_revision()
      throws Exception {
    node = TestNode.start(dir.resolve("data"), "dev",
        List.of(new ExporterSpec("otlp", "http://localhost:" + downstream.port())));
    URI traces = URI.create("http://localhost:" + node.node.otlpPort() + "/v1/traces");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long started = System.nanoTime();

    // Revision -> n of the tag it writes (-1: none, as revision 1, the default pipeline).
    Map<Long, Integer> tagOfRevision = new ConcurrentHashMap<>();
    tagOfRevision.put(1L, -1);
    AtomicInteger written = new AtomicInteger();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Thread writer = new Thread(() -> {
      try {
        for (int n = 1; n <= REVISIONS; n++) {
          JsonNode current = node.get("/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN).json();
          ObjectNode body = TestNode.JSON.createObjectNode();
          body.put("baseRevision", current.get("revision").asLong());
          body.set("stages", current.get("stages").deepCopy());
          body.put("reason", "load test revision " + n);
          ObjectNode config = null;
          for (JsonNode s : body.get("stages")) {
            if (s.get("processor").asText().equals("environment")) {
              config = s.get("config") instanceof ObjectNode c ? c : ((ObjectNode) s).putObject("config");
            }
          }
          config.put("tagsTarget", "attributes").putObject("tags").put(TAG, "k" + n);
          Response r = node.call("PUT", "/api/v1/environments/dev/pipeline", TestNode.ADMIN_TOKEN, body);
          assertThat(r.status()).as("%s", r).isEqualTo(200);
          long revision = r.json().get("revision").asLong();
          tagOfRevision.put(revision, n);
          // Let the node install it before the next, so every revision runs on some requests.
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          while (node.node.pipelines().holder().current().revision() < revision && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          written.set(n);
        }
      } catch (Throwable t) {
        failures.add(t);
        written.set(Integer.MAX_VALUE);
      }
    }, "revision-writer");

    AtomicInteger next = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger throttled = new AtomicInteger();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < SENDERS; t++) {
      senders.add(new Thread(() -> {
        try {
          for (int r = next.getAndIncrement(); r < REQUESTS; r = next.getAndIncrement()) {
            // Spread the revisions over the load: request r waits for revision r * 50 / 2000 to be written.
            while (written.get() < (long) r * REVISIONS / REQUESTS) {
              Thread.sleep(1);
            }
            HttpRequest request = HttpRequest.newBuilder(traces).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request(r).toByteArray())).build();
            while (true) {
              HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
              int status = response.statusCode();
              if (status == 200) {
                assertThat(ExportTraceServiceResponse.parseFrom(response.body()).getPartialSuccess().getRejectedSpans())
                    .isZero();
                accepted.incrementAndGet();
                break;
              }
              assertThat(status).as("request %d answered %d", r, status).isIn(429, 503);
              throttled.incrementAndGet();
              long seconds = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
              Thread.sleep(Math.min(TimeUnit.SECONDS.toMillis(seconds), 1_000));
            }
          }
        } catch (Throwable e) {
          failures.add(e);
          next.set(REQUESTS);
        }
      }, "sender-" + t));
    }
    writer.start();
    senders.forEach(Thread::start);
    for (Thread s : senders) {
      s.join(TimeUnit.MINUTES.toMillis(2));
    }
    writer.join(TimeUnit.MINUTES.toMillis(1));
    long sent = System.nanoTime();
    assertThat(failures).isEmpty();
    assertThat(written.get()).isEqualTo(REVISIONS);
    assertThat(accepted.get()).isEqualTo(REQUESTS);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (arrived.get() < ITEMS && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    // Wait until the gateway holds nothing, then a little more, so late duplicates show up too.
    while (((Number) node.node.gateway().stats().get("queued")).longValue() != 0
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(300);
    long done = System.nanoTime();
    System.out.printf("GatewayLoadTest: %d spans in %d requests sent in %d ms (%d throttled answers), all exported"
        + " after %d ms; %d revisions written%n", ITEMS, REQUESTS, TimeUnit.NANOSECONDS.toMillis(sent - started),
        throttled.get(), TimeUnit.NANOSECONDS.toMillis(done - started), written.get());

    assertThat(malformed).isEmpty();
    List<String> missing = new ArrayList<>();
    List<String> duplicated = new ArrayList<>();
    List<String> wrongTag = new ArrayList<>();
    List<String> mixedRequests = new ArrayList<>();
    java.util.Set<Integer> revisionsSeen = new java.util.TreeSet<>();
    int missingCount = 0;
    int duplicatedCount = 0;
    for (int id = 0; id < ITEMS; id++) {
      int count = arrivals.get(id);
      if (count == 0) {
        missingCount++;
        if (missing.size() < 10) {
          missing.add("span " + id);
        }
        continue;
      }
      if (count > 1) {
        duplicatedCount++;
        if (duplicated.size() < 10) {
          duplicated.add("span " + id + " x" + count);
        }
      }
      int revision = revisionOf.get(id);
      revisionsSeen.add(revision);
      Integer expected = tagOfRevision.get((long) revision);
      if (expected == null || expected != tagOf.get(id)) {
        if (wrongTag.size() < 10) {
          wrongTag.add("span " + id + " revision " + revision + " tag k" + tagOf.get(id) + ", revision writes k" + expected);
        }
      }
      int first = (id / SPANS_PER_REQUEST) * SPANS_PER_REQUEST;
      if (arrivals.get(first) > 0 && revisionOf.get(first) != revision && mixedRequests.size() < 10) {
        mixedRequests.add("request " + id / SPANS_PER_REQUEST + ": revisions " + revisionOf.get(first) + " and " + revision);
      }
    }
    System.out.printf("GatewayLoadTest: %d distinct revisions seen on items: %s; missing %d, duplicated %d%n",
        revisionsSeen.size(), revisionsSeen, missingCount, duplicatedCount);
    assertThat(missing).as("%d spans never arrived", missingCount).isEmpty();
    assertThat(duplicated).as("%d spans arrived more than once", duplicatedCount).isEmpty();
    assertThat(arrived.get()).isEqualTo(ITEMS);
    assertThat(wrongTag).isEmpty();
    assertThat(mixedRequests).isEmpty();
    assertThat(revisionsSeen).hasSizeGreaterThanOrEqualTo(REVISIONS / 2);
    JsonNode gateway = node.get("/api/v1/environments/dev/stats", TestNode.ADMIN_TOKEN).json().get("gateway");
    assertThat(gateway.at("/signals/traces/received").asLong()).isEqualTo(ITEMS);
    assertThat(gateway.at("/signals/traces/exported/otlp").asLong()).isEqualTo(ITEMS);
    assertThat(gateway.at("/signals/traces/deadLettered").asLong()).isZero();
  }

  /** Request r: 100 spans with span ids r*100+1 … r*100+100 (the item's id + 1), one trace per request. */
  static ExportTraceServiceRequest request(int r) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName("load").setVersion("1.0.0"));
    byte[] traceId = ByteBuffer.allocate(16).putLong(TRACE_HIGH).putLong(r + 1L).array();
    for (int i = 0; i < SPANS_PER_REQUEST; i++) {
      long id = (long) r * SPANS_PER_REQUEST + i;
      scope.addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(traceId))
          .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(id + 1).array()))
          .setName("GET /item/" + id).setKind(Span.SpanKind.SPAN_KIND_SERVER)
          .setStartTimeUnixNano(1_718_000_000_000_000_000L + id).setEndTimeUnixNano(1_718_000_000_250_000_000L + id)
          .addAttributes(stringAttribute("http.method", "GET"))
          .addAttributes(KeyValue.newBuilder().setKey("load.id").setValue(AnyValue.newBuilder().setIntValue(id))));
    }
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(stringAttribute("service.name", "load")))
        .addScopeSpans(scope)).build();
  }

  static KeyValue stringAttribute(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }
}
