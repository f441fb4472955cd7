package io.tributary.server.http;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions, in memory: a random id (the cookie value) bound to a principal id until it
 * expires. A node restart logs every browser out, which is acceptable for an admin UI; nothing
 * here is shared between nodes (log in to the node you talk to).
 *
 * <p>Thread-safe. The principal is looked up again on every request by the caller, so a revoked
 * or expired token ends its sessions at once.
 */
public final class Sessions {

  /** How long a session lasts after login (no sliding renewal: log in again after this). */
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(12);

  private static final int MAX_SESSIONS = 10_000;
  /**
   * Live sessions per principal. A login past this is refused, as Grafana refuses a login once
   * its session quota is reached: no session in use is ended behind its user's back, and a login
   * loop cannot pile up sessions. Logging out, or the oldest session expiring, frees a place.
   */
  public static final int MAX_SESSIONS_PER_PRINCIPAL = 10;

  /** One session. */
  public record Session(String id, long principalId, Instant expiresAt) {}

  private final Clock clock;
  private final Duration lifetime;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> byId = new ConcurrentHashMap<>();

  public Sessions(Clock clock, Duration lifetime) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
  }

  public Duration lifetime() {
    return lifetime;
  }

  /**
   * Starts a session for {@code principalId}, unless it has {@link #MAX_SESSIONS_PER_PRINCIPAL}
   * live ones already.
   *
   * @throws ApiException 403 {@code session_limit}, saying when the oldest session expires
   */
  public synchronized Session create(long principalId) {
    Instant now = clock.instant();
    if (byId.size() >= MAX_SESSIONS) {
      byId.values().removeIf(s -> !now.isBefore(s.expiresAt()));
    }
    List<Session> live = byId.values().stream()
        .filter(s -> s.principalId() == principalId && now.isBefore(s.expiresAt()))
        .sorted(Comparator.comparing(Session::expiresAt)).toList();
    if (live.size() >= MAX_SESSIONS_PER_PRINCIPAL) {
      throw new ApiException(403, "session_limit", "This token already has " + live.size()
          + " browser sessions, the most one token may have: log out of one, or wait until the oldest expires at "
          + live.get(0).expiresAt());
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Session session = new Session(id, principalId, now.plus(lifetime));
    byId.put(id, session);
    return session;
  }

  /** The live session with this id; an expired one is forgotten and not returned. */
  public Optional<Session> find(String id) {
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    Session s = byId.get(id);
    if (s == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(s.expiresAt())) {
      byId.remove(id);
      return Optional.empty();
    }
    return Optional.of(s);
  }

  /** Ends a session; unknown ids are ignored. */
  public void end(String id) {
    if (id != null) {
      byId.remove(id);
    }
  }

  /** Ends every session of a principal (e.g. its token was revoked). */
  public void endAll(long principalId) {
    byId.values().removeIf(s -> s.principalId() == principalId);
  }
}
