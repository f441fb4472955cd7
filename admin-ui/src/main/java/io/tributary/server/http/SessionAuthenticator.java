package io.tributary.server.http;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.UnauthorizedResponse;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.Principal;
import java.net.URI;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates a request by its bearer token if it has one, else by the browser's session
 * cookie. A cookie is sent by the browser on its own, so a state-changing request that relies on
 * it must also carry an {@code Origin} naming this server (cross-site request forgery defence
 * beside {@code SameSite=Strict}); a bearer token is never sent implicitly and needs no such check.
 */
public final class SessionAuthenticator implements Authenticator {

  /** The session cookie's name. */
  public static final String COOKIE = "tributary_session";

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  private final TokenAuthenticator tokens;
  private final Sessions sessions;
  private final Catalog catalog;
  private final Clock clock;

  public SessionAuthenticator(TokenAuthenticator tokens, Sessions sessions, Catalog catalog, Clock clock) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Optional<Principal> authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    if (header != null && !header.isBlank()) {
      return tokens.authenticate(ctx);
    }
    String id = ctx.cookie(COOKIE);
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    Sessions.Session session = sessions.find(id)
        .orElseThrow(() -> new UnauthorizedResponse("Your session has expired or ended: log in again"));
    Optional<Principal> principal = catalog.principals().get(session.principalId())
        .filter(p -> p.isActive(clock.instant()));
    if (principal.isEmpty()) {
      sessions.end(id);
      throw new UnauthorizedResponse("The token behind this session was revoked or has expired: log in again");
    }
    if (!SAFE_METHODS.contains(ctx.method().name().toUpperCase(Locale.ROOT))) {
      requireSameOrigin(ctx);
    }
    return principal;
  }

  /** Whether a request came through a session cookie rather than a bearer token. */
  public static boolean usesCookie(Context ctx) {
    String header = ctx.header("Authorization");
    return (header == null || header.isBlank()) && ctx.cookie(COOKIE) != null;
  }

  /**
   * Refuses (403) a request whose {@code Origin} is missing or names another host than the one
   * the request was sent to.
   */
  static void requireSameOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null || origin.isBlank() || origin.equals("null")) {
      throw new ForbiddenResponse("A change made with a session cookie must carry an Origin header naming this "
          + "server; send the request from the admin UI, or use 'Authorization: Bearer <token>'");
    }
    if (!sameOrigin(origin, ctx.host())) {
      throw new ForbiddenResponse("Origin " + origin + " is not this server (" + ctx.host()
          + "): cross-site changes are refused");
    }
  }

  /** {@code Origin: http://h:p} against {@code Host: h:p}; default ports may be left out on either side. */
  static boolean sameOrigin(String origin, String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    URI uri;
    try {
      uri = URI.create(origin.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (uri.getHost() == null || uri.getScheme() == null) {
      return false;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int defaultPort = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    if (defaultPort < 0) {
      return false;
    }
    int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
    URI hostUri;
    try {
      hostUri = URI.create(scheme + "://" + host.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (hostUri.getHost() == null) {
      return false;
    }
    int hostPort = hostUri.getPort() < 0 ? defaultPort : hostUri.getPort();
    return uri.getHost().equalsIgnoreCase(hostUri.getHost()) && originPort == hostPort;
  }
}
