package io.tributary.server.http;

import io.javalin.http.Context;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.Principal;
import io.tributary.server.http.Api.Access;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Browser login: a token is exchanged once for an HttpOnly, SameSite=Strict session cookie, so
 * the web UI never keeps the token in script-readable storage.
 *
 * <p>Logins are audited as failures are: at most one {@code session.login} event per principal
 * and client address per minute, the next one saying how many were not audited in between.
 */
public final class SessionController implements Controller {

  private final Catalog catalog;
  private final Sessions sessions;
  private final TokenAuthenticator tokens;
  private final boolean secureCookies;
  private final AuditThrottle loginAudits;

  public SessionController(Catalog catalog, Sessions sessions, TokenAuthenticator tokens) {
    this(catalog, sessions, tokens, false, Clock.systemUTC());
  }

  /**
   * @param secureCookies set {@code Secure} on the cookie even on plain HTTP (the server sits
   *     behind a proxy that ends TLS); without it, {@code Secure} is set on HTTPS requests only
   */
  public SessionController(Catalog catalog, Sessions sessions, TokenAuthenticator tokens, boolean secureCookies,
      Clock clock) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.secureCookies = secureCookies;
    this.loginAudits = new AuditThrottle(clock, Duration.ofMinutes(1), 10_000);
  }

  @Override
  public void register(Api api) {
    api.post("/api/v1/session", Access.PUBLIC,
        "Log in: exchange a token for an HttpOnly session cookie (the web UI's login)",
        "{\"token\": string}", this::login);
    api.delete("/api/v1/session", Access.VIEWER, "Log out: end this browser session and clear its cookie",
        this::logout);
  }

  private void login(Context ctx) {
    if (ctx.header("Origin") != null) {
      // A login form posted from another site would log the browser in as someone else.
      SessionAuthenticator.requireSameOrigin(ctx);
    }
    String token = Json.string(Json.body(ctx), "token", true).trim();
    Optional<Principal> principal = token.isEmpty() ? Optional.empty() : catalog.principals().authenticate(token);
    if (principal.isEmpty()) {
      tokens.auditFailure(ctx, "login with an unknown, expired or revoked token");
      throw new ApiException(401, "unauthorized", "The token is unknown, expired or revoked");
    }
    Sessions.Session session = sessions.create(principal.get().id());
    ctx.res().addHeader("Set-Cookie", cookie(ctx, session.id(), sessions.lifetime().toSeconds()));
    long notAudited = loginAudits.admit(principal.get().id() + " " + ctx.ip());
    if (notAudited >= 0) {
      catalog.audit().append(principal.get().name(), "session.login", "api", null, null,
          "browser session from " + ctx.ip()
              + (notAudited > 0 ? "; " + notAudited + " more login(s) from this address were not audited before it" : "")
              + " (further logins from this address within a minute are counted, not audited)");
    }
    Map<String, Object> out = TokensController.principal(principal.get());
    out.put("sessionExpiresAt", session.expiresAt().toString());
    ctx.json(out);
  }

  private void logout(Context ctx) {
    if (SessionAuthenticator.usesCookie(ctx)) {
      sessions.end(ctx.cookie(SessionAuthenticator.COOKIE));
    }
    ctx.res().addHeader("Set-Cookie", cookie(ctx, "", 0));
    ctx.json(Map.of("loggedOut", true));
  }

  private String cookie(Context ctx, String value, long maxAgeSeconds) {
    boolean secure = secureCookies || "https".equalsIgnoreCase(ctx.scheme());
    return SessionAuthenticator.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds
        + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  }
}
