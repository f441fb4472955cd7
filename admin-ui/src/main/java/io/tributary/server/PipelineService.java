package io.tributary.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.PipelineRevision;
import io.tributary.catalog.StageRecord;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.FailurePolicy;
import io.tributary.runtime.PipelineCompilationException;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineHolder;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.ProcessorRegistry;
import io.tributary.runtime.StageSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the catalog to the engine: compiles stored revisions against the processors this node
 * has, checks a proposed pipeline before it is written (so a revision that does not compile never
 * reaches a node), and keeps this node's environment running its newest revision — polling the
 * catalog, so a revision written by any node sharing the database is installed within a second
 * or two.
 */
public final class PipelineService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineService.class);
  /** A config value that stands for "the secret already stored". */
  public static final Map<String, Object> SECRET_SET = Map.of("set", true);

  private final Catalog catalog;
  private final ProcessorRegistry registry;
  private final String env;
  private final PipelineCompiler compiler;
  private final PipelineCompiler checker;
  private PipelineHolder holder;
  private volatile long failedRevision = -1;
  private ScheduledExecutorService poller;

  public PipelineService(Catalog catalog, ProcessorRegistry registry, String env, MeterRegistry meters) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.env = Objects.requireNonNull(env, "env");
    this.compiler = PipelineCompiler.builder(registry).meterRegistry(meters).build();
    // Checks and simulations must not show up in this node's stage metrics.
    this.checker = PipelineCompiler.builder(registry).meterRegistry(new SimpleMeterRegistry()).build();
  }

  /** The environment this node runs. */
  public String env() {
    return env;
  }

  public ProcessorRegistry registry() {
    return registry;
  }

  /**
   * Compiles and installs this node's environment's current revision. If it does not compile here
   * (a plugin missing on this node), the node runs an empty pipeline and says why, rather than not
   * starting.
   */
  public synchronized PipelineHolder start() {
    PipelineRevision current = catalog.pipelines().current(env);
    CompiledPipeline pipeline;
    try {
      pipeline = compiler.compile(env, current.revision(), toSpec(current.stages()));
      LOG.info("Environment {} runs revision {}: {}", env, current.revision(), describe(pipeline));
    } catch (PipelineCompilationException e) {
      failedRevision = current.revision();
      LOG.error("Revision {} of {} does not compile on this node ({}); running an empty pipeline "
          + "until a revision that compiles is written", current.revision(), env, e.getMessage());
      pipeline = compiler.compile(env, 0, PipelineSpec.empty());
    }
    holder = new PipelineHolder(env, pipeline);
    return holder;
  }

  /** Polls the catalog every {@code interval} and installs new revisions of this node's environment. */
  public synchronized void watch(Duration interval) {
    if (poller != null) {
      return;
    }
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tributary-pipeline-poller");
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(this::refresh, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Installs the newest revision of this node's environment if it is not running yet. */
  public void refresh() {
    try {
      Long head = catalog.pipelines().heads().get(env);
      PipelineHolder h = holder;
      if (head == null || h == null || head == h.current().revision() || head == failedRevision) {
        return;
      }
      PipelineRevision revision = catalog.pipelines().current(env);
      CompiledPipeline next = compiler.compile(env, revision.revision(), toSpec(revision.stages()));
      h.install(next);
      failedRevision = -1;
      LOG.info("Environment {} now runs revision {}: {}", env, revision.revision(), describe(next));
    } catch (PipelineCompilationException e) {
      Long head = catalog.pipelines().heads().get(env);
      failedRevision = head == null ? -1 : head;
      LOG.error("New revision {} of {} does not compile on this node; keeping revision {}: {}", head, env,
          holder.current().revision(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("Checking the catalog for a new revision of {} failed: {}", env, e.toString());
    }
  }

  /**
   * The processors on this node changed: a revision that did not compile may compile now, so the
   * next poll tries it again.
   */
  public void processorsChanged() {
    failedRevision = -1;
  }

  /** The holder of this node's pipeline (after {@link #start()}). */
  public PipelineHolder holder() {
    return holder;
  }

  /**
   * Compiles {@code stages} for {@code environment} without installing them: what a write must
   * pass. Secret placeholders ({@code {"set": true}}) are resolved from {@code base}.
   *
   * @return the warnings and notes
   * @throws PipelineCompilationException listing every error with its stage
   */
  public List<io.tributary.runtime.Diagnostic> check(String environment, List<StageRecord> stages,
      PipelineRevision base) {
    try (CompiledPipeline p = checker.compile(environment, 0, toSpec(resolveSecrets(stages, base)))) {
      return p.diagnostics();
    }
  }

  /** Compiles {@code stages} for a simulation: a private pipeline the caller closes. */
  public CompiledPipeline compileForSimulation(String environment, List<StageRecord> stages,
      PipelineRevision base) {
    return checker.compile(environment, base.revision(), toSpec(resolveSecrets(stages, base)));
  }

  /** Replaces each {@code {"set": true}} with the value of the same stage and key in {@code base}. */
  public static List<StageRecord> resolveSecrets(List<StageRecord> stages, PipelineRevision base) {
    List<StageRecord> out = new ArrayList<>(stages.size());
    for (StageRecord stage : stages) {
      Map<String, Object> config = new LinkedHashMap<>(stage.config());
      for (Map.Entry<String, Object> e : config.entrySet()) {
        if (SECRET_SET.equals(e.getValue())) {
          Object stored = base == null ? null : base.stages().stream()
              .filter(s -> s.name().equals(stage.name()))
              .map(s -> s.config().get(e.getKey()))
              .filter(Objects::nonNull)
              .findFirst().orElse(null);
          if (stored == null || SECRET_SET.equals(stored)) {
            throw new IllegalArgumentException("stage '" + stage.name() + "' config '" + e.getKey()
                + "': {\"set\": true} keeps a stored secret, but revision "
                + (base == null ? "?" : base.revision()) + " has none for it: give the value");
          }
          e.setValue(stored);
        }
      }
      out.add(stage.withConfig(config));
    }
    return out;
  }

  /** A stored stage as the engine's stage spec. */
  public static StageSpec toSpec(StageRecord r) {
    return new StageSpec(r.name(), r.processor(), r.version(), r.enabled(), r.config(),
        FailurePolicy.parse(r.onFailure()));
  }

  public static PipelineSpec toSpec(List<StageRecord> stages) {
    List<StageSpec> specs = new ArrayList<>(stages.size());
    for (StageRecord r : stages) {
      specs.add(toSpec(r));
    }
    return new PipelineSpec(specs);
  }

  private static String describe(CompiledPipeline p) {
    List<String> names = new ArrayList<>();
    p.stages().forEach(s -> names.add(s.coordinates()));
    return names.isEmpty() ? "(no stages)" : String.join(" → ", names);
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
      poller = null;
    }
    if (holder != null) {
      holder.close();
    }
  }
}
