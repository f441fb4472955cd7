package io.tributary.benchmarks;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.runtime.FailurePolicy;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.StageSpec;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The items and the pipeline of {@link EnrichmentBenchmark}: what every contender is given and
 * what it is asked to do.
 *
 * <p><b>The items.</b> A ring of spans from a seeded generator, each with exactly {@code
 * attributes} item attributes: an incoming {@code x-request-id}, HTTP attributes under the old
 * {@code http.method} name, a user agent, a quarter of them a noisy {@code app.debug} string, one
 * in ten a {@code user.email} address (the PII), and string and long filler up to the count; a
 * resource with {@code service.name}, {@code service.version}, {@code host.name}; valid W3C trace
 * and span ids; start and end times.
 *
 * <p><b>The work</b>, as an operator would configure the built-in processors:
 *
 * <ol>
 *   <li>{@code correlation}, defaults: check the trace context, copy the incoming {@code
 *       x-request-id} to {@code request.id} (generating one when there is none);
 *   <li>{@code environment}: {@code deployment.environment.name=prod}, {@code
 *       service.namespace=shop}, {@code cloud.region=eu-west-1} and two static tags ({@code
 *       team=checkout}, {@code cost.center=cc-42}) on the resource, filling gaps only;
 *   <li>{@code attributes}: rename {@code http.method} to {@code http.request.method}, delete
 *       {@code app.debug};
 *   <li>{@code pii-redaction}: every detector on every string attribute, masking; the {@code
 *       pii.redacted.*} counter attributes off ({@code countAttributes: false}), so that the
 *       output can be compared with a Kafka Connect chain, which cannot count; the dead-letter
 *       failure policy its documentation asks for.
 * </ol>
 */
final class EnrichmentWorkload {

  static final int RING = 1024;

  /** Share of items with PII, in percent. */
  static final int PII_PERCENT = 10;

  static final String REQUEST_ID_SOURCE = "x-request-id";
  static final String REQUEST_ID = "request.id";
  static final String OLD_METHOD = "http.method";
  static final String NEW_METHOD = "http.request.method";
  static final String DEBUG = "app.debug";
  static final String EMAIL = "user.email";
  static final String EMAIL_MASK = "[REDACTED:email]";

  /** The resource attributes the environment stage stamps, in the order it stamps them. */
  static final String[][] RESOURCE_STAMPS = {
    {"deployment.environment.name", "prod"},
    {"service.namespace", "shop"},
    {"cloud.region", "eu-west-1"},
    {"team", "checkout"},
    {"cost.center", "cc-42"},
  };

  private static final long EPOCH_NANOS = 1_718_000_000_000_000_000L;

  private static final String[] ROUTES = {
    "GET /api/v1/orders/{id}", "POST /api/v1/cart", "GET /api/v1/catalog", "POST /api/v1/checkout"
  };

  private static final String[] WORDS = {
    "checkout", "inventory", "catalog", "warm", "cold", "primary", "replica", "blue", "green",
    "canary", "orders", "payments"
  };

  private EnrichmentWorkload() {}

  /** The pipeline, in the catalog's terms: what (a) compiles from the plugin jars. */
  static PipelineSpec spec() {
    return PipelineSpec.of(
        StageSpec.of("correlation"),
        StageSpec.of("environment", Map.of(
            "environment", "prod",
            "serviceNamespace", "shop",
            "cloudRegion", "eu-west-1",
            "tags", Map.of("team", "checkout", "cost.center", "cc-42"))),
        StageSpec.of("attributes", Map.of("rules", List.of(
            Map.of("action", "rename", "from", OLD_METHOD, "key", NEW_METHOD),
            Map.of("action", "delete", "key", DEBUG)))),
        StageSpec.of("pii-redaction", piiConfig()).withFailurePolicy(FailurePolicy.DEAD_LETTER));
  }

  /**
   * The first three stages only: the work the Kafka Connect chain without {@code MaskField} does
   * alike, without pii-redaction's scan of every string value.
   */
  static PipelineSpec specWithoutPii() {
    return new PipelineSpec(spec().stages().subList(0, 3));
  }

  static Map<String, Object> piiConfig() {
    return Map.of("countAttributes", false);
  }

  /** The benchmark's items; the same seed and count give the same ring. */
  static Item[] ring(int attributes) {
    if (attributes < 8) {
      throw new IllegalArgumentException("at least 8 attributes, was " + attributes);
    }
    SplittableRandom random = new SplittableRandom(42);
    Item[] ring = new Item[RING];
    for (int i = 0; i < RING; i++) {
      int n = random.nextInt(100_000);
      long start = EPOCH_NANOS + i * 1_000_000L;
      Item item = Item.span()
          .name(ROUTES[n % ROUTES.length])
          .traceId(hex(random, 32))
          .spanId(hex(random, 16))
          .timeUnixNano(start)
          .endTimeUnixNano(start + (1 + n % 900) * 1_000_000L);
      Attributes a = item.attributes();
      a.put(REQUEST_ID_SOURCE, uuid(random))
          .put(OLD_METHOD, random.nextBoolean() ? "GET" : "POST")
          .put("url.path", "/api/v1/orders/" + n)
          .put("http.response.status_code", 200L)
          .put("server.address", "shop.example.com")
          .put("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36");
      if (random.nextInt(100) < PII_PERCENT) {
        a.put(EMAIL, "user" + n + "@example.com");
      }
      if (random.nextInt(4) == 0) {
        a.put(DEBUG, "cache miss for key orders:" + n + " after 3 retries");
      }
      for (int k = 0; a.size() < attributes; k++) {
        if (k % 3 == 2) {
          a.put("app.count." + k, (long) random.nextInt(10_000));
        } else {
          a.put("app.tag." + k, WORDS[random.nextInt(WORDS.length)] + "-" + random.nextInt(1000));
        }
      }
      item.resource()
          .put("service.name", "cart")
          .put("service.version", "1.22." + (i % 8))
          .put("host.name", "web-" + (i % 8));
      ring[i] = item;
    }
    return ring;
  }

  private static String hex(SplittableRandom random, int digits) {
    StringBuilder sb = new StringBuilder(digits);
    for (int i = 0; i < digits; i++) {
      sb.append(Character.forDigit(random.nextInt(16), 16));
    }
    return sb.toString();
  }

  private static String uuid(SplittableRandom random) {
    String hex = hex(random, 32);
    return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-4" + hex.substring(13, 16) + "-a"
        + hex.substring(17, 20) + "-" + hex.substring(20, 32);
  }
}
