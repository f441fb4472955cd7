package io.tributary.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.host.ChangeTracker;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * One stage of a {@link CompiledPipeline}: a processor instance with its descriptor, failure
 * policy, circuit breaker and meters. Observable from outside; run only by the pipeline.
 */
public final class Stage {

  private final int index;
  private final String name;
  private final ProcessorDescriptor descriptor;
  private final String coordinates;
  private final Processor processor;
  private final FailurePolicy policy;
  private final CircuitBreaker breaker;
  private final List<String> writes;
  private final StageLoop loop;
  /** Closes the processor: through its plugin's guard for a plugin, directly otherwise. */
  private final Runnable closer;

  final Timer timer;
  final Counter items;
  final Counter modified;
  final Counter failed;
  final Counter skipped;
  final Counter deadLettered;
  final Counter undeclaredWrites;
  private final boolean batched;
  /** Per part (attributes, resource, scope, field): written names known to be declared or not. */
  @SuppressWarnings("unchecked")
  private final ConcurrentHashMap<String, Boolean>[] declared = new ConcurrentHashMap[4];
  private static final int DECLARED_CACHE_LIMIT = 4096;
  private static final String[] PREFIXES = {"", "resource:", "scope:", "field:"};

  Stage(
      int index,
      String name,
      ProcessorDescriptor descriptor,
      List<String> writes,
      Processor processor,
      FailurePolicy policy,
      CircuitBreaker breaker,
      MeterRegistry registry,
      String environment,
      boolean timings,
      Runnable closer) {
    this.index = index;
    this.name = name;
    this.descriptor = descriptor;
    this.coordinates = descriptor.coordinates();
    this.processor = processor;
    this.policy = policy;
    this.breaker = breaker;
    this.writes = List.copyOf(writes);
    this.loop = StageLoop.forProcessor(processor.getClass());
    this.closer = closer == null ? processor::close : closer;
    Tags tags = Tags.of("env", environment, "stage", name, "processor", descriptor.id());
    this.timer = timings
        ? Timer.builder("tributary.stage.duration")
            .description("Time a stage spent on one batch")
            .tags(tags)
            .publishPercentiles(0.5, 0.95, 0.99)
            .register(registry)
        : null;
    this.items = counter(registry, "tributary.stage.items", "Items a stage was given", tags);
    this.modified = counter(registry, "tributary.stage.modified", "Items a stage changed", tags);
    this.failed = counter(registry, "tributary.stage.failed", "Items a stage threw on", tags);
    this.skipped =
        counter(registry, "tributary.stage.skipped", "Items skipped: breaker open", tags);
    this.deadLettered =
        counter(registry, "tributary.stage.dead_lettered", "Items a stage dead-lettered", tags);
    this.undeclaredWrites = counter(registry, "tributary.stage.undeclared_writes",
        "Writes a stage made to keys its descriptor does not declare", tags);
    this.batched = overridesBatch(processor.getClass());
    for (int i = 0; i < declared.length; i++) {
      declared[i] = new ConcurrentHashMap<>();
    }
  }

  private static boolean overridesBatch(Class<?> type) {
    try {
      return type.getMethod("process", List.class).getDeclaringClass() != Processor.class;
    } catch (NoSuchMethodException | SecurityException e) {
      return false;
    }
  }

  /** True if the processor overrides {@link Processor#process(List)}: the engine hands it batches. */
  boolean batched() {
    return batched;
  }

  /**
   * Counts the writes recorded from {@code mark} on whose keys the descriptor does not declare.
   * Allocates nothing for a key seen before.
   */
  int undeclaredSince(ChangeTracker tracker, int mark) {
    int bad = 0;
    for (int k = mark, n = tracker.changeCount(); k < n; k++) {
      if (!isDeclared(tracker.changedPart(k), tracker.changedName(k))) {
        bad++;
      }
    }
    return bad;
  }

  /** The first undeclared write from {@code mark} on, as the message of a strict failure. */
  String undeclaredMessage(ChangeTracker tracker, int mark) {
    for (int k = mark, n = tracker.changeCount(); k < n; k++) {
      if (!isDeclared(tracker.changedPart(k), tracker.changedName(k))) {
        return coordinates + " wrote '" + tracker.changedKey(k)
            + "', which its descriptor does not declare in writes " + writes;
      }
    }
    return coordinates + " wrote a key its descriptor does not declare";
  }

  private boolean isDeclared(int part, String name) {
    ConcurrentHashMap<String, Boolean> cache = declared[part];
    Boolean ok = cache.get(name);
    if (ok == null) {
      ok = declaresWrite(PREFIXES[part] + name);
      if (cache.size() < DECLARED_CACHE_LIMIT) {
        cache.put(name, ok);
      }
    }
    return ok;
  }

  private static Counter counter(MeterRegistry r, String name, String doc, Tags tags) {
    return Counter.builder(name).description(doc).tags(tags).register(r);
  }

  /** Position in the pipeline, from 0. */
  public int index() {
    return index;
  }

  public String name() {
    return name;
  }

  public ProcessorDescriptor descriptor() {
    return descriptor;
  }

  /** {@code id@version}. */
  public String coordinates() {
    return coordinates;
  }

  public FailurePolicy failurePolicy() {
    return policy;
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  StageLoop loop() {
    return loop;
  }

  Processor processor() {
    return processor;
  }

  /** Closes the processor (within its plugin's time limit for a plugin). */
  void close() {
    closer.run();
  }

  /** True if {@code key} (tracker notation) is among the declared writes. */
  boolean declaresWrite(String key) {
    if (key.equals("field:dead_letter")) {
      return true;
    }
    for (String pattern : writes) {
      if (DescriptorRules.covers(pattern, key)) {
        return true;
      }
    }
    return false;
  }

  /** Applies the declared failure defaults to an item the stage failed on. */
  void applyDefaults(Item item) {
    for (Map.Entry<String, Object> e : descriptor.failureDefaults().entrySet()) {
      String key = e.getKey();
      if (key.startsWith("resource:")) {
        item.resource().putValue(key.substring("resource:".length()), e.getValue());
      } else if (key.startsWith("scope:")) {
        item.scope().putValue(key.substring("scope:".length()), e.getValue());
      } else if (!key.startsWith("field:")) {
        item.attributes().putValue(key, e.getValue());
      }
    }
  }

  @Override
  public String toString() {
    return name + "(" + coordinates + ", " + policy + ", breaker " + breaker.state() + ")";
  }
}
