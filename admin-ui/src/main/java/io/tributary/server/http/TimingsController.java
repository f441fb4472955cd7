package io.tributary.server.http;

import io.javalin.http.Context;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.Nodes;
import io.tributary.catalog.StageRecord;
import io.tributary.catalog.StageSamples;
import io.tributary.catalog.StageSamples.Sample;
import io.tributary.server.http.Api.Access;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/environments/{env}/timings}: the timings history the nodes wrote to the
 * catalog, per stage over a time range, combined over the nodes or for one node. Any node answers
 * for any environment: the figures come from the shared catalog, not from this node's meters.
 */
public final class TimingsController implements Controller {

  /** The ranges one may ask for, with the step each is shown at (at most 360 points). */
  static final Map<String, Duration[]> RANGES = new LinkedHashMap<>();

  static {
    RANGES.put("15m", new Duration[] {Duration.ofMinutes(15), StageSamples.STEP});
    RANGES.put("1h", new Duration[] {Duration.ofHours(1), StageSamples.STEP});
    RANGES.put("3h", new Duration[] {Duration.ofHours(3), Duration.ofSeconds(30)});
    RANGES.put("6h", new Duration[] {StageSamples.RETENTION, Duration.ofMinutes(1)});
  }

  private final Catalog catalog;
  private final Clock clock;

  public TimingsController(Catalog catalog, Clock clock) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void register(Api api) {
    api.get("/api/v1/environments/{env}/timings", Access.VIEWER,
        "The timings history every node of the environment wrote, per stage: items, outcomes, µs per item,"
            + " share of the pipeline's time, and a series per step (?range=15m|1h|3h|6h, default 1h;"
            + " ?node=ID for one node, default all combined)", this::timings);
  }

  private void timings(Context ctx) {
    String env = ctx.pathParam("env");
    if (catalog.environments().get(env).isEmpty()) {
      throw new ApiException(404, "not_found", "No environment '" + env + "'");
    }
    String range = ctx.queryParam("range") == null ? "1h" : ctx.queryParam("range");
    Duration[] chosen = RANGES.get(range);
    if (chosen == null) {
      throw ApiException.badRequest("'range' must be one of " + String.join(", ", RANGES.keySet()) + ", not '"
          + shown(range) + "'");
    }
    String node = ctx.queryParam("node");
    if (node != null && (node.isEmpty() || node.length() > 64)) {
      throw ApiException.badRequest("'node' must be a node id (1 to 64 characters)");
    }
    Duration length = chosen[0];
    long step = chosen[1].toSeconds();
    long base = StageSamples.STEP.toSeconds();
    // The window ends after the step now in progress, on a boundary of the display step.
    long end = Math.floorDiv(clock.instant().getEpochSecond(), base) * base + base;
    end = Math.floorDiv(end + step - 1, step) * step;
    long start = end - length.toSeconds();
    int points = (int) (length.toSeconds() / step);
    List<Sample> samples = catalog.stageSamples().range(env, Instant.ofEpochSecond(start), Instant.ofEpochSecond(end));

    Map<String, Integer> nodeSamples = new TreeMap<>();
    for (Sample s : samples) {
      nodeSamples.merge(s.node(), 1, Integer::sum);
    }
    if (node != null && !nodeSamples.containsKey(node)) {
      throw new ApiException(404, "not_found", "Node '" + shown(node) + "' wrote no timings for " + env
          + " in the last " + range + (nodeSamples.isEmpty() ? "" : "; nodes that did: "
          + String.join(", ", nodeSamples.keySet())));
    }
    boolean[] reported = new boolean[points];
    Map<String, Figures> stages = new LinkedHashMap<>();
    for (StageRecord stage : currentStages(env)) {
      stages.put(stage.name(), new Figures(points));
    }
    for (Sample s : samples) {
      if (node != null && !node.equals(s.node())) {
        continue;
      }
      int i = (int) ((s.at().getEpochSecond() - start) / step);
      if (i < 0 || i >= points) {
        continue;
      }
      reported[i] = true;
      stages.computeIfAbsent(s.stage(), k -> new Figures(points)).add(i, s);
    }
    long pipelineNanos = stages.values().stream().mapToLong(f -> f.totalNanos).sum();
    String slowest = null;
    long most = 0;
    for (Map.Entry<String, Figures> e : stages.entrySet()) {
      if (e.getValue().items > 0 && e.getValue().totalNanos > most) {
        most = e.getValue().totalNanos;
        slowest = e.getKey();
      }
    }
    List<Map<String, Object>> stageList = new ArrayList<>();
    for (Map.Entry<String, Figures> e : stages.entrySet()) {
      Figures f = e.getValue();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("stage", e.getKey());
      m.put("processor", f.processor);
      m.put("items", f.items);
      m.put("modified", f.modified);
      m.put("failed", f.failed);
      m.put("skipped", f.skipped);
      m.put("deadLettered", f.deadLettered);
      m.put("batches", f.batches);
      m.put("totalNanos", f.totalNanos);
      m.put("nanosPerItem", f.items == 0 ? null : (double) f.totalNanos / f.items);
      m.put("share", pipelineNanos == 0 || f.items == 0 ? null : (double) f.totalNanos / pipelineNanos);
      m.put("slowest", e.getKey().equals(slowest));
      Map<String, Object> series = new LinkedHashMap<>();
      series.put("items", f.seriesItems);
      Double[] perItem = new Double[points];
      for (int i = 0; i < points; i++) {
        perItem[i] = f.seriesItems[i] == 0 ? null : (double) f.seriesNanos[i] / f.seriesItems[i];
      }
      series.put("nanosPerItem", perItem);
      m.put("series", series);
      stageList.add(m);
    }
    long[] times = new long[points];
    for (int i = 0; i < points; i++) {
      times[i] = start + i * step;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("env", env);
    out.put("range", range);
    out.put("ranges", List.copyOf(RANGES.keySet()));
    out.put("stepSeconds", step);
    out.put("from", Instant.ofEpochSecond(start).toString());
    out.put("to", Instant.ofEpochSecond(end).toString());
    out.put("node", node);
    out.put("nodes", nodes(nodeSamples));
    out.put("traffic", stages.values().stream().anyMatch(f -> f.items > 0));
    out.put("reportedSteps", countTrue(reported));
    out.put("times", times);
    out.put("reported", reported);
    out.put("stages", stageList);
    ctx.json(out);
  }

  /** A value from the query, cut short for an error message. */
  private static String shown(String value) {
    return value.length() <= 40 ? value : value.substring(0, 40) + "…";
  }

  private static int countTrue(boolean[] values) {
    int n = 0;
    for (boolean b : values) {
      n += b ? 1 : 0;
    }
    return n;
  }

  /** The nodes that wrote samples in the range, with the host of those still reporting. */
  private List<Map<String, Object>> nodes(Map<String, Integer> nodeSamples) {
    Map<String, Nodes.Node> live = new LinkedHashMap<>();
    for (Nodes.Node n : catalog.nodes().list(OverviewController.NODE_WINDOW)) {
      live.put(n.id(), n);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, Integer> e : nodeSamples.entrySet()) {
      Nodes.Node n = live.get(e.getKey());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", e.getKey());
      m.put("host", n == null ? null : n.host());
      m.put("reporting", n != null);
      m.put("samples", e.getValue());
      out.add(m);
    }
    return out;
  }

  private List<StageRecord> currentStages(String env) {
    try {
      return catalog.pipelines().current(env).stages();
    } catch (RuntimeException e) {
      return List.of(); // no readable revision: the history still shows what ran
    }
  }

  /** One stage's figures over the range, and per display step. */
  private static final class Figures {
    String processor;
    long items;
    long modified;
    long failed;
    long skipped;
    long deadLettered;
    long batches;
    long totalNanos;
    final long[] seriesItems;
    final long[] seriesNanos;

    Figures(int points) {
      seriesItems = new long[points];
      seriesNanos = new long[points];
    }

    void add(int i, Sample s) {
      processor = s.processor(); // samples come by time: the last one names what runs now
      items += s.items();
      modified += s.modified();
      failed += s.failed();
      skipped += s.skipped();
      deadLettered += s.deadLettered();
      batches += s.batches();
      totalNanos += s.totalNanos();
      seriesItems[i] += s.items();
      seriesNanos[i] += s.totalNanos();
    }
  }
}
