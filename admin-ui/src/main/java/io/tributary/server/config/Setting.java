package io.tributary.server.config;

/**
 * The server's settings: each has a command-line flag and an environment variable.
 *
 * <p>Precedence is flag, then environment variable, then default.
 */
public enum Setting {
  ADMIN_PORT("--admin-port", "TRIBUTARY_ADMIN_PORT"),
  OTLP_PORT("--otlp-port", "TRIBUTARY_OTLP_PORT"),
  DATA_DIR("--data-dir", "TRIBUTARY_DATA_DIR"),
  PLUGINS_DIR("--plugins-dir", "TRIBUTARY_PLUGINS_DIR"),
  ENV("--env", "TRIBUTARY_ENV"),
  DB_URL("--db-url", "TRIBUTARY_DB_URL"),
  EXPORTER("--exporter", "TRIBUTARY_EXPORTER"),
  LINEAGE("--lineage", "TRIBUTARY_LINEAGE"),
  LOOKUP_DIR("--lookup-dir", "TRIBUTARY_LOOKUP_DIR"),
  LOOKUP_MAX_FILE_SIZE("--lookup-max-file-size", "TRIBUTARY_LOOKUP_MAX_FILE_SIZE"),
  BIND("--bind", "TRIBUTARY_BIND"),
  ADMIN_BIND("--admin-bind", "TRIBUTARY_ADMIN_BIND"),
  OTLP_BIND("--otlp-bind", "TRIBUTARY_OTLP_BIND"),
  SECURE_COOKIES("--secure-cookies", "TRIBUTARY_SECURE_COOKIES"),
  STRICT_WRITES("--strict-writes", "TRIBUTARY_STRICT_WRITES"),
  OTLP_GRPC_PORT("--otlp-grpc-port", "TRIBUTARY_OTLP_GRPC_PORT"),
  OTLP_MAX_BODY_SIZE("--otlp-max-body-size", "TRIBUTARY_OTLP_MAX_BODY_SIZE"),
  OTLP_GRPC_MAX_MESSAGE_SIZE("--otlp-grpc-max-message-size", "TRIBUTARY_OTLP_GRPC_MAX_MESSAGE_SIZE"),
  TLS_CERT("--tls-cert", "TRIBUTARY_TLS_CERT"),
  TLS_KEY("--tls-key", "TRIBUTARY_TLS_KEY"),
  TLS_CLIENT_CA("--tls-client-ca", "TRIBUTARY_TLS_CLIENT_CA"),
  EXPORTER_CA("--exporter-ca", "TRIBUTARY_EXPORTER_CA"),
  QUEUE("--queue", "TRIBUTARY_QUEUE"),
  QUEUE_MAX_BYTES("--queue-max-bytes", "TRIBUTARY_QUEUE_MAX_BYTES"),
  QUEUE_SYNC("--queue-sync", "TRIBUTARY_QUEUE_SYNC");

  private final String flag;
  private final String envVar;

  Setting(String flag, String envVar) {
    this.flag = flag;
    this.envVar = envVar;
  }

  /** The long command-line option, e.g. {@code --admin-port}. */
  public String flag() {
    return flag;
  }

  /** The environment variable, e.g. {@code TRIBUTARY_ADMIN_PORT}. */
  public String envVar() {
    return envVar;
  }
}
