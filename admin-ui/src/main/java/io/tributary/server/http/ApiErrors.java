package io.tributary.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.tributary.catalog.CatalogException;
import io.tributary.runtime.Diagnostic;
import io.tributary.runtime.PipelineCompilationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns exceptions and error statuses into JSON error bodies.
 *
 * <p>Every error the API returns looks like {@code {"error":"not_found","message":"..."}}:
 * {@code error} is a stable machine-readable code, {@code message} is for people.
 */
public final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  /** An error response body. */
  public record ErrorBody(String error, String message) {}

  private ApiErrors() {}

  public static void register(RoutesConfig routes) {
    routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e.status(), e.code(), e.getMessage(), e.details()));
    routes.exception(CatalogException.class, (e, ctx) -> {
      Map<String, Object> details = new LinkedHashMap<>();
      if (e.currentRevision() != null) {
        // For TAMPERED it is the revision that failed its integrity check, not the current one.
        details.put(e.kind() == CatalogException.Kind.TAMPERED ? "revision" : "currentRevision", e.currentRevision());
      }
      respond(ctx, status(e.kind()), e.kind().name().toLowerCase(Locale.ROOT), e.getMessage(), details);
    });
    routes.exception(PipelineCompilationException.class, (e, ctx) -> respond(ctx, 422, "does_not_compile",
        e.getMessage(), Map.of("diagnostics", diagnostics(e.diagnostics()))));
    routes.exception(
        HttpResponseException.class,
        (e, ctx) -> respond(ctx, e.getStatus(), e.getMessage()));
    routes.exception(
        IllegalArgumentException.class, (e, ctx) -> respond(ctx, 400, e.getMessage()));
    // Everything else is a bug of ours, whatever its type (a Jackson error while writing an
    // answer, a NullPointerException, ...): 500 with a short body, its stack trace logged once.
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("Unhandled error on {} {}", ctx.method(), oneLine(ctx.path()), e);
          respond(ctx, 500, "Unexpected server error; see the server log.");
        });
    // Unknown routes never reach an exception handler: Javalin only sets the status.
    routes.error(
        HttpStatus.NOT_FOUND,
        ctx -> {
          if (ctx.result() == null || ctx.result().isEmpty()) {
            respond(ctx, 404, "No resource at " + ctx.method() + " " + ctx.path());
          }
        });
  }

  private static void respond(Context ctx, int status, String message) {
    logClientError(ctx, status, message);
    ctx.status(status).json(new ErrorBody(code(status), message == null ? "" : message));
  }

  private static void respond(Context ctx, int status, String code, String message, Map<String, Object> details) {
    logClientError(ctx, status, message);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message == null ? "" : message);
    body.putAll(details);
    ctx.status(status).json(body);
  }

  /**
   * A client's mistake is worth one line (no stack trace: the trace would be ours, not theirs);
   * refused credentials, unknown paths and throttled requests only at debug level, as scanners
   * and retry loops send them by the thousand.
   */
  private static void logClientError(Context ctx, int status, String message) {
    if (status < 400 || status >= 500) {
      return;
    }
    if (status == 401 || status == 403 || status == 404 || status == 429) {
      if (LOG.isDebugEnabled()) {
        LOG.debug("{} on {} {} from {}: {}", status, ctx.method(), oneLine(ctx.path()), ctx.ip(), oneLine(message));
      }
    } else if (LOG.isInfoEnabled()) {
      LOG.info("{} on {} {} from {}: {}", status, ctx.method(), oneLine(ctx.path()), ctx.ip(), oneLine(message));
    }
  }

  /** Text from a request, safe for a log line: control characters (CR, LF, NUL) escaped, at most 300 chars. */
  static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    text.codePoints().limit(300).forEach(c -> {
      if (Character.isISOControl(c)) {
        out.append(String.format(Locale.ROOT, "\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return text.length() > 300 ? out + "…" : out.toString();
  }

  private static int status(CatalogException.Kind kind) {
    switch (kind) {
      case NOT_FOUND: return 404;
      case STALE_REVISION:
      case CONFLICT:
      case TAMPERED: return 409;
      case FORBIDDEN: return 403;
      default: return 422;
    }
  }

  /** Diagnostics as JSON: severity, stage index and name, key, message. */
  public static List<Map<String, Object>> diagnostics(List<Diagnostic> diagnostics) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Diagnostic d : diagnostics) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("severity", d.severity().name().toLowerCase(Locale.ROOT));
      m.put("stageIndex", d.stageIndex());
      m.put("stage", d.stage());
      m.put("key", d.key());
      m.put("message", d.message());
      out.add(m);
    }
    return out;
  }

  /** {@code 404} becomes {@code not_found}, {@code 500} becomes {@code internal_server_error}. */
  static String code(int status) {
    HttpStatus known = HttpStatus.forStatus(status);
    if (known == HttpStatus.UNKNOWN) {
      return "http_" + status;
    }
    return known.name().toLowerCase(Locale.ROOT);
  }
}
