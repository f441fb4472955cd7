package io.tributary.server.http;

import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.tributary.api.Item;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.CatalogException;
import io.tributary.catalog.ChangeRequest;
import io.tributary.catalog.DescriptorJson;
import io.tributary.catalog.Environment;
import io.tributary.catalog.PipelineRevision;
import io.tributary.catalog.Principal;
import io.tributary.catalog.Role;
import io.tributary.catalog.StageRecord;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.Diagnostic;
import io.tributary.runtime.PipelineHolder;
import io.tributary.runtime.PluginGuard;
import io.tributary.runtime.Stage;
import io.tributary.runtime.StageTrace;
import io.tributary.server.PipelineService;
import io.tributary.server.http.Api.Access;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Environments and their pipelines: read, edit (or propose), history, rollback, simulate, stats. */
public final class EnvironmentsController implements Controller {

  /** The most sample items one simulation runs. */
  public static final int MAX_SIMULATED_ITEMS = 100;
  /** The most stages a candidate pipeline (check, simulate, write) may have. */
  public static final int MAX_STAGES = 100;

  private final Catalog catalog;
  private final PipelineService pipelines;
  private final MeterRegistry meters;
  private final Supplier<Map<String, Object>> gatewayStats;
  private final ExpensiveRequests limits;
  /** Threads hung simulations may pin, node-wide; then simulations are refused until one returns. */
  static final int MAX_HUNG_SIMULATIONS = 4;
  private final PluginGuard simulations;

  public EnvironmentsController(Catalog catalog, PipelineService pipelines, MeterRegistry meters) {
    this(catalog, pipelines, meters, null, ExpensiveRequests.defaults(java.time.Clock.systemUTC()),
        PluginGuard.DEFAULT_LIMIT);
  }

  /**
   * @param gatewayStats the gateway's counts, shown in {@code stats} under {@code gateway}; may be null
   * @param limits the per-principal limits of requests that compile pipelines
   * @param simulationLimit how long a simulation (which runs plugin code on the items) may take
   */
  public EnvironmentsController(Catalog catalog, PipelineService pipelines, MeterRegistry meters,
      Supplier<Map<String, Object>> gatewayStats, ExpensiveRequests limits, java.time.Duration simulationLimit) {
    this.simulations = PluginGuard.timeBox("simulations", simulationLimit, MAX_HUNG_SIMULATIONS);
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.pipelines = Objects.requireNonNull(pipelines, "pipelines");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.gatewayStats = gatewayStats;
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  public void register(Api api) {
    String env = "/api/v1/environments/{env}";
    api.get("/api/v1/environments", Access.VIEWER, "List environments with their current revision", this::list);
    api.post("/api/v1/environments", Access.ADMIN, "Create an environment",
        "{\"name\": string, \"protected\": boolean}", this::create);
    api.put(env + "/fail-open", Access.ADMIN,
        "Whether nodes pass this environment's telemetry through UNPROCESSED while its pipeline does not"
            + " compile on them (default false: they refuse it with 503); refused for a protected environment;"
            + " audited",
        "{\"failOpen\": boolean, \"reason\": string}", this::failOpen);
    api.get(env + "/pipeline", Access.VIEWER, "The current pipeline (secrets masked)", this::current);
    api.put(env + "/pipeline", Access.OPERATOR,
        "Write a new revision; a protected environment gets a change request (202)",
        "{\"baseRevision\": integer, \"stages\": [stage], \"reason\": string}", limits.limit(this::write));
    api.get(env + "/pipeline/revisions", Access.VIEWER, "Every revision, newest first", this::history);
    api.get(env + "/pipeline/revisions/{n}", Access.VIEWER, "One revision", this::revision);
    api.post(env + "/pipeline/rollback", Access.OPERATOR,
        "Write a new revision with an old revision's content (a change request if protected)",
        "{\"revision\": integer, \"reason\": string, \"baseRevision\"?: integer}", limits.limit(this::rollback));
    // A candidate pipeline runs processor code on configuration the caller chose: the role that
    // could write that pipeline, audited. Both are rate-limited per principal.
    api.post(env + "/pipeline/check", Access.OPERATOR,
        "Compile a candidate pipeline without saving it: diff against the current revision, errors and warnings"
            + " (audited)",
        "{\"stages\": [stage]}", limits.limit(this::check));
    api.post(env + "/simulate", Access.VIEWER,
        "Run sample items through the current pipeline (viewer: stored secrets replaced by throwaway values)"
            + " or a candidate one (operator, audited); per stage: before, after, outcome, time",
        "{\"items\": [item] | \"otlp\": OTLP/JSON export request, \"stages\"?: [stage]}",
        limits.limit(this::simulate));
    api.get(env + "/stats", Access.VIEWER,
        "Per stage: items, modified, failed, skipped, dead-lettered, p50/p95/p99 ns, breaker state;"
            + " the gateway's counts per signal", this::stats);
  }

  private void list(Context ctx) {
    Map<String, Long> heads = catalog.pipelines().heads();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Environment e : catalog.environments().list()) {
      out.add(environment(e, heads.get(e.name())));
    }
    ctx.json(out);
  }

  private Map<String, Object> environment(Environment e, Long revision) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", e.name());
    m.put("protected", e.protectedEnv());
    m.put("failOpen", e.failOpen());
    m.put("revision", revision);
    m.put("createdAt", e.createdAt().toString());
    m.put("servedByThisNode", e.name().equals(pipelines.env()));
    return m;
  }

  private void create(Context ctx) {
    Map<String, Object> body = Json.body(ctx);
    String name = Json.string(body, "name", true);
    Environment e = catalog.environments().create(name, Json.bool(body, "protected", false),
        Api.principal(ctx).name());
    ctx.status(201).json(environment(e, catalog.pipelines().heads().get(e.name())));
  }

  /** Sets the environment's fail-open choice (admin; never for a protected environment), audited. */
  private void failOpen(Context ctx) {
    String env = env(ctx);
    Map<String, Object> body = Json.body(ctx);
    Object value = body.get("failOpen");
    if (!(value instanceof Boolean)) {
      throw ApiException.badRequest("'failOpen' is required and must be true or false");
    }
    String reason = TextInput.reason(Json.string(body, "reason", false));
    Environment e = catalog.environments().setFailOpen(env, (Boolean) value, Api.principal(ctx).name(), reason);
    if (env.equals(pipelines.env())) {
      pipelines.refresh(); // apply it on this node now rather than at the next poll
    }
    ctx.json(environment(e, catalog.pipelines().heads().get(env)));
  }

  private String env(Context ctx) {
    String name = ctx.pathParam("env");
    if (catalog.environments().get(name).isEmpty()) {
      throw new ApiException(404, "not_found", "No environment '" + name + "'");
    }
    return name;
  }

  private void current(Context ctx) {
    String env = env(ctx);
    ctx.json(Json.pipeline(catalog.pipelines().masked(catalog.pipelines().current(env))));
  }

  private void write(Context ctx) {
    String env = env(ctx);
    Map<String, Object> body = Json.body(ctx);
    long base = Json.number(body, "baseRevision");
    List<StageRecord> stages = candidate(body);
    String reason = TextInput.reason(Json.string(body, "reason", false));
    propose(ctx, env, base, stages, reason);
  }

  /**
   * The current revision to write on top of. One that fails its integrity check (edited in the
   * database) stands in with its number and no stages: writing a new revision or rolling back to an
   * intact one is the way out, and keeps none of its secrets.
   */
  private PipelineRevision writableHead(String env) {
    try {
      return catalog.pipelines().current(env);
    } catch (CatalogException e) {
      if (e.kind() != CatalogException.Kind.TAMPERED || e.currentRevision() == null) {
        throw e;
      }
      return new PipelineRevision(env, e.currentRevision(), List.of(), "unknown", null, java.time.Instant.EPOCH,
          null, null);
    }
  }

  /** Checks, then writes (200) or, for a protected environment, submits a change request (202). */
  private void propose(Context ctx, String env, long base, List<StageRecord> stages, String reason) {
    PipelineRevision current = writableHead(env);
    if (base != current.revision()) {
      throw stale(env, base, current.revision());
    }
    List<Diagnostic> warnings = pipelines.check(env, stages, current);
    String actor = Api.principal(ctx).name();
    boolean isProtected = catalog.environments().get(env).orElseThrow().protectedEnv();
    if (isProtected && (reason == null || reason.isBlank())) {
      // The approver decides on it and the audit trail keeps it: a protected change says why.
      throw new ApiException(400, "reason_required", "A change to protected environment '" + env
          + "' needs a reason: give 'reason' (the approvers read it, and the audit trail keeps it)");
    }
    if (isProtected) {
      ChangeRequest request = catalog.changeRequests().submit(env, base, stages, Api.principal(ctx), reason);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("changeRequest", ChangeRequestsController.view(catalog, request));
      out.put("diagnostics", ApiErrors.diagnostics(warnings));
      ctx.status(202).json(out);
      return;
    }
    PipelineRevision written = catalog.pipelines().write(env, base, stages, actor, reason);
    Map<String, Object> out = Json.pipeline(catalog.pipelines().masked(written));
    out.put("diagnostics", ApiErrors.diagnostics(warnings));
    ctx.status(200).json(out);
  }

  private static ApiException stale(String env, long base, long current) {
    return new ApiException(409, "stale_revision", "Revision " + base + " of " + env
        + " is not current (it is " + current + "): reload and edit the current one",
        Map.of("currentRevision", current));
  }

  private void history(Context ctx) {
    ctx.json(catalog.pipelines().history(env(ctx)).stream().map(Json::pipeline).toList());
  }

  private void revision(Context ctx) {
    String env = env(ctx);
    long n = Json.pathLong(ctx, "n", "Revision");
    ctx.json(Json.pipeline(catalog.pipelines().masked(catalog.pipelines().revision(env, n))));
  }

  private void rollback(Context ctx) {
    String env = env(ctx);
    Map<String, Object> body = Json.body(ctx);
    long target = Json.number(body, "revision");
    String reason = TextInput.reason(Json.string(body, "reason", false));
    PipelineRevision current = writableHead(env);
    long base = body.containsKey("baseRevision") ? Json.number(body, "baseRevision") : current.revision();
    PipelineRevision old = catalog.pipelines().revision(env, target);
    boolean isProtected = catalog.environments().get(env).orElseThrow().protectedEnv();
    if (isProtected && (reason == null || reason.isBlank())) {
      // The approver decides on it and the audit trail keeps it: a protected change says why.
      throw new ApiException(400, "reason_required", "A change to protected environment '" + env
          + "' needs a reason: give 'reason' (the approvers read it, and the audit trail keeps it)");
    }
    if (isProtected) {
      propose(ctx, env, base, old.stages(), reason == null ? "rollback to revision " + target : reason);
      return;
    }
    if (base != current.revision()) {
      throw stale(env, base, current.revision());
    }
    List<Diagnostic> warnings = pipelines.check(env, old.stages(), old);
    PipelineRevision written = catalog.pipelines().rollback(env, base, target, Api.principal(ctx).name(), reason);
    Map<String, Object> out = Json.pipeline(catalog.pipelines().masked(written));
    out.put("diagnostics", ApiErrors.diagnostics(warnings));
    ctx.json(out);
  }

  /** The body's {@code stages}, at most {@link #MAX_STAGES}. */
  private static List<StageRecord> candidate(Map<String, Object> body) {
    if (body.get("stages") instanceof List<?> list && list.size() > MAX_STAGES) {
      throw ApiException.badRequest("'stages': " + list.size() + " stages; a pipeline has at most " + MAX_STAGES);
    }
    return Json.stages(body.get("stages"));
  }

  /**
   * Audits that {@code ctx}'s principal compiled a candidate pipeline: who, which environment, and
   * a digest of the candidate (secrets masked), before anything runs, so an attempt that fails is
   * on the trail too.
   */
  private void auditCandidate(Context ctx, String action, String env, List<StageRecord> stages, Integer items) {
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("candidateSha256", pipelines.candidateDigest(stages));
    after.put("stages", stages.size());
    after.put("processors", stages.stream().map(StageRecord::processor).distinct().toList());
    if (items != null) {
      after.put("items", items);
    }
    catalog.audit().append(Api.principal(ctx).name(), action, "env:" + env, null,
        ctx.jsonMapper().toJsonString(after, Map.class), null);
  }

  private void check(Context ctx) {
    String env = env(ctx);
    List<StageRecord> stages = candidate(Json.body(ctx));
    auditCandidate(ctx, "pipeline.checked", env, stages, null);
    PipelineRevision current = writableHead(env);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("baseRevision", current.revision());
    out.put("diff", PipelineDiff.diff(catalog.pipelines().masked(current).stages(), stages));
    try {
      out.put("diagnostics", ApiErrors.diagnostics(pipelines.check(env, stages, current)));
      out.put("compiles", true);
    } catch (io.tributary.runtime.PipelineCompilationException e) {
      out.put("diagnostics", ApiErrors.diagnostics(e.diagnostics()));
      out.put("compiles", false);
    }
    ctx.json(out);
  }

  @SuppressWarnings("unchecked")
  /**
   * The items to simulate: {@code items} (a list of items in this API's JSON), or {@code otlp}
   * (an OTLP/JSON export request, as an SDK or the README's curl sends it), decoded as the
   * receiver decodes it.
   */
  private static final com.fasterxml.jackson.databind.ObjectMapper SAMPLE_MAPPER =
      new com.fasterxml.jackson.databind.ObjectMapper();

  @SuppressWarnings("unchecked")
  private static List<Item> sampleItems(Map<String, Object> body) {
    Object otlp = body.get("otlp");
    Object itemsJson = body.get("items");
    if (otlp != null && itemsJson != null) {
      throw ApiException.badRequest("Give 'items' or 'otlp', not both");
    }
    if (otlp != null) {
      com.fasterxml.jackson.databind.JsonNode node = SAMPLE_MAPPER.valueToTree(otlp);
      try {
        return io.tributary.gateway.OtlpSamples.items(node, MAX_SIMULATED_ITEMS);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("'otlp': " + e.getMessage());
      }
    }
    if (!(itemsJson instanceof List) || ((List<Object>) itemsJson).isEmpty()) {
      throw ApiException.badRequest("'items' (a non-empty list of items) or 'otlp' (an OTLP/JSON export"
          + " request) is required");
    }
    List<Object> raw = (List<Object>) itemsJson;
    if (raw.size() > MAX_SIMULATED_ITEMS) {
      throw ApiException.badRequest("At most " + MAX_SIMULATED_ITEMS + " items per simulation");
    }
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      items.add(ItemJson.fromMap(raw.get(i), "items[" + i + "]"));
    }
    return items;
  }

  private void simulate(Context ctx) {
    String env = env(ctx);
    Map<String, Object> body = Json.body(ctx);
    Principal principal = Api.principal(ctx);
    boolean withCandidate = body.containsKey("stages");
    if (withCandidate && !principal.role().atLeast(Role.OPERATOR)) {
      throw new ApiException(403, "forbidden", "Your token (" + principal.name() + ", "
          + principal.role().label() + ") may simulate the current pipeline only: a candidate pipeline"
          + " ('stages') needs the operator role");
    }
    List<Item> items = sampleItems(body);
    PipelineRevision current = catalog.pipelines().current(env);
    List<StageRecord> stages;
    List<String> notes = List.of();
    if (withCandidate) {
      stages = candidate(body);
      auditCandidate(ctx, "pipeline.simulated", env, stages, items.size());
    } else if (principal.role().atLeast(Role.OPERATOR)) {
      stages = current.stages();
    } else {
      // A viewer may see what the pipeline does, never outputs keyed by the stored secrets (the
      // HMAC of inputs of their choosing under prod's key would let them test guesses offline).
      PipelineService.ViewerStages viewer = pipelines.forViewer(current);
      stages = viewer.stages();
      notes = viewer.notes();
    }
    // The stages' processors run on the items: plugin code, which may hang. It runs off this
    // thread, for at most the limit; threads hung simulations leave behind are capped node-wide.
    Map<String, Object> out;
    try {
      out = simulations.call("a simulation on " + env, () -> simulate(env, stages, current, items, withCandidate));
    } catch (PluginGuard.UnresponsivePluginException e) {
      ctx.header("Retry-After", "10");
      throw new ApiException(503, "simulation_unavailable", "The simulation was stopped: " + e.getMessage()
          + ". A stage's processor may hang on these items; GET /api/v1/plugins shows failed plugins");
    }
    if (!notes.isEmpty()) {
      out.put("notes", notes);
    }
    ctx.json(out);
  }

  /** The simulation's answer: revision, diagnostics and a result per item. */
  private Map<String, Object> simulate(String env, List<StageRecord> stages, PipelineRevision current,
      List<Item> items, boolean withCandidate) {
    Map<String, Object> out = new LinkedHashMap<>();
    try (CompiledPipeline pipeline = pipelines.compileForSimulation(env, stages, current)) {
      List<Map<String, Object>> results = new ArrayList<>();
      for (Item item : items) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("input", DescriptorJson.item(item));
        List<Map<String, Object>> traces = new ArrayList<>();
        for (StageTrace t : pipeline.simulate(item)) {
          traces.add(trace(t));
        }
        result.put("stages", traces);
        result.put("output", DescriptorJson.item(item));
        result.put("deadLetter", item.deadLetterReason());
        results.add(result);
      }
      out.put("revision", withCandidate ? null : current.revision());
      out.put("diagnostics", ApiErrors.diagnostics(pipeline.diagnostics()));
      out.put("results", results);
    }
    return out;
  }

  private static Map<String, Object> trace(StageTrace t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stage", t.stage());
    m.put("processor", t.coordinates());
    m.put("outcome", t.outcome() == null ? "not-reached" : t.outcome().label());
    m.put("nanos", t.nanos());
    m.put("failure", t.failure());
    m.put("changes", ItemDiff.diff(t.before(), t.after()));
    m.put("before", DescriptorJson.item(t.before()));
    m.put("after", DescriptorJson.item(t.after()));
    return m;
  }

  private void stats(Context ctx) {
    String env = env(ctx);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("env", env);
    PipelineHolder holder = pipelines.holder();
    if (!env.equals(pipelines.env()) || holder == null) {
      out.put("servedByThisNode", false);
      out.put("message", "This node runs '" + pipelines.env() + "'; ask a node started with --env " + env);
      out.put("stages", List.of());
      ctx.json(out);
      return;
    }
    CompiledPipeline current = holder.current();
    out.put("servedByThisNode", true);
    out.put("revision", current.revision());
    // Which revision runs, whether telemetry is accepted, and why the newest one does not run.
    out.put("pipeline", pipelines.status().toMap());
    List<Map<String, Object>> stages = new ArrayList<>();
    for (Stage stage : current.stages()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("stage", stage.name());
      s.put("processor", stage.coordinates());
      s.put("items", count("tributary.stage.items", env, stage));
      s.put("modified", count("tributary.stage.modified", env, stage));
      s.put("failed", count("tributary.stage.failed", env, stage));
      s.put("skipped", count("tributary.stage.skipped", env, stage));
      s.put("deadLettered", count("tributary.stage.dead_lettered", env, stage));
      // Writes to keys the processor's descriptor does not declare: kept and counted, or (with
      // --strict-writes) failed like an exception.
      s.put("undeclaredWrites", count("tributary.stage.undeclared_writes", env, stage));
      Timer timer = meters.find("tributary.stage.duration").tags("env", env, "stage", stage.name()).timer();
      Map<String, Object> percentiles = new LinkedHashMap<>();
      if (timer != null) {
        for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
          // The percentiles cover the last two minutes; with no batch in them they read 0, which
          // is no traffic, not a fast stage: left out.
          long nanos = Math.round(v.value(TimeUnit.NANOSECONDS));
          if (nanos > 0) {
            percentiles.put("p" + Math.round(v.percentile() * 100), nanos);
          }
        }
        s.put("batches", timer.count());
        s.put("totalNanos", Math.round(timer.totalTime(TimeUnit.NANOSECONDS)));
      }
      s.put("batchNanos", percentiles);
      s.put("breaker", stage.breaker().state().name().toLowerCase(Locale.ROOT));
      s.put("lastFailure", stage.breaker().lastFailure());
      stages.add(s);
    }
    out.put("stages", stages);
    if (gatewayStats != null) {
      out.put("gateway", gatewayStats.get());
    }
    ctx.json(out);
  }

  private long count(String name, String env, Stage stage) {
    var counter = meters.find(name).tags("env", env, "stage", stage.name()).counter();
    return counter == null ? 0 : Math.round(counter.count());
  }
}
