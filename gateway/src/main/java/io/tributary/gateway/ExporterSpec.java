package io.tributary.gateway;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One exporter the gateway sends enriched telemetry to: {@code jsonl} (rotating files under
 * {@code <data-dir>/out/}), {@code stdout}, or {@code otlp=<base URL>} (OTLP/HTTP protobuf to
 * {@code <base URL>/v1/traces|logs|metrics}).
 *
 * @param type {@code jsonl}, {@code stdout} or {@code otlp}
 * @param url the base URL for {@code otlp}; empty otherwise
 */
public record ExporterSpec(String type, String url) {

  public static final String JSONL = "jsonl";
  public static final String STDOUT = "stdout";
  public static final String OTLP = "otlp";
  /** What a fresh install exports to: files under the data dir, so it shows its output. */
  public static final List<ExporterSpec> DEFAULT = List.of(new ExporterSpec(JSONL, ""));

  public ExporterSpec {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(url, "url");
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
        default:
          throw new IllegalArgumentException("'" + entry + "': unknown exporter (jsonl, stdout, otlp=<url>)");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no exporter given (jsonl, stdout, otlp=<url>)");
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return url.isEmpty() ? type : type + "=" + url;
  }
}
