package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ConfigField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PipelineHolderTest {

  private final AtomicLong invocationsAfterClose = new AtomicLong();
  private final Queue<CountingProcessor> created = new ConcurrentLinkedQueue<>();

  /** Stamps the revision it was compiled for and counts how often it saw each item. */
  private final class CountingProcessor implements Processor {
    final String stage;
    final long revision;
    final AtomicBoolean closed = new AtomicBoolean();

    CountingProcessor(String stage, long revision) {
      this.stage = stage;
      this.revision = revision;
    }

    @Override
    public void process(Item item) {
      if (closed.get()) {
        invocationsAfterClose.incrementAndGet();
      }
      item.attributes().put(stage + ".rev", revision);
      item.attributes().put(stage + ".count", item.attributes().getLong(stage + ".count", 0) + 1);
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  private ProcessorRegistry registry() {
    List<TestFactory> factories = new ArrayList<>();
    for (String stage : List.of("a", "b", "c")) {
      factories.add(TestFactory.of(
          ProcessorDescriptor.builder(stage, "1.0.0").writes(stage + ".*")
              .config(ConfigField.longValue("revision").required()).build(),
          ctx -> {
            CountingProcessor p = new CountingProcessor(stage, (long) ctx.config().asMap().get("revision"));
            created.add(p);
            return p;
          }));
    }
    return ProcessorRegistry.of(factories);
  }

  private static PipelineSpec spec(long revision) {
    Map<String, Object> config = Map.of("revision", revision);
    return PipelineSpec.of(StageSpec.of("a", config), StageSpec.of("b", config), StageSpec.of("c", config));
  }

  @Test
  void hundreds_of_swaps_under_load_lose_duplicate_or_mix_nothing() throws Exception {
    PipelineCompiler compiler = PipelineCompiler.builder(registry()).build();
    PipelineHolder holder = new PipelineHolder("dev", compiler.compile("dev", 0, spec(0)));
    int workers = 4;
    int batchesPerWorker = 400;
    int batchSize = 64;
    int swaps = 300;
    ExecutorService pool = Executors.newFixedThreadPool(workers + 1);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<Batch>>> results = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      int worker = w;
      results.add(pool.submit(() -> {
        start.await();
        List<Batch> done = new ArrayList<>();
        for (int b = 0; b < batchesPerWorker; b++) {
          List<Item> items = new ArrayList<>(batchSize);
          for (int i = 0; i < batchSize; i++) {
            Item item = Item.span();
            item.attributes().put("id", ((long) worker << 32) | ((long) b * batchSize + i));
            items.add(item);
          }
          Batch batch = Batch.of(items);
          holder.run(batch);
          done.add(batch);
        }
        return done;
      }));
    }
    Future<?> swapper = pool.submit(() -> {
      start.await();
      for (long r = 1; r <= swaps; r++) {
        holder.install(compiler.compile("dev", r, spec(r)));
        Thread.yield();
      }
      return null;
    });
    start.countDown();
    swapper.get(60, TimeUnit.SECONDS);
    List<Batch> batches = new ArrayList<>();
    for (Future<List<Batch>> f : results) {
      batches.addAll(f.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();

    java.util.Set<Long> ids = new java.util.HashSet<>();
    java.util.Set<Long> revisionsSeen = new java.util.HashSet<>();
    for (Batch batch : batches) {
      long revision = batch.pipeline().revision();
      revisionsSeen.add(revision);
      for (Item item : batch.items()) {
        assertThat(ids.add(item.attributes().getLong("id", -1))).as("ids are unique").isTrue();
        for (String stage : List.of("a", "b", "c")) {
          assertThat(item.attributes().getLong(stage + ".count", 0)).as("stage %s ran once", stage).isEqualTo(1);
          assertThat(item.attributes().getLong(stage + ".rev", -1)).as("one revision per item").isEqualTo(revision);
        }
      }
    }
    assertThat(ids).hasSize(workers * batchesPerWorker * batchSize);
    assertThat(revisionsSeen).as("batches ran on many revisions").hasSizeGreaterThan(10);
    assertThat(holder.current().revision()).isEqualTo(swaps);
    assertThat(invocationsAfterClose).hasValue(0);

    // Every replaced pipeline closed its processors once its last batch was done.
    holder.close();
    assertThat(created).hasSize((swaps + 1) * 3).allSatisfy(p -> assertThat(p.closed).isTrue());
  }

  @Test
  void a_replaced_pipeline_closes_only_after_its_running_batch_finishes() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean closedWhileRunning = new AtomicBoolean();
    AtomicBoolean closed = new AtomicBoolean();
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.of(
        ProcessorDescriptor.builder("slow", "1.0.0").build(),
        ctx -> new Processor() {
          @Override
          public void process(Item item) {
            inside.countDown();
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            closedWhileRunning.set(closed.get());
          }

          @Override
          public void close() {
            closed.set(true);
          }
        })));
    PipelineCompiler compiler = PipelineCompiler.builder(registry).build();
    CompiledPipeline first = compiler.compile("dev", 1, PipelineSpec.of(StageSpec.of("slow")));
    PipelineHolder holder = new PipelineHolder("dev", first);
    Thread runner = new Thread(() -> holder.run(Batch.of(Item.span())));
    runner.start();
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    holder.install(compiler.compile("dev", 2, PipelineSpec.empty()));
    assertThat(first.isClosed()).isFalse();
    release.countDown();
    runner.join(10_000);
    assertThat(closedWhileRunning).isFalse();
    assertThat(first.isClosed()).isTrue();
    assertThatThrownBy(() -> holder.install(first)).hasMessageContaining("retired or closed");
  }

  @Test
  void a_pipeline_of_another_environment_is_refused() {
    PipelineCompiler compiler = PipelineCompiler.builder(registry()).build();
    PipelineHolder holder = new PipelineHolder("dev", compiler.compile("dev", 1, PipelineSpec.empty()));
    assertThatThrownBy(() -> holder.install(compiler.compile("prod", 2, PipelineSpec.empty())))
        .hasMessageContaining("pipeline for 'prod' installed in 'dev'");
  }
}
