package io.tributary.server;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import io.tributary.gateway.ServerTls;
import io.tributary.server.config.ServerConfig;
import io.tributary.server.http.Api;
import io.tributary.server.http.ApiErrors;
import io.tributary.server.http.Authenticator;
import io.tributary.server.http.Controller;
import io.tributary.server.http.HealthController;
import io.tributary.server.http.RequestJson;
import io.tributary.server.http.SecurityHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Tributary server process: owns the HTTP listener and everything registered in its {@link
 * Lifecycle}.
 *
 * <p>Thread-safe. {@link #stop()} may be called from any thread, more than once; a stop that
 * arrives while the server is starting waits for the start to finish.
 */
public final class TributaryServer {
  private static final Logger LOG = LoggerFactory.getLogger(TributaryServer.class);

  /** How long a stop waits for in-flight requests before cutting them off. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  /**
   * The largest request body the admin API reads: 1 MiB, ample for a pipeline of the most stages
   * allowed with their configuration, or the most sample items of a simulation. Larger: 413.
   */
  public static final long MAX_REQUEST_BYTES = 1L << 20;

  private final ServerConfig config;
  private final BuildInfo buildInfo;
  private final Clock clock;
  private final Duration drainTimeout;
  private final List<Controller> extraControllers;
  private final Authenticator authenticator;
  private volatile List<Api.Route> routes = List.of();
  private final Lifecycle lifecycle = new Lifecycle();
  private Javalin admin;
  private volatile Supplier<Map<String, Object>> pipelineHealth;
  private volatile ServerTls tls;
  private volatile Supplier<List<Map<String, Object>>> otherListeners;
  private volatile Supplier<List<Map<String, Object>>> outputHealth;

  public TributaryServer(ServerConfig config, BuildInfo buildInfo) {
    this(config, buildInfo, Clock.systemUTC(), DEFAULT_DRAIN_TIMEOUT, List.of(), Authenticator.denyAll());
  }

  /**
   * @param controllers resources served besides the built-in ones (health)
   */
  public TributaryServer(
      ServerConfig config,
      BuildInfo buildInfo,
      Clock clock,
      Duration drainTimeout,
      List<? extends Controller> controllers,
      Authenticator authenticator) {
    this.config = Objects.requireNonNull(config, "config");
    this.buildInfo = Objects.requireNonNull(buildInfo, "buildInfo");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.drainTimeout = Objects.requireNonNull(drainTimeout, "drainTimeout");
    this.extraControllers = List.copyOf(controllers);
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
  }

  /** What {@code /api/v1/health} reports of this node's pipeline (set before {@link #start()}). */
  public void pipelineHealth(Supplier<Map<String, Object>> status) {
    this.pipelineHealth = status;
  }

  /** What {@code /api/v1/health} reports of this node's failing outputs (set before {@link #start()}). */
  public void outputHealth(Supplier<List<Map<String, Object>>> failing) {
    this.outputHealth = failing;
  }

  /** The TLS the admin listener serves (set before {@link #start()}); null for plain HTTP. */
  public void tls(ServerTls tls) {
    this.tls = tls;
  }

  /**
   * Adds listeners besides the admin one to what {@code /api/v1/health} reports (set before
   * {@link #start()}); see {@link HealthController#listeners}.
   */
  public void otherListeners(Supplier<List<Map<String, Object>>> listeners) {
    this.otherListeners = listeners;
  }

  /** The admin listener as {@code /api/v1/health} reports it. */
  Map<String, Object> adminListener() {
    return listener("admin", config.adminBind(), adminPort(), tls == null ? "none" : "tls");
  }

  /**
   * A listener as {@code /api/v1/health} reports it: {@code name}, {@code address}, {@code port}
   * and {@code tls} ({@code none}, {@code tls} or {@code mutual-tls}), in that order.
   */
  public static Map<String, Object> listener(String name, String address, int port, String tls) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("name", name);
    m.put("address", address);
    m.put("port", port);
    m.put("tls", tls);
    return m;
  }

  /** Where later parts of the server register what must be closed on shutdown. */
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /**
   * Starts the admin listener.
   *
   * @throws IllegalStateException if already started or stopped
   */
  public synchronized TributaryServer start() {
    if (admin != null || lifecycle.isClosed()) {
      throw new IllegalStateException("Server already started");
    }
    List<Controller> controllers = new ArrayList<>();
    controllers.add(new HealthController(buildInfo.version(), config.env(), clock, pipelineHealth,
        outputHealth).listeners(() -> {
          List<Map<String, Object>> all = new ArrayList<>();
          all.add(adminListener());
          Supplier<List<Map<String, Object>>> others = otherListeners;
          if (others != null) {
            all.addAll(others.get());
          }
          return all;
        }));
    controllers.addAll(extraControllers);
    String host = ServerConfig.listenHost(config.adminBind());
    ServerTls https = tls;
    Javalin javalin = Javalin.create(cfg -> {
      configure(cfg, controllers);
      if (https != null) {
        // The admin listener never asks for client certificates: people sign in with tokens.
        cfg.jetty.addConnector((server, http) -> https.connector(server, http, host, config.adminPort(), false));
      }
    });
    if (https != null) {
      javalin.start();
    } else if (host == null) {
      javalin.start(config.adminPort());
    } else {
      javalin.start(host, config.adminPort());
    }
    admin = javalin;
    // Registered last, so closed first: stop taking requests before closing what they use.
    lifecycle.register("admin HTTP listener", javalin::stop);
    LOG.info(
        "Tributary {} (env {}) admin API listening on {} port {} ({}://localhost:{}/)",
        buildInfo.version(),
        config.env(),
        host == null ? "every interface" : host,
        adminPort(),
        https == null ? "http" : "https",
        adminPort());
    return this;
  }

  /** Every documented route, once started. */
  public List<Api.Route> routes() {
    return routes;
  }

  /** The port the admin listener is bound to (useful when configured as 0). */
  public synchronized int adminPort() {
    if (admin == null) {
      throw new IllegalStateException("Server not started");
    }
    return admin.port();
  }

  /**
   * Stops accepting requests, waits up to the drain timeout for in-flight ones, then closes
   * everything registered in the lifecycle, last registered first. Idempotent.
   */
  public synchronized void stop() {
    if (lifecycle.isClosed()) {
      return;
    }
    LOG.info("Stopping Tributary (draining requests for up to {} s)", drainTimeout.toSeconds());
    lifecycle.close();
    LOG.info("Tributary stopped");
  }

  private void configure(JavalinConfig cfg, List<Controller> controllers) {
    cfg.startup.showJavalinBanner = false;
    cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
    // Strict on what it reads: a hostile body is a 400 naming the problem, never a 500.
    cfg.jsonMapper(RequestJson.javalinMapper());
    cfg.jetty.modifyServer(
        server -> {
          // A positive stop timeout lets requests in flight finish before their connections are
          // closed (TributaryServerTest fails without it; Jetty's default is 0). GracefulHandler
          // makes the drain explicit: it counts requests in flight and ends the graceful phase
          // when they are done. Javalin nests its own handlers inside this wrapper.
          server.setHandler(new GracefulHandler());
          server.setStopTimeout(drainTimeout.toMillis());
        });
    // The web UI: plain files from the class path (a directory named "public" is no Java package,
    // so it stays readable from other modules on the module path). no-cache = revalidate each
    // time, so a new version is never hidden behind a stale index.html or module.
    cfg.staticFiles.add(files -> {
      files.hostedPath = "/";
      files.directory = "/public";
      files.location = Location.CLASSPATH;
      files.headers = Map.of("Cache-Control", "no-cache");
    });
    // uPlot for the timing charts, from its webjar under /webjars/uplot/<version>/.
    cfg.staticFiles.enableWebjars();
    cfg.routes.before(SecurityHeaders::apply);
    ApiErrors.register(cfg.routes);
    Api api = new Api(cfg.routes, authenticator);
    controllers.forEach(controller -> controller.register(api));
    routes = api.routes();
  }
}
