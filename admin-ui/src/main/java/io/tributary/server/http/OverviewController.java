package io.tributary.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.ChangeRequest;
import io.tributary.catalog.Nodes;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.PipelineHolder;
import io.tributary.runtime.Stage;
import io.tributary.runtime.plugins.PluginFile;
import io.tributary.runtime.plugins.PluginRegistry;
import io.tributary.server.PipelineService;
import io.tributary.server.http.Api.Access;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The console's home: {@code GET /api/v1/nodes} (every node sharing the catalog, as each last
 * reported itself) and {@code GET /api/v1/overview} (this node, its gateway's figures, failed
 * plugins, open breakers, pending approvals).
 */
public final class OverviewController implements Controller {

  /** A node that has not reported for this long is left out: it stopped or cannot reach the catalog. */
  public static final Duration NODE_WINDOW = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** This node as it reports itself. */
  public record Self(String id, String env, String version, String host, Instant startedAt) {}

  private final Catalog catalog;
  private final Self self;
  private final Supplier<Map<String, Object>> gatewayStats;
  private final PluginRegistry registry;
  private final PipelineService pipelines;
  private final Clock clock;

  public OverviewController(Catalog catalog, Self self, Supplier<Map<String, Object>> gatewayStats,
      PluginRegistry registry, PipelineService pipelines, Clock clock) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.self = Objects.requireNonNull(self, "self");
    this.gatewayStats = Objects.requireNonNull(gatewayStats, "gatewayStats");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.pipelines = Objects.requireNonNull(pipelines, "pipelines");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void register(Api api) {
    api.get("/api/v1/nodes", Access.VIEWER,
        "Every node sharing the catalog that reported in the last 30 s: id, environment, version, host,"
            + " listeners, started, last seen, and which one answers", this::nodes);
    api.get("/api/v1/overview", Access.VIEWER,
        "This node at a glance: its gateway's figures per signal and queue, failed plugins, open"
            + " breakers of its pipeline, pending approvals, the nodes sharing the catalog", this::overview);
  }

  private List<Map<String, Object>> nodeList() {
    List<Map<String, Object>> out = new ArrayList<>();
    Instant now = clock.instant();
    for (Nodes.Node n : catalog.nodes().list(NODE_WINDOW)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", n.id());
      m.put("self", n.id().equals(self.id()));
      m.put("env", n.env());
      m.put("version", n.version());
      m.put("host", n.host());
      Object listeners;
      try {
        listeners = JSON.readValue(n.listeners(), List.class);
      } catch (java.io.IOException e) {
        listeners = List.of();
      }
      m.put("listeners", listeners);
      m.put("startedAt", n.startedAt().toString());
      m.put("uptimeSeconds", Math.max(0, Duration.between(n.startedAt(), now).toSeconds()));
      m.put("lastSeen", n.lastSeen().toString());
      out.add(m);
    }
    return out;
  }

  private void nodes(Context ctx) {
    ctx.json(nodeList());
  }

  private void overview(Context ctx) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("id", self.id());
    node.put("env", self.env());
    node.put("version", self.version());
    node.put("host", self.host());
    node.put("startedAt", self.startedAt().toString());
    node.put("uptimeSeconds", Math.max(0, Duration.between(self.startedAt(), clock.instant()).toSeconds()));
    out.put("node", node);
    out.put("nodes", nodeList());
    out.put("pipeline", pipelines.status().toMap());
    out.put("gateway", gatewayStats.get());
    List<Map<String, Object>> failed = new ArrayList<>();
    for (PluginFile f : registry.files()) {
      if (f.state() != PluginFile.State.LOADED) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", f.file());
        m.put("state", f.state().name().toLowerCase(Locale.ROOT));
        m.put("error", f.error());
        m.put("at", f.at().toString());
        failed.add(m);
      }
    }
    out.put("failedPlugins", failed);
    List<Map<String, Object>> breakers = new ArrayList<>();
    PipelineHolder holder = pipelines.holder();
    if (holder != null) {
      CompiledPipeline current = holder.current();
      for (Stage stage : current.stages()) {
        String state = stage.breaker().state().name().toLowerCase(Locale.ROOT);
        if (!state.equals("closed")) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("env", current.environment());
          m.put("stage", stage.name());
          m.put("processor", stage.coordinates());
          m.put("state", state);
          m.put("lastFailure", stage.breaker().lastFailure());
          breakers.add(m);
        }
      }
    }
    out.put("openBreakers", breakers);
    List<Map<String, Object>> pending = new ArrayList<>();
    for (ChangeRequest r : catalog.changeRequests().list(ChangeRequest.Status.PENDING)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", r.id());
      m.put("env", r.env());
      pending.add(m);
    }
    out.put("pendingApprovals", pending);
    ctx.json(out);
  }
}
