package io.tributary.server.http;

import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import io.tributary.catalog.Catalog;
import io.tributary.catalog.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Authenticates {@code Authorization: Bearer <token>} against the catalog's principals. A bad
 * token is refused (401) and audited as a failed login — at most one audit event per client
 * address per minute, which says how many failures from that address were not audited since the
 * last one, so a flood of bad tokens cannot flood the trail.
 */
public final class TokenAuthenticator implements Authenticator {

  private final Catalog catalog;
  private final AuditThrottle failures;

  public TokenAuthenticator(Catalog catalog, Clock clock) {
    this.catalog = catalog;
    this.failures = new AuditThrottle(clock, Duration.ofMinutes(1), 10_000);
  }

  @Override
  public Optional<Principal> authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      auditFailure(ctx, "malformed Authorization header");
      throw new UnauthorizedResponse("The Authorization header must be 'Bearer <token>'");
    }
    Optional<Principal> principal = catalog.principals().authenticate(header.substring(7).trim());
    if (principal.isEmpty()) {
      auditFailure(ctx, "unknown, expired or revoked token");
      throw new UnauthorizedResponse("The token is unknown, expired or revoked");
    }
    return principal;
  }

  /** Audits a failed login (rate-limited per client address). */
  void auditFailure(Context ctx, String why) {
    String ip = ctx.ip();
    long skipped = failures.admit(ip);
    if (skipped < 0) {
      return;
    }
    catalog.audit().append("anonymous", "auth.failed", "api", null, null,
        why + " from " + ip + " on " + ctx.method() + " " + ctx.path()
            + (skipped > 0 ? "; " + skipped + " earlier failure(s) from this address were not audited" : "")
            + " (further failures from this address are not audited for a minute)");
  }
}
