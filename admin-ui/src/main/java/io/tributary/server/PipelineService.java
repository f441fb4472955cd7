package io.tributary.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.api.ConfigField;
import io.tributary.api.ProcessorFactory;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.CatalogException;
import io.tributary.catalog.PipelineRevision;
import io.tributary.catalog.StageRecord;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.ConfigFiles;
import io.tributary.runtime.Diagnostic;
import io.tributary.runtime.FailurePolicy;
import io.tributary.runtime.PipelineCompilationException;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineHolder;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.ProcessorRegistry;
import io.tributary.runtime.StageSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the catalog to the engine: compiles stored revisions against the processors this node
 * has, checks a proposed pipeline before it is written (so a revision that does not compile never
 * reaches a node), and keeps this node's environment running its newest revision — polling the
 * catalog, so a revision written by any node sharing the database is installed within a second
 * or two.
 *
 * <p><b>Fail closed.</b> While this node has no pipeline of its environment that compiles (at
 * start the current revision needs a processor this node lacks), it accepts no telemetry: the
 * holder {@link PipelineHolder#refuse refuses}, receivers answer 503 with Retry-After, and {@link
 * #status()} says why and which processors are missing. An environment whose {@code failOpen} an
 * admin set (never a protected one) instead passes telemetry through untouched meanwhile. As soon
 * as a revision compiles (a new one written, or the missing plugin dropped in) it is installed and
 * telemetry is accepted again, without a restart.
 *
 * <p><b>Keep the last good pipeline.</b> A running node never gives up a pipeline that compiled:
 * a newer revision that does not compile here, or a plugin change after which the running
 * revision would no longer compile (its jar removed or broken), leaves the running pipeline in
 * place (its classes stay loaded), and {@link #status()} says that the newest revision is not
 * running, or would not compile again, and why.
 *
 * <p><b>Never run a tampered revision.</b> The catalog hands out a revision only if it matches its
 * seal (an HMAC with the audit key, which the database does not hold); a revision edited in the
 * database is refused with {@link CatalogException.Kind#TAMPERED} before anything compiles it. A
 * running node then keeps its last good pipeline; a starting node fails closed — it refuses
 * telemetry even where the environment fails open, since fail-open is for a pipeline that does not
 * compile, not for one an attacker may have written. The stored copy of the running revision is
 * checked again about once a second, so an edit of it shows now rather than at the next start
 * (the pipeline already loaded keeps running). Either way {@link #status()} reports the revision
 * as {@code tampered}, the node logs it once and audits it once ({@code pipeline.tampered}), and
 * it waits for a new, intact revision.
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
  private volatile PipelineHolder holder;
  private volatile long failedRevision = -1;
  /** The revision of the pipeline running, or -1 if none compiled (an empty one stands in). */
  private volatile long runningRevision = -1;
  /** What is wrong with the newest revision on this node, or null if it runs as stored. */
  private volatile Problem problem;
  private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** When the running revision's stored copy was last checked (guarded by refreshLock). */
  private long lastRecheck = System.nanoTime();
  /** The last revision reported as tampered (logged and audited once), or -1. */
  private volatile long reportedTampered = -1;
  /** The processors changed: try the failed revision again, and re-check the running one. */
  private volatile boolean processorsChanged;
  private volatile boolean failingOpen;
  private final Object refreshLock = new Object();
  private ScheduledExecutorService poller;

  /**
   * Why this node does not run its environment's newest revision as stored.
   *
   * @param revision the revision concerned
   * @param running whether that revision runs anyway (compiled before a plugin change)
   * @param reason the compiler's findings
   * @param missing processors the revision needs that this node lacks ({@code id@version}, or
   *     {@code id} when the stage takes the newest version)
   * @param tampered the revision fails its integrity check (edited in the database): it is never
   *     run, and fail-open does not apply
   */
  public record Problem(long revision, boolean running, String reason, List<String> missing, boolean tampered) {

    public Problem(long revision, boolean running, String reason, List<String> missing) {
      this(revision, running, reason, missing, false);
    }
  }

  /**
   * This node's pipeline, as health and stats show it.
   *
   * @param env the environment
   * @param accepting whether telemetry is accepted
   * @param runningRevision the revision whose pipeline runs, or null if none compiled
   * @param newestRevision the environment's newest revision in the catalog
   * @param failOpen telemetry passes through untouched because no revision compiled and the
   *     environment's {@code failOpen} is set
   * @param problem what is wrong with the newest revision, or null
   */
  public record Status(String env, boolean accepting, Long runningRevision, long newestRevision,
      boolean failOpen, Problem problem) {

    /** The same as a JSON-ready map. */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("env", env);
      m.put("acceptingTelemetry", accepting);
      m.put("runningRevision", runningRevision);
      m.put("newestRevision", newestRevision);
      m.put("newestRevisionRunning", runningRevision != null && runningRevision == newestRevision);
      m.put("failOpen", failOpen);
      if (problem != null) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("revision", problem.revision());
        p.put("running", problem.running());
        p.put("reason", problem.reason());
        p.put("missingProcessors", problem.missing());
        if (problem.tampered()) {
          p.put("tampered", true);
        }
        m.put("problem", p);
      }
      return m;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * @param files how processors read the files their configuration names (the node's lookup
   *     dir): the only way configuration reaches the file system
   */
  public PipelineService(Catalog catalog, ProcessorRegistry registry, String env, MeterRegistry meters,
      ConfigFiles files) {
    this(catalog, registry, env, meters, files, false);
  }

  /**
   * @param strictWrites whether a write to an undeclared key fails the stage on that item (else
   *     it is kept and counted in {@code tributary.stage.undeclared_writes})
   */
  public PipelineService(Catalog catalog, ProcessorRegistry registry, String env, MeterRegistry meters,
      ConfigFiles files, boolean strictWrites) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.env = Objects.requireNonNull(env, "env");
    Objects.requireNonNull(files, "files");
    this.compiler = PipelineCompiler.builder(registry).meterRegistry(meters)
        .configFiles(files).enforceDeclaredWrites(strictWrites).build();
    // Checks and simulations must not show up in this node's stage metrics.
    this.checker = PipelineCompiler.builder(registry).meterRegistry(new SimpleMeterRegistry())
        .configFiles(files).enforceDeclaredWrites(strictWrites).build();
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
   * (a plugin missing on this node), the node starts anyway but refuses telemetry (or, where the
   * environment's {@code failOpen} is set, passes it through untouched) until a revision compiles;
   * {@link #status()} says why.
   */
  public synchronized PipelineHolder start() {
    PipelineRevision current;
    try {
      current = catalog.pipelines().current(env);
    } catch (CatalogException e) {
      if (e.kind() != CatalogException.Kind.TAMPERED) {
        throw e;
      }
      refuseTampered(e, false);
      holder = new PipelineHolder(env, compiler.compile(env, 0, PipelineSpec.empty()));
      applyFailMode(true);
      return holder;
    }
    try {
      CompiledPipeline pipeline = compiler.compile(env, current.revision(), toSpec(current.stages()));
      LOG.info("Environment {} runs revision {}: {}", env, current.revision(), describe(pipeline));
      holder = new PipelineHolder(env, pipeline);
      runningRevision = current.revision();
    } catch (PipelineCompilationException e) {
      failedRevision = current.revision();
      problem = new Problem(current.revision(), false, e.getMessage(), missing(current.stages()));
      holder = new PipelineHolder(env, compiler.compile(env, 0, PipelineSpec.empty()));
      applyFailMode(true);
    }
    return holder;
  }

  /**
   * With no pipeline that compiled: refuse telemetry, or pass it through untouched if the
   * environment fails open. Logs when the mode changes (or {@code always}).
   */
  private void applyFailMode(boolean always) {
    if (runningRevision >= 0) {
      return;
    }
    Problem p = problem;
    boolean tampered = p != null && p.tampered();
    boolean open = !tampered
        && catalog.environments().get(env).map(e -> e.failOpen() && !e.protectedEnv()).orElse(false);
    String why = p == null ? "no revision compiled"
        : tampered ? "revision " + p.revision() + " fails its integrity check (edited in the database)"
        : "revision " + p.revision() + " does not compile on this node"
            + (p.missing().isEmpty() ? "" : " (missing " + String.join(", ", p.missing()) + ")");
    if (open) {
      holder.accept();
      if (always || !failingOpen) {
        LOG.warn("{} of {}; failOpen is set for {}: passing telemetry through UNPROCESSED until a revision "
            + "compiles: {}", why, env, env, p == null ? "" : p.reason());
      }
    } else if (tampered) {
      holder.refuse("the pipeline of " + env + " is refused on this node: " + why);
      if (always || failingOpen) {
        LOG.error("{} of {}; refusing all telemetry (503) until an intact revision is written", why, env);
      }
    } else {
      holder.refuse("the pipeline of " + env + " does not compile on this node: " + why);
      if (always || failingOpen) {
        LOG.error("{} of {}; refusing all telemetry (503) until a revision that compiles is written or the "
            + "missing plugin is added: {}", why, env, p == null ? "" : p.reason());
      }
    }
    failingOpen = open;
  }

  /** The processors {@code stages} need (enabled ones) that the registry does not offer. */
  private List<String> missing(List<StageRecord> stages) {
    List<String> out = new ArrayList<>();
    for (StageRecord stage : stages) {
      if (!stage.enabled()) {
        continue;
      }
      if (stage.version() == null) {
        if (registry.versions(stage.processor()).isEmpty()) {
          out.add(stage.processor());
        }
      } else if (registry.find(stage.processor(), stage.version()).isEmpty()) {
        out.add(stage.processor() + "@" + stage.version());
      }
    }
    return List.copyOf(out);
  }

  /** This node's pipeline now: what runs, whether telemetry is accepted, what is wrong. */
  public Status status() {
    PipelineHolder h = holder;
    long newest;
    try {
      Long head = catalog.pipelines().heads().get(env);
      newest = head == null ? -1 : head;
    } catch (RuntimeException e) {
      newest = -1;
    }
    long running = runningRevision;
    return new Status(env, h != null && h.refusal() == null, running < 0 ? null : running, newest,
        running < 0 && failingOpen, problem);
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

  /**
   * Installs the newest revision of this node's environment if it is not running yet and compiles
   * here; after a change of processors, retries a revision that did not compile and re-checks the
   * running one. Never replaces a pipeline that compiled with one that did not.
   */
  public void refresh() {
    synchronized (refreshLock) {
      try {
        refreshLocked();
      } catch (CatalogException e) {
        if (e.kind() != CatalogException.Kind.TAMPERED) {
          LOG.warn("Checking the catalog for a new revision of {} failed: {}", env, e.toString());
          return;
        }
        refuseTampered(e, runningRevision >= 0);
        applyFailMode(false);
      } catch (RuntimeException e) {
        LOG.warn("Checking the catalog for a new revision of {} failed: {}", env, e.toString());
      }
    }
  }

  private void refreshLocked() {
    PipelineHolder h = holder;
    Long head = catalog.pipelines().heads().get(env);
    if (head == null || h == null) {
      return;
    }
    boolean changed = processorsChanged;
    processorsChanged = false;
    if (head != runningRevision && (head != failedRevision || changed)) {
      PipelineRevision revision = catalog.pipelines().current(env);
      try {
        CompiledPipeline next = compiler.compile(env, revision.revision(), toSpec(revision.stages()));
        h.install(next);
        runningRevision = revision.revision();
        failedRevision = -1;
        problem = null;
        failingOpen = false;
        LOG.info("Environment {} now runs revision {}: {}", env, revision.revision(), describe(next));
      } catch (PipelineCompilationException e) {
        failedRevision = revision.revision();
        problem = new Problem(revision.revision(), false, e.getMessage(), missing(revision.stages()));
        if (runningRevision >= 0) {
          LOG.error("New revision {} of {} does not compile on this node; keeping revision {}: {}",
              revision.revision(), env, runningRevision, e.getMessage());
        }
      }
    } else if (changed && head == runningRevision) {
      // The running pipeline keeps its processors (their classes stay loaded), but would it compile
      // again? A jar removed or broken makes a restart (or another node) refuse: say so now.
      PipelineRevision revision = catalog.pipelines().current(env);
      List<Diagnostic> errors = compiler.check(toSpec(revision.stages())).stream()
          .filter(Diagnostic::isError).collect(Collectors.toList());
      if (errors.isEmpty()) {
        problem = null;
      } else {
        String reason = errors.stream().map(Diagnostic::toString).collect(Collectors.joining("; "));
        problem = new Problem(revision.revision(), true, "revision " + revision.revision()
            + " keeps running with the processors loaded before, but would not compile on this node now: "
            + reason, missing(revision.stages()));
        LOG.error("Environment {}: {}", env, problem.reason());
      }
    } else if (head == runningRevision && recheckDue()) {
      // The stored copy of the running revision is what a restart (or another node) would run:
      // notice an edit of it now rather than at the next start (this throws TAMPERED).
      catalog.pipelines().revision(env, runningRevision);
      Problem p = problem;
      if (p != null && p.tampered() && p.revision() == runningRevision) {
        problem = null;
        reportedTampered = -1;
        LOG.info("Environment {}: the stored copy of revision {} matches its seal again", env, runningRevision);
      }
    }
    applyFailMode(false);
  }

  /** Whether to check the running revision's stored copy again (at most once a second). */
  private boolean recheckDue() {
    long now = System.nanoTime();
    if (now - lastRecheck < RECHECK_NANOS) {
      return false;
    }
    lastRecheck = now;
    return true;
  }

  /**
   * The catalog refused a revision of this environment as tampered: never run it. Records it as
   * the problem (the running pipeline, if any, stays), and logs and audits it once per revision.
   */
  private void refuseTampered(CatalogException e, boolean keepsRunning) {
    long revision = e.currentRevision() == null ? -1 : e.currentRevision();
    long running = runningRevision;
    boolean isRunning = keepsRunning && revision == running;
    String reason = isRunning
        ? "revision " + revision + " keeps running as it was loaded before, but its stored copy was edited in the "
            + "database: a restart (or another node) refuses it. " + e.getMessage()
        : keepsRunning
            ? "revision " + revision + " is refused, never run; keeping revision " + running + ": " + e.getMessage()
            : "revision " + revision + " is refused, never run; no pipeline runs: " + e.getMessage();
    failedRevision = revision;
    problem = new Problem(revision, isRunning, reason, List.of(), true);
    if (reportedTampered == revision) {
      return;
    }
    reportedTampered = revision;
    LOG.error("Environment {}: TAMPERED revision: {}", env, reason);
    try {
      catalog.audit().append("system", "pipeline.tampered", "env:" + env, null,
          "{\"revision\":" + revision + ",\"runningRevision\":" + (running < 0 ? "null" : running) + "}", reason);
    } catch (RuntimeException auditFailed) {
      LOG.error("Environment {}: recording the tampered revision {} in the audit trail failed too: {}", env,
          revision, auditFailed.getMessage());
    }
  }

  /**
   * The processors on this node changed: a revision that did not compile may compile now, and the
   * running one may no longer; the next poll looks again.
   */
  public void processorsChanged() {
    processorsChanged = true;
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

  /**
   * Replaces each {@code {"set": true}} with the value of the same key in the stage of
   * {@code base} that has the same name <em>and</em> the same processor id: a stored secret is
   * only ever given back to the processor it was written for, never to another processor in a
   * stage named like it.
   */
  public static List<StageRecord> resolveSecrets(List<StageRecord> stages, PipelineRevision base) {
    List<StageRecord> out = new ArrayList<>(stages.size());
    for (StageRecord stage : stages) {
      Map<String, Object> config = new LinkedHashMap<>(stage.config());
      for (Map.Entry<String, Object> e : config.entrySet()) {
        if (SECRET_SET.equals(e.getValue())) {
          Object stored = base == null ? null : base.stages().stream()
              .filter(s -> s.name().equals(stage.name()) && s.processor().equals(stage.processor()))
              .map(s -> s.config().get(e.getKey()))
              .filter(Objects::nonNull)
              .findFirst().orElse(null);
          if (stored == null || SECRET_SET.equals(stored)) {
            throw new IllegalArgumentException("stage '" + stage.name() + "' config '" + e.getKey()
                + "': {\"set\": true} keeps a stored secret, but revision "
                + (base == null ? "?" : base.revision()) + " has none for it in a stage of that name"
                + " running processor '" + stage.processor() + "': give the value");
          }
          e.setValue(stored);
        }
      }
      out.add(stage.withConfig(config));
    }
    return out;
  }

  /** A viewer's simulation of {@code current}: its stages, each set secret a throwaway value. */
  public record ViewerStages(List<StageRecord> stages, List<String> notes) {}

  /**
   * The stages of {@code current} for a caller who may not use its stored secrets (a viewer):
   * every set secret is replaced by a random value made for this one simulation, so a stage that
   * hashes or pseudonymises runs as it would, but never under the stored key — what it shows
   * cannot be compared with, or replayed against, production output.
   */
  public ViewerStages forViewer(PipelineRevision current) {
    List<StageRecord> masked = catalog.pipelines().masked(current).stages();
    List<StageRecord> out = new ArrayList<>(masked.size());
    List<String> notes = new ArrayList<>();
    for (StageRecord stage : masked) {
      Map<String, Object> config = new LinkedHashMap<>(stage.config());
      List<String> replaced = new ArrayList<>();
      for (Map.Entry<String, Object> e : config.entrySet()) {
        if (SECRET_SET.equals(e.getValue())) {
          byte[] key = new byte[32];
          RANDOM.nextBytes(key);
          e.setValue(Base64.getUrlEncoder().withoutPadding().encodeToString(key));
          replaced.add(e.getKey());
        }
      }
      if (!replaced.isEmpty()) {
        notes.add("stage '" + stage.name() + "' ran with a throwaway random value for its secret "
            + String.join(", ", replaced) + " instead of the stored one (a viewer's simulation never "
            + "uses stored secrets): hashed and pseudonymised values differ from what this environment "
            + "produces");
      }
      out.add(stage.withConfig(config));
    }
    return new ViewerStages(out, notes);
  }

  /**
   * A SHA-256 over {@code stages} with every value of a field its processor declares secret
   * replaced by {@code {"set": true}}: what an audit event records of a candidate pipeline, so
   * the trail shows which candidate was tried without holding a secret or an unsalted hash of one.
   */
  public String candidateDigest(List<StageRecord> stages) {
    StringBuilder canonical = new StringBuilder();
    for (StageRecord stage : stages) {
      java.util.Set<String> secret = secretFields(stage);
      Map<String, Object> config = new TreeMap<>();
      stage.config().forEach((k, v) -> config.put(k, secret.contains(k) && v != null ? SECRET_SET : v));
      canonical.append(stage.name()).append('\0').append(stage.processor()).append('\0')
          .append(stage.version()).append('\0').append(stage.enabled()).append('\0')
          .append(stage.onFailure()).append('\0').append(config).append('\n');
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private java.util.Set<String> secretFields(StageRecord stage) {
    Optional<ProcessorFactory> factory = stage.version() == null
        ? registry.latest(stage.processor())
        : registry.find(stage.processor(), stage.version());
    java.util.Set<String> out = new java.util.HashSet<>();
    factory.ifPresent(f -> {
      for (ConfigField<?> field : f.descriptor().config()) {
        if (field.isSecret()) {
          out.add(field.name());
        }
      }
    });
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
