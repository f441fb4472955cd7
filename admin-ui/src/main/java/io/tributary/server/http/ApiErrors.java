package io.tributary.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.Locale;
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

  /** {@code 404} becomes {@code not_found}, {@code 500} becomes {@code internal_server_error}. */
  static String code(int status) {
    HttpStatus known = HttpStatus.forStatus(status);
    if (known == HttpStatus.UNKNOWN) {
      return "http_" + status;
    }
    return known.name().toLowerCase(Locale.ROOT);
  }
}
