package io.tributary.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.runtime.plugins.PluginFile;
import io.tributary.runtime.plugins.PluginRegistry;
import io.tributary.runtime.plugins.ProcessorEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/processors}, {@code /processors/{id}}, {@code /processors/{id}/versions/{v}}
 * and {@code GET /api/v1/plugins}: what this node can run and where it came from. Read-only; the
 * catalog adds history and authorization on top.
 */
public final class ProcessorsController implements Controller {

  /** One processor id, all its versions. */
  public record ProcessorSummary(
      String id, String title, String latestVersion, List<String> versions, String stability,
      String plugin, String source) {}

  /** A processor version with where it came from. */
  public record ProcessorVersion(
      String id, String version, String source, String plugin, String pluginVersion, String file,
      String sha256, Map<String, Object> descriptor) {}

  private final PluginRegistry registry;

  public ProcessorsController(PluginRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get("/api/v1/processors", this::list);
    routes.get("/api/v1/processors/{id}", this::one);
    routes.get("/api/v1/processors/{id}/versions/{version}", this::version);
    routes.get("/api/v1/plugins", ctx -> ctx.json(registry.files().stream().map(ProcessorsController::file)
        .collect(Collectors.toList())));
  }

  private void list(Context ctx) {
    List<ProcessorSummary> out = new ArrayList<>();
    for (String id : registry.ids()) {
      out.add(summary(registry.entries(id)));
    }
    ctx.json(out);
  }

  private void one(Context ctx) {
    List<ProcessorEntry> entries = entries(ctx.pathParam("id"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("summary", summary(entries));
    body.put("versions", entries.stream().map(ProcessorsController::version).collect(Collectors.toList()));
    ctx.json(body);
  }

  private void version(Context ctx) {
    String v = ctx.pathParam("version");
    ProcessorEntry entry = entries(ctx.pathParam("id")).stream()
        .filter(e -> e.descriptor().version().equals(v)).findFirst()
        .orElseThrow(() -> new NotFoundResponse("Processor " + ctx.pathParam("id") + " has no version " + v));
    ctx.json(version(entry));
  }

  private List<ProcessorEntry> entries(String id) {
    List<ProcessorEntry> entries = registry.entries(id);
    if (entries.isEmpty()) {
      throw new NotFoundResponse("No processor '" + id + "' is installed");
    }
    return entries;
  }

  private static ProcessorSummary summary(List<ProcessorEntry> versions) {
    ProcessorEntry latest = versions.get(versions.size() - 1);
    ProcessorDescriptor d = latest.descriptor();
    return new ProcessorSummary(d.id(), d.title(), d.version(),
        versions.stream().map(e -> e.descriptor().version()).collect(Collectors.toList()),
        d.stability().name().toLowerCase(java.util.Locale.ROOT), latest.pluginId(),
        latest.source().name().toLowerCase(java.util.Locale.ROOT));
  }

  private static ProcessorVersion version(ProcessorEntry e) {
    return new ProcessorVersion(e.descriptor().id(), e.descriptor().version(),
        e.source().name().toLowerCase(java.util.Locale.ROOT), e.pluginId(), e.pluginVersion(), e.file(),
        e.sha256(), io.tributary.catalog.DescriptorJson.toMap(e.descriptor()));
  }

  private static Map<String, Object> file(PluginFile f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", f.file());
    m.put("state", f.state().name().toLowerCase(java.util.Locale.ROOT));
    m.put("pluginId", f.pluginId());
    m.put("version", f.pluginVersion());
    m.put("sha256", f.sha256());
    m.put("processors", f.processors());
    m.put("error", f.error());
    m.put("at", f.at().toString());
    return m;
  }
}
