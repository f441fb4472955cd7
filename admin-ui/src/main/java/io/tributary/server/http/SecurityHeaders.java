package io.tributary.server.http;

import io.javalin.http.Context;
import java.util.Map;

/**
 * The headers every answer of the admin listener carries, UI pages and API answers alike.
 *
 * <p>The web UI is plain ES modules and a style sheet, with no inline script, handler or style,
 * so the content security policy allows only this origin's files: an injected {@code <script>}
 * or {@code onerror=} would not run. No page may be framed (clickjacking), no MIME type sniffed,
 * and no referrer leaves the page (a URL may carry an environment or a filter).
 */
public final class SecurityHeaders {

  public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
      + "style-src 'self'; object-src 'none'; frame-ancestors 'none'; "
      + "base-uri 'none'; form-action 'self'";

  /** Header name to value. */
  public static final Map<String, String> HEADERS = Map.of(
      "Content-Security-Policy", CONTENT_SECURITY_POLICY,
      "X-Content-Type-Options", "nosniff",
      "X-Frame-Options", "DENY",
      "Referrer-Policy", "no-referrer");

  private SecurityHeaders() {}

  /** Sets every header on the answer (run before any handler, so errors carry them too). */
  public static void apply(Context ctx) {
    HEADERS.forEach(ctx::header);
  }
}
