package io.tributary.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one run's raw results (JMH's JSON and the ingest load generator's JSON) into {@code
 * latest.json}: the headline ratios against the [bench] targets, each with the figures it was
 * computed from, and a Markdown table for {@code docs/BENCHMARKS.md}.
 *
 * <p>Every ratio is taken between figures of the same run. Benchmarks that copy a batch of items
 * from their ring before working on it are compared net of that copy ({@code copyOnly} of the
 * same benchmark and parameters), so the ratios describe the work, not the scaffolding.
 *
 * <pre>
 * java -cp benchmarks.jar io.tributary.benchmarks.report.Report \
 *     --jmh results/jmh.json [--ingest results/ingest.json] --out results/latest.json \
 *     [--markdown results/latest.md] [--mode quick|full] [--commit REV]
 * </pre>
 */
public final class Report {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One JMH result: score (ns/op, per item where the benchmark says so), error, bytes per op. */
  record Score(String benchmark, Map<String, String> params, double score, double error, double bytes) {}

  /** A headline figure and its target; {@code lowerIsBetter} says which side of the target passes. */
  record Figure(String key, String description, double value, double target, boolean lowerIsBetter, String basis) {
    boolean met() {
      return !Double.isNaN(value) && (lowerIsBetter ? value <= target : value >= target);
    }
  }

  private final List<Score> scores;
  private final JsonNode ingest;

  Report(List<Score> scores, JsonNode ingest) {
    this.scores = scores;
    this.ingest = ingest;
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> options = options(args);
    Path jmh = Path.of(require(options, "--jmh"));
    Path out = Path.of(require(options, "--out"));
    JsonNode ingest = options.containsKey("--ingest") && Files.exists(Path.of(options.get("--ingest")))
        ? JSON.readTree(Path.of(options.get("--ingest")).toFile())
        : null;
    Report report = new Report(parse(JSON.readTree(jmh.toFile())), ingest);
    ObjectNode latest = report.toJson(options.getOrDefault("--mode", "full"), options.get("--commit"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    JSON.writeValue(out.toFile(), latest);
    String markdown = report.markdown(latest);
    if (options.containsKey("--markdown")) {
      Files.writeString(Path.of(options.get("--markdown")), markdown);
    }
    System.out.print(markdown);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'");
      }
      options.put(args[i], args[++i]);
    }
    return options;
  }

  private static String require(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return value;
  }

  /** Reads JMH's {@code -rf json} output. */
  static List<Score> parse(JsonNode results) {
    List<Score> out = new ArrayList<>();
    for (JsonNode r : results) {
      Map<String, String> params = new LinkedHashMap<>();
      r.path("params").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      JsonNode primary = r.path("primaryMetric");
      JsonNode alloc = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
      String name = r.path("benchmark").asText();
      out.add(new Score(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1), params,
          primary.path("score").asDouble(Double.NaN), finite(primary.path("scoreError").asDouble(Double.NaN)),
          alloc.isMissingNode() ? Double.NaN : alloc.path("score").asDouble(Double.NaN)));
    }
    return out;
  }

  private static double finite(double d) {
    return Double.isFinite(d) ? d : Double.NaN;
  }

  /** The score of {@code Class.method} with the given parameters, or null if it did not run. */
  Score find(String benchmark, String... params) {
    for (Score s : scores) {
      if (!s.benchmark().equals(benchmark)) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i < params.length; i += 2) {
        all &= params[i + 1].equals(s.params().get(params[i]));
      }
      if (all) {
        return s;
      }
    }
    return null;
  }

  /** ns per item of {@code method} net of the same benchmark's {@code copyOnly}; NaN if either is missing. */
  double net(String benchmarkClass, String method, String... params) {
    Score s = find(benchmarkClass + "." + method, params);
    Score copy = find(benchmarkClass + ".copyOnly", params);
    return s == null || copy == null ? Double.NaN : s.score() - copy.score();
  }

  double gross(String benchmark, String... params) {
    Score s = find(benchmark, params);
    return s == null ? Double.NaN : s.score();
  }

  List<Figure> figures() {
    List<Figure> f = new ArrayList<>();
    String e = "EnrichmentBenchmark";
    double pipeline = net(e, "pipeline", "attributes", "10");
    double handwritten = net(e, "handwritten", "attributes", "10");
    double timingsOff = net(e, "pipelineTimingsOff", "attributes", "10");
    double smt = gross(e + ".kafkaConnect", "attributes", "10");
    double smtRegex = gross(e + ".kafkaConnectRegex", "attributes", "10");
    f.add(new Figure("pipeline_vs_handwritten", "(a) compiled pipeline / (b) hand-written, 10 attributes, net of the copy",
        pipeline / handwritten, 1.3, true, fmt(pipeline) + " / " + fmt(handwritten) + " ns"));
    double pipeline30 = net(e, "pipeline", "attributes", "30");
    double handwritten30 = net(e, "handwritten", "attributes", "30");
    f.add(new Figure("pipeline_vs_handwritten_30", "(a) / (b) with 30 attributes, net of the copy",
        pipeline30 / handwritten30, 1.3, true, fmt(pipeline30) + " / " + fmt(handwritten30) + " ns"));
    f.add(new Figure("smt_vs_pipeline", "(c) stock Kafka Connect SMT chain (masks one named field) / (a) compiled pipeline, 10 attributes",
        smt / pipeline, 10, false, fmt(smt) + " / " + fmt(pipeline) + " ns"));
    f.add(new Figure("smt_regex_vs_pipeline", "(c) with a regex PII transform (the same PII work as (a)) / (a), 10 attributes",
        smtRegex / pipeline, 10, false, fmt(smtRegex) + " / " + fmt(pipeline) + " ns"));
    f.add(new Figure("timings_on_vs_off", "(a) timings on / (e) timings off, 10 attributes, net of the copy",
        pipeline / timingsOff, 1.05, true, fmt(pipeline) + " / " + fmt(timingsOff) + " ns"));
    double allocPipeline = bytes(e + ".pipeline", "attributes", "10");
    double allocHand = bytes(e + ".handwritten", "attributes", "10");
    f.add(new Figure("pipeline_extra_bytes_per_item", "allocation of (a) beyond (b), B/item, 10 attributes",
        allocPipeline - allocHand, 64, true, fmt(allocPipeline) + " − " + fmt(allocHand) + " B"));
    String p = "PiiRedactionBenchmark";
    double pii = net(p, "processor", "piiPercent", "10");
    double regex = net(p, "regex", "piiPercent", "10");
    f.add(new Figure("pii_ns_per_item", "pii-redaction, 10 attributes, 10 % PII, ns per item net of the copy",
        pii, 1000, true, fmt(pii) + " ns"));
    f.add(new Figure("regex_vs_pii", "java.util.regex reference / pii-redaction, 10 % PII",
        regex / pii, 50, false, fmt(regex) + " / " + fmt(pii) + " ns"));
    // Saturation by wrk where it ran (a client that leaves the server more of the machine), else
    // by the Java closed loop.
    double perCoreWrk = ingestFigure("pipeline", "wrk", "items_per_sec_per_core");
    boolean byWrk = !Double.isNaN(perCoreWrk);
    double perCore = byWrk ? perCoreWrk : ingestFigure("pipeline", "saturation", "items_per_sec_per_core");
    double p99 = ingestFigure("pipeline", "half_load", "p99_ms");
    f.add(new Figure("otlp_items_per_sec_per_core", "OTLP/HTTP protobuf ingest at saturation, items/s per core the server used",
        perCore, 200_000, false, "default pipeline, 100-span batches, closed loop by "
            + (byWrk ? "wrk" : "the Java client (wrk not installed)")));
    f.add(new Figure("otlp_p99_ms_at_half_load", "OTLP ingest p99 latency at 50 % of saturation, ms",
        p99, 5, true, "open loop, from the intended send time"));
    double cpuPerSpan = byWrk ? ingestFigure("pipeline", "wrk", "cpu_us_per_item")
        : ingestFigure("pipeline", "saturation", "cpu_us_per_item");
    f.add(new Figure("otlp_cpu_us_per_span", "OTLP ingest: server CPU per span at saturation, µs (from /proc)",
        cpuPerSpan, 5, true, "default pipeline, by " + (byWrk ? "wrk" : "the Java client")));
    double pause = Math.max(ingestFigure("pipeline", "saturation", "max_gc_pause_ms"),
        ingestFigure("pipeline", "half_load", "max_gc_pause_ms"));
    f.add(new Figure("otlp_max_gc_pause_ms", "OTLP ingest: the server's longest GC pause at saturation and half load, ms",
        pause, 10, true, "from the server's -Xlog:gc"));
    double rss = ingestFigure("pipeline", "saturation", "rss_mib");
    f.add(new Figure("otlp_rss_mib", "OTLP ingest: server RSS at saturation, MiB", rss, 512, true,
        "VmRSS of the server after the saturation phase, with the launcher's default heap"));
    double steadyRss = ingestFigure("pipeline", "steady", "rss_mib");
    f.add(new Figure("otlp_rss_mib_at_10k", "OTLP ingest: server RSS at a steady 10,000 spans/s, MiB", steadyRss, 256,
        true, "VmRSS of the server after the steady phase (which follows saturation: the heap it grew is kept)"));
    double nullReceiver = ingest == null ? Double.NaN : ingest.path("floor").path("items_per_sec").asDouble(Double.NaN);
    double gateway = ingestFigure("pipeline", "saturation", "items_per_sec");
    f.add(new Figure("otlp_vs_floor", "OTLP ingest: default pipeline / a null receiver on the same HTTP stack, items/s"
        + " at saturation", gateway / nullReceiver, 0.5, false, fmt(gateway) + " / " + fmt(nullReceiver)
        + " items/s, same load generator"));
    f.add(new Figure("otlp_logs_cpu_us_per_record", "OTLP ingest of log records (/v1/logs): server CPU per record at"
        + " saturation, µs", ingestFigure("pipeline_logs", "saturation", "cpu_us_per_item"), 5, true,
        "default pipeline, 100 records per request, by the Java client"));
    f.add(new Figure("otlp_logs_items_per_sec_per_core", "OTLP ingest of log records: records/s per core the server"
        + " used", ingestFigure("pipeline_logs", "saturation", "items_per_sec_per_core"), 200_000, false,
        "default pipeline, closed loop"));
    f.add(new Figure("otlp_logs_p99_ms_at_half_load", "OTLP ingest of log records: p99 latency at 50 % of saturation,"
        + " ms", ingestFigure("pipeline_logs", "half_load", "p99_ms"), 5, true, "open loop, from the intended send time"));
    // gRPC against HTTP by the same Java client in the same run (wrk speaks no gRPC).
    double httpCpu = ingestFigure("pipeline", "saturation", "cpu_us_per_item");
    double grpcCpu = ingestFigure("pipeline_grpc", "saturation", "cpu_us_per_item");
    f.add(new Figure("otlp_grpc_cpu_us_per_span", "OTLP/gRPC ingest: server CPU per span at saturation, µs; target:"
        + " 1.2 × the OTLP/HTTP figure of the same run", grpcCpu, 1.2 * httpCpu, true, "default pipeline, 100-span"
        + " TraceService/Export calls, one HTTP/2 connection per sender, by the Java client; OTLP/HTTP by the same"
        + " client: " + trim(httpCpu) + " µs"));
    f.add(new Figure("otlp_grpc_p99_ms_at_half_load", "OTLP/gRPC ingest: p99 latency at 50 % of its saturation, ms",
        ingestFigure("pipeline_grpc", "half_load", "p99_ms"), 5, true, "open loop, from the intended send time"));
    JsonNode queue = ingest == null ? null : ingest.path("queue");
    double drain = queue == null ? Double.NaN : queue.path("drain_mb_per_s").asDouble(Double.NaN);
    f.add(new Figure("queue_drain_mb_per_s", "Disk queue: a backlog drains at, MB/s, once the downstream is back",
        drain, 50, false, queue == null ? "not measured" : "a backlog of " + trim(queue.path("backlog_mib").asDouble())
            + " MiB built with the sink answering 503, timed from the sink's first accepted request to an empty"
            + " queue"));
    double diskVsMemory = queue == null ? Double.NaN : queue.path("disk_vs_memory").asDouble(Double.NaN);
    f.add(new Figure("queue_disk_vs_memory", "Disk queue (write) / memory queue, spans/s at saturation, same run",
        diskVsMemory, 0.7, false, queue == null ? "not measured" : fmt(queue.path("disk_items_per_sec").asDouble())
            + " / " + fmt(queue.path("memory_items_per_sec").asDouble()) + " items/s, default pipeline, Java client"));
    double floor = ingestFigure("empty", "saturation", "items_per_sec");
    double full = ingestFigure("pipeline", "saturation", "items_per_sec");
    f.add(new Figure("otlp_pipeline_vs_empty", "OTLP ingest: default pipeline / empty pipeline, items/s at saturation",
        full / floor, 0.5, false, fmt(full) + " / " + fmt(floor) + " items/s (the empty pipeline still decodes and"
            + " re-encodes)"));
    return f;
  }

  private double bytes(String benchmark, String... params) {
    Score s = find(benchmark, params);
    return s == null ? Double.NaN : s.bytes();
  }

  private double ingestFigure(String pipeline, String phase, String field) {
    if (ingest == null) {
      return Double.NaN;
    }
    JsonNode value = ingest.path("pipelines").path(pipeline).path(phase).path(field);
    return value.isNumber() ? value.asDouble() : Double.NaN;
  }

  ObjectNode toJson(String mode, String commit) {
    ObjectNode root = JSON.createObjectNode();
    List<Figure> figures = figures();
    for (Figure f : figures) {
      put(root, f.key(), f.value());
    }
    ObjectNode targets = root.putObject("targets");
    for (Figure f : figures) {
      ObjectNode t = targets.putObject(f.key());
      t.put("description", f.description());
      put(t, "value", f.value());
      t.put("target", (f.lowerIsBetter() ? "<= " : ">= ") + trim(f.target()));
      t.put("met", f.met());
      t.put("basis", f.basis());
    }
    ObjectNode run = root.putObject("run");
    run.put("mode", mode);
    if (commit != null) {
      run.put("commit", commit);
    }
    run.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    run.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    run.put("cores", Runtime.getRuntime().availableProcessors());
    run.put("at", java.time.Instant.now().toString());
    ArrayNode jmh = root.putArray("jmh");
    for (Score s : scores) {
      ObjectNode n = jmh.addObject();
      n.put("benchmark", s.benchmark());
      n.set("params", JSON.valueToTree(s.params()));
      put(n, "ns_per_op", s.score());
      put(n, "error", s.error());
      put(n, "bytes_per_op", s.bytes());
    }
    if (ingest != null) {
      root.set("ingest", ingest);
    }
    return root;
  }

  private static void put(ObjectNode node, String field, double value) {
    if (Double.isFinite(value)) {
      node.put(field, Math.round(value * 1000) / 1000.0);
    } else {
      node.putNull(field);
    }
  }

  String markdown(ObjectNode latest) {
    StringBuilder md = new StringBuilder();
    md.append("| figure | value | target | met |\n|---|---|---|---|\n");
    for (Figure f : figures()) {
      md.append("| `").append(f.key()).append("`: ").append(f.description()).append(" (").append(f.basis())
          .append(") | ").append(fmt(f.value())).append(" | ").append(f.lowerIsBetter() ? "≤ " : "≥ ")
          .append(trim(f.target())).append(" | ").append(Double.isNaN(f.value()) ? "not measured" : f.met() ? "yes" : "**no**")
          .append(" |\n");
    }
    md.append("\n| benchmark | params | ns/op | ± | B/op |\n|---|---|---|---|---|\n");
    for (Score s : scores) {
      md.append("| ").append(s.benchmark()).append(" | ").append(s.params()).append(" | ")
          .append(fmt(s.score())).append(" | ").append(fmt(s.error())).append(" | ").append(fmt(s.bytes()))
          .append(" |\n");
    }
    md.append("\n(").append(latest.path("run").path("mode").asText()).append(" run, ")
        .append(latest.path("run").path("jdk").asText()).append(", ")
        .append(latest.path("run").path("cores").asInt()).append(" cores)\n");
    return md.toString();
  }

  static String fmt(double d) {
    if (Double.isNaN(d)) {
      return "n/a";
    }
    if (Math.abs(d) >= 100) {
      return String.format(Locale.ROOT, "%.0f", d);
    }
    return String.format(Locale.ROOT, Math.abs(d) >= 10 ? "%.1f" : "%.2f", d);
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
