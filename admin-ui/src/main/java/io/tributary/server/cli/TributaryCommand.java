package io.tributary.server.cli;

import io.tributary.server.BuildInfo;
import io.tributary.server.config.Setting;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code tributary}: the top-level command. The server options are declared here once and
 * inherited by every subcommand, so {@code tributary --help} lists them.
 *
 * <p>Options are bound as raw strings (never defaulted by picocli): {@link
 * io.tributary.server.config.ServerConfig#resolve} applies the environment variables and
 * defaults and validates, so the rules live in one place.
 */
@Command(
    name = "tributary",
    mixinStandardHelpOptions = true,
    versionProvider = TributaryCommand.Version.class,
    description = "Tributary telemetry enrichment gateway.",
    subcommands = {ServeCommand.class, CheckPluginCommand.class, ResetAdminCommand.class},
    footer = {
      "",
      "Each option can also be set by its environment variable; a flag beats the environment,",
      "which beats the default."
    })
public final class TributaryCommand implements Runnable {

  @Spec CommandSpec spec;

  @Option(
      names = "--admin-port",
      paramLabel = "<port>",
      scope = ScopeType.INHERIT,
      description = "Admin UI and REST API port (0 = any free port). Env TRIBUTARY_ADMIN_PORT."
          + " Default: 8080.")
  String adminPort;

  @Option(
      names = "--otlp-port",
      paramLabel = "<port>",
      scope = ScopeType.INHERIT,
      description = "OTLP/HTTP receiver port. Env TRIBUTARY_OTLP_PORT. Default: 4318.")
  String otlpPort;

  @Option(
      names = "--otlp-grpc-port",
      paramLabel = "<port>",
      scope = ScopeType.INHERIT,
      description = "OTLP/gRPC receiver port. Env TRIBUTARY_OTLP_GRPC_PORT. Default: 4317.")
  String otlpGrpcPort;

  @Option(
      names = "--otlp-max-body-size",
      paramLabel = "<size>",
      scope = ScopeType.INHERIT,
      description = "Largest OTLP/HTTP body, compressed or once inflated: bytes, or with KiB or MiB"
          + " (up to 64MiB). Env TRIBUTARY_OTLP_MAX_BODY_SIZE. Default: 8MiB.")
  String otlpMaxBodySize;

  @Option(
      names = "--otlp-grpc-max-message-size",
      paramLabel = "<size>",
      scope = ScopeType.INHERIT,
      description = "Largest OTLP/gRPC message once inflated (up to 64MiB)."
          + " Env TRIBUTARY_OTLP_GRPC_MAX_MESSAGE_SIZE. Default: 4MiB.")
  String otlpGrpcMaxMessageSize;

  @Option(
      names = "--tls-cert",
      paramLabel = "<pem>",
      scope = ScopeType.INHERIT,
      description = "Certificate chain (PEM) for TLS on every listener: admin, OTLP/HTTP, OTLP/gRPC;"
          + " read again when it changes. Needs --tls-key. Env TRIBUTARY_TLS_CERT. Default: none (plaintext).")
  String tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "<pem>",
      scope = ScopeType.INHERIT,
      description = "Private key (PEM: PKCS#8, or PKCS#1 RSA) of --tls-cert. Env TRIBUTARY_TLS_KEY.")
  String tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "<pem>",
      scope = ScopeType.INHERIT,
      description = "CA (PEM) whose client certificates the OTLP listeners require: mutual TLS."
          + " Env TRIBUTARY_TLS_CLIENT_CA. Default: none.")
  String tlsClientCa;

  @Option(
      names = "--exporter-ca",
      paramLabel = "<pem>",
      scope = ScopeType.INHERIT,
      description = "CA certificates (PEM) the otlp and otlp-grpc exporters trust for https://"
          + " downstreams, instead of the JDK's. Env TRIBUTARY_EXPORTER_CA. Default: the JDK's CAs.")
  String exporterCa;

  @Option(
      names = "--queue",
      paramLabel = "<disk|memory>",
      scope = ScopeType.INHERIT,
      description = "Where accepted telemetry waits for export: disk (files under <data-dir>/queue; what was"
          + " acknowledged survives a crash) or memory. Env TRIBUTARY_QUEUE. Default: disk.")
  String queue;

  @Option(
      names = "--queue-max-bytes",
      paramLabel = "<size>",
      scope = ScopeType.INHERIT,
      description = "The most the queue holds (with MiB, GiB or TiB); beyond it senders hear 429."
          + " Env TRIBUTARY_QUEUE_MAX_BYTES. Default: 1GiB on disk, 64MiB in memory.")
  String queueMaxBytes;

  @Option(
      names = "--queue-sync",
      paramLabel = "<write|fsync>",
      scope = ScopeType.INHERIT,
      description = "When a disk queue answers: once items are written (survives a crash of the process) or once"
          + " forced to the disk (survives power loss; forces grouped). Env TRIBUTARY_QUEUE_SYNC. Default: write.")
  String queueSync;

  @Option(
      names = "--data-dir",
      paramLabel = "<dir>",
      scope = ScopeType.INHERIT,
      description = "Local state, including the embedded database; created if missing."
          + " Env TRIBUTARY_DATA_DIR. Default: ./data.")
  String dataDir;

  @Option(
      names = "--plugins-dir",
      paramLabel = "<dir>",
      scope = ScopeType.INHERIT,
      description = "Folder of processor plugin jars. Env TRIBUTARY_PLUGINS_DIR."
          + " Default: the distribution's plugins/ folder, else ./plugins.")
  String pluginsDir;

  @Option(
      names = "--env",
      paramLabel = "<name>",
      scope = ScopeType.INHERIT,
      description = "Environment this node serves, matching [a-z][a-z0-9-]{0,31}."
          + " Env TRIBUTARY_ENV. Default: dev.")
  String env;

  @Option(
      names = "--db-url",
      paramLabel = "<jdbc-url>",
      scope = ScopeType.INHERIT,
      description = "Catalog database JDBC URL; empty = embedded H2 under the data dir."
          + " Env TRIBUTARY_DB_URL. Default: empty.")
  String dbUrl;

  @Option(
      names = "--exporter",
      paramLabel = "<list>",
      scope = ScopeType.INHERIT,
      description = "Where enriched telemetry goes, comma-separated: jsonl (files under"
          + " <data-dir>/out/), stdout, otlp=<base URL> (OTLP/HTTP protobuf), otlp-grpc=<host:port>"
          + " (OTLP/gRPC; https://host:port for TLS)."
          + " Env TRIBUTARY_EXPORTER. Default: jsonl.")
  String exporter;

  @Option(
      names = "--lineage",
      paramLabel = "<true|false>",
      scope = ScopeType.INHERIT,
      description = "Add the attribute tributary.lineage to exported spans and log records."
          + " Env TRIBUTARY_LINEAGE. Default: true.")
  String lineage;

  @Option(
      names = "--lookup-dir",
      paramLabel = "<dir>",
      scope = ScopeType.INHERIT,
      description = "The only directory processor configuration may name files in (a lookup"
          + " table's csvFile is relative to it). Env TRIBUTARY_LOOKUP_DIR. Default: <data-dir>/lookup.")
  String lookupDir;

  @Option(
      names = "--lookup-max-file-size",
      paramLabel = "<size>",
      scope = ScopeType.INHERIT,
      description = "The largest file processor configuration may read: bytes, or with KiB, MiB"
          + " or GiB. Env TRIBUTARY_LOOKUP_MAX_FILE_SIZE. Default: 64MiB.")
  String lookupMaxFileSize;

  @Option(
      names = "--bind",
      paramLabel = "<address>",
      scope = ScopeType.INHERIT,
      description = "Address both listeners bind to: an IP address of this machine, localhost,"
          + " or 0.0.0.0 for every interface. Env TRIBUTARY_BIND. Default: 0.0.0.0.")
  String bind;

  @Option(
      names = "--admin-bind",
      paramLabel = "<address>",
      scope = ScopeType.INHERIT,
      description = "Address of the admin UI and REST API listener, overriding --bind."
          + " Env TRIBUTARY_ADMIN_BIND. Default: the --bind address.")
  String adminBind;

  @Option(
      names = "--otlp-bind",
      paramLabel = "<address>",
      scope = ScopeType.INHERIT,
      description = "Address of the OTLP/HTTP and OTLP/gRPC receivers, overriding --bind."
          + " Env TRIBUTARY_OTLP_BIND. Default: the --bind address.")
  String otlpBind;

  @Option(
      names = "--secure-cookies",
      paramLabel = "<true|false>",
      arity = "0..1",
      fallbackValue = "true",
      scope = ScopeType.INHERIT,
      description = "Always mark the session cookie Secure (behind a proxy that ends TLS);"
          + " otherwise it is Secure on HTTPS requests only. Env TRIBUTARY_SECURE_COOKIES. Default: false.")
  String secureCookies;

  @Option(
      names = "--strict-writes",
      paramLabel = "<true|false>",
      arity = "0..1",
      fallbackValue = "true",
      scope = ScopeType.INHERIT,
      description = "Treat a processor's write to a key its descriptor does not declare as a failure"
          + " of the stage on that item (its failure policy applies); otherwise such writes are kept"
          + " and counted. Env TRIBUTARY_STRICT_WRITES. Default: false.")
  String strictWrites;

  /** The options given on the command line; absent keys were not given. */
  Map<Setting, String> givenFlags() {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    putIfGiven(flags, Setting.ADMIN_PORT, adminPort);
    putIfGiven(flags, Setting.OTLP_PORT, otlpPort);
    putIfGiven(flags, Setting.DATA_DIR, dataDir);
    putIfGiven(flags, Setting.PLUGINS_DIR, pluginsDir);
    putIfGiven(flags, Setting.ENV, env);
    putIfGiven(flags, Setting.DB_URL, dbUrl);
    putIfGiven(flags, Setting.EXPORTER, exporter);
    putIfGiven(flags, Setting.LINEAGE, lineage);
    putIfGiven(flags, Setting.LOOKUP_DIR, lookupDir);
    putIfGiven(flags, Setting.LOOKUP_MAX_FILE_SIZE, lookupMaxFileSize);
    putIfGiven(flags, Setting.BIND, bind);
    putIfGiven(flags, Setting.ADMIN_BIND, adminBind);
    putIfGiven(flags, Setting.OTLP_BIND, otlpBind);
    putIfGiven(flags, Setting.SECURE_COOKIES, secureCookies);
    putIfGiven(flags, Setting.STRICT_WRITES, strictWrites);
    putIfGiven(flags, Setting.OTLP_GRPC_PORT, otlpGrpcPort);
    putIfGiven(flags, Setting.OTLP_MAX_BODY_SIZE, otlpMaxBodySize);
    putIfGiven(flags, Setting.OTLP_GRPC_MAX_MESSAGE_SIZE, otlpGrpcMaxMessageSize);
    putIfGiven(flags, Setting.TLS_CERT, tlsCert);
    putIfGiven(flags, Setting.TLS_KEY, tlsKey);
    putIfGiven(flags, Setting.TLS_CLIENT_CA, tlsClientCa);
    putIfGiven(flags, Setting.EXPORTER_CA, exporterCa);
    putIfGiven(flags, Setting.QUEUE, queue);
    putIfGiven(flags, Setting.QUEUE_MAX_BYTES, queueMaxBytes);
    putIfGiven(flags, Setting.QUEUE_SYNC, queueSync);
    return flags;
  }

  private static void putIfGiven(Map<Setting, String> flags, Setting setting, String value) {
    if (value != null) {
      flags.put(setting, value);
    }
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command, e.g. 'tributary serve'");
  }

  /** Reports the version from the build info. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"tributary " + BuildInfo.load().version()};
    }
  }
}
