package io.tributary.benchmarks;

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
import io.tributary.runtime.plugins.PluginRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.sink.SinkRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The headline comparison: one enrichment workload ({@link EnrichmentWorkload}: correlation,
 * environment, attributes and pii-redaction on a seeded ring of 1024 spans, PII in 10 %) done by
 *
 * <ul>
 *   <li>(a) {@link #pipeline}: Tributary's compiled pipeline of the built-in processors, loaded
 *       from their plugin jars through PF4J and the {@link PluginRegistry}, timings and lineage on;
 *   <li>(b) {@link #handwritten}: the same steps by hand in one method ({@link
 *       HandwrittenEnrichment}), in place: the limit;
 *   <li>(c) {@link #kafkaConnect}: the Kafka Connect single message transforms a user would pick
 *       instead ({@link KafkaConnectChain}), on records built once; {@link #kafkaConnectFromItems}
 *       builds each record from the item first;
 *   <li>(d) {@link #noopChain}: as many stages as (a), each doing nothing: the dispatch floor;
 *   <li>(e) {@link #pipelineTimingsOff}: (a) without per-stage timers.
 * </ul>
 *
 * <p>pii-redaction scans every character of every string value, which no Connect transform does
 * ({@code MaskField} overwrites one named field). {@link #pipelineWithoutPii} and {@link
 * #kafkaConnectWithoutMask} leave that step out of both, to compare the work they do alike.
 *
 *
 * <p>(a), (b), (d) and (e) change items, so each operation first copies a batch of 128 from the
 * ring; {@link #copyOnly} measures that copy alone, to subtract. (c) needs no copy (transforms
 * build new records), so its raw numbers are compared with (a)'s including the copy, in (a)'s
 * disfavour. Results are per item. {@code EnrichmentEquivalenceTest} checks that (a), (b) and (c)
 * produce the same items, and lists where they cannot.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EnrichmentBenchmark {

  static final int BATCH = 128;
  static final int RING = EnrichmentWorkload.RING;

  @Param({"10", "30"})
  public int attributes;

  Item[] ring;
  ItemRing batches;
  SinkRecord[] records;
  int recordCursor;

  Path workDir;
  PluginRegistry plugins;
  CompiledPipeline pipeline;
  CompiledPipeline pipelineTimingsOff;
  CompiledPipeline noops;
  CompiledPipeline pipelineWithoutPii;
  HandwrittenEnrichment byHand;
  KafkaConnectChain connect;
  KafkaConnectChain connectRegex;
  KafkaConnectChain connectWithoutMask;

  @Setup(Level.Trial)
  public void setUp() {
    ring = EnrichmentWorkload.ring(attributes);
    batches = new ItemRing(ring, BATCH);
    records = new SinkRecord[RING];
    for (int i = 0; i < RING; i++) {
      records[i] = KafkaConnectChain.toRecord(ring[i], i);
    }
    try {
      workDir = Files.createTempDirectory("tributary-enrichment-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    plugins = BundledPlugins.load(workDir);
    PipelineSpec spec = EnrichmentWorkload.spec();
    pipeline = compile(plugins, true, spec);
    pipelineTimingsOff = compile(plugins, false, spec);
    noops = compile(noopRegistry(spec.stages().size()), true, noopSpec(spec.stages().size()));
    pipelineWithoutPii = compile(plugins, true, EnrichmentWorkload.specWithoutPii());
    byHand = new HandwrittenEnrichment();
    connect = new KafkaConnectChain(KafkaConnectChain.Pii.MASK_FIELD);
    connectRegex = new KafkaConnectChain(KafkaConnectChain.Pii.REGEX);
    connectWithoutMask = new KafkaConnectChain(KafkaConnectChain.Pii.NONE);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (CompiledPipeline p : new CompiledPipeline[] {pipeline, pipelineTimingsOff, noops, pipelineWithoutPii}) {
      if (p != null) {
        p.close();
      }
    }
    for (KafkaConnectChain c : new KafkaConnectChain[] {connect, connectRegex, connectWithoutMask}) {
      if (c != null) {
        c.close();
      }
    }
    if (plugins != null) {
      plugins.close();
    }
    BundledPlugins.delete(workDir);
  }

  static CompiledPipeline compile(ProcessorRegistry registry, boolean timings, PipelineSpec spec) {
    return PipelineCompiler.builder(registry).timings(timings).lineage(true).build()
        .compile("bench", 1, spec);
  }

  private static ProcessorRegistry noopRegistry(int stages) {
    List<ProcessorFactory> factories = new ArrayList<>();
    for (int s = 0; s < stages; s++) {
      ProcessorDescriptor d = ProcessorDescriptor.builder("noop-" + s, "1.0.0").build();
      factories.add(new ProcessorFactory() {
        @Override
        public ProcessorDescriptor descriptor() {
          return d;
        }

        @Override
        public Processor create(io.tributary.api.ProcessorContext context) {
          return item -> {};
        }
      });
    }
    return ProcessorRegistry.of(factories);
  }

  private static PipelineSpec noopSpec(int stages) {
    List<StageSpec> list = new ArrayList<>();
    for (int s = 0; s < stages; s++) {
      list.add(StageSpec.of("noop-" + s));
    }
    return new PipelineSpec(list);
  }

  // ---------------------------------------------------------------- benchmarks

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Item[] copyOnly() {
    return batches.nextBatch();
  }

  /** (a) */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Batch pipeline() {
    Batch batch = Batch.of(batches.nextBatch());
    pipeline.run(batch);
    return batch;
  }

  /** (b) */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Item[] handwritten() {
    Item[] batch = batches.nextBatch();
    for (Item item : batch) {
      byHand.enrich(item);
    }
    return batch;
  }

  /** (c), on records built once. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void kafkaConnect(Blackhole bh) {
    runConnect(connect, bh);
  }

  private void runConnect(KafkaConnectChain chain, Blackhole bh) {
    int c = recordCursor;
    for (int i = 0; i < BATCH; i++) {
      bh.consume(chain.apply(records[(c + i) & (RING - 1)]));
    }
    recordCursor = (c + BATCH) & (RING - 1);
  }

  /**
   * (c) doing the same PII work as (a): the stock chain with a hand-written regex transform in
   * place of {@code MaskField}, since no stock transform redacts by content.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void kafkaConnectRegex(Blackhole bh) {
    runConnect(connectRegex, bh);
  }

  /** (c), each record first built from its item, as a bridge from Tributary's items would. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void kafkaConnectFromItems(Blackhole bh) {
    int c = recordCursor;
    for (int i = 0; i < BATCH; i++) {
      int at = (c + i) & (RING - 1);
      bh.consume(connect.apply(KafkaConnectChain.toRecord(ring[at], at)));
    }
    recordCursor = (c + BATCH) & (RING - 1);
  }

  /** (d) */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Batch noopChain() {
    Batch batch = Batch.of(batches.nextBatch());
    noops.run(batch);
    return batch;
  }

  /** (a) without its pii-redaction stage: the part of the work (c) does alike. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Batch pipelineWithoutPii() {
    Batch batch = Batch.of(batches.nextBatch());
    pipelineWithoutPii.run(batch);
    return batch;
  }

  /** (c) without its MaskField: the counterpart of {@link #pipelineWithoutPii}. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void kafkaConnectWithoutMask(Blackhole bh) {
    runConnect(connectWithoutMask, bh);
  }

  /** (e) */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Batch pipelineTimingsOff() {
    Batch batch = Batch.of(batches.nextBatch());
    pipelineTimingsOff.run(batch);
    return batch;
  }
}
