package io.tributary.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.StageSamples;
import io.tributary.catalog.StageSamples.Sample;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.Stage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this node's timings history: every {@link StageSamples#STEP}, what each stage of its
 * environment did since the last sample (items, outcomes, batches, time), read from the stage
 * meters, one row per stage in the catalog. Every stage of the running pipeline gets a row, busy
 * or not, so the history can tell "no traffic" (a row with no items) from "no node reported" (no
 * row). Samples older than {@link StageSamples#RETENTION} are deleted as it goes.
 */
public final class TimingsSampler {

  private static final Logger LOG = LoggerFactory.getLogger(TimingsSampler.class);
  private static final String[] COUNTERS = {"tributary.stage.items", "tributary.stage.modified",
      "tributary.stage.failed", "tributary.stage.skipped", "tributary.stage.dead_lettered"};
  private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

  private final Catalog catalog;
  private final MeterRegistry meters;
  private final String env;
  private final String node;
  private final Clock clock;
  private final Supplier<CompiledPipeline> running;
  /** Per stage (name and processor id): the meters' values at the last sample. */
  private final Map<String, long[]> last = new HashMap<>();
  /** When old samples were last deleted; null before the first sample. */
  private Instant lastPrune;

  /** @param running the pipeline this node runs now, or null before it has one */
  public TimingsSampler(Catalog catalog, MeterRegistry meters, String env, String node, Clock clock,
      Supplier<CompiledPipeline> running) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.env = Objects.requireNonNull(env, "env");
    this.node = Objects.requireNonNull(node, "node");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.running = Objects.requireNonNull(running, "running");
  }

  /** The step a sample taken at {@code now} belongs to: the one that just ended, if now is near its end. */
  static Instant stepOf(Instant now) {
    long step = StageSamples.STEP.toMillis();
    long ms = now.toEpochMilli() - step / 2;
    return Instant.ofEpochMilli(Math.floorDiv(ms, step) * step);
  }

  /** How long from {@code now} until just after the next step boundary: samples land on their step. */
  static long millisToNextStep(Instant now) {
    long step = StageSamples.STEP.toMillis();
    return step - Math.floorMod(now.toEpochMilli(), step) + 50;
  }

  /**
   * Samples the stage meters and writes what changed since the last sample; answers what it
   * wrote. Failures to write are logged; the figures are kept for the next sample.
   */
  public synchronized List<Sample> sample() {
    Instant now = clock.instant();
    Instant at = stepOf(now);
    Map<String, long[]> current = read();
    Map<String, String> coordinates = new LinkedHashMap<>();
    CompiledPipeline pipeline = running.get();
    if (pipeline != null) {
      for (Stage stage : pipeline.stages()) {
        String key = key(stage.name(), stage.descriptor().id());
        coordinates.put(key, stage.coordinates());
        current.putIfAbsent(key, new long[7]);
      }
    }
    List<Sample> samples = new ArrayList<>();
    for (Map.Entry<String, long[]> e : current.entrySet()) {
      long[] now7 = e.getValue();
      long[] before = last.getOrDefault(e.getKey(), new long[7]);
      long[] d = new long[7];
      boolean any = false;
      for (int i = 0; i < 7; i++) {
        // A meter that went down was registered anew (a restarted stage): count from zero.
        d[i] = now7[i] >= before[i] ? now7[i] - before[i] : now7[i];
        any |= d[i] != 0;
      }
      String[] parts = e.getKey().split("\u0000", 2);
      String processor = coordinates.get(e.getKey());
      if (processor == null && !any) {
        continue; // a stage no longer in the pipeline, idle: nothing to say
      }
      samples.add(new Sample(node, env, parts[0], processor == null ? parts[1] : processor, at, d[0], d[1], d[2],
          d[3], d[4], d[5], d[6]));
    }
    try {
      catalog.stageSamples().record(samples);
      last.clear();
      last.putAll(current);
    } catch (RuntimeException e) {
      LOG.warn("Writing the timings history failed (the figures go into the next sample): {}", e.toString());
      return List.of();
    }
    if (lastPrune == null || Duration.between(lastPrune, now).compareTo(PRUNE_EVERY) >= 0) {
      lastPrune = now;
      try {
        catalog.stageSamples().prune(now.minus(StageSamples.RETENTION));
      } catch (RuntimeException e) {
        LOG.warn("Deleting old timings history failed: {}", e.toString());
      }
    }
    return samples;
  }

  /** The stage meters of this environment: items, modified, failed, skipped, dead-lettered, batches, nanos. */
  private Map<String, long[]> read() {
    Map<String, long[]> out = new HashMap<>();
    for (int i = 0; i < COUNTERS.length; i++) {
      for (Counter c : meters.find(COUNTERS[i]).tag("env", env).counters()) {
        out.computeIfAbsent(key(c.getId()), k -> new long[7])[i] += Math.round(c.count());
      }
    }
    for (Timer t : meters.find("tributary.stage.duration").tag("env", env).timers()) {
      long[] v = out.computeIfAbsent(key(t.getId()), k -> new long[7]);
      v[5] += t.count();
      v[6] += Math.round(t.totalTime(TimeUnit.NANOSECONDS));
    }
    return out;
  }

  private static String key(Meter.Id id) {
    return key(String.valueOf(id.getTag("stage")), String.valueOf(id.getTag("processor")));
  }

  private static String key(String stage, String processorId) {
    return stage + "\u0000" + processorId;
  }
}
