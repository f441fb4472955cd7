package io.tributary.benchmarks;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import io.tributary.runtime.Batch;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.ProcessorRegistry;
import io.tributary.runtime.StageSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * The engine's overhead on the same four enrichment steps: written by hand in one method (the
 * limit), run as a compiled pipeline (with and without timings), and a chain of no-op stages (the
 * dispatch floor). Every operation copies a batch of items from a seeded ring first; {@link
 * #copyOnly} measures that copy alone so it can be subtracted. Results are per item.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineBenchmark {

  static final int BATCH = 128;
  static final int RING = 1024;

  @Param({"10", "30"})
  public int attributes;

  Item[] ring;
  String[] requestIds;
  ItemRing batches;
  CompiledPipeline pipeline;
  CompiledPipeline pipelineNoTimings;
  CompiledPipeline noops;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    ring = new Item[RING];
    requestIds = new String[RING];
    for (int i = 0; i < RING; i++) {
      Item item = Item.span().name("GET /cart").traceId("4bf92f3577b34da6a3ce929d0e0e4736")
          .spanId("00f067aa0ba902b7");
      for (int a = 0; a < attributes - 2; a++) {
        item.attributes().put("attr." + a, "value-" + random.nextInt(1000));
      }
      item.attributes().put("user.email", "user" + i + "@example.com");
      if (random.nextInt(10) == 0) {
        item.attributes().put("request.id", "given-" + i);
      } else {
        item.attributes().put("http.status_code", 200L);
      }
      item.resource().put("service.name", "cart").put("host.name", "web-" + (i % 8));
      ring[i] = item;
      requestIds[i] = "req-" + i;
    }
    batches = new ItemRing(ring, BATCH);
    pipeline = compile(true, steps());
    pipelineNoTimings = compile(false, steps());
    List<ProcessorFactory> noopFactories = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      noopFactories.add(factory("noop-" + s, new String[0], ctx -> item -> {}));
    }
    noops = compile(true, noopFactories);
  }

  private List<ProcessorFactory> steps() {
    String[] ids = requestIds;
    return List.of(
        factory("request-id", new String[] {"request.id"},
            ctx -> item -> requestId(item, ids)),
        factory("environment", new String[] {"resource:deployment.environment.name", "resource:service.namespace"},
            ctx -> EngineBenchmark::environment),
        factory("mask", new String[] {"*"}, ctx -> EngineBenchmark::mask),
        factory("tags", new String[] {"team", "tier"}, ctx -> EngineBenchmark::tags));
  }

  private static CompiledPipeline compile(boolean timings, List<ProcessorFactory> factories) {
    List<StageSpec> stages = new ArrayList<>();
    for (ProcessorFactory f : factories) {
      stages.add(StageSpec.of(f.descriptor().id()));
    }
    return PipelineCompiler.builder(ProcessorRegistry.of(factories)).timings(timings).lineage(true).build()
        .compile("bench", 1, new PipelineSpec(stages));
  }

  private static ProcessorFactory factory(String id, String[] writes, Function<io.tributary.api.ProcessorContext, Processor> create) {
    ProcessorDescriptor d = ProcessorDescriptor.builder(id, "1.0.0").reads("*").writes(writes).build();
    return new ProcessorFactory() {
      @Override
      public ProcessorDescriptor descriptor() {
        return d;
      }

      @Override
      public Processor create(io.tributary.api.ProcessorContext context) {
        return create.apply(context);
      }
    };
  }

  // ---------------------------------------------------------------- the four steps

  static void requestId(Item item, String[] ids) {
    if (item.attributes().getString("request.id") == null) {
      item.attributes().put("request.id", ids[(int) (item.timeUnixNano() & (RING - 1))]);
    }
  }

  static void environment(Item item) {
    item.resource().put("deployment.environment.name", "prod").put("service.namespace", "shop");
  }

  static void mask(Item item) {
    Attributes a = item.attributes();
    for (int i = 0, n = a.size(); i < n; i++) {
      if (a.keyAt(i).endsWith("email") && a.stringAt(i) != null) {
        a.setStringAt(i, "***");
      }
    }
  }

  static void tags(Item item) {
    item.attributes().put("team", "checkout").put("tier", 1L);
  }

  // ---------------------------------------------------------------- benchmarks

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
  public Item[] handwritten() {
    Item[] batch = nextBatch();
    for (Item item : batch) {
      requestId(item, requestIds);
      environment(item);
      mask(item);
      tags(item);
    }
    return batch;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Batch pipeline() {
    Batch batch = Batch.of(nextBatch());
    pipeline.run(batch);
    return batch;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Batch pipelineTimingsOff() {
    Batch batch = Batch.of(nextBatch());
    pipelineNoTimings.run(batch);
    return batch;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Batch noopChain() {
    Batch batch = Batch.of(nextBatch());
    noops.run(batch);
    return batch;
  }
}
