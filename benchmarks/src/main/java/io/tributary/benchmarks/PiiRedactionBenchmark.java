package io.tributary.benchmarks;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorFactory;
import io.tributary.plugins.piiredaction.PiiRedactionProcessorFactory;
import io.tributary.runtime.ConfigSchema;
import io.tributary.runtime.StageContext;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pii-redaction processor against {@link RegexRedactor}, the same rules written with
 * java.util.regex, per item of 10 attributes from a seeded ring of 1024, with PII in 0, 10 or 100
 * percent of the items; and both on adversarial 10 kB values.
 *
 * <p>Redaction changes items, so every operation first copies a batch from the ring; {@link
 * #copyOnly} measures that copy alone, to subtract, and {@link #charFloor} the copy plus reading
 * every character once, the floor of any one-pass redactor. Results are nanoseconds per item (per
 * value for the adversarial ones).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PiiRedactionBenchmark {

  static final int BATCH = 128;
  static final int RING = 1024;

  /** A ring of spans with 10 attributes each, PII in {@code piiPercent} percent of them. */
  @State(Scope.Thread)
  public static class Items {

    @Param({"0", "10", "100"})
    public int piiPercent;

    Item[] ring;
    int cursor;
    Processor processor;
    RegexRedactor regex;

    @Setup
    public void setUp() {
      ring = ring(piiPercent);
      processor = processor();
      regex = new RegexRedactor();
    }

    Item[] nextBatch() {
      Item[] batch = new Item[BATCH];
      for (int i = 0; i < BATCH; i++) {
        batch[i] = ring[(cursor + i) & (RING - 1)].copy();
      }
      cursor = (cursor + BATCH) & (RING - 1);
      return batch;
    }
  }

  /** One adversarial 10 kB value, as a log body. */
  @State(Scope.Thread)
  public static class Adversarial {

    @Param({"nearMissEmails", "digits", "dots", "unicode", "cards", "mixedText", "credentialWords",
        "keyValues"})
    public String kind;

    String value;
    Processor processor;
    RegexRedactor regex;

    @Setup
    public void setUp() {
      value = adversarial(kind);
      processor = processor();
      regex = new RegexRedactor();
    }
  }

  static Processor processor() {
    ProcessorFactory factory = new PiiRedactionProcessorFactory();
    return factory.create(new StageContext("bench", "pii-redaction",
        ConfigSchema.validate(factory.descriptor(), Map.of("maxScanLength", 100_000)), Map.of(), null));
  }

  /** The benchmark's items; the same seed gives the same ring. */
  static Item[] ring(int piiPercent) {
    SplittableRandom random = new SplittableRandom(42);
    Item[] ring = new Item[RING];
    for (int i = 0; i < RING; i++) {
      Item item = Item.span().name("GET /api/v1/orders/{id}")
          .traceId("4bf92f3577b34da6a3ce929d0e0e4736").spanId("00f067aa0ba902b7");
      int n = random.nextInt(100_000);
      item.attributes()
          .put("http.request.method", random.nextBoolean() ? "GET" : "POST")
          .put("url.path", "/api/v1/orders/" + n)
          .put("http.response.status_code", 200L)
          .put("server.address", "shop.example.com")
          .put("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36")
          .put("app.request_id", uuid(random))
          .put("service.version", "1.22." + (n % 40))
          .put("app.duration", (n % 900) + "ms")
          .put("db.statement", "SELECT id, total FROM orders WHERE customer_id = ? LIMIT 50");
      if (random.nextInt(100) < piiPercent) {
        switch (i % 5) {
          case 0:
            item.attributes().put("app.note", "confirmation sent to user" + n + "@example.com");
            break;
          case 1:
            item.attributes().put("app.note", "payment with card 4111 1111 1111 1111 declined");
            break;
          case 2:
            item.attributes().put("app.note", "callback requested at +1 415 555 " + (1000 + n % 9000));
            break;
          case 3:
            item.attributes().put("app.note", "request from client 203.0.113." + (n % 250));
            break;
          default:
            item.attributes().put("http.request.header.authorization", "Bearer mF_9.B5f-4.1JqM" + n);
        }
      } else {
        item.attributes().put("app.note", "cache miss for key orders:" + n + " after 3 retries");
      }
      ring[i] = item;
    }
    return ring;
  }

  private static String uuid(SplittableRandom random) {
    String hex = Long.toHexString(random.nextLong() | Long.MIN_VALUE)
        + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-4" + hex.substring(13, 16) + "-a"
        + hex.substring(17, 20) + "-" + hex.substring(20, 32);
  }

  static String adversarial(String kind) {
    switch (kind) {
      case "nearMissEmails":
        return "a@".repeat(5000);
      case "digits":
        return "1".repeat(10_000);
      case "dots":
        return ".".repeat(10_000);
      case "unicode":
        return "ünïcödé@日本語.テスト ".repeat(500);
      case "cards":
        return "4111 1111 1111 1111 ".repeat(500);
      case "credentialWords":
        return "password: **** token= ".repeat(500);
      case "keyValues":
        return "pwd=x&sig=abc ".repeat(715);
      case "mixedText": {
        SplittableRandom random = new SplittableRandom(7);
        String alphabet = "aeyJB@.:+(-_ 0123456789fAKI";
        StringBuilder sb = new StringBuilder(10_000);
        for (int i = 0; i < 10_000; i++) {
          sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
      }
      default:
        throw new IllegalArgumentException(kind);
    }
  }

  // ---------------------------------------------------------------- per item

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Item[] copyOnly(Items s) {
    return s.nextBatch();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Item[] processor(Items s) {
    Item[] batch = s.nextBatch();
    for (Item item : batch) {
      s.processor.process(item);
    }
    return batch;
  }

  /**
   * The floor of any one-pass redactor on this data: copy the batch, then read every character of
   * every string attribute once.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long charFloor(Items s) {
    long sum = 0;
    for (Item item : s.nextBatch()) {
      io.tributary.api.Attributes a = item.attributes();
      for (int i = 0, n = a.size(); i < n; i++) {
        String v = a.stringAt(i);
        if (v != null) {
          for (int k = 0, len = v.length(); k < len; k++) {
            sum += v.charAt(k);
          }
        }
      }
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Item[] regex(Items s) {
    Item[] batch = s.nextBatch();
    for (Item item : batch) {
      s.regex.redact(item);
    }
    return batch;
  }

  // ---------------------------------------------------------------- adversarial 10 kB values

  @Benchmark
  public Item adversarialProcessor(Adversarial s) {
    Item item = Item.log().body(s.value);
    s.processor.process(item);
    return item;
  }

  @Benchmark
  public Item adversarialRegex(Adversarial s) {
    Item item = Item.log().body(s.value);
    s.regex.redact(item);
    return item;
  }
}
