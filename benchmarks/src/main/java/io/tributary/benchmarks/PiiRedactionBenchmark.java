package io.tributary.benchmarks;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorFactory;
import io.tributary.plugins.piiredaction.PiiRedactionProcessorFactory;
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
 * The pii-redaction processor against a plain java.util.regex implementation of the same rules,
 * on a seeded ring of items with 10 attributes, at 0 %, 10 % and 100 % of items carrying PII.
 * Each operation copies a batch first; {@link #copyOnly} measures that copy to subtract.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PiiRedactionBenchmark {

  static final int BATCH = 64;
  static final int RING = 1024;

  @Param({"0", "10", "100"})
  public int piiPercent;

  Item[] ring;
  ItemRing batches;
  Processor pii;
  RegexRedactor regex;

  static final String[] ROUTES = {"/cart/{id}", "/checkout", "/api/v2/orders", "/search", "/health"};

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    ring = new Item[RING];
    for (int i = 0; i < RING; i++) {
      Item item = Item.span().name("GET /cart");
      item.attributes()
          .put("http.request.method", "GET")
          .put("http.route", ROUTES[random.nextInt(ROUTES.length)])
          .put("url.full", "https://shop.example.com/cart/" + random.nextInt(100000) + "?ref=home")
          .put("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0")
          .put("http.response.status_code", 200L)
          .put("server.address", "shop.example.com")
          .put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")
          .put("order.id", "ord-" + random.nextInt(1_000_000))
          .put("duration", "took 15" + random.nextInt(10) + "ms at 20:15:00");
      boolean hasPii = random.nextInt(100) < piiPercent;
      item.attributes().put("note", hasPii
          ? (random.nextBoolean() ? "contact bob" + i + "@example.com please" : "paid with 4111 1111 1111 1111")
          : "customer asked for gift wrap");
      ring[i] = item;
    }
    batches = new ItemRing(ring, BATCH);
    ProcessorFactory factory = new PiiRedactionProcessorFactory();
    pii = factory.create(ProcessorContext.of(factory.descriptor().validateConfig(Map.of())));
    regex = new RegexRedactor();
  }

  Item[] nextBatch() {
    return batches.nextBatch();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Item[] copyOnly() {
    return nextBatch();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Item[] scanner() {
    Item[] batch = nextBatch();
    for (Item item : batch) {
      pii.process(item);
    }
    return batch;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Item[] regex() {
    Item[] batch = nextBatch();
    for (Item item : batch) {
      regex.process(item);
    }
    return batch;
  }
}
