package io.tributary.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.CatalogSettings;
import io.tributary.catalog.DescriptorJson;
import io.tributary.catalog.ProcessorCatalog;
import io.tributary.runtime.DirectoryConfigFiles;
import io.tributary.runtime.PluginGuard;
import io.tributary.runtime.plugins.PluginEvent;
import io.tributary.runtime.plugins.PluginRegistry;
import io.tributary.runtime.plugins.ProcessorEntry;
import io.tributary.server.config.ServerConfig;
import io.tributary.server.http.AuditController;
import io.tributary.server.http.ChangeRequestsController;
import io.tributary.server.http.Controller;
import io.tributary.server.http.EnvironmentsController;
import io.tributary.server.http.ExpensiveRequests;
import io.tributary.server.http.PluginCheckController;
import io.tributary.server.http.PluginCheckProcess;
import io.tributary.server.http.MetricsController;
import io.tributary.server.http.OpenApiController;
import io.tributary.server.http.ProcessorsController;
import io.tributary.server.http.SessionAuthenticator;
import io.tributary.server.http.SessionController;
import io.tributary.server.http.Sessions;
import io.tributary.server.http.TokenAuthenticator;
import io.tributary.server.http.TokensController;
import io.tributary.gateway.Gateway;
import io.tributary.server.http.GatewayController;
import io.tributary.gateway.OtlpGrpcReceiver;
import io.tributary.gateway.OtlpReceiver;
import io.tributary.gateway.ServerTls;
import io.tributary.server.config.ListenerSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Tributary node, assembled: the catalog database, the plugin registry (kept in step with
 * the catalog), this node's environment pipeline (kept at the newest revision), the gateway that
 * runs received telemetry through it, the admin server with every REST resource, and the OTLP/HTTP
 * receiver.
 */
public final class Node implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  /**
   * Knobs tests turn; the defaults are what {@code serve} uses.
   *
   * @param pluginCallLimit how long any one call into a plugin's code may take before the plugin is
   *     marked failed (null: {@link PluginGuard#DEFAULT_LIMIT})
   */
  public record Options(Duration pluginScanInterval, Duration pipelinePollInterval, String presetAdminToken,
      Clock clock, Gateway.Settings gateway, Duration pluginCallLimit, PluginCheckProcess.Limits pluginCheckLimits) {
    public Options {
      if (pluginCallLimit == null) {
        pluginCallLimit = PluginGuard.DEFAULT_LIMIT;
      }
      if (pluginCheckLimits == null) {
        pluginCheckLimits = PluginCheckProcess.Limits.DEFAULTS;
      }
    }

    public Options(Duration pluginScanInterval, Duration pipelinePollInterval, String presetAdminToken,
        Clock clock, Gateway.Settings gateway, Duration pluginCallLimit) {
      this(pluginScanInterval, pipelinePollInterval, presetAdminToken, clock, gateway, pluginCallLimit, null);
    }

    /** The limits of {@code POST /api/v1/plugins/check}'s child process (time, heap, output). */
    public Options withPluginCheckLimits(PluginCheckProcess.Limits limits) {
      return new Options(pluginScanInterval, pipelinePollInterval, presetAdminToken, clock, gateway, pluginCallLimit,
          limits);
    }

    public Options(Duration pluginScanInterval, Duration pipelinePollInterval, String presetAdminToken, Clock clock) {
      this(pluginScanInterval, pipelinePollInterval, presetAdminToken, clock, null, null);
    }

    public Options(Duration pluginScanInterval, Duration pipelinePollInterval, String presetAdminToken,
        Clock clock, Gateway.Settings gateway) {
      this(pluginScanInterval, pipelinePollInterval, presetAdminToken, clock, gateway, null);
    }

    public Options withPluginCallLimit(Duration limit) {
      return new Options(pluginScanInterval, pipelinePollInterval, presetAdminToken, clock, gateway, limit,
          pluginCheckLimits);
    }

    public static Options defaults(Map<String, String> environment) {
      return new Options(Duration.ofSeconds(1), Duration.ofMillis(500),
          environment.get("TRIBUTARY_ADMIN_TOKEN"), Clock.systemUTC());
    }

    public Options withGateway(Gateway.Settings settings) {
      return new Options(pluginScanInterval, pipelinePollInterval, presetAdminToken, clock, settings,
          pluginCallLimit, pluginCheckLimits);
    }
  }

  private final ServerConfig config;
  private final Catalog catalog;
  private final PluginRegistry registry;
  private final PipelineService pipelines;
  private final PrometheusMeterRegistry meters;
  private final TributaryServer server;
  private final Gateway gateway;
  private OtlpReceiver receiver;
  private OtlpGrpcReceiver grpcReceiver;
  /** The TLS every listener serves; null for plaintext. */
  private final ServerTls tls;
  private final Optional<Path> bootstrapTokenFile;
  private final Clock clock;
  private final DirectoryConfigFiles configFiles;

  private Node(ServerConfig config, BuildInfo buildInfo, Options options) {
    this.config = config;
    this.clock = options.clock();
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.catalog = Catalog.open(catalogSettings(config, options.clock()));
    this.bootstrapTokenFile = catalog.principals().bootstrap(options.presetAdminToken(),
        config.dataDir().resolve("admin.token"));
    bootstrapTokenFile.ifPresent(p -> LOG.info(
        "First start: an admin token was generated and written to {} (readable by this user only)", p));

    this.registry = new PluginRegistry(config.pluginsDir(), config.dataDir().resolve("plugin-cache"),
        options.pluginCallLimit());
    registry.addModuleProcessors(Node.class.getClassLoader());
    registry.addListener(this::onPluginEvents);
    registry.scan();
    synchronizeCatalog();
    LOG.info("{} processor(s) available: {}", registry.ids().size(), registry.ids());

    this.configFiles = new DirectoryConfigFiles(lookupDir(config), config.lookupMaxFileSize(),
        DirectoryConfigFiles.DEFAULT_READ_TIMEOUT);
    LOG.info("Processor configuration may name files in {} only (at most {} bytes each)",
        configFiles.root(), configFiles.maxBytes());
    this.pipelines = new PipelineService(catalog, registry, config.env(), meters, configFiles,
        config.strictWrites());
    pipelines.start();
    this.gateway = Gateway.start(config.env(), pipelines::holder, config.dataDir(), config.exporters(),
        options.gateway() != null ? options.gateway() : config.queue().apply(Gateway.Settings.defaults(config.lineage())),
        meters,
        options.clock());

    TokenAuthenticator tokens = new TokenAuthenticator(catalog, options.clock());
    Sessions sessions = new Sessions(options.clock(), Sessions.DEFAULT_LIFETIME);
    AtomicReference<TributaryServer> self = new AtomicReference<>();
    // One allowance per principal over every request that compiles a pipeline or computes a diff.
    ExpensiveRequests limits = ExpensiveRequests.defaults(options.clock());
    List<Controller> controllers = new ArrayList<>(List.of(
        new ProcessorsController(catalog, registry, limits),
        new PluginCheckController(catalog, registry, limits, options.pluginCheckLimits(), options.pluginCallLimit(),
            options.clock()),
        new EnvironmentsController(catalog, pipelines, meters, gateway::stats, limits,
            options.pluginCallLimit()),
        new ChangeRequestsController(catalog, pipelines, limits),
        new AuditController(catalog),
        new TokensController(catalog),
        new SessionController(catalog, sessions, tokens, config.secureCookies(), options.clock()),
        new MetricsController(meters),
        new GatewayController(catalog, gateway),
        new io.tributary.server.http.TimingsController(catalog, options.clock()),
        new io.tributary.server.http.OverviewController(catalog, self(config, buildInfo), gateway::stats,
            registry, pipelines, options.clock()),
        new OpenApiController(buildInfo.version(), () -> self.get().routes())));
    this.server = new TributaryServer(config, buildInfo, options.clock(), TributaryServer.DEFAULT_DRAIN_TIMEOUT,
        controllers, new SessionAuthenticator(tokens, sessions, catalog, options.clock()));
    self.set(server);
    ListenerSettings listeners = config.listeners();
    this.tls = listeners.tls()
        ? ServerTls.load(listeners.tlsCert(), listeners.tlsKey(), listeners.tlsClientCa())
        : null;
    server.tls(tls);
    server.otherListeners(this::otlpListeners);
    server.pipelineHealth(() -> pipelines.status().toMap());
    server.outputHealth(() -> gateway.failingOutputs(false));
    // Closed in reverse: the listener first, then the pipeline, the watcher, the database.
    // Closed last: the timings history's last sample comes after the gateway drained, so the
    // items enriched while the node stops are in it too.
    server.lifecycle().register("catalog", () -> {
      try {
        if (timings != null) {
          timings.sample();
        }
      } finally {
        catalog.close();
      }
    });
    server.lifecycle().register("config file readers", configFiles);
    server.lifecycle().register("plugin watcher", registry);
    server.lifecycle().register("pipeline of " + config.env(), pipelines);
    server.lifecycle().register("gateway", gateway);
    registry.watch(options.pluginScanInterval());
    pipelines.watch(options.pipelinePollInterval());
  }

  /** How often a node reports itself to the catalog (the home page lists nodes by these reports). */
  static final Duration REPORT_INTERVAL = Duration.ofSeconds(5);
  private static final com.fasterxml.jackson.databind.ObjectMapper REPORT_JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private io.tributary.server.http.OverviewController.Self self;
  private TimingsSampler timings;

  private io.tributary.server.http.OverviewController.Self self(ServerConfig config, BuildInfo buildInfo) {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown";
    }
    self = new io.tributary.server.http.OverviewController.Self(java.util.UUID.randomUUID().toString(),
        config.env(), buildInfo.version(), host, clock.instant());
    return self;
  }

  /** One daemon thread named {@code name} for background work the node's lifecycle stops. */
  private static java.util.concurrent.ScheduledExecutorService daemonScheduler(String name) {
    return java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Reports this node to the catalog now and every few seconds, and withdraws it on close. */
  private void startReporting() {
    java.util.concurrent.ScheduledExecutorService reporter = daemonScheduler("tributary-node-report");
    server.lifecycle().register("node report", () -> {
      reporter.shutdownNow();
      try {
        catalog.nodes().withdraw(self.id());
      } catch (RuntimeException e) {
        LOG.warn("Withdrawing this node from the catalog's node list failed: {}", e.toString());
      }
    });
    reporter.scheduleWithFixedDelay(this::report, 0, REPORT_INTERVAL.toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * Writes this node's timings history every {@link io.tributary.catalog.StageSamples#STEP}, just
   * after each step ends; a last sample when the catalog closes (after the gateway drained) keeps
   * the figures of the final seconds.
   */
  private void startTimings() {
    timings = new TimingsSampler(catalog, meters, config.env(), self.id(), clock, () -> {
      io.tributary.runtime.PipelineHolder holder = pipelines.holder();
      return holder == null ? null : holder.current();
    });
    java.util.concurrent.ScheduledExecutorService sampler = daemonScheduler("tributary-timings");
    server.lifecycle().register("timings history", sampler::shutdownNow); // the last sample: see "catalog"
    Runnable[] tick = new Runnable[1];
    tick[0] = () -> {
      try {
        timings.sample();
      } finally {
        if (!sampler.isShutdown()) {
          sampler.schedule(tick[0], TimingsSampler.millisToNextStep(clock.instant()),
              java.util.concurrent.TimeUnit.MILLISECONDS);
        }
      }
    };
    sampler.schedule(tick[0], TimingsSampler.millisToNextStep(clock.instant()),
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** This node's timings sampler (tests sample on demand instead of waiting for the next step). */
  public TimingsSampler timings() {
    return timings;
  }

  private void report() {
    try {
      List<Map<String, Object>> listeners = new ArrayList<>();
      listeners.add(server.adminListener());
      listeners.addAll(otlpListeners());
      catalog.nodes().report(new io.tributary.catalog.Nodes.Node(self.id(), self.env(), self.version(),
          self.host(), REPORT_JSON.writeValueAsString(listeners),
          self.startedAt(), null));
    } catch (Exception e) {
      LOG.warn("Reporting this node to the catalog failed (retried in {} s): {}", REPORT_INTERVAL.toSeconds(),
          e.toString());
    }
  }

  /** Creates the lookup dir if missing, so an operator sees where lookup files go. */
  private static Path lookupDir(ServerConfig config) {
    try {
      return java.nio.file.Files.createDirectories(config.lookupDir());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Cannot create the lookup dir " + config.lookupDir() + " ("
          + io.tributary.server.config.Setting.LOOKUP_DIR.flag() + "): " + e, e);
    }
  }

  /**
   * How a node (or a command such as check-plugin) opens the catalog: the configured database
   * URL, or the embedded H2 file under the data dir; credentials from TRIBUTARY_DB_USER and
   * TRIBUTARY_DB_PASSWORD.
   */
  public static CatalogSettings catalogSettings(ServerConfig config, Clock clock) {
    return new CatalogSettings(config.dbUrl().isBlank() ? null : config.dbUrl(),
        System.getenv("TRIBUTARY_DB_USER"), System.getenv("TRIBUTARY_DB_PASSWORD"), config.dataDir(), null,
        clock);
  }

  /** Opens everything and starts the admin server. */
  public static Node start(ServerConfig config, BuildInfo buildInfo, Options options) {
    Node node = new Node(Objects.requireNonNull(config, "config"), buildInfo, options);
    try {
      node.server.start();
      // Registered after the admin listener, so closed first: stop receiving, then drain the gateway.
      ListenerSettings listeners = config.listeners();
      String host = ServerConfig.listenHost(config.otlpBind());
      node.receiver = node.server.lifecycle().register("OTLP/HTTP listener",
          OtlpReceiver.start(node.gateway, host, config.otlpPort(), new OtlpReceiver.Options(
              listeners.otlpMaxBodyBytes(), TributaryServer.DEFAULT_DRAIN_TIMEOUT, node.tls)));
      node.grpcReceiver = node.server.lifecycle().register("OTLP/gRPC listener",
          OtlpGrpcReceiver.start(node.gateway, host, listeners.otlpGrpcPort(), new OtlpGrpcReceiver.Options(
              listeners.otlpGrpcMaxMessageBytes(), TributaryServer.DEFAULT_DRAIN_TIMEOUT, node.tls)));
      node.startReporting();
      node.startTimings();
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  /**
   * One scan's plugin events: each audited, then the catalog brought in step once. The pipeline
   * hears of the change even if the audit trail refuses the events (its head fails its seal).
   */
  private void onPluginEvents(List<PluginEvent> events) {
    for (PluginEvent event : events) {
      String target = "plugin:" + event.file().file();
      try {
        switch (event.type()) {
          case LOADED:
            catalog.audit().append("system", "plugin.loaded", target, null, event.detail(), null);
            break;
          case FAILED:
            catalog.audit().append("system", "plugin.failed", target, null, null, event.detail());
            break;
          default:
            catalog.audit().append("system", "plugin.removed", target, event.detail(), null, null);
        }
      } catch (RuntimeException e) {
        LOG.error("Recording {} of {} in the audit trail failed: {}", event.type(), target, e.getMessage());
      }
    }
    synchronizeCatalog();
    if (pipelines != null) {
      pipelines.processorsChanged();
    }
  }

  /** Tells the catalog exactly which processor versions this node offers now. */
  private void synchronizeCatalog() {
    List<ProcessorCatalog.Discovered> offered = new ArrayList<>();
    for (ProcessorEntry e : registry.entries()) {
      offered.add(new ProcessorCatalog.Discovered(e.descriptor().id(), e.descriptor().version(),
          DescriptorJson.toMap(e.descriptor()), e.pluginId(), e.pluginVersion(), e.sha256(),
          e.source().name().toLowerCase(java.util.Locale.ROOT)));
    }
    try {
      catalog.processors().synchronize(offered, clock.instant());
    } catch (RuntimeException e) {
      LOG.warn("Recording the discovered processors in the catalog failed: {}", e.toString());
    }
  }

  public TributaryServer server() {
    return server;
  }

  public Catalog catalog() {
    return catalog;
  }

  public PluginRegistry registry() {
    return registry;
  }

  public PipelineService pipelines() {
    return pipelines;
  }

  public Gateway gateway() {
    return gateway;
  }

  /** The port the OTLP/gRPC receiver is bound to (useful when configured as 0). */
  public int otlpGrpcPort() {
    return grpcReceiver.port();
  }

  /** The OTLP listeners that are up, as {@code /api/v1/health} reports them. */
  private List<Map<String, Object>> otlpListeners() {
    List<Map<String, Object>> out = new ArrayList<>();
    String tlsMode = tls == null ? "none" : tls.requiresClientCertificates() ? "mutual-tls" : "tls";
    if (receiver != null) {
      out.add(TributaryServer.listener("otlp-http", config.otlpBind(), receiver.port(), tlsMode));
    }
    if (grpcReceiver != null) {
      out.add(TributaryServer.listener("otlp-grpc", config.otlpBind(), grpcReceiver.port(), tlsMode));
    }
    return out;
  }

  /** The port the OTLP/HTTP receiver is bound to (useful when configured as 0). */
  public int otlpPort() {
    return receiver.port();
  }

  public ServerConfig config() {
    return config;
  }

  /** Where the generated admin token was written on first start, if it was. */
  public Optional<Path> bootstrapTokenFile() {
    return bootstrapTokenFile;
  }

  /** Stops the server and closes everything, draining in-flight requests first. */
  @Override
  public void close() {
    server.stop();
  }
}
