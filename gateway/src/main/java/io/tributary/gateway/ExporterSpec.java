package io.tributary.gateway;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One exporter the gateway sends enriched telemetry to: {@code jsonl} (rotating files under
 * {@code <data-dir>/out/}), {@code stdout}, {@code otlp=<base URL>} (OTLP/HTTP protobuf to
 * {@code <base URL>/v1/traces|logs|metrics}) or {@code otlp-grpc=<host:port>} (OTLP/gRPC;
 * {@code https://host:port} for TLS).
 *
 * @param type {@code jsonl}, {@code stdout}, {@code otlp} or {@code otlp-grpc}
 * @param url the base URL for {@code otlp} and {@code otlp-grpc} ({@code http://} or {@code
 *     https://}); empty otherwise
 * @param ca the PEM file of the CAs a TLS downstream's certificate must chain to; null for the
 *     JDK's default CAs
 */
public record ExporterSpec(String type, String url, Path ca) {

  public static final String JSONL = "jsonl";
  public static final String STDOUT = "stdout";
  public static final String OTLP = "otlp";
  public static final String OTLP_GRPC = "otlp-grpc";
  /** What a fresh install exports to: files under the data dir, so it shows its output. */
  public static final List<ExporterSpec> DEFAULT = List.of(new ExporterSpec(JSONL, ""));

  public ExporterSpec {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(url, "url");
  }

  /** An exporter that trusts the JDK's default CAs. */
  public ExporterSpec(String type, String url) {
    this(type, url, null);
  }

  /**
   * Checks that {@code ca} is a PEM file of CA certificates an exporter can trust.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static void checkCa(Path ca) {
    Pem.trustManager(ca);
  }

  /** Whether this exporter sends over the network (and so may use TLS). */
  public boolean network() {
    return OTLP.equals(type) || OTLP_GRPC.equals(type);
  }

  /** These exporters, the network ones trusting the CAs in {@code ca} (a PEM file) instead of the JDK's. */
  public static List<ExporterSpec> withCa(List<ExporterSpec> specs, Path ca) {
    List<ExporterSpec> out = new ArrayList<>();
    for (ExporterSpec spec : specs) {
      out.add(spec.network() ? new ExporterSpec(spec.type(), spec.url(), ca) : spec);
    }
    return List.copyOf(out);
  }

  /**
   * Parses a comma-separated list, e.g. {@code jsonl,otlp=http://collector:4318}.
   *
   * @throws IllegalArgumentException saying what is wrong with which entry
   */
  public static List<ExporterSpec> parseList(String text) {
    List<ExporterSpec> out = new ArrayList<>();
    for (String raw : text.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String type = (eq < 0 ? entry : entry.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : entry.substring(eq + 1).strip();
      switch (type) {
        case JSONL:
        case STDOUT:
          if (!value.isEmpty()) {
            throw new IllegalArgumentException("'" + entry + "': " + type + " takes no value");
          }
          out.add(new ExporterSpec(type, ""));
          break;
        case OTLP:
          URI uri;
          try {
            uri = URI.create(value);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + entry + "': not a URL");
          }
          if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + entry + "': give an http(s) base URL, e.g. otlp=http://collector:4318");
          }
          out.add(new ExporterSpec(OTLP, value));
          break;
        case OTLP_GRPC:
          out.add(new ExporterSpec(OTLP_GRPC, grpcTarget(entry, value)));
          break;
        default:
          throw new IllegalArgumentException("'" + entry + "': unknown exporter (" + KINDS + ")");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no exporter given (" + KINDS + ")");
    }
    return List.copyOf(out);
  }

  private static final String KINDS = "jsonl, stdout, otlp=<url>, otlp-grpc=<host:port>";

  /** {@code host:port}, {@code http://host:port} or {@code https://host:port}, as {@code http(s)://host:port}. */
  private static String grpcTarget(String entry, String value) {
    String url = value.contains("://") ? value : "http://" + value;
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + entry + "': not host:port or a URL");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
        || uri.getPort() < 1 || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || "/".equals(uri.getRawPath()))
        || uri.getRawQuery() != null) {
      throw new IllegalArgumentException("'" + entry + "': give host:port, or https://host:port for TLS,"
          + " e.g. otlp-grpc=collector:4317");
    }
    return uri.getScheme() + "://" + uri.getHost()
        + ":" + uri.getPort();
  }

  @Override
  public String toString() {
    return (url.isEmpty() ? type : type + "=" + url) + (ca == null ? "" : " (CA " + ca + ")");
  }
}
