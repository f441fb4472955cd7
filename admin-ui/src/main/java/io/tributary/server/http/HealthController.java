package io.tributary.server.http;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/health}: liveness, version and uptime, and whether this node accepts
 * telemetry. Needs no token.
 *
 * <p>The answer is 200 whenever the process serves it (liveness: a supervisor must not restart a
 * node only because its pipeline does not compile — the restart would not fix that). {@code
 * status} says more: {@code UP}; {@code DEGRADED} (telemetry accepted, but the newest revision does
 * not run as stored, or passes through unprocessed because the environment fails open); {@code
 * REFUSING_TELEMETRY} (the pipeline does not compile: receivers answer 503). {@code pipeline}
 * gives the revisions, the reason and the missing processors.
 */
public final class HealthController implements Controller {

  /** The health response body; {@code pipeline} is null when no pipeline is served. */
  public record Health(String status, String version, String env, long uptimeSeconds,
      Map<String, Object> pipeline) {}

  private final String version;
  private final String env;
  private final Clock clock;
  private final Instant startedAt;
  private final Supplier<Map<String, Object>> pipeline;

  public HealthController(String version, String env, Clock clock) {
    this(version, env, clock, null);
  }

  /**
   * @param pipeline this node's pipeline status (see {@code PipelineService.Status#toMap}), or null
   */
  public HealthController(String version, String env, Clock clock, Supplier<Map<String, Object>> pipeline) {
    this.version = Objects.requireNonNull(version, "version");
    this.env = Objects.requireNonNull(env, "env");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.startedAt = clock.instant();
    this.pipeline = pipeline;
  }

  @Override
  public void register(Api api) {
    api.get("/api/v1/health", Api.Access.PUBLIC, "Liveness, version and uptime (no token)", this::health);
  }

  private void health(Context ctx) {
    long uptime = Duration.between(startedAt, clock.instant()).toSeconds();
    Map<String, Object> p = pipeline == null ? null : pipeline.get();
    String status = "UP";
    if (p != null) {
      if (!Boolean.TRUE.equals(p.get("acceptingTelemetry"))) {
        status = "REFUSING_TELEMETRY";
      } else if (p.get("problem") != null || Boolean.TRUE.equals(p.get("failOpen"))) {
        status = "DEGRADED";
      }
    }
    ctx.json(new Health(status, version, env, Math.max(0, uptime), p));
  }
}
