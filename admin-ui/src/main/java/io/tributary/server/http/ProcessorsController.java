package io.tributary.server.http;

import io.javalin.http.Context;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.CatalogException;
import io.tributary.catalog.CatalogProcessor;
import io.tributary.catalog.ContractDiff;
import io.tributary.catalog.PipelineRevision;
import io.tributary.catalog.StageRecord;
import io.tributary.runtime.plugins.PluginFile;
import io.tributary.runtime.plugins.PluginRegistry;
import io.tributary.server.http.Api.Access;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The processor catalog (every version ever seen, and whether this node has it now), contract
 * comparison between versions, and the plugin files of this node.
 */
public final class ProcessorsController implements Controller {

  private final Catalog catalog;
  private final PluginRegistry registry;
  private final ExpensiveRequests limits;

  public ProcessorsController(Catalog catalog, PluginRegistry registry) {
    this(catalog, registry, ExpensiveRequests.defaults(java.time.Clock.systemUTC()));
  }

  /** @param limits the per-principal limits of contract comparisons */
  public ProcessorsController(Catalog catalog, PluginRegistry registry, ExpensiveRequests limits) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  public void register(Api api) {
    api.get("/api/v1/processors", Access.VIEWER,
        "One entry per processor id: title, latest version, every version, stability, plugin, environments using it", this::list);
    api.get("/api/v1/processors/{id}", Access.VIEWER, "Every version of a processor with its descriptor", this::one);
    api.get("/api/v1/processors/{id}/versions/{version}", Access.VIEWER, "One version's full descriptor", this::version);
    api.get("/api/v1/processors/{id}/compare", Access.VIEWER,
        "What changed in the contract between ?from=V1&to=V2, and whether the bump follows semver",
        limits.limit(this::compare));
    api.get("/api/v1/plugins", Access.VIEWER,
        "Plugin files of this node, loaded and failed: id, version, state, file, sha256, error", this::plugins);
  }

  private void list(Context ctx) {
    Map<String, List<CatalogProcessor>> byId = new TreeMap<>();
    for (CatalogProcessor p : catalog.processors().list()) {
      byId.computeIfAbsent(p.id(), k -> new ArrayList<>()).add(p);
    }
    Map<String, List<Map<String, Object>>> usage = usage();
    List<Map<String, Object>> out = new ArrayList<>();
    byId.forEach((id, versions) -> out.add(summary(id, versions, usage.getOrDefault(id, List.of()))));
    ctx.json(out);
  }

  private static boolean isPreRelease(String version) {
    return io.tributary.runtime.SemanticVersion.isValid(version)
        && io.tributary.runtime.SemanticVersion.parse(version).isPreRelease();
  }

  private Map<String, Object> summary(String id, List<CatalogProcessor> versions, List<Map<String, Object>> usedBy) {
    // "Latest" is what an unpinned stage runs (ProcessorRegistry#latest): the highest available
    // release, else the highest available pre-release; the catalog lists versions in semver order.
    List<CatalogProcessor> available = versions.stream().filter(CatalogProcessor::available).toList();
    CatalogProcessor latest = available.stream().filter(p -> !isPreRelease(p.version())).reduce((a, b) -> b)
        .or(() -> available.stream().reduce((a, b) -> b)).orElse(versions.get(versions.size() - 1));
    Map<String, Object> d = latest.descriptor();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("title", d.get("title"));
    m.put("latestVersion", latest.version());
    m.put("versions", versions.stream().map(CatalogProcessor::version).toList());
    m.put("availableVersions", versions.stream().filter(CatalogProcessor::available).map(CatalogProcessor::version).toList());
    m.put("stability", d.get("stability"));
    m.put("replacement", d.get("replacement"));
    m.put("plugin", latest.pluginId());
    m.put("source", latest.source());
    m.put("description", d.get("description"));
    m.put("usedBy", usedBy);
    return m;
  }

  /** processor id → [{env, stage, version (pinned or null), enabled}] over every environment's current revision. */
  private Map<String, List<Map<String, Object>>> usage() {
    Map<String, List<Map<String, Object>>> usage = new TreeMap<>();
    for (var env : catalog.environments().list()) {
      PipelineRevision current;
      try {
        current = catalog.pipelines().current(env.name());
      } catch (CatalogException e) {
        if (e.kind() != CatalogException.Kind.TAMPERED) {
          throw e;
        }
        continue; // edited in the database: not used anywhere (the node and verify report it)
      }
      for (StageRecord s : current.stages()) {
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("env", env.name());
        u.put("stage", s.name());
        u.put("version", s.version());
        u.put("enabled", s.enabled());
        usage.computeIfAbsent(s.processor(), k -> new ArrayList<>()).add(u);
      }
    }
    return usage;
  }

  private List<CatalogProcessor> versions(String id) {
    List<CatalogProcessor> versions = catalog.processors().versions(id);
    if (versions.isEmpty()) {
      throw new ApiException(404, "not_found", "The catalog has never seen a processor '" + id + "'");
    }
    return versions;
  }

  private void one(Context ctx) {
    String id = ctx.pathParam("id");
    List<CatalogProcessor> versions = versions(id);
    Map<String, Object> m = summary(id, versions, usage().getOrDefault(id, List.of()));
    m.put("versionDetails", versions.stream().map(ProcessorsController::version).toList());
    ctx.json(m);
  }

  private void version(Context ctx) {
    String id = ctx.pathParam("id");
    String v = ctx.pathParam("version");
    CatalogProcessor p = catalog.processors().get(id, v).orElseThrow(() -> new ApiException(404, "not_found",
        "Processor " + id + " has no version " + v + " (known: " + versions(id).stream().map(CatalogProcessor::version).toList() + ")"));
    ctx.json(version(p));
  }

  static Map<String, Object> version(CatalogProcessor p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("version", p.version());
    m.put("available", p.available());
    m.put("source", p.source());
    m.put("plugin", p.pluginId());
    m.put("pluginVersion", p.pluginVersion());
    m.put("sha256", p.sha256());
    m.put("firstSeen", p.firstSeen().toString());
    m.put("lastSeen", p.lastSeen().toString());
    m.put("descriptor", p.descriptor());
    return m;
  }

  private void compare(Context ctx) {
    String id = ctx.pathParam("id");
    String from = ctx.queryParam("from");
    String to = ctx.queryParam("to");
    if (from == null || to == null) {
      throw ApiException.badRequest("Give both ?from= and ?to= versions");
    }
    CatalogProcessor a = catalog.processors().get(id, from)
        .orElseThrow(() -> new ApiException(404, "not_found", "Processor " + id + " has no version " + from));
    CatalogProcessor b = catalog.processors().get(id, to)
        .orElseThrow(() -> new ApiException(404, "not_found", "Processor " + id + " has no version " + to));
    ctx.json(diff(ContractDiff.compare(a.descriptor(), b.descriptor())));
  }

  static Map<String, Object> diff(ContractDiff d) {
    return io.tributary.server.cli.PluginCheck.contractJson(d);
  }

  /**
   * For each processor a file offers, its contract against the catalog's next lower version of
   * the same id: the ones whose breaking changes come under a minor or patch bump (a semver
   * violation a pipeline pinned to the lower major would not expect).
   */
  private List<Map<String, Object>> contractBreaks(List<String> processors) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String coordinates : processors) {
      int at = coordinates.lastIndexOf('@');
      if (at < 1) {
        continue;
      }
      String id = coordinates.substring(0, at);
      String version = coordinates.substring(at + 1);
      List<CatalogProcessor> versions = catalog.processors().versions(id);
      for (int i = 1; i < versions.size(); i++) {
        if (!versions.get(i).version().equals(version)) {
          continue;
        }
        ContractDiff d = ContractDiff.compare(versions.get(i - 1).descriptor(), versions.get(i).descriptor());
        if (d.semverViolation()) {
          out.add(diff(d));
        }
      }
    }
    return out;
  }

  private void plugins(Context ctx) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (PluginFile f : registry.files()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", f.file());
      m.put("state", f.state().name().toLowerCase(Locale.ROOT));
      m.put("pluginId", f.pluginId());
      m.put("version", f.pluginVersion());
      m.put("sha256", f.sha256());
      m.put("processors", f.processors());
      m.put("contractBreaks", contractBreaks(f.processors()));
      m.put("error", f.error());
      m.put("at", f.at().toString());
      out.add(m);
    }
    ctx.json(out);
  }
}
