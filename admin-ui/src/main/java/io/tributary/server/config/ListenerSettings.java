package io.tributary.server.config;

import java.nio.file.Path;

/**
 * The OTLP/gRPC listener, the OTLP size limits and TLS, as a node runs with them.
 *
 * @param otlpGrpcPort port of the OTLP/gRPC receiver; 0 picks a free port
 * @param otlpMaxBodyBytes the largest OTLP/HTTP body, compressed or once inflated
 * @param otlpGrpcMaxMessageBytes the largest OTLP/gRPC message, once inflated
 * @param tlsCert the PEM certificate chain every listener serves TLS with; null for plaintext
 * @param tlsKey the PEM private key of {@code tlsCert}; null for plaintext
 * @param tlsClientCa the PEM CA whose client certificates the OTLP listeners require (mutual
 *     TLS); null for none
 */
public record ListenerSettings(int otlpGrpcPort, int otlpMaxBodyBytes, int otlpGrpcMaxMessageBytes, Path tlsCert,
    Path tlsKey, Path tlsClientCa) {

  /** The port every OpenTelemetry SDK sends OTLP/gRPC to by default. */
  public static final int DEFAULT_OTLP_GRPC_PORT = 4317;

  public ListenerSettings {
    if (otlpGrpcPort < 0 || otlpGrpcPort > 65_535) {
      throw new InvalidConfigException(Setting.OTLP_GRPC_PORT, "Invalid value for option '"
          + Setting.OTLP_GRPC_PORT.flag() + "': " + otlpGrpcPort + " is not a port number (0-65535)");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      Setting missing = tlsCert == null ? Setting.TLS_CERT : Setting.TLS_KEY;
      Setting given = tlsCert == null ? Setting.TLS_KEY : Setting.TLS_CERT;
      throw new InvalidConfigException(missing, "Option '" + given.flag() + "' needs '" + missing.flag()
          + "' too (a certificate and its private key, both PEM files)");
    }
    if (tlsClientCa != null && tlsCert == null) {
      throw new InvalidConfigException(Setting.TLS_CLIENT_CA, "Option '" + Setting.TLS_CLIENT_CA.flag()
          + "' needs '" + Setting.TLS_CERT.flag() + "' and '" + Setting.TLS_KEY.flag()
          + "': mutual TLS is TLS first");
    }
  }

  /** gRPC on {@code grpcPort}, the default size limits, no TLS. */
  public static ListenerSettings plaintext(int grpcPort) {
    return new ListenerSettings(grpcPort, io.tributary.gateway.OtlpReceiver.MAX_BODY_BYTES,
        io.tributary.gateway.OtlpGrpcReceiver.DEFAULT_MAX_MESSAGE_BYTES, null, null, null);
  }

  /** Whether the listeners serve TLS. */
  public boolean tls() {
    return tlsCert != null;
  }

  /** These settings with TLS from these files ({@code clientCa} may be null). */
  public ListenerSettings withTls(Path cert, Path key, Path clientCa) {
    return new ListenerSettings(otlpGrpcPort, otlpMaxBodyBytes, otlpGrpcMaxMessageBytes, cert, key, clientCa);
  }
}
