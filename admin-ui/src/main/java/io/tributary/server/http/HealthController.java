package io.tributary.server.http;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** {@code GET /api/v1/health}: liveness, version and uptime. Needs no token. */
public final class HealthController implements Controller {

  /** The health response body. */
  public record Health(String status, String version, String env, long uptimeSeconds) {}

  private final String version;
  private final String env;
  private final Clock clock;
  private final Instant startedAt;

  public HealthController(String version, String env, Clock clock) {
    this.version = Objects.requireNonNull(version, "version");
    this.env = Objects.requireNonNull(env, "env");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.startedAt = clock.instant();
  }

  @Override
  public void register(Api api) {
    api.get("/api/v1/health", Api.Access.PUBLIC, "Liveness, version and uptime (no token)", this::health);
  }

  private void health(Context ctx) {
    long uptime = Duration.between(startedAt, clock.instant()).toSeconds();
    ctx.json(new Health("UP", version, env, Math.max(0, uptime)));
  }
}
