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
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("Unhandled error on {} {}", ctx.method(), ctx.path(), e);
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
    ctx.status(status).json(new ErrorBody(code(status), message == null ? "" : message));
  }

  private static void respond(Context ctx, int status, String code, String message, Map<String, Object> details) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message == null ? "" : message);
    body.putAll(details);
    ctx.status(status).json(body);
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
