package io.tributary.server.http;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * gives the revisions, the reason and the missing processors. {@code outputs} lists the outputs
 * (exporters, the dead-letter sink) that cannot write now, each with {@code output} and {@code
 * since}; while one fails, its items are held, the node refuses telemetry once its queue is full,
 * and {@code status} is {@code DEGRADED}. The reason, which may name files, is in the log and in the
 * environment's stats, which need a token.
 */
public final class HealthController implements Controller {

  /**
   * The health response body; {@code pipeline} and {@code outputs} are null when no pipeline or
   * gateway is served.
   */
  public record Health(String status, String version, String env, long uptimeSeconds,
      Map<String, Object> pipeline, List<Map<String, Object>> outputs, List<Map<String, Object>> listeners) {}

  private final String version;
  private final String env;
  private final Clock clock;
  private final Instant startedAt;
  private final Supplier<Map<String, Object>> pipeline;
  private final Supplier<List<Map<String, Object>>> outputs;
  private volatile Supplier<List<Map<String, Object>>> listeners;

  public HealthController(String version, String env, Clock clock) {
    this(version, env, clock, null);
  }

  /**
   * @param pipeline this node's pipeline status (see {@code PipelineService.Status#toMap}), or null
   */
  public HealthController(String version, String env, Clock clock, Supplier<Map<String, Object>> pipeline) {
    this(version, env, clock, pipeline, null);
  }

  /**
   * @param pipeline this node's pipeline status (see {@code PipelineService.Status#toMap}), or null
   * @param outputs the gateway's failing outputs, without detail (see {@code
   *     Gateway#failingOutputs}), or null
   */
  public HealthController(String version, String env, Clock clock, Supplier<Map<String, Object>> pipeline,
      Supplier<List<Map<String, Object>>> outputs) {
    this.version = Objects.requireNonNull(version, "version");
    this.env = Objects.requireNonNull(env, "env");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.startedAt = clock.instant();
    this.pipeline = pipeline;
    this.outputs = outputs;
  }

  /**
   * What {@code listeners} reports: each listener that is up, with {@code name} ({@code admin},
   * {@code otlp-http}, {@code otlp-grpc}), {@code address}, {@code port} and {@code tls} ({@code
   * none}, {@code tls} or {@code mutual-tls}).
   */
  public HealthController listeners(Supplier<List<Map<String, Object>>> listeners) {
    this.listeners = listeners;
    return this;
  }

  @Override
  public void register(Api api) {
    api.get("/api/v1/health", Api.Access.PUBLIC, "Liveness, version and uptime (no token)", this::health);
  }

  private void health(Context ctx) {
    long uptime = Duration.between(startedAt, clock.instant()).toSeconds();
    Map<String, Object> p = pipeline == null ? null : pipeline.get();
    List<Map<String, Object>> failing = outputs == null ? null : outputs.get();
    String status = "UP";
    if (p != null && !Boolean.TRUE.equals(p.get("acceptingTelemetry"))) {
      status = "REFUSING_TELEMETRY";
    } else if (p != null && (p.get("problem") != null || Boolean.TRUE.equals(p.get("failOpen")))
        || failing != null && !failing.isEmpty()) {
      status = "DEGRADED";
    }
    Supplier<List<Map<String, Object>>> up = listeners;
    ctx.json(new Health(status, version, env, Math.max(0, uptime), p, failing, up == null ? List.of() : up.get()));
  }
}
