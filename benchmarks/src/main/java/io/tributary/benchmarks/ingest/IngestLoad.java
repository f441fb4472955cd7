package io.tributary.benchmarks.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The OTLP ingest benchmark: starts a Tributary server from the built distribution, sends it
 * 100-span protobuf batches over OTLP/HTTP, and measures what it sustains.
 *
 * <ol>
 *   <li>Closed loop ({@code --connections} senders, each sending its next batch when the last is
 *       answered): items per second at saturation, and the server's CPU time per item, read from
 *       {@code /proc/<pid>/stat}, so "per core" means per core the server actually used.
 *   <li>Open loop at 50 % and 80 % of that rate: batches sent on a fixed schedule whatever the
 *       answers do, latency measured from each batch's <em>intended</em> send time (no coordinated
 *       omission): p50, p99, max.
 * </ol>
 *
 * <p>Both with the default pipeline ({@code dev}: correlation, semconv-upgrade, environment,
 * pii-redaction) and with an empty one, written through the REST API while the server runs: the
 * floor of decoding, queueing and encoding. The server exports to a sink in this process (OTLP/HTTP
 * protobuf, answered at once), so the export path is measured too. Non-200 answers (429/503 from
 * backpressure) are counted, never hidden. Client and server share the machine's cores.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.tributary.benchmarks.ingest.IngestLoad \
 *     --home distribution/target/tributary --out benchmarks/results/ingest.json [--quick]
 * </pre>
 */
public final class IngestLoad {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final int SPANS_PER_BATCH = 100;

  /**
   * Sends one batch on the sender thread's connection: true if the server accepted it (200 / OK),
   * false if it refused it (429, 503 / RESOURCE_EXHAUSTED, UNAVAILABLE).
   */
  @FunctionalInterface
  interface Sender {
    boolean send(int connection, byte[] body) throws IOException, InterruptedException;
  }

  /** OTLP/HTTP protobuf POSTs to {@code uri} (the client keeps a connection per thread). */
  private Sender http(URI uri) {
    return (connection, body) -> client.send(request(uri, body), HttpResponse.BodyHandlers.discarding())
        .statusCode() == 200;
  }

  /** Connections of the open-loop phases: enough that a 20 ms stall does not starve the rate. */
  static final int OPEN_LOOP_CONNECTIONS = 32;

  record Phases(int warmupSeconds, int saturationSeconds, int openSeconds, int connections) {}

  /** One closed-loop phase. */
  record Saturation(double seconds, long requests, long non200, double itemsPerSecond, double cpuSeconds) {
    double coresUsed() {
      return cpuSeconds / seconds;
    }

    double cpuMicrosPerItem() {
      return cpuSeconds * 1e6 / (itemsPerSecond * seconds);
    }

    double itemsPerSecondPerCore() {
      return itemsPerSecond / coresUsed();
    }
  }

  /** One open-loop phase: latencies in ns from the intended send time. */
  record OpenLoop(double targetItemsPerSecond, double achievedItemsPerSecond, long requests, long non200,
      long failed, double p50Ms, double p99Ms, double maxMs, double cpuSeconds, double seconds) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    boolean quick = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--quick")) {
        quick = true;
      } else if (args[i].startsWith("--") && i + 1 < args.length) {
        options.put(args[i], args[++i]);
      } else {
        throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
      }
    }
    Path home = Path.of(options.getOrDefault("--home", "distribution/target/tributary"));
    Path out = Path.of(options.getOrDefault("--out", "benchmarks/results/ingest.json"));
    Path launcher = home.resolve("bin/tributary");
    if (!Files.isExecutable(launcher)) {
      throw new IllegalArgumentException(launcher + " is missing; build first: mvn -B -q package -DskipTests");
    }
    // A fresh JVM spends its first 15-20 s compiling (C2 took a quarter of the CPU in a 6 s
    // warm-up): the warm-up runs past that, so the figures are the steady state a gateway runs in.
    Phases phases = quick ? new Phases(20, 8, 8, 8) : new Phases(30, 15, 15, 8);
    ObjectNode result = new IngestLoad(launcher, phases).run();
    result.put("mode", quick ? "quick" : "full");
    Files.createDirectories(out.toAbsolutePath().getParent());
    JSON.writeValue(out.toFile(), result);
    System.out.println(JSON.writeValueAsString(result.path("pipelines")));
  }

  private final Path launcher;
  private final Phases phases;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<byte[]> traceBodies = Bodies.build(64, SPANS_PER_BATCH, 42);
  /** What the load phases send: {@link #traceBodies}, or log requests while logs are measured. */
  private List<byte[]> bodies = traceBodies;
  private GcLog gcLog;

  IngestLoad(Path launcher, Phases phases) {
    this.launcher = launcher;
    this.phases = phases;
  }

  ObjectNode run() throws Exception {
    Path data = Files.createTempDirectory("tributary-ingest");
    LongAdder sinkRequests = new LongAdder();
    LongAdder sinkBytes = new LongAdder();
    HttpServer sink = startSink(sinkRequests, sinkBytes);
    int adminPort = freePort();
    int otlpPort = freePort();
    int grpcPort = freePort();
    ProcessBuilder pb = serverProcess(data, adminPort, otlpPort, grpcPort, sink, "--queue", "disk");
    // The server's own JVM options (JAVA_OPTS of the caller, e.g. a collector to compare), plus a
    // GC log to read its pauses from.
    gcLog = new GcLog(data.resolve("gc.log"));
    String javaOpts = System.getenv().getOrDefault("JAVA_OPTS", "");
    pb.environment().put("JAVA_OPTS", (javaOpts + " " + gcLog.option()).trim());
    Process server = pb.start();
    ObjectNode root = JSON.createObjectNode();
    try {
      String admin = "http://localhost:" + adminPort;
      awaitHealth(admin, server, data);
      String token = Files.readString(data.resolve("admin.token")).trim();
      URI traces = URI.create("http://localhost:" + otlpPort + "/v1/traces");
      root.put("batch_items", SPANS_PER_BATCH);
      root.put("connections", phases.connections());
      root.put("client_cores", Runtime.getRuntime().availableProcessors());
      ObjectNode pipelines = root.putObject("pipelines");
      JsonNode current = getJson(admin + "/api/v1/environments/dev/pipeline", token);
      Drain drain = () -> awaitDrained(admin, token);
      pipelines.set("pipeline", measure(http(traces), traces, server.pid(), current.path("stages"), drain, false));
      // The same pipeline on log records (/v1/logs, 100 per request): saturation and half load.
      drain.await();
      bodies = Bodies.logs(64, SPANS_PER_BATCH, 43);
      pipelines.set("pipeline_logs", measure(http(URI.create("http://localhost:" + otlpPort + "/v1/logs")), null,
          server.pid(), current.path("stages"), drain, true));
      bodies = traceBodies;
      // The same spans over OTLP/gRPC (TraceService/Export), one HTTP/2 connection per sender.
      drain.await();
      try (GrpcSender grpc = new GrpcSender(grpcPort, Math.max(phases.connections(), OPEN_LOOP_CONNECTIONS))) {
        pipelines.set("pipeline_grpc", measure(grpc, null, server.pid(), current.path("stages"), drain, true));
      }
      // The Live tap armed (an operator watching /recent every 2 s, as the Live page polls): the
      // same spans at saturation, to measure what keeping each remembered item as received costs.
      drain.await();
      pipelines.set("pipeline_tap_armed", tapArmed(admin, token, traces, server.pid()));
      drain.await();
      writeEmptyPipeline(admin, token, current.path("revision").asLong());
      pipelines.set("empty", measure(http(traces), traces, server.pid(), JSON.createArrayNode(), drain, false));
      // The disk queue: how fast a backlog drains once the downstream is back, then the same
      // saturation as the first phase on a server whose queue is in memory.
      drain.await();
      root.set("queue", queueFigures(admin, token, traces, server.pid(), sink, sinkBytes,
          pipelines.path("pipeline").path("saturation").path("items_per_sec").asDouble()));
      root.set("floor", floor());
      ObjectNode sinkNode = root.putObject("sink");
      sinkNode.put("requests", sinkRequests.sum());
      sinkNode.put("bytes", sinkBytes.sum());
      JsonNode stats = getJson(admin + "/api/v1/environments/dev/stats", token);
      root.set("server_gateway_stats", stats.path("gateway"));
    } finally {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
      sink.stop(0);
      ((ExecutorService) sink.getExecutor()).shutdownNow();
    }
    return root;
  }

  /**
   * Saturation (closed loop, OTLP/HTTP) while a watcher asks {@code /recent} every 2 s, which keeps
   * the gateway's tap armed: its CPU per span includes the copies and the watcher's own requests.
   */
  private ObjectNode tapArmed(String admin, String token, URI traces, long pid) throws Exception {
    java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread watcher = new Thread(() -> {
      while (watching.get()) {
        try {
          getJson(admin + "/api/v1/environments/dev/recent?limit=50", token);
          Thread.sleep(2000);
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          // the next poll tries again
        }
      }
    }, "live-watcher");
    watcher.setDaemon(true);
    watcher.start();
    try {
      closedLoop(http(traces), pid, phases.warmupSeconds());
      Saturation sat = closedLoop(http(traces), pid, phases.saturationSeconds());
      ObjectNode n = JSON.createObjectNode();
      n.put("items_per_sec", round(sat.itemsPerSecond()));
      n.put("cpu_us_per_item", round(sat.cpuMicrosPerItem()));
      n.put("non_200", sat.non200());
      return n;
    } finally {
      watching.set(false);
      watcher.interrupt();
      watcher.join(5000);
    }
  }

  /** The server's command line: the data dir, ports, the sink as its OTLP exporter, and {@code extra}. */
  private ProcessBuilder serverProcess(Path data, int adminPort, int otlpPort, int grpcPort, HttpServer sink,
      String... extra) {
    List<String> command = new ArrayList<>(List.of(launcher.toString(), "serve", "--data-dir", data.toString(),
        "--admin-port", String.valueOf(adminPort), "--otlp-port", String.valueOf(otlpPort),
        "--otlp-grpc-port", String.valueOf(grpcPort), "--env", "dev",
        "--exporter", "otlp=http://localhost:" + sink.getAddress().getPort()));
    command.addAll(List.of(extra));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(data.resolve("server.log").toFile());
  }

  /** The backlog a drain phase builds: 1 GiB, 256 MiB with --quick. */
  private long drainBacklogBytes() {
    return phases.saturationSeconds() < 15 ? 256L << 20 : 1L << 30;
  }

  /**
   * {@code queue_drain_mb_per_s}: with the sink answering 503, fills the disk queue up to {@link
   * #drainBacklogBytes()} (or 90 s), then lets the sink accept and times the drain, from the
   * sink's first accepted request to the queue's being empty. {@code queue_disk_vs_memory}: the
   * first phase's saturation, by the same closed loop, on a second server whose queue is in memory.
   */
  private ObjectNode queueFigures(String admin, String token, URI traces, long pid, HttpServer sink,
      LongAdder sinkBytes, double diskItemsPerSecond) throws Exception {
    ObjectNode node = JSON.createObjectNode();
    long target = drainBacklogBytes();
    sinkStalled.set(true);
    long fillDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    long queued = 0;
    while (queued < target && System.nanoTime() < fillDeadline) {
      closedLoop(http(traces), pid, 2);
      queued = getJson(admin + "/api/v1/environments/dev/stats", token).path("gateway").path("queuedBytes").asLong();
    }
    long sinkBefore = sinkBytes.sum();
    sinkFirstAfterStall.set(0);
    long rssFull = Math.round(ProcStat.rssMib(pid));
    long cpuBefore = ProcStat.cpuNanos(pid);
    sinkStalled.set(false);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      if (getJson(admin + "/api/v1/environments/dev/stats", token).path("gateway").path("queuedBytes").asLong() == 0) {
        break;
      }
      Thread.sleep(20);
    }
    long first = sinkFirstAfterStall.get();
    double seconds = (sinkLastAccepted.get() - first) / 1e9;
    long exported = sinkBytes.sum() - sinkBefore;
    node.put("backlog_mib", round(queued / 1048576.0));
    node.put("exported_mib", round(exported / 1048576.0));
    node.put("drain_seconds", round(seconds));
    node.put("drain_mb_per_s", round(queued / 1e6 / Math.max(seconds, 1e-3)));
    node.put("drain_cpu_seconds", round((ProcStat.cpuNanos(pid) - cpuBefore) / 1e9));
    node.put("rss_mib_with_backlog", rssFull);
    node.put("rss_mib_after_drain", Math.round(ProcStat.rssMib(pid)));

    // The same first-phase saturation on a server with a memory queue.
    Path data = Files.createTempDirectory("tributary-ingest-memory");
    int adminPort = freePort();
    int otlpPort = freePort();
    Process memory = serverProcess(data, adminPort, otlpPort, freePort(), sink, "--queue", "memory").start();
    try {
      awaitHealth("http://localhost:" + adminPort, memory, data);
      URI memoryTraces = URI.create("http://localhost:" + otlpPort + "/v1/traces");
      closedLoop(http(memoryTraces), memory.pid(), phases.warmupSeconds());
      Saturation sat = closedLoop(http(memoryTraces), memory.pid(), phases.saturationSeconds());
      node.put("memory_items_per_sec", Math.round(sat.itemsPerSecond()));
      node.put("memory_cpu_us_per_item", round(sat.cpuMicrosPerItem()));
      node.put("disk_items_per_sec", Math.round(diskItemsPerSecond));
      node.put("disk_vs_memory", round(diskItemsPerSecond / sat.itemsPerSecond()));
    } finally {
      memory.destroy();
      if (!memory.waitFor(30, TimeUnit.SECONDS)) {
        memory.destroyForcibly();
      }
    }
    return node;
  }

  /**
   * The same load against {@link NullReceiver} (the server's HTTP stack reading bodies and
   * answering 200), in a process of its own with the launcher's heap: the throughput the gateway is
   * compared with.
   */
  private ObjectNode floor() throws Exception {
    ObjectNode node = JSON.createObjectNode();
    Path lib = launcher.getParent().getParent().resolve("lib");
    String self = Path.of(IngestLoad.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    int port = freePort();
    Path log = Files.createTempFile("tributary-null-receiver", ".log");
    Process receiver = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", lib + "/*" + java.io.File.pathSeparator + self,
        NullReceiver.class.getName(), String.valueOf(port)).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    try {
      URI traces = URI.create("http://localhost:" + port + "/v1/traces");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        try {
          client.send(request(traces, bodies.get(0)), HttpResponse.BodyHandlers.discarding());
          break;
        } catch (IOException notYet) {
          if (System.nanoTime() > deadline || !receiver.isAlive()) {
            throw new IllegalStateException("the null receiver did not start: " + Files.readString(log));
          }
          Thread.sleep(100);
        }
      }
      closedLoop(http(traces), receiver.pid(), phases.warmupSeconds());
      Saturation sat = closedLoop(http(traces), receiver.pid(), phases.saturationSeconds());
      node.put("items_per_sec", Math.round(sat.itemsPerSecond()));
      node.put("server_cores_used", round(sat.coresUsed()));
      node.put("cpu_us_per_item", round(sat.cpuMicrosPerItem()));
      node.put("items_per_sec_per_core", Math.round(sat.itemsPerSecondPerCore()));
      node.put("rss_mib", Math.round(ProcStat.rssMib(receiver.pid())));
    } finally {
      receiver.destroy();
      if (!receiver.waitFor(10, TimeUnit.SECONDS)) {
        receiver.destroyForcibly();
      }
      Files.deleteIfExists(log);
    }
    return node;
  }

  /** Waits until the server holds no accepted item: a phase must not inherit the last one's backlog. */
  @FunctionalInterface
  interface Drain {
    void await() throws Exception;
  }

  private void awaitDrained(String admin, String token) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (getJson(admin + "/api/v1/environments/dev/stats", token).path("gateway").path("queued").asLong() == 0) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the server still held items 60 s after the load stopped");
  }

  /**
   * Saturation runs right after the warm-up, so the server's queue is full when it starts and when
   * it ends: what it accepted meanwhile is what it enriched and exported. The open-loop phases start
   * with the queue empty.
   */
  private ObjectNode measure(Sender traces, URI wrkTarget, long pid, JsonNode stages, Drain drain, boolean brief)
      throws Exception {
    ObjectNode node = JSON.createObjectNode();
    List<String> ids = new ArrayList<>();
    stages.forEach(s -> ids.add(s.path("processor").asText(s.path("id").asText())));
    node.set("stages", JSON.valueToTree(ids));
    closedLoop(traces, pid, phases.warmupSeconds()); // JIT warm-up, discarded
    long gcMark = gcLog.mark();
    Saturation sat = closedLoop(traces, pid, phases.saturationSeconds());
    ObjectNode s = node.putObject("saturation");
    s.put("rss_mib", Math.round(ProcStat.rssMib(pid)));
    s.put("peak_rss_mib", Math.round(ProcStat.peakRssMib(pid)));
    putPauses(s, gcLog.since(gcMark));
    s.put("items_per_sec", Math.round(sat.itemsPerSecond()));
    s.put("requests", sat.requests());
    s.put("non_200", sat.non200());
    s.put("server_cores_used", round(sat.coresUsed()));
    s.put("cpu_us_per_item", round(sat.cpuMicrosPerItem()));
    s.put("items_per_sec_per_core", Math.round(sat.itemsPerSecondPerCore()));
    if (brief) {
      drain.await();
      OpenLoop half = openLoop(traces, pid, sat.itemsPerSecond() * 0.5, phases.openSeconds());
      ObjectNode n = node.putObject("half_load");
      n.put("achieved_items_per_sec", Math.round(half.achievedItemsPerSecond()));
      n.put("non_200", half.non200());
      n.put("failed", half.failed());
      n.put("p99_ms", round(half.p99Ms()));
      n.put("cpu_us_per_item", round(half.cpuSeconds() * 1e6 / Math.max(1, half.requests() * SPANS_PER_BATCH)));
      return node;
    }
    node.set("wrk", wrk(wrkTarget, pid, phases.saturationSeconds()));
    for (double share : new double[] {0.5, 0.8}) {
      drain.await();
      long mark = gcLog.mark();
      OpenLoop o = openLoop(traces, pid, sat.itemsPerSecond() * share, phases.openSeconds());
      ObjectNode n = node.putObject(share == 0.5 ? "half_load" : "load_80");
      n.put("rss_mib", Math.round(ProcStat.rssMib(pid)));
      putPauses(n, gcLog.since(mark));
      n.put("target_items_per_sec", Math.round(o.targetItemsPerSecond()));
      n.put("achieved_items_per_sec", Math.round(o.achievedItemsPerSecond()));
      n.put("requests", o.requests());
      n.put("non_200", o.non200());
      n.put("failed", o.failed());
      n.put("p50_ms", round(o.p50Ms()));
      n.put("p99_ms", round(o.p99Ms()));
      n.put("max_ms", round(o.maxMs()));
      n.put("cpu_us_per_item", round(o.cpuSeconds() * 1e6 / Math.max(1, o.requests() * SPANS_PER_BATCH)));
    }
    // A steady, modest load, as a gateway in front of one service sees it: what the server's
    // memory settles at.
    drain.await();
    long mark = gcLog.mark();
    OpenLoop steady = openLoop(traces, pid, STEADY_ITEMS_PER_SECOND, phases.openSeconds());
    ObjectNode n = node.putObject("steady");
    n.put("target_items_per_sec", STEADY_ITEMS_PER_SECOND);
    n.put("achieved_items_per_sec", Math.round(steady.achievedItemsPerSecond()));
    n.put("non_200", steady.non200());
    n.put("p99_ms", round(steady.p99Ms()));
    n.put("rss_mib", Math.round(ProcStat.rssMib(pid)));
    n.put("cpu_us_per_item", round(steady.cpuSeconds() * 1e6 / Math.max(1, steady.requests() * SPANS_PER_BATCH)));
    putPauses(n, gcLog.since(mark));
    return node;
  }

  /** The steady load of the last phase: 10,000 spans per second. */
  static final int STEADY_ITEMS_PER_SECOND = 10_000;

  private static void putPauses(ObjectNode node, GcLog.Pauses pauses) {
    node.put("gc_pauses", pauses.count());
    node.put("max_gc_pause_ms", round(pauses.maxMs()));
    node.put("gc_pause_ms_total", round(pauses.totalMs()));
  }

  /**
   * Closed-loop saturation measured by {@code wrk} (Debian package), if it is on the PATH: a
   * cross-check of the Java client's figure with a client that costs less CPU. wrk does not back
   * off on 429, so its non-2xx answers are reported and not counted as items.
   */
  ObjectNode wrk(URI traces, long pid, int seconds) throws Exception {
    ObjectNode node = JSON.createObjectNode();
    Path wrk = findOnPath("wrk");
    if (wrk == null) {
      node.put("skipped", "wrk is not on the PATH (Debian: apt-get install wrk)");
      return node;
    }
    Path dir = Files.createTempDirectory("tributary-wrk");
    try {
      Path body = dir.resolve("body.bin");
      Files.write(body, bodies.get(0));
      Path script = dir.resolve("post.lua");
      try (InputStream in = IngestLoad.class.getResourceAsStream("/ingest/post.lua")) {
        Files.write(script, in.readAllBytes());
      }
      ProcessBuilder pb = new ProcessBuilder(wrk.toString(), "-t", "2", "-c", String.valueOf(phases.connections()),
          "-d", seconds + "s", "-s", script.toString(), traces.toString()).redirectErrorStream(true);
      pb.environment().put("TRIBUTARY_WRK_BODY", body.toString());
      long cpuBefore = ProcStat.cpuNanos(pid);
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      p.waitFor();
      double cpu = (ProcStat.cpuNanos(pid) - cpuBefore) / 1e9;
      WrkResult r = WrkResult.parse(output);
      double items = (r.requests() - r.non2xx()) * (double) SPANS_PER_BATCH;
      node.put("requests", r.requests());
      node.put("non_2xx", r.non2xx());
      node.put("seconds", r.seconds());
      node.put("items_per_sec", Math.round(items / r.seconds()));
      // The server's CPU over wrk's run (it starts and stops with the process, within a few ms).
      node.put("server_cores_used", round(cpu / r.seconds()));
      node.put("cpu_us_per_item", round(cpu * 1e6 / Math.max(1, items)));
      node.put("items_per_sec_per_core", Math.round(items / Math.max(1e-9, cpu)));
      return node;
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /** The totals of a wrk run, from its report. */
  record WrkResult(long requests, long non2xx, double seconds) {
    static WrkResult parse(String output) {
      java.util.regex.Matcher total = java.util.regex.Pattern.compile("(\\d+) requests in ([\\d.]+)(ms|s|m)")
          .matcher(output);
      if (!total.find()) {
        throw new IllegalStateException("cannot read wrk's report:\n" + output);
      }
      double amount = Double.parseDouble(total.group(2));
      double seconds = total.group(3).equals("ms") ? amount / 1000 : total.group(3).equals("m") ? amount * 60 : amount;
      java.util.regex.Matcher bad = java.util.regex.Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(output);
      return new WrkResult(Long.parseLong(total.group(1)), bad.find() ? Long.parseLong(bad.group(1)) : 0, seconds);
    }
  }

  private static Path findOnPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, command);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Every connection sends its next batch as soon as the last is answered. */
  Saturation closedLoop(Sender traces, long pid, int seconds) throws InterruptedException {
    AtomicLong ok = new AtomicLong();
    AtomicLong non200 = new AtomicLong();
    long cpuBefore = ProcStat.cpuNanos(pid);
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> senders = new ArrayList<>();
    for (int c = 0; c < phases.connections(); c++) {
      int first = c;
      Thread t = new Thread(() -> {
        int next = first;
        while (System.nanoTime() < end) {
          try {
            boolean accepted = traces.send(first, bodies.get(next++ % bodies.size()));
            (accepted ? ok : non200).incrementAndGet();
            if (!accepted) {
              LockSupport.parkNanos(1_000_000); // answered 429/503: back off a little, as an SDK would
            }
          } catch (IOException e) {
            non200.incrementAndGet();
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "sender-" + c);
      t.start();
      senders.add(t);
    }
    for (Thread t : senders) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpu = (ProcStat.cpuNanos(pid) - cpuBefore) / 1e9;
    return new Saturation(elapsed, ok.get() + non200.get(), non200.get(), ok.get() * SPANS_PER_BATCH / elapsed, cpu);
  }

  /** Batches sent on a fixed schedule; each latency counts from when its batch was due. */
  /**
   * Sends at a fixed rate over a fixed set of connections ({@link #OPEN_LOOP_CONNECTIONS}, one
   * thread each, request {@code i} on connection {@code i % n}), timing each request from when it
   * was due, not from when it went out: a server that falls behind shows it in the latencies
   * instead of slowing the sender down. (Firing every request asynchronously instead opened a new
   * connection per request in flight, and measured the load generator's connection storms.)
   */
  OpenLoop openLoop(Sender traces, long pid, double itemsPerSecond, int seconds) throws Exception {
    double batchesPerSecond = itemsPerSecond / SPANS_PER_BATCH;
    long interval = (long) (1e9 / batchesPerSecond);
    int total = (int) (batchesPerSecond * seconds);
    long[] latencies = new long[total];
    AtomicLong non200 = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    int connections = OPEN_LOOP_CONNECTIONS;
    // Every sender's connection is open before the clock starts: the phase times requests, not
    // 32 TCP handshakes at once.
    List<Thread> openers = new ArrayList<>(connections);
    for (int c = 0; c < connections; c++) {
      int connection = c;
      Thread t = new Thread(() -> {
        try {
          traces.send(connection, bodies.get(0));
        } catch (IOException e) {
          // the phase will count it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      t.start();
      openers.add(t);
    }
    for (Thread t : openers) {
      t.join();
    }
    long cpuBefore = ProcStat.cpuNanos(pid);
    long start = System.nanoTime();
    List<Thread> senders = new ArrayList<>(connections);
    for (int c = 0; c < connections; c++) {
      int first = c;
      Thread t = new Thread(() -> {
        for (int i = first; i < total; i += connections) {
          long due = start + i * interval;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          try {
            if (!traces.send(first, bodies.get(i % bodies.size()))) {
              non200.incrementAndGet();
            }
          } catch (IOException e) {
            failed.incrementAndGet();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          latencies[i] = System.nanoTime() - due;
        }
      }, "open-loop-" + c);
      t.start();
      senders.add(t);
    }
    for (Thread t : senders) {
      t.join(TimeUnit.SECONDS.toMillis(seconds + 60L));
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpu = (ProcStat.cpuNanos(pid) - cpuBefore) / 1e9;
    long[] sorted = latencies.clone();
    java.util.Arrays.sort(sorted);
    long delivered = total - non200.get() - failed.get();
    return new OpenLoop(itemsPerSecond, delivered * SPANS_PER_BATCH / elapsed, total, non200.get(), failed.get(),
        Percentiles.of(sorted, 0.50) / 1e6, Percentiles.of(sorted, 0.99) / 1e6,
        sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6, cpu, elapsed);
  }

  private static HttpRequest request(URI traces, byte[] body) {
    return HttpRequest.newBuilder(traces).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-protobuf").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  private void writeEmptyPipeline(String admin, String token, long base) throws Exception {
    String body = "{\"baseRevision\":" + base + ",\"stages\":[],\"reason\":\"ingest benchmark: the empty-pipeline floor\"}";
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(admin + "/api/v1/environments/dev/pipeline"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("writing the empty pipeline was refused: " + r.statusCode() + " " + r.body());
    }
    // The node picks the revision up on its own; wait until it runs it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      JsonNode stats = getJson(admin + "/api/v1/environments/dev/stats", token);
      if (stats.path("revision").asLong() > base || stats.path("stages").size() == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the node did not pick up the empty pipeline within 15 s");
  }

  private JsonNode getJson(String url, String token) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private void awaitHealth(String admin, Process server, Path data) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("the server exited with " + server.exitValue() + "; its log:\n"
            + Files.readString(data.resolve("server.log")));
      }
      try {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(admin + "/api/v1/health")).GET().build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200 && Files.exists(data.resolve("admin.token"))) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the server did not answer /api/v1/health within 60 s");
  }

  /** While true the sink answers 503: a downstream that is down. */
  private final java.util.concurrent.atomic.AtomicBoolean sinkStalled = new java.util.concurrent.atomic.AtomicBoolean();
  /** When the sink last accepted a request (System.nanoTime). */
  private final AtomicLong sinkLastAccepted = new AtomicLong();
  /** When the sink first accepted a request after a stall ended (System.nanoTime), 0 until it did. */
  private final AtomicLong sinkFirstAfterStall = new AtomicLong();

  private HttpServer startSink(LongAdder requests, LongAdder bytes) throws IOException {
    HttpServer sink = HttpServer.create(new InetSocketAddress("localhost", 0), 64);
    sink.setExecutor(Executors.newFixedThreadPool(4));
    sink.createContext("/", exchange -> {
      long n = 0;
      try (InputStream in = exchange.getRequestBody()) {
        byte[] local = new byte[16 * 1024];
        for (int r; (r = in.read(local)) > 0; ) {
          n += r;
        }
      }
      if (sinkStalled.get()) {
        exchange.sendResponseHeaders(503, -1);
        exchange.close();
        return;
      }
      long now = System.nanoTime();
      sinkFirstAfterStall.compareAndSet(0, now);
      sinkLastAccepted.set(now);
      requests.increment();
      bytes.add(n);
      exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1); // an empty Export*ServiceResponse is zero bytes
      exchange.close();
    });
    sink.start();
    return sink;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static double round(double d) {
    return Double.isFinite(d) ? Math.round(d * 100) / 100.0 : Double.NaN;
  }

  /** Percentiles of sorted samples, nearest rank. */
  static final class Percentiles {
    private Percentiles() {}

    static double of(long[] sorted, double quantile) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(quantile * sorted.length);
      return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
  }
}
