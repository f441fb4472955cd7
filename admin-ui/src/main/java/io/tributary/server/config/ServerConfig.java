package io.tributary.server.config;

import io.tributary.gateway.ExporterSpec;
import io.tributary.gateway.Gateway;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The settings a server runs with, resolved once at start.
 *
 * @param adminPort port of the admin UI and REST API; 0 picks a free port
 * @param otlpPort port of the OTLP/HTTP receiver; 0 picks a free port
 * @param dataDir where the embedded database and other local state live
 * @param pluginsDir the folder processor plugin jars are loaded from
 * @param env the environment this node serves, e.g. {@code dev} or {@code prod}
 * @param dbUrl JDBC URL of the catalog database; empty for the embedded H2 file under {@code
 *     dataDir}
 * @param exporters where the gateway sends enriched telemetry (at least one)
 * @param lineage whether exported spans and log records carry their lineage as the attribute
 *     {@code tributary.lineage}
 * @param lookupDir the only directory processor configuration may name files in
 * @param lookupMaxFileSize the largest such file read, in bytes
 * @param adminBind the address the admin listener binds to: an IP address of this machine,
 *     {@code localhost}, or {@value #DEFAULT_BIND} for every interface
 * @param otlpBind the address the OTLP/HTTP receiver binds to, as {@code adminBind}
 * @param secureCookies whether the session cookie always carries {@code Secure} (behind a proxy
 *     that ends TLS, the server itself sees plain HTTP)
 * @param listeners the OTLP/gRPC port, OTLP size limits and TLS
 * @param queue where accepted telemetry waits for export
 * @param strictWrites whether a write to a key a processor does not declare fails the stage on
 *     that item (else it is kept and counted)
 */
public record ServerConfig(
    int adminPort, int otlpPort, Path dataDir, Path pluginsDir, String env, String dbUrl,
    List<ExporterSpec> exporters, boolean lineage, Path lookupDir, long lookupMaxFileSize,
    String adminBind, String otlpBind, boolean secureCookies, ListenerSettings listeners, QueueSettings queue,
    boolean strictWrites) {

  /**
   * Every interface (the default bind address), no forced {@code Secure} cookie flag, no TLS; the
   * OTLP/gRPC receiver on any free port when {@code otlpPort} is 0 (tests), else on 4317.
   */
  public ServerConfig(int adminPort, int otlpPort, Path dataDir, Path pluginsDir, String env, String dbUrl,
      List<ExporterSpec> exporters, boolean lineage, Path lookupDir, long lookupMaxFileSize) {
    this(adminPort, otlpPort, dataDir, pluginsDir, env, dbUrl, exporters, lineage, lookupDir, lookupMaxFileSize,
        DEFAULT_BIND, DEFAULT_BIND, false,
        ListenerSettings.plaintext(otlpPort == 0 ? 0 : ListenerSettings.DEFAULT_OTLP_GRPC_PORT),
        QueueSettings.defaults(), false);
  }

  /** The default exporters (JSONL files) and lineage on. */
  public ServerConfig(int adminPort, int otlpPort, Path dataDir, Path pluginsDir, String env, String dbUrl) {
    this(adminPort, otlpPort, dataDir, pluginsDir, env, dbUrl, ExporterSpec.DEFAULT, true);
  }

  /** The default lookup dir ({@code <dataDir>/lookup}) and file size limit. */
  public ServerConfig(int adminPort, int otlpPort, Path dataDir, Path pluginsDir, String env, String dbUrl,
      List<ExporterSpec> exporters, boolean lineage) {
    this(adminPort, otlpPort, dataDir, pluginsDir, env, dbUrl, exporters, lineage,
        dataDir.resolve(DEFAULT_LOOKUP_DIR), DEFAULT_LOOKUP_MAX_FILE_SIZE);
  }

  /** The lookup dir's default, relative to the data dir. */
  public static final String DEFAULT_LOOKUP_DIR = "lookup";
  /** The default size limit of a file processor configuration names: 64 MiB. */
  public static final long DEFAULT_LOOKUP_MAX_FILE_SIZE = 64L * 1024 * 1024;

  public static final int DEFAULT_ADMIN_PORT = 8080;
  /** The port every OpenTelemetry SDK sends OTLP/HTTP to by default. */
  public static final int DEFAULT_OTLP_PORT = 4318;

  public static final String DEFAULT_DATA_DIR = "./data";
  public static final String DEFAULT_PLUGINS_DIR = "./plugins";
  public static final String DEFAULT_ENV = "dev";
  /** The default bind address of both listeners: every interface. */
  public static final String DEFAULT_BIND = "0.0.0.0";

  private static final Pattern ENV_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  public ServerConfig {
    checkPort(Setting.ADMIN_PORT, adminPort);
    checkPort(Setting.OTLP_PORT, otlpPort);
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(pluginsDir, "pluginsDir");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(dbUrl, "dbUrl");
    Objects.requireNonNull(lookupDir, "lookupDir");
    Objects.requireNonNull(listeners, "listeners");
    Objects.requireNonNull(queue, "queue");
    adminBind = checkBind(Setting.ADMIN_BIND, adminBind);
    otlpBind = checkBind(Setting.OTLP_BIND, otlpBind);
    if (lookupMaxFileSize < 1) {
      throw new InvalidConfigException(Setting.LOOKUP_MAX_FILE_SIZE, "Invalid value for option '"
          + Setting.LOOKUP_MAX_FILE_SIZE.flag() + "': " + lookupMaxFileSize + " is not a positive size");
    }
    exporters = List.copyOf(exporters);
    if (exporters.isEmpty()) {
      throw new InvalidConfigException(Setting.EXPORTER, "Invalid value for option '" + Setting.EXPORTER.flag()
          + "': no exporter given");
    }
    if (!ENV_NAME.matcher(env).matches()) {
      throw new InvalidConfigException(
          Setting.ENV,
          "Invalid value for option '"
              + Setting.ENV.flag()
              + "': '"
              + env
              + "' is not an environment name (lowercase letter, then up to 31 lowercase"
              + " letters, digits or '-')");
    }
  }

  /**
   * Resolves every setting: a flag given on the command line wins over the environment
   * variable, which wins over the default.
   *
   * @param flags values given on the command line; a missing key means "not given"
   * @param environment the process environment (pass {@code System.getenv()})
   * @param home the distribution's home folder, whose {@code plugins/} is the default plugins
   *     folder; empty when not run from a distribution
   * @throws InvalidConfigException naming the option, if a value is unusable
   */
  public static ServerConfig resolve(
      Map<Setting, String> flags, Map<String, String> environment, Optional<Path> home) {
    Objects.requireNonNull(flags, "flags");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(home, "home");
    Resolver resolver = new Resolver(flags, environment);
    String defaultPlugins =
        home.map(h -> h.resolve("plugins").toString()).orElse(DEFAULT_PLUGINS_DIR);
    Path dataDir = resolver.path(Setting.DATA_DIR, DEFAULT_DATA_DIR);
    return new ServerConfig(
        resolver.port(Setting.ADMIN_PORT, DEFAULT_ADMIN_PORT),
        resolver.port(Setting.OTLP_PORT, DEFAULT_OTLP_PORT),
        dataDir,
        resolver.path(Setting.PLUGINS_DIR, defaultPlugins),
        resolver.env(),
        resolver.value(Setting.DB_URL).map(Value::text).orElse(""),
        resolver.exporters(),
        resolver.bool(Setting.LINEAGE, true),
        resolver.path(Setting.LOOKUP_DIR, dataDir.resolve(DEFAULT_LOOKUP_DIR).toString()),
        resolver.size(Setting.LOOKUP_MAX_FILE_SIZE, DEFAULT_LOOKUP_MAX_FILE_SIZE, 1, Integer.MAX_VALUE - 8,
            "one file is read into memory whole"),
        resolver.bind(Setting.ADMIN_BIND),
        resolver.bind(Setting.OTLP_BIND),
        resolver.bool(Setting.SECURE_COOKIES, false),
        resolver.listeners(),
        resolver.queue(),
        resolver.bool(Setting.STRICT_WRITES, false));
  }

  /**
   * The host to hand to a listener for a bind address: null for every interface (0.0.0.0 or ::),
   * so the listener takes the wildcard of both IPv4 and IPv6 as it does by default.
   */
  public static String listenHost(String bind) {
    try {
      return bindAddress(bind).isAnyLocalAddress() ? null : bind;
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The bind address without brackets or spaces ({@code [::1]} becomes {@code ::1}); refused if unusable. */
  private static String checkBind(Setting setting, String bind) {
    Objects.requireNonNull(bind, setting.name());
    try {
      bindAddress(bind);
      String text = bind.strip();
      return text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(setting, "Invalid value for option '" + setting.flag() + "': '" + bind
          + "' " + e.getMessage());
    }
  }

  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /**
   * A bind address: an IPv4 or IPv6 literal, or {@code localhost}; never a DNS name (a listener
   * must not depend on a resolver at start), and an address of this machine.
   *
   * @throws IllegalArgumentException saying why not, to follow the quoted value
   */
  static java.net.InetAddress bindAddress(String bind) {
    String text = bind.strip();
    if (text.startsWith("[") && text.endsWith("]")) {
      text = text.substring(1, text.length() - 1);
    }
    if (!text.equalsIgnoreCase("localhost") && !IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
      throw new IllegalArgumentException("is not an IP address (e.g. 127.0.0.1, 0.0.0.0 for every interface, ::1)"
          + " or localhost");
    }
    java.net.InetAddress address;
    try {
      address = text.equalsIgnoreCase("localhost") ? java.net.InetAddress.getLoopbackAddress()
          : java.net.InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("is not an IP address (e.g. 127.0.0.1, 0.0.0.0 for every interface, ::1)");
    }
    if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
      return address;
    }
    try {
      if (java.net.NetworkInterface.getByInetAddress(address) == null) {
        throw new IllegalArgumentException("is not an address of this machine (a listener can bind only to one"
            + " of its own addresses, or 0.0.0.0 for every interface)");
      }
    } catch (java.net.SocketException e) {
      throw new IllegalArgumentException("cannot be checked against this machine's interfaces: " + e.getMessage());
    }
    return address;
  }

  /** This configuration with other bind addresses for the admin listener and the OTLP receiver. */
  public ServerConfig withBind(String admin, String otlp) {
    return new ServerConfig(adminPort, otlpPort, dataDir, pluginsDir, env, dbUrl, exporters, lineage, lookupDir,
        lookupMaxFileSize, admin, otlp, secureCookies, listeners, queue, strictWrites);
  }

  /** This configuration with the {@code Secure} cookie flag forced on or not. */
  public ServerConfig withSecureCookies(boolean secure) {
    return new ServerConfig(adminPort, otlpPort, dataDir, pluginsDir, env, dbUrl, exporters, lineage, lookupDir,
        lookupMaxFileSize, adminBind, otlpBind, secure, listeners, queue, strictWrites);
  }

  /** This configuration with another queue. */
  public ServerConfig withQueue(QueueSettings settings) {
    return new ServerConfig(adminPort, otlpPort, dataDir, pluginsDir, env, dbUrl, exporters, lineage, lookupDir,
        lookupMaxFileSize, adminBind, otlpBind, secureCookies, listeners, settings, strictWrites);
  }

  /** This configuration with other listener settings (gRPC port, limits, TLS). */
  public ServerConfig withListeners(ListenerSettings settings) {
    return new ServerConfig(adminPort, otlpPort, dataDir, pluginsDir, env, dbUrl, exporters, lineage, lookupDir,
        lookupMaxFileSize, adminBind, otlpBind, secureCookies, settings, queue, strictWrites);
  }

  /** This configuration with strict writes on or off. */
  public ServerConfig withStrictWrites(boolean strict) {
    return new ServerConfig(adminPort, otlpPort, dataDir, pluginsDir, env, dbUrl, exporters, lineage, lookupDir,
        lookupMaxFileSize, adminBind, otlpBind, secureCookies, listeners, queue, strict);
  }

  /** Whether the catalog lives in the embedded H2 database under {@link #dataDir()}. */
  public boolean embeddedDatabase() {
    return dbUrl.isEmpty();
  }

  private static void checkPort(Setting setting, int port) {
    if (port < 0 || port > 65_535) {
      throw new InvalidConfigException(
          setting,
          "Invalid value for option '"
              + setting.flag()
              + "': "
              + port
              + " is not a port number (0-65535)");
    }
  }

  /** A raw value and where it came from, so error messages can say which input was wrong. */
  private record Value(Setting setting, String text, String source) {

    String describe() {
      return "Invalid value for option '" + setting.flag() + "'" + source + ": '" + text + "'";
    }
  }

  private static final class Resolver {
    private final Map<Setting, String> flags;
    private final Map<String, String> environment;

    Resolver(Map<Setting, String> flags, Map<String, String> environment) {
      this.flags = flags;
      this.environment = environment;
    }

    /** The flag if given, else the environment variable if set and non-blank. */
    Optional<Value> value(Setting setting) {
      String flag = flags.get(setting);
      if (flag != null) {
        return Optional.of(new Value(setting, flag.strip(), ""));
      }
      String fromEnv = environment.get(setting.envVar());
      if (fromEnv != null && !fromEnv.isBlank()) {
        return Optional.of(
            new Value(setting, fromEnv.strip(), " (from " + setting.envVar() + ")"));
      }
      return Optional.empty();
    }

    int port(Setting setting, int defaultPort) {
      Optional<Value> value = value(setting);
      if (value.isEmpty()) {
        return defaultPort;
      }
      String text = value.get().text();
      int port;
      try {
        port = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65_535) {
        throw new InvalidConfigException(
            setting, value.get().describe() + " is not a port number (0-65535)");
      }
      return port;
    }

    Path path(Setting setting, String defaultPath) {
      Optional<Value> value = value(setting);
      if (value.isPresent() && value.get().text().isEmpty()) {
        throw new InvalidConfigException(setting, value.get().describe() + " is empty");
      }
      String text = value.map(Value::text).orElse(defaultPath);
      try {
        return Path.of(text).toAbsolutePath().normalize();
      } catch (java.nio.file.InvalidPathException e) {
        throw new InvalidConfigException(
            setting,
            value.map(Value::describe).orElse("Invalid default for '" + setting.flag() + "'")
                + " is not a valid path: "
                + e.getReason());
      }
    }

    List<ExporterSpec> exporters() {
      Optional<Value> value = value(Setting.EXPORTER);
      List<ExporterSpec> specs;
      if (value.isEmpty()) {
        specs = ExporterSpec.DEFAULT;
      } else {
        try {
          specs = ExporterSpec.parseList(value.get().text());
        } catch (IllegalArgumentException e) {
          throw new InvalidConfigException(Setting.EXPORTER, value.get().describe() + ": " + e.getMessage());
        }
      }
      Path ca = optionalFile(Setting.EXPORTER_CA);
      if (ca == null) {
        return specs;
      }
      if (specs.stream().noneMatch(ExporterSpec::network)) {
        throw new InvalidConfigException(Setting.EXPORTER_CA, "Option '" + Setting.EXPORTER_CA.flag()
            + "' is given but no exporter sends over the network (otlp=<url>, otlp-grpc=<host:port>)");
      }
      try {
        ExporterSpec.checkCa(ca);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(Setting.EXPORTER_CA, "Invalid value for option '"
            + Setting.EXPORTER_CA.flag() + "': " + e.getMessage());
      }
      return ExporterSpec.withCa(specs, ca);
    }

    /** The queue: kind, size (its default depends on the kind) and sync. */
    QueueSettings queue() {
      Gateway.QueueKind kind = Gateway.QueueKind.DISK;
      Optional<Value> k = value(Setting.QUEUE);
      if (k.isPresent()) {
        switch (k.get().text().toLowerCase(Locale.ROOT)) {
          case "disk": kind = Gateway.QueueKind.DISK; break;
          case "memory": kind = Gateway.QueueKind.MEMORY; break;
          default: throw new InvalidConfigException(Setting.QUEUE, k.get().describe() + " is not disk or memory");
        }
      }
      Gateway.QueueSync sync = Gateway.QueueSync.WRITE;
      Optional<Value> y = value(Setting.QUEUE_SYNC);
      if (y.isPresent()) {
        switch (y.get().text().toLowerCase(Locale.ROOT)) {
          case "write": sync = Gateway.QueueSync.WRITE; break;
          case "fsync": sync = Gateway.QueueSync.FSYNC; break;
          default: throw new InvalidConfigException(Setting.QUEUE_SYNC, y.get().describe() + " is not write or fsync");
        }
        if (kind == Gateway.QueueKind.MEMORY) {
          throw new InvalidConfigException(Setting.QUEUE_SYNC, "Option '" + Setting.QUEUE_SYNC.flag()
              + "' is for a disk queue; this node's queue is in memory (" + Setting.QUEUE.flag() + " memory)");
        }
      }
      long bytes = size(Setting.QUEUE_MAX_BYTES, kind == Gateway.QueueKind.DISK
          ? QueueSettings.DEFAULT_DISK_BYTES : QueueSettings.DEFAULT_MEMORY_BYTES, 1L << 20, 1L << 40, "");
      return new QueueSettings(kind, bytes, sync);
    }

    /** The OTLP/gRPC port, the OTLP size limits and TLS, the TLS files checked. */
    ListenerSettings listeners() {
      ListenerSettings settings = new ListenerSettings(
          port(Setting.OTLP_GRPC_PORT, ListenerSettings.DEFAULT_OTLP_GRPC_PORT),
          (int) size(Setting.OTLP_MAX_BODY_SIZE, io.tributary.gateway.OtlpReceiver.MAX_BODY_BYTES, 1024,
              io.tributary.gateway.OtlpReceiver.MAX_MAX_BODY_BYTES, ""),
          (int) size(Setting.OTLP_GRPC_MAX_MESSAGE_SIZE,
              io.tributary.gateway.OtlpGrpcReceiver.DEFAULT_MAX_MESSAGE_BYTES, 1024,
              io.tributary.gateway.OtlpGrpcReceiver.MAX_MAX_MESSAGE_BYTES, ""),
          optionalFile(Setting.TLS_CERT), optionalFile(Setting.TLS_KEY), optionalFile(Setting.TLS_CLIENT_CA));
      if (settings.tls()) {
        try {
          io.tributary.gateway.ServerTls.load(settings.tlsCert(), settings.tlsKey(), settings.tlsClientCa());
        } catch (IllegalArgumentException e) {
          throw new InvalidConfigException(Setting.TLS_CERT, "TLS (" + Setting.TLS_CERT.flag() + ", "
              + Setting.TLS_KEY.flag() + (settings.tlsClientCa() == null ? "" : ", " + Setting.TLS_CLIENT_CA.flag())
              + ") cannot be used: " + e.getMessage());
        }
      }
      return settings;
    }

    /** A file the setting names, absolute; null when not given. */
    Path optionalFile(Setting setting) {
      Optional<Value> value = value(setting);
      if (value.isEmpty()) {
        return null;
      }
      if (value.get().text().isEmpty()) {
        throw new InvalidConfigException(setting, value.get().describe() + " is empty");
      }
      try {
        Path file = Path.of(value.get().text()).toAbsolutePath().normalize();
        if (!java.nio.file.Files.isRegularFile(file)) {
          throw new InvalidConfigException(setting, value.get().describe() + " is not a file");
        }
        return file;
      } catch (java.nio.file.InvalidPathException e) {
        throw new InvalidConfigException(setting, value.get().describe() + " is not a valid path: " + e.getReason());
      }
    }

    /**
     * A size in bytes: a whole number, optionally followed by KiB, MiB, GiB or TiB; the default
     * when not given.
     */
    long size(Setting setting, long defaultValue) {
      Optional<Value> value = value(setting);
      if (value.isEmpty()) {
        return defaultValue;
      }
      java.util.regex.Matcher m = Pattern.compile("(\\d{1,12})\\s*(|B|KiB|MiB|GiB|TiB)").matcher(value.get().text());
      if (!m.matches()) {
        throw new InvalidConfigException(setting, value.get().describe()
            + " is not a size (a whole number of bytes, or with KiB, MiB, GiB or TiB, e.g. 64MiB)");
      }
      long unit = switch (m.group(2)) {
        case "KiB" -> 1L << 10;
        case "MiB" -> 1L << 20;
        case "GiB" -> 1L << 30;
        case "TiB" -> 1L << 40;
        default -> 1L;
      };
      long number = Long.parseLong(m.group(1));
      return number > Long.MAX_VALUE / unit ? Long.MAX_VALUE : number * unit;
    }

    /** A size in bytes between {@code min} and {@code max}; {@code why} says why the limit is there. */
    long size(Setting setting, long defaultValue, long min, long max, String why) {
      long bytes = size(setting, defaultValue);
      if (bytes < min || bytes > max) {
        throw new InvalidConfigException(setting, value(setting).map(Value::describe).orElse(setting.flag())
            + " is out of range (" + human(min) + " to " + human(max) + (why.isEmpty() ? "" : "; " + why) + ")");
      }
      return bytes;
    }

    private static String human(long bytes) {
      for (String[] u : new String[][] {{"40", "TiB"}, {"30", "GiB"}, {"20", "MiB"}, {"10", "KiB"}}) {
        int shift = Integer.parseInt(u[0]);
        if (bytes >= 1L << shift && bytes % (1L << shift) == 0) {
          return (bytes >> shift) + " " + u[1];
        }
      }
      return bytes + (bytes == 1 ? " byte" : " bytes");
    }

    /** A listener's own setting if given, else {@code --bind}, else every interface. */
    String bind(Setting listener) {
      Optional<Value> value = value(listener).or(() -> value(Setting.BIND));
      if (value.isEmpty()) {
        return DEFAULT_BIND;
      }
      String text = value.get().text();
      try {
        bindAddress(text);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(value.get().setting(), value.get().describe() + " " + e.getMessage());
      }
      return text;
    }

    boolean bool(Setting setting, boolean defaultValue) {
      Optional<Value> value = value(setting);
      if (value.isEmpty()) {
        return defaultValue;
      }
      switch (value.get().text().toLowerCase(Locale.ROOT)) {
        case "true": case "on": case "yes": return true;
        case "false": case "off": case "no": return false;
        default: throw new InvalidConfigException(setting, value.get().describe() + " is not true or false");
      }
    }

    String env() {
      Optional<Value> value = value(Setting.ENV);
      if (value.isEmpty()) {
        return DEFAULT_ENV;
      }
      String text = value.get().text();
      if (!ENV_NAME.matcher(text).matches()) {
        throw new InvalidConfigException(
            Setting.ENV,
            value.get().describe()
                + " is not an environment name (lowercase letter, then up to 31 lowercase"
                + " letters, digits or '-')");
      }
      return text;
    }
  }
}
