package io.tributary.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.api.Item;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.runtime.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final AtomicBoolean failing = new AtomicBoolean(true);
  private final AtomicReference<State> stateSeenByProcessor = new AtomicReference<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private CompiledPipeline pipeline;

  private CompiledPipeline compile(BreakerSettings settings) {
    ProcessorRegistry registry = ProcessorRegistry.of(List.of(TestFactory.processing(
        ProcessorDescriptor.builder("flaky", "1.0.0").writes("enriched").build(),
        item -> {
          stateSeenByProcessor.set(pipeline.stages().get(0).breaker().state());
          if (failing.get()) {
            throw new IllegalStateException("backend down");
          }
          item.attributes().put("enriched", true);
        })));
    pipeline = PipelineCompiler.builder(registry).breakerSettings(settings).nanoClock(clock::get)
        .meterRegistry(meters).build()
        .compile("dev", 1, PipelineSpec.of(StageSpec.of("flaky")));
    return pipeline;
  }

  private static List<StageOutcome> run(CompiledPipeline p, int n) {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add(Item.span());
    }
    Batch batch = Batch.of(items);
    p.run(batch);
    List<StageOutcome> outcomes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      outcomes.add(batch.outcome(i, 0));
    }
    return outcomes;
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void opens_after_consecutive_failures_then_probes_half_open_and_closes_on_success() {
    CompiledPipeline p = compile(new BreakerSettings(3, 1.0, 1_000, Duration.ofSeconds(10), Duration.ofSeconds(30)));
    CircuitBreaker breaker = p.stages().get(0).breaker();

    assertThat(run(p, 5)).containsExactly(StageOutcome.FAILED, StageOutcome.FAILED, StageOutcome.FAILED,
        StageOutcome.SKIPPED, StageOutcome.SKIPPED);
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.lastFailure()).contains("backend down");

    advance(Duration.ofSeconds(10));
    assertThat(run(p, 2)).containsOnly(StageOutcome.SKIPPED);

    advance(Duration.ofSeconds(21)); // past the open period: one probe, which fails
    assertThat(run(p, 3)).containsExactly(StageOutcome.FAILED, StageOutcome.SKIPPED, StageOutcome.SKIPPED);
    assertThat(stateSeenByProcessor.get()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.state()).isEqualTo(State.OPEN);

    advance(Duration.ofSeconds(29)); // the failed probe restarted the open period
    assertThat(run(p, 1)).containsExactly(StageOutcome.SKIPPED);

    failing.set(false);
    advance(Duration.ofSeconds(2));
    assertThat(run(p, 3)).containsOnly(StageOutcome.MODIFIED);
    assertThat(stateSeenByProcessor.get()).isEqualTo(State.CLOSED);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.consecutiveFailures()).isZero();

    assertThat(meters.get("tributary.stage.skipped").counter().count()).isEqualTo(2 + 2 + 2 + 1);
    assertThat(meters.get("tributary.stage.failed").counter().count()).isEqualTo(3 + 1);
  }

  @Test
  void consecutive_failures_carry_across_batches() {
    CompiledPipeline p = compile(new BreakerSettings(4, 1.0, 1_000, Duration.ofSeconds(10), Duration.ofSeconds(30)));
    run(p, 3);
    assertThat(p.stages().get(0).breaker().state()).isEqualTo(State.CLOSED);
    assertThat(run(p, 2)).containsExactly(StageOutcome.FAILED, StageOutcome.SKIPPED);
    assertThat(p.stages().get(0).breaker().state()).isEqualTo(State.OPEN);
  }

  @Test
  void a_success_resets_the_consecutive_count() {
    CompiledPipeline p = compile(new BreakerSettings(3, 1.0, 1_000, Duration.ofSeconds(10), Duration.ofSeconds(30)));
    for (int i = 0; i < 10; i++) {
      failing.set(true);
      run(p, 2);
      failing.set(false);
      run(p, 1);
    }
    assertThat(p.stages().get(0).breaker().state()).isEqualTo(State.CLOSED);
  }

  @Test
  void opens_on_failure_rate_within_the_window() {
    CompiledPipeline p = compile(new BreakerSettings(1_000, 0.5, 20, Duration.ofSeconds(10), Duration.ofSeconds(30)));
    CircuitBreaker breaker = p.stages().get(0).breaker();
    for (int i = 0; i < 9; i++) { // 18 calls, half failing: below the minimum number of calls
      failing.set(i % 2 == 0);
      run(p, 2);
    }
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    failing.set(true);
    run(p, 2);
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void failures_outside_the_window_do_not_count_and_successes_dilute_the_rate() {
    CompiledPipeline p = compile(new BreakerSettings(1_000, 0.5, 20, Duration.ofSeconds(10), Duration.ofSeconds(30)));
    CircuitBreaker breaker = p.stages().get(0).breaker();
    run(p, 15); // 15 failures…
    advance(Duration.ofSeconds(11)); // …that age out of the window
    failing.set(false);
    run(p, 100);
    failing.set(true);
    run(p, 15); // 15 of 115 in the window
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(clock.get())).isPositive();
  }
}
