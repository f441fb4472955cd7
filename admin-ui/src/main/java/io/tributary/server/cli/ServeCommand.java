package io.tributary.server.cli;

import io.javalin.util.JavalinBindException;
import io.tributary.catalog.Principals;
import io.tributary.server.Node;
import java.util.concurrent.atomic.AtomicReference;
import io.tributary.server.BuildInfo;
import io.tributary.server.config.InvalidConfigException;
import io.tributary.server.config.ServerConfig;
import io.tributary.server.config.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code tributary serve}: runs the server until SIGTERM or SIGINT. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the Tributary server until stopped (SIGTERM or Ctrl-C stop it cleanly).")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Spec CommandSpec spec;

  @ParentCommand TributaryCommand options;

  private final Map<String, String> environment;
  private final Optional<Path> home;
  private final ShutdownSignals signals;

  /** Used by picocli's default factory: the real environment and system properties. */
  public ServeCommand() {
    this(System.getenv(), Cli.distributionHome(), ShutdownSignals.SYSTEM);
  }

  ServeCommand(Map<String, String> environment, Optional<Path> home, ShutdownSignals signals) {
    this.environment = environment;
    this.home = home;
    this.signals = signals;
  }

  @Override
  public Integer call() throws InterruptedException {
    ServerConfig config;
    try {
      config = ServerConfig.resolve(options.givenFlags(), environment, home);
    } catch (InvalidConfigException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    String preset = environment.get("TRIBUTARY_ADMIN_TOKEN");
    if (preset != null && !preset.isBlank()) {
      try {
        Principals.checkPresetToken(preset);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
    }
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new ParameterException(
          spec.commandLine(),
          "Cannot create the data dir given by '"
              + Setting.DATA_DIR.flag()
              + "' ("
              + config.dataDir()
              + "): "
              + e,
          e);
    }
    LOG.info(
        "Data dir {}, plugins dir {}, catalog database {}",
        config.dataDir(),
        config.pluginsDir(),
        // The URL may carry credentials: never log it.
        config.embeddedDatabase() ? "embedded H2" : "external (" + Setting.DB_URL.flag() + ")");

    CountDownLatch stopped = new CountDownLatch(1);
    // A stop signal during startup must not race the start: it is either seen before the start
    // (nothing starts) or handled after it (the started server is stopped).
    Object startLock = new Object();
    AtomicBoolean stopRequested = new AtomicBoolean();
    AtomicReference<Node> node = new AtomicReference<>();
    signals.onShutdown(
        () -> {
          synchronized (startLock) {
            stopRequested.set(true);
          }
          Node started = node.get();
          if (started != null) {
            started.close(); // drains in-flight requests
          }
          stopped.countDown();
        });
    synchronized (startLock) {
      if (stopRequested.get()) {
        LOG.info("Stop requested during startup; not starting");
        return 0;
      }
      try {
        node.set(Node.start(config, BuildInfo.load(), Node.Options.defaults(environment)));
      } catch (JavalinBindException e) {
        spec.commandLine()
            .getErr()
            .println(
                "tributary: cannot listen on "
                    + Setting.ADMIN_PORT.flag()
                    + " "
                    + config.adminPort()
                    + " ("
                    + Setting.ADMIN_BIND.flag()
                    + " "
                    + config.adminBind()
                    + ") or "
                    + Setting.OTLP_PORT.flag()
                    + " "
                    + config.otlpPort()
                    + " ("
                    + Setting.OTLP_BIND.flag()
                    + " "
                    + config.otlpBind()
                    + "): "
                    + e.getMessage());
        return 1;
      } catch (java.io.UncheckedIOException e) {
        // The OTLP/gRPC listener could not bind; its message names the address.
        spec.commandLine().getErr().println("tributary: " + e.getMessage() + " (" + Setting.OTLP_GRPC_PORT.flag()
            + ", " + Setting.OTLP_BIND.flag() + ")");
        return 1;
      }
    }
    stopped.await();
    return 0;
  }
}
